package osv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeOSV serves the osv.dev API from the test advisory zip.
type fakeOSV struct {
	db *DB

	batchHits atomic.Int64
	vulnHits  atomic.Int64
	inFlight  atomic.Int64
	maxFlight atomic.Int64

	mu       sync.Mutex
	paginate map[string]bool // package name -> return a next_page_token once
	hostile  string          // if set, an id added to every batch answer
	delay    time.Duration   // delay of each /v1/vulns answer
}

func newFakeOSV(t *testing.T) (*fakeOSV, *httptest.Server) {
	t.Helper()
	f := &fakeOSV{db: loadShared(t), paginate: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/querybatch", f.querybatch)
	mux.HandleFunc("GET /v1/vulns/{id}", f.vuln)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeOSV) querybatch(w http.ResponseWriter, r *http.Request) {
	f.batchHits.Add(1)
	var req struct {
		Queries []struct {
			Package struct {
				Name      string `json:"name"`
				Ecosystem string `json:"ecosystem"`
			} `json:"package"`
			Version   string `json:"version"`
			PageToken string `json:"page_token"`
		} `json:"queries"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Queries) > 1000 {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	type ref struct {
		ID       string `json:"id"`
		Modified string `json:"modified"`
	}
	type res struct {
		Vulns         []ref  `json:"vulns,omitempty"`
		NextPageToken string `json:"next_page_token,omitempty"`
	}
	out := struct {
		Results []res `json:"results"`
	}{Results: []res{}}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, q := range req.Queries {
		if q.Package.Ecosystem != "PyPI" {
			http.Error(w, "bad ecosystem", http.StatusBadRequest)
			return
		}
		var vs []*Vuln
		if q.Version == "" {
			vs = f.db.Vulns(q.Package.Name)
		} else {
			for _, m := range f.db.Affecting(q.Package.Name, q.Version) {
				vs = append(vs, m.Vuln)
			}
		}
		var refs []ref
		for _, v := range vs {
			refs = append(refs, ref{v.ID, v.Modified.Format(time.RFC3339Nano)})
		}
		if f.hostile != "" {
			refs = append(refs, ref{f.hostile, "2024-01-01T00:00:00Z"})
		}
		var rs res
		switch {
		case q.PageToken == "page2":
			rs.Vulns = refs[len(refs)/2:]
		case q.PageToken != "":
			http.Error(w, "bad token", http.StatusBadRequest)
			return
		case f.paginate[q.Package.Name] && len(refs) > 1:
			rs.Vulns, rs.NextPageToken = refs[:len(refs)/2], "page2"
		default:
			rs.Vulns = refs
		}
		out.Results = append(out.Results, rs)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func (f *fakeOSV) vuln(w http.ResponseWriter, r *http.Request) {
	f.vulnHits.Add(1)
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxFlight.Load()
		if n <= m || f.maxFlight.CompareAndSwap(m, n) {
			break
		}
	}
	f.mu.Lock()
	delay := f.delay
	f.mu.Unlock()
	time.Sleep(delay)
	v := f.db.Get(r.PathValue("id"))
	if v == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func TestLookupFastAPIAndJinja2(t *testing.T) {
	f, srv := newFakeOSV(t)
	c := &Client{BaseURL: srv.URL, CacheDir: t.TempDir()}
	db, err := c.Lookup(context.Background(), []Query{{"fastapi", "0.65.1"}, {"Jinja2", "2.10"}, {"fastapi", "0.65.1"}})
	if err != nil {
		t.Fatal(err)
	}
	ms := db.Affecting("fastapi", "0.65.1")
	if got := ids(ms); !slices.Equal(got, []string{"PYSEC-2021-100", "PYSEC-2024-38"}) {
		t.Fatalf("fastapi 0.65.1 = %v", got)
	}
	if m := find(ms, "PYSEC-2021-100"); m.LowestFix != "0.65.2" || !slices.Contains(m.Vuln.Aliases, "CVE-2021-32677") {
		t.Errorf("PYSEC-2021-100 fix %q aliases %v", m.LowestFix, m.Vuln.Aliases)
	}
	if m := find(ms, "PYSEC-2024-38"); m.LowestFix != "0.109.1" {
		t.Errorf("PYSEC-2024-38 fix %q, want 0.109.1", m.LowestFix)
	}
	jm := db.Affecting("jinja2", "2.10")
	if got, want := ids(jm), ids(f.db.Affecting("jinja2", "2.10")); len(got) == 0 || !slices.Equal(got, want) {
		t.Errorf("jinja2 2.10 = %v, want %v", got, want)
	}
	if m := find(jm, "PYSEC-2019-217"); m == nil || m.LowestFix != "2.10.1" {
		t.Errorf("PYSEC-2019-217 = %+v", m)
	}
	// Constraint matching works on the online DB too.
	cms, err := db.AffectingConstraint("fastapi", "<0.65.2")
	if err != nil || len(cms) != 2 {
		t.Errorf("AffectingConstraint = %d matches, %v", len(cms), err)
	}
	// The duplicate query was sent once; one batch request, one GET per advisory.
	if f.batchHits.Load() != 1 || f.vulnHits.Load() != int64(db.Len()) {
		t.Errorf("hits: batch %d, vulns %d for %d advisories", f.batchHits.Load(), f.vulnHits.Load(), db.Len())
	}
}

func TestLookupCache(t *testing.T) {
	f, srv := newFakeOSV(t)
	dir := t.TempDir()
	c := &Client{BaseURL: srv.URL, CacheDir: dir}
	qs := []Query{{"fastapi", "0.65.1"}, {"jinja2", "2.10"}}
	db1, err := c.Lookup(context.Background(), qs)
	if err != nil {
		t.Fatal(err)
	}
	b, v := f.batchHits.Load(), f.vulnHits.Load()
	if b != 1 || v == 0 {
		t.Fatalf("first lookup hits: batch %d vulns %d", b, v)
	}
	db2, err := c.Lookup(context.Background(), qs)
	if err != nil {
		t.Fatal(err)
	}
	if f.batchHits.Load() != b || f.vulnHits.Load() != v {
		t.Errorf("second lookup hit the server: batch %d->%d vulns %d->%d", b, f.batchHits.Load(), v, f.vulnHits.Load())
	}
	if !slices.Equal(ids(db2.Affecting("fastapi", "0.65.1")), ids(db1.Affecting("fastapi", "0.65.1"))) || db1.Len() != db2.Len() {
		t.Errorf("cached DB differs: %v vs %v", db2, db1)
	}

	// Expired query answers are asked again, but unchanged advisories are
	// not downloaded again.
	c2 := &Client{BaseURL: srv.URL, CacheDir: dir, TTL: time.Nanosecond}
	time.Sleep(time.Millisecond)
	if _, err := c2.Lookup(context.Background(), qs); err != nil {
		t.Fatal(err)
	}
	if f.batchHits.Load() != b+1 || f.vulnHits.Load() != v {
		t.Errorf("expired lookup hits: batch %d->%d vulns %d->%d", b, f.batchHits.Load(), v, f.vulnHits.Load())
	}

	// Corrupt cache files are ignored and rewritten.
	n := 0
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
			return os.WriteFile(p, []byte("{not json"), 0o600)
		}
		return err
	})
	if err != nil || n == 0 {
		t.Fatalf("corrupting %d cache files: %v", n, err)
	}
	db3, err := c.Lookup(context.Background(), qs)
	if err != nil {
		t.Fatal(err)
	}
	if db3.Len() != db1.Len() || f.batchHits.Load() != b+2 || f.vulnHits.Load() != 2*v {
		t.Errorf("after corruption: %v, batch %d vulns %d", db3, f.batchHits.Load(), f.vulnHits.Load())
	}
	if _, err := c.Lookup(context.Background(), qs); err != nil || f.batchHits.Load() != b+2 || f.vulnHits.Load() != 2*v {
		t.Errorf("cache not rewritten: batch %d vulns %d, %v", f.batchHits.Load(), f.vulnHits.Load(), err)
	}
}

func TestLookupPagination(t *testing.T) {
	f, srv := newFakeOSV(t)
	f.paginate["jinja2"] = true
	c := &Client{BaseURL: srv.URL, CacheDir: "-"}
	db, err := c.Lookup(context.Background(), []Query{{"fastapi", "0.65.1"}, {"jinja2", ""}})
	if err != nil {
		t.Fatal(err)
	}
	want := f.db.Vulns("jinja2")
	if got := db.Vulns("jinja2"); len(want) < 2 || len(got) != len(want) {
		t.Errorf("jinja2: %d advisories, want %d", len(got), len(want))
	}
	if len(db.Affecting("fastapi", "0.65.1")) != 2 {
		t.Errorf("fastapi lost")
	}
	if f.batchHits.Load() != 2 {
		t.Errorf("batch hits = %d, want 2 (one page follow-up)", f.batchHits.Load())
	}
}

func TestLookupEndlessPagination(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, `{"results":[{"vulns":[],"next_page_token":"again"}]}`)
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, CacheDir: "-"}
	_, err := c.Lookup(context.Background(), []Query{{"fastapi", ""}})
	if err == nil || !strings.Contains(err.Error(), "pages") {
		t.Errorf("err = %v", err)
	}
	if hits.Load() != maxPages {
		t.Errorf("hits = %d, want %d", hits.Load(), maxPages)
	}
}

func TestLookupChunksAndConcurrency(t *testing.T) {
	f, srv := newFakeOSV(t)
	f.delay = 5 * time.Millisecond
	var qs []Query
	for i := range 1001 { // more than one querybatch chunk of 1000
		qs = append(qs, Query{"fastapi", fmt.Sprintf("0.%d.0", i)})
	}
	for i := range 12 {
		qs = append(qs, Query{"django", fmt.Sprintf("1.%d", i)})
	}
	c := &Client{BaseURL: srv.URL, CacheDir: "-"}
	db, err := c.Lookup(context.Background(), qs)
	if err != nil {
		t.Fatal(err)
	}
	if b := f.batchHits.Load(); b < 2 {
		t.Errorf("batch hits = %d, want >= 2 chunks", b)
	}
	if db.Len() < 10 {
		t.Errorf("only %d advisories", db.Len())
	}
	if m := f.maxFlight.Load(); m > 4 || m < 2 {
		t.Errorf("max concurrent vuln requests = %d, want 2..4", m)
	}
}

func TestLookupErrors(t *testing.T) {
	big := strings.Repeat(" ", 4096)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		max     int64
		want    string
		is      error
	}{
		{"status 500", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		}, 0, "500", nil},
		{"oversized batch", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"results":[{}]}`+big)
		}, 1024, "limit", ErrResponseTooLarge},
		{"malformed batch", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"results":[{"vulns":[{"id":`)
		}, 0, "decode", nil},
		{"wrong result count", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"results":[]}`)
		}, 0, "0 results", nil},
		{"hostile id", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"results":[{"vulns":[{"id":"../../etc/passwd"}]}]}`)
		}, 0, "invalid advisory id", nil},
		{"dot-dot id", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"results":[{"vulns":[{"id":".."}]}]}`)
		}, 0, "invalid advisory id", nil},
		{"malformed vuln", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/querybatch" {
				fmt.Fprint(w, `{"results":[{"vulns":[{"id":"PYSEC-1"}]}]}`)
				return
			}
			fmt.Fprint(w, `{"id": "PYSEC-1", "affected": [`)
		}, 0, "decode", nil},
		{"oversized vuln", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/querybatch" {
				fmt.Fprint(w, `{"results":[{"vulns":[{"id":"PYSEC-1"}]}]}`)
				return
			}
			fmt.Fprint(w, `{"id":"PYSEC-1"}`+big)
		}, 1024, "/v1/vulns/PYSEC-1", ErrResponseTooLarge},
		{"vuln 404", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/querybatch" {
				fmt.Fprint(w, `{"results":[{"vulns":[{"id":"PYSEC-1"}]}]}`)
				return
			}
			http.NotFound(w, r)
		}, 0, "404", nil},
		{"mismatched id", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/querybatch" {
				fmt.Fprint(w, `{"results":[{"vulns":[{"id":"PYSEC-1"}]}]}`)
				return
			}
			fmt.Fprint(w, `{"id":"PYSEC-2","affected":[{"package":{"name":"x","ecosystem":"PyPI"}}]}`)
		}, 0, "PYSEC-2", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var paths []string
			var mu sync.Mutex
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				paths = append(paths, r.URL.Path)
				mu.Unlock()
				tt.handler(w, r)
			}))
			defer srv.Close()
			dir := t.TempDir()
			c := &Client{BaseURL: srv.URL, CacheDir: dir, MaxResponse: tt.max}
			db, err := c.Lookup(context.Background(), []Query{{"fastapi", "0.65.1"}})
			if err == nil {
				t.Fatalf("no error; db %v", db)
			}
			if !strings.Contains(err.Error(), tt.want) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), srv.URL) && tt.name != "hostile id" && tt.name != "dot-dot id" {
				t.Errorf("err = %v does not name the URL", err)
			}
			for _, p := range paths {
				if p != "/v1/querybatch" && p != "/v1/vulns/PYSEC-1" {
					t.Errorf("unexpected request path %q", p)
				}
			}
			// Nothing escaped the cache directory.
			if _, err := os.Stat(filepath.Join(dir, "..", "etc")); err == nil {
				t.Errorf("cache wrote outside its directory")
			}
		})
	}
}

