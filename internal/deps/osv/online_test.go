package osv_test

import (
	"context"
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

	"github.com/fastapi-audit/fastapi-audit/internal/deps/osv"
	"github.com/fastapi-audit/fastapi-audit/internal/deps/osv/osvtest"
)

// newFakeOSV serves the osv.dev API from the test advisory zip.
func newFakeOSV(t *testing.T) *osvtest.Server {
	t.Helper()
	s := osvtest.New(osv.LoadShared(t))
	t.Cleanup(s.Close)
	return s
}

func TestLookupFastAPIAndJinja2(t *testing.T) {
	f := newFakeOSV(t)
	srv := f
	c := &osv.Client{BaseURL: srv.URL, CacheDir: t.TempDir()}
	db, err := c.Lookup(context.Background(), []osv.Query{{"fastapi", "0.65.1"}, {"Jinja2", "2.10"}, {"fastapi", "0.65.1"}})
	if err != nil {
		t.Fatal(err)
	}
	ms := db.Affecting("fastapi", "0.65.1")
	if got := osv.IDs(ms); !slices.Equal(got, []string{"PYSEC-2021-100", "PYSEC-2024-38"}) {
		t.Fatalf("fastapi 0.65.1 = %v", got)
	}
	if m := osv.Find(ms, "PYSEC-2021-100"); m.LowestFix != "0.65.2" || !slices.Contains(m.Vuln.Aliases, "CVE-2021-32677") {
		t.Errorf("PYSEC-2021-100 fix %q aliases %v", m.LowestFix, m.Vuln.Aliases)
	}
	if m := osv.Find(ms, "PYSEC-2024-38"); m.LowestFix != "0.109.1" {
		t.Errorf("PYSEC-2024-38 fix %q, want 0.109.1", m.LowestFix)
	}
	jm := db.Affecting("jinja2", "2.10")
	if got, want := osv.IDs(jm), osv.IDs(f.DB.Affecting("jinja2", "2.10")); len(got) == 0 || !slices.Equal(got, want) {
		t.Errorf("jinja2 2.10 = %v, want %v", got, want)
	}
	if m := osv.Find(jm, "PYSEC-2019-217"); m == nil || m.LowestFix != "2.10.1" {
		t.Errorf("PYSEC-2019-217 = %+v", m)
	}
	// Constraint matching works on the online osv.DB too.
	cms, err := db.AffectingConstraint("fastapi", "<0.65.2")
	if err != nil || len(cms) != 2 {
		t.Errorf("AffectingConstraint = %d matches, %v", len(cms), err)
	}
	// The duplicate query was sent once; one batch request, one GET per advisory.
	if f.BatchHits.Load() != 1 || f.VulnHits.Load() != int64(db.Len()) {
		t.Errorf("hits: batch %d, vulns %d for %d advisories", f.BatchHits.Load(), f.VulnHits.Load(), db.Len())
	}
}

func TestLookupCache(t *testing.T) {
	f := newFakeOSV(t)
	srv := f
	dir := t.TempDir()
	c := &osv.Client{BaseURL: srv.URL, CacheDir: dir}
	qs := []osv.Query{{"fastapi", "0.65.1"}, {"jinja2", "2.10"}}
	db1, err := c.Lookup(context.Background(), qs)
	if err != nil {
		t.Fatal(err)
	}
	b, v := f.BatchHits.Load(), f.VulnHits.Load()
	if b != 1 || v == 0 {
		t.Fatalf("first lookup hits: batch %d vulns %d", b, v)
	}
	db2, err := c.Lookup(context.Background(), qs)
	if err != nil {
		t.Fatal(err)
	}
	if f.BatchHits.Load() != b || f.VulnHits.Load() != v {
		t.Errorf("second lookup hit the server: batch %d->%d vulns %d->%d", b, f.BatchHits.Load(), v, f.VulnHits.Load())
	}
	if !slices.Equal(osv.IDs(db2.Affecting("fastapi", "0.65.1")), osv.IDs(db1.Affecting("fastapi", "0.65.1"))) || db1.Len() != db2.Len() {
		t.Errorf("cached osv.DB differs: %v vs %v", db2, db1)
	}

	// Expired query answers are asked again, but unchanged advisories are
	// not downloaded again.
	c2 := &osv.Client{BaseURL: srv.URL, CacheDir: dir, TTL: time.Nanosecond}
	time.Sleep(time.Millisecond)
	if _, err := c2.Lookup(context.Background(), qs); err != nil {
		t.Fatal(err)
	}
	if f.BatchHits.Load() != b+1 || f.VulnHits.Load() != v {
		t.Errorf("expired lookup hits: batch %d->%d vulns %d->%d", b, f.BatchHits.Load(), v, f.VulnHits.Load())
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
	if db3.Len() != db1.Len() || f.BatchHits.Load() != b+2 || f.VulnHits.Load() != 2*v {
		t.Errorf("after corruption: %v, batch %d vulns %d", db3, f.BatchHits.Load(), f.VulnHits.Load())
	}
	if _, err := c.Lookup(context.Background(), qs); err != nil || f.BatchHits.Load() != b+2 || f.VulnHits.Load() != 2*v {
		t.Errorf("cache not rewritten: batch %d vulns %d, %v", f.BatchHits.Load(), f.VulnHits.Load(), err)
	}
}

func TestLookupPagination(t *testing.T) {
	f := newFakeOSV(t)
	srv := f
	f.Paginate["jinja2"] = true
	c := &osv.Client{BaseURL: srv.URL, CacheDir: "-"}
	db, err := c.Lookup(context.Background(), []osv.Query{{"fastapi", "0.65.1"}, {"jinja2", ""}})
	if err != nil {
		t.Fatal(err)
	}
	want := f.DB.Vulns("jinja2")
	if got := db.Vulns("jinja2"); len(want) < 2 || len(got) != len(want) {
		t.Errorf("jinja2: %d advisories, want %d", len(got), len(want))
	}
	if len(db.Affecting("fastapi", "0.65.1")) != 2 {
		t.Errorf("fastapi lost")
	}
	if f.BatchHits.Load() != 2 {
		t.Errorf("batch hits = %d, want 2 (one page follow-up)", f.BatchHits.Load())
	}
}

func TestLookupEndlessPagination(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, `{"results":[{"vulns":[],"next_page_token":"again"}]}`)
	}))
	defer srv.Close()
	c := &osv.Client{BaseURL: srv.URL, CacheDir: "-"}
	_, err := c.Lookup(context.Background(), []osv.Query{{"fastapi", ""}})
	if err == nil || !strings.Contains(err.Error(), "pages") {
		t.Errorf("err = %v", err)
	}
	if hits.Load() != int64(osv.MaxPages) {
		t.Errorf("hits = %d, want %d", hits.Load(), osv.MaxPages)
	}
}

