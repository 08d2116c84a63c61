package osv

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"deps.dev/util/pypi"
)

// Defaults applied by Client when a field is zero.
const (
	DefaultBaseURL     = "https://api.osv.dev"
	DefaultHTTPTimeout = 20 * time.Second
	DefaultMaxResponse = 32 << 20
	DefaultTTL         = 6 * time.Hour
)

// Bounds of the online protocol.
const (
	maxBatchQueries = 1000 // osv.dev's limit on queries per querybatch request
	maxPages        = 10   // pages followed per query (first page included)
	fetchWorkers    = 4    // concurrent GET /v1/vulns/{id} requests
	onlineFormat    = 1    // version of the on-disk online cache layout
)

// ErrResponseTooLarge is wrapped by errors for responses larger than Client.MaxResponse.
var ErrResponseTooLarge = errors.New("response exceeds size limit")

// validID is what an advisory id must look like before it is used in a URL
// path or a cache file name.
var validID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,100}$`)

// checkID validates an advisory id. Ids made only of dots ("." and "..")
// match the character class but are path components, so they are refused.
func checkID(id string) error {
	if !validID.MatchString(id) || strings.Trim(id, ".") == "" {
		return fmt.Errorf("osv: invalid advisory id %q", id)
	}
	return nil
}

// Client looks advisories up through the osv.dev HTTP API. The zero value
// is ready to use. A Client is safe for concurrent use, provided its fields
// are not changed meanwhile.
type Client struct {
	// BaseURL is the API root; default DefaultBaseURL ("https://api.osv.dev").
	BaseURL string
	// HTTP is the client used for requests; default: a client with a
	// DefaultHTTPTimeout timeout that refuses redirects to other hosts.
	HTTP *http.Client
	// CacheDir holds cached answers: "" means DefaultCacheDir()/online,
	// "-" disables caching.
	CacheDir string
	// MaxResponse bounds the size of every response body; default DefaultMaxResponse.
	MaxResponse int64
	// TTL is how long a cached querybatch answer is used; default DefaultTTL.
	// Advisory documents are cached by id and reused while the modified time
	// reported by osv.dev is unchanged.
	TTL time.Duration
}

// Query asks for the PyPI advisories affecting one package version.
type Query struct {
	// Name is the package name (any spelling; matched per PEP 503 by osv.dev).
	Name string
	// Version is the version; "" asks for every advisory of the package.
	Version string
}

// vulnRef is one advisory reference in a querybatch answer.
type vulnRef struct {
	ID       string `json:"id"`
	Modified string `json:"modified,omitempty"`
}

type batchPackage struct {
	Name      string `json:"name"`
	Ecosystem string `json:"ecosystem"`
}

type batchQuery struct {
	Package   batchPackage `json:"package"`
	Version   string       `json:"version,omitempty"`
	PageToken string       `json:"page_token,omitempty"`
}

type batchRequest struct {
	Queries []batchQuery `json:"queries"`
}

type batchResponse struct {
	Results []struct {
		Vulns         []vulnRef `json:"vulns"`
		NextPageToken string    `json:"next_page_token"`
	} `json:"results"`
}

// queryCacheFile is the on-disk form of one query's (complete) answer.
type queryCacheFile struct {
	Format  int       `json:"format"`
	Key     string    `json:"key"`
	Fetched time.Time `json:"fetched"`
	Vulns   []vulnRef `json:"vulns"`
}

// vulnCacheFile is the on-disk form of one advisory document.
type vulnCacheFile struct {
	Format   int             `json:"format"`
	Modified string          `json:"modified"`
	Doc      json.RawMessage `json:"doc"`
}

// settings are the Client fields with defaults applied.
type settings struct {
	base     string
	http     *http.Client
	cacheDir string // "" = no cache
	max      int64
	ttl      time.Duration
}

func (c *Client) settings() settings {
	s := settings{
		base:     strings.TrimRight(c.BaseURL, "/"),
		http:     c.HTTP,
		cacheDir: c.CacheDir,
		max:      c.MaxResponse,
		ttl:      c.TTL,
	}
	if s.base == "" {
		s.base = DefaultBaseURL
	}
	if s.http == nil {
		s.http = defaultHTTPClient()
	}
	switch s.cacheDir {
	case "-":
		s.cacheDir = ""
	case "":
		if d, err := DefaultCacheDir(); err == nil {
			s.cacheDir = filepath.Join(d, "online")
		}
	}
	if s.max <= 0 {
		s.max = DefaultMaxResponse
	}
	if s.ttl <= 0 {
		s.ttl = DefaultTTL
	}
	return s
}

func defaultHTTPClient() *http.Client {
	return &http.Client{
		Timeout: DefaultHTTPTimeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			if req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme {
				return fmt.Errorf("refusing redirect from %s to another host %s", via[0].URL.Host, req.URL.Host)
			}
			return nil
		},
	}
}

// Lookup asks osv.dev which PyPI advisories affect the queried packages,
// downloads those advisories and returns them as a DB, to be matched with
// DB.Affecting or DB.AffectingConstraint like an offline database.
// Advisories without a PyPI affected entry are listed by DB.Skipped.
func (c *Client) Lookup(ctx context.Context, qs []Query) (*DB, error) {
	s := c.settings()

	// Deduplicate the queries.
	type qkey struct{ name, version string }
	seen := map[qkey]bool{}
	var uniq []Query
	for _, q := range qs {
		q.Name, q.Version = strings.TrimSpace(q.Name), strings.TrimSpace(q.Version)
		if q.Name == "" {
			return nil, errors.New("osv: query with an empty package name")
		}
		k := qkey{pypi.CanonPackageName(q.Name), q.Version}
		if seen[k] {
			continue
		}
		seen[k] = true
		uniq = append(uniq, q)
	}

	// Answers to the queries: from the cache when fresh, else from querybatch.
	refs := make([][]vulnRef, len(uniq))
	var missing []int
	for i, q := range uniq {
		if r, ok := s.readQueryCache(q); ok {
			refs[i] = r
		} else {
			missing = append(missing, i)
		}
	}
	for start := 0; start < len(missing); start += maxBatchQueries {
		chunk := missing[start:min(start+maxBatchQueries, len(missing))]
		batch := make([]Query, len(chunk))
		for j, i := range chunk {
			batch[j] = uniq[i]
		}
		answers, err := s.queryBatch(ctx, batch)
		if err != nil {
			return nil, err
		}
		for j, i := range chunk {
			refs[i] = answers[j]
			s.writeQueryCache(uniq[i], answers[j])
		}
	}

	// Distinct advisories, in first-seen order.
	var ids []vulnRef
	idx := map[string]int{}
	for _, rs := range refs {
		for _, r := range rs {
			if err := checkID(r.ID); err != nil {
				return nil, err
			}
			if j, ok := idx[r.ID]; ok {
				if ids[j].Modified == "" {
					ids[j].Modified = r.Modified
				}
				continue
			}
			idx[r.ID] = len(ids)
			ids = append(ids, r)
		}
	}

	vulns, skipped, err := s.fetchVulns(ctx, ids)
	if err != nil {
		return nil, err
	}
	return newDB(vulns, skipped), nil
}

// queryBatch runs one querybatch request and follows each query's pages.
func (s settings) queryBatch(ctx context.Context, qs []Query) ([][]vulnRef, error) {
	req := batchRequest{Queries: make([]batchQuery, len(qs))}
	for i, q := range qs {
		req.Queries[i] = batchQuery{Package: batchPackage{Name: q.Name, Ecosystem: EcosystemPyPI}, Version: q.Version}
	}
	resp, err := s.postBatch(ctx, req)
	if err != nil {
		return nil, err
	}
	out := make([][]vulnRef, len(qs))
	for i := range qs {
		out[i] = resp.Results[i].Vulns
		token := resp.Results[i].NextPageToken
		for page := 2; token != ""; page++ {
			if page > maxPages {
				return nil, fmt.Errorf("osv: more than %d pages of advisories for %s %s", maxPages, qs[i].Name, qs[i].Version)
			}
			one := req.Queries[i]
			one.PageToken = token
			r, err := s.postBatch(ctx, batchRequest{Queries: []batchQuery{one}})
			if err != nil {
				return nil, err
			}
			out[i] = append(out[i], r.Results[0].Vulns...)
			token = r.Results[0].NextPageToken
		}
	}
	return out, nil
}

// postBatch sends one querybatch request and checks the shape of the answer.
func (s settings) postBatch(ctx context.Context, req batchRequest) (*batchResponse, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("osv: encode querybatch: %w", err)
	}
	u := s.base + "/v1/querybatch"
	data, err := s.do(ctx, http.MethodPost, u, body)
	if err != nil {
		return nil, err
	}
	var resp batchResponse
	if err := json.Unmarshal(data, &resp); err != nil {
		return nil, fmt.Errorf("osv: decode answer from %s: %w", u, err)
	}
	if len(resp.Results) != len(req.Queries) {
		return nil, fmt.Errorf("osv: answer from %s has %d results for %d queries", u, len(resp.Results), len(req.Queries))
	}
	return &resp, nil
}

// maxAttempts bounds the requests made for one call when the server asks
// to come back later (429, 502, 503, 504).
const maxAttempts = 3

// do performs a request and returns the body of a 200 answer, bounded by
// s.max. Busy answers are retried after Retry-After (at most 10 s) or a
// short backoff.
func (s settings) do(ctx context.Context, method, u string, body []byte) ([]byte, error) {
	for attempt := 1; ; attempt++ {
		data, wait, err := s.doOnce(ctx, method, u, body)
		if wait < 0 || attempt == maxAttempts {
			return data, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("osv: %s %s: %w", method, u, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// doOnce performs one request. wait is how long to wait before a retry,
// or negative when the answer is final.
func (s settings) doOnce(ctx context.Context, method, u string, body []byte) (data []byte, wait time.Duration, err error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, -1, fmt.Errorf("osv: %s %s: %w", method, u, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, -1, fmt.Errorf("osv: %s %s: %w", method, u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // allow connection reuse
		err := fmt.Errorf("osv: %s %s: unexpected status %s", method, u, resp.Status)
		switch resp.StatusCode {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			wait := 500 * time.Millisecond
			if secs, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil && secs >= 0 {
				wait = min(time.Duration(secs)*time.Second, 10*time.Second)
			}
			return nil, wait, err
		}
		return nil, -1, err
	}
	data, err = io.ReadAll(io.LimitReader(resp.Body, s.max+1))
	if err != nil {
		return nil, -1, fmt.Errorf("osv: %s %s: read body: %w", method, u, err)
	}
	if int64(len(data)) > s.max {
		return nil, -1, fmt.Errorf("osv: %s %s: %w (%d bytes)", method, u, ErrResponseTooLarge, s.max)
	}
	return data, -1, nil
}

// fetchVulns returns the advisories, from the cache when their modified
// time is unchanged, else from GET /v1/vulns/{id} with bounded concurrency.
func (s settings) fetchVulns(ctx context.Context, refs []vulnRef) ([]*Vuln, []Skipped, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		v    *Vuln
		skip string
	}
	results := make([]result, len(refs))
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
		sem      = make(chan struct{}, fetchWorkers)
	)
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel() })
	}
	for i, r := range refs {
		if v, ok := s.readVulnCache(r); ok {
			results[i] = result{v: v}
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			fail(ctx.Err())
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			u := s.base + "/v1/vulns/" + r.ID
			data, err := s.do(ctx, http.MethodGet, u, nil)
			if err != nil {
				fail(err)
				return
			}
			v, err := ParseVuln(data)
			if errors.Is(err, ErrNotPyPI) {
				results[i] = result{skip: err.Error()}
				return
			}
			if err != nil {
				fail(fmt.Errorf("osv: advisory from %s: %w", u, err))
				return
			}
			if v.ID != r.ID {
				fail(fmt.Errorf("osv: %s returned advisory %q", u, v.ID))
				return
			}
			results[i] = result{v: v}
			s.writeVulnCache(r, data)
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, nil, firstErr
	}
	var vulns []*Vuln
	var skipped []Skipped
	for i, r := range results {
		switch {
		case r.v != nil:
			vulns = append(vulns, r.v)
		case r.skip != "":
			skipped = append(skipped, Skipped{Entry: refs[i].ID, Reason: r.skip})
		}
	}
	return vulns, skipped, nil
}

// queryKey identifies a query's answer in the cache.
func (s settings) queryKey(q Query) (key, file string) {
	key = fmt.Sprintf("%s\x00%s\x00%s\x00%s", s.base, EcosystemPyPI, pypi.CanonPackageName(q.Name), q.Version)
	sum := sha256.Sum256([]byte(key))
	return key, filepath.Join(s.cacheDir, "queries", hex.EncodeToString(sum[:])+".json")
}

func (s settings) readQueryCache(q Query) ([]vulnRef, bool) {
	if s.cacheDir == "" {
		return nil, false
	}
	key, file := s.queryKey(q)
	var cf queryCacheFile
	if !readJSONFile(file, s.max, &cf) || cf.Format != onlineFormat || cf.Key != key {
		return nil, false
	}
	if age := time.Since(cf.Fetched); age < 0 || age >= s.ttl {
		return nil, false
	}
	return cf.Vulns, true
}

func (s settings) writeQueryCache(q Query, refs []vulnRef) {
	if s.cacheDir == "" {
		return
	}
	key, file := s.queryKey(q)
	data, err := json.Marshal(queryCacheFile{Format: onlineFormat, Key: key, Fetched: time.Now().UTC(), Vulns: refs})
	if err == nil {
		_ = writeFileAtomic(file, data) // best effort
	}
}

// vulnFile names the cache file of a (validated) advisory id.
func (s settings) vulnFile(id string) string {
	return filepath.Join(s.cacheDir, "vulns", id+".json")
}

func (s settings) readVulnCache(r vulnRef) (*Vuln, bool) {
	if s.cacheDir == "" || r.Modified == "" || checkID(r.ID) != nil {
		return nil, false
	}
	var cf vulnCacheFile
	if !readJSONFile(s.vulnFile(r.ID), s.max, &cf) || cf.Format != onlineFormat || cf.Modified != r.Modified {
		return nil, false
	}
	v, err := ParseVuln(cf.Doc)
	if err != nil || v.ID != r.ID {
		return nil, false
	}
	return v, true
}

func (s settings) writeVulnCache(r vulnRef, doc []byte) {
	if s.cacheDir == "" || r.Modified == "" || checkID(r.ID) != nil {
		return
	}
	data, err := json.Marshal(vulnCacheFile{Format: onlineFormat, Modified: r.Modified, Doc: doc})
	if err == nil {
		_ = writeFileAtomic(s.vulnFile(r.ID), data) // best effort
	}
}

// readJSONFile decodes a cache file of at most max bytes, reporting
// whether it succeeded; missing and corrupt files are both just misses.
func readJSONFile(file string, max int64, v any) bool {
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil || int64(len(data)) > max {
		return false
	}
	return json.Unmarshal(data, v) == nil
}

// writeFileAtomic writes a temporary file in the target directory and
// renames it into place.
func writeFileAtomic(file string, data []byte) error {
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, file)
}