func TestLookupHostileIDFromServer(t *testing.T) {
	f, srv := newFakeOSV(t)
	f.hostile = "../../etc/passwd"
	c := &Client{BaseURL: srv.URL, CacheDir: t.TempDir()}
	if _, err := c.Lookup(context.Background(), []Query{{"fastapi", "0.65.1"}}); err == nil || !strings.Contains(err.Error(), "invalid advisory id") {
		t.Errorf("err = %v", err)
	}
	if f.vulnHits.Load() != 0 {
		t.Errorf("advisories fetched despite a hostile id")
	}
}

func TestLookupRedirectToOtherHost(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("redirect followed to %s", r.URL)
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, CacheDir: "-"}
	if _, err := c.Lookup(context.Background(), []Query{{"fastapi", "0.65.1"}}); err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Errorf("err = %v", err)
	}
}

func TestLookupEmptyAndInvalid(t *testing.T) {
	c := &Client{BaseURL: "http://127.0.0.1:1", CacheDir: "-"}
	db, err := c.Lookup(context.Background(), nil)
	if err != nil || db.Len() != 0 {
		t.Errorf("empty lookup = %v, %v", db, err)
	}
	if _, err := c.Lookup(context.Background(), []Query{{" ", "1.0"}}); err == nil {
		t.Errorf("empty name accepted")
	}
}