func TestLookupChunksAndConcurrency(t *testing.T) {
	f := newFakeOSV(t)
	srv := f
	f.Delay = 5 * time.Millisecond
	var qs []osv.Query
	for i := range 1001 { // more than one querybatch chunk of 1000
		qs = append(qs, osv.Query{"fastapi", fmt.Sprintf("0.%d.0", i)})
	}
	for i := range 12 {
		qs = append(qs, osv.Query{"django", fmt.Sprintf("1.%d", i)})
	}
	c := &osv.Client{BaseURL: srv.URL, CacheDir: "-"}
	db, err := c.Lookup(context.Background(), qs)
	if err != nil {
		t.Fatal(err)
	}
	if b := f.BatchHits.Load(); b < 2 {
		t.Errorf("batch hits = %d, want >= 2 chunks", b)
	}
	if db.Len() < 10 {
		t.Errorf("only %d advisories", db.Len())
	}
	if m := f.MaxInFlight.Load(); m > 4 || m < 2 {
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
		}, 1024, "limit", osv.ErrResponseTooLarge},
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
		}, 1024, "/v1/vulns/PYSEC-1", osv.ErrResponseTooLarge},
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
			c := &osv.Client{BaseURL: srv.URL, CacheDir: dir, MaxResponse: tt.max}
			db, err := c.Lookup(context.Background(), []osv.Query{{"fastapi", "0.65.1"}})
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
	f := newFakeOSV(t)
	srv := f
	f.Hostile = "../../etc/passwd"
	c := &osv.Client{BaseURL: srv.URL, CacheDir: t.TempDir()}
	if _, err := c.Lookup(context.Background(), []osv.Query{{"fastapi", "0.65.1"}}); err == nil || !strings.Contains(err.Error(), "invalid advisory id") {
		t.Errorf("err = %v", err)
	}
	if f.VulnHits.Load() != 0 {
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
	c := &osv.Client{BaseURL: srv.URL, CacheDir: "-"}
	if _, err := c.Lookup(context.Background(), []osv.Query{{"fastapi", "0.65.1"}}); err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Errorf("err = %v", err)
	}
}

func TestLookupEmptyAndInvalid(t *testing.T) {
	c := &osv.Client{BaseURL: "http://127.0.0.1:1", CacheDir: "-"}
	db, err := c.Lookup(context.Background(), nil)
	if err != nil || db.Len() != 0 {
		t.Errorf("empty lookup = %v, %v", db, err)
	}
	if _, err := c.Lookup(context.Background(), []osv.Query{{" ", "1.0"}}); err == nil {
		t.Errorf("empty name accepted")
	}
}

func TestLookupRetriesBusyServer(t *testing.T) {
	fake := newFakeOSV(t)
	real := fake
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
	c := &osv.Client{BaseURL: srv.URL, CacheDir: "-"}
	db, err := c.Lookup(context.Background(), []osv.Query{{Name: "fastapi", Version: "0.65.1"}})
	if err != nil {
		t.Fatalf("Lookup after a 429: %v", err)
	}
	if got := len(db.Affecting("fastapi", "0.65.1")); got != 2 {
		t.Errorf("fastapi 0.65.1: %d advisories after retry, want 2", got)
	}
	if busy.Load() < 2 || fake.BatchHits.Load() != 1 {
		t.Errorf("batch requests: %d to the front, %d answered; want a retry", busy.Load(), fake.BatchHits.Load())
	}

	// A server that stays busy gives up after osv.MaxAttempts.
	var tries atomic.Int64
	always := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tries.Add(1)
		w.Header().Set("Retry-After", "0")
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer always.Close()
	_, err = (&osv.Client{BaseURL: always.URL, CacheDir: "-"}).Lookup(context.Background(), []osv.Query{{Name: "fastapi"}})
	if err == nil || !strings.Contains(err.Error(), "503") || tries.Load() != int64(osv.MaxAttempts) {
		t.Errorf("always busy: err %v after %d tries, want a 503 error after %d", err, tries.Load(), osv.MaxAttempts)
	}
}