func TestCheckID(t *testing.T) {
	for _, id := range []string{"PYSEC-2021-100", "GHSA-8r8j-xvfj-36f9", "CVE-2021-32677", "a:b.c_d"} {
		if err := checkID(id); err != nil {
			t.Errorf("checkID(%q) = %v", id, err)
		}
	}
	for _, id := range []string{"", ".", "..", "../x", "a/b", `a\b`, "a b", "a%2f", strings.Repeat("a", 101), "é"} {
		if err := checkID(id); err == nil {
			t.Errorf("checkID(%q) accepted", id)
		}
	}
}

func TestLookupRetriesBusyServer(t *testing.T) {
	fake, real := newFakeOSV(t)
	var busy atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/querybatch" && busy.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		// Forward to the advisory server.
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, real.URL+r.URL.Path, r.Body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, CacheDir: "-"}
	db, err := c.Lookup(context.Background(), []Query{{Name: "fastapi", Version: "0.65.1"}})
	if err != nil {
		t.Fatalf("Lookup after a 429: %v", err)
	}
	if got := len(db.Affecting("fastapi", "0.65.1")); got != 2 {
		t.Errorf("fastapi 0.65.1: %d advisories after retry, want 2", got)
	}
	if busy.Load() < 2 || fake.batchHits.Load() != 1 {
		t.Errorf("batch requests: %d to the front, %d answered; want a retry", busy.Load(), fake.batchHits.Load())
	}

	// A server that stays busy gives up after maxAttempts.
	var tries atomic.Int64
	always := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tries.Add(1)
		w.Header().Set("Retry-After", "0")
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer always.Close()
	_, err = (&Client{BaseURL: always.URL, CacheDir: "-"}).Lookup(context.Background(), []Query{{Name: "fastapi"}})
	if err == nil || !strings.Contains(err.Error(), "503") || tries.Load() != maxAttempts {
		t.Errorf("always busy: err %v after %d tries, want a 503 error after %d", err, tries.Load(), maxAttempts)
	}
}
