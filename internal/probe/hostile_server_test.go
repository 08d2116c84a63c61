package probe

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The limits every hostile-server probe runs with: small enough that a
// run that spends them all still ends in seconds. Servers that answer get
// a timeout generous for a loaded machine; those that stall get a short
// one (slowTimeout), since every request to them waits for it.
const (
	hostileBudget  = 150
	hostileTimeout = 2 * time.Second
	slowTimeout    = time.Second
	hostileMaxBody = 64 << 10
	// hostileWall bounds one run's wall clock: a few request timeouts for
	// discovery and for the checks that notice a dead target, not the
	// budget times the timeout (150 s for the stalling servers).
	hostileWall = 25 * time.Second
)

// smallDoc is a valid document with a handful of operations for the
// scenarios whose hostility is in the answers, not the document.
const smallDoc = `{"openapi": "3.0.2", "info": {"title": "h", "version": "1"},
 "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
 "paths": {
  "/items": {"get": {"parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}], "responses": {"200": {"description": "ok"}}}},
  "/items/{item_id}": {"get": {"security": [{"bearer": []}], "parameters": [{"name": "item_id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                               "responses": {"200": {"description": "ok"}}}},
  "/search": {"get": {"parameters": [{"name": "q", "in": "query", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "ok"}}}},
  "/token": {"post": {"requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
                      "responses": {"200": {"description": "ok"}}}}
 }}`

// manyOperations is a document with n GET operations, each with a path
// and a query parameter, written compactly.
func manyOperations(n int) string {
	var b strings.Builder
	b.WriteString(`{"openapi":"3.0.2","info":{"title":"m","version":"1"},"paths":{`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"/o%d/{id}":{"get":{"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"integer"}}],"responses":{"200":{"description":""}}}}`, i)
	}
	b.WriteString(`}}`)
	return b.String()
}

// hostileRun probes srv with the hostile limits and checks what holds for
// every target: no more requests than the budget, an end within the wall
// bound. It returns the result (nil with the error when Run failed).
func hostileRun(t *testing.T, url string, hits *hits, opts Options) (*Result, error) {
	t.Helper()
	opts.Client.Budget = hostileBudget
	opts.Client.Rate = 1000
	if opts.Client.Timeout == 0 {
		opts.Client.Timeout = hostileTimeout
	}
	if opts.Client.MaxBody == 0 {
		opts.Client.MaxBody = hostileMaxBody
	}
	if opts.Tokens == nil {
		opts.Tokens = []string{"token-a", "token-b"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	res, err := Run(ctx, url, opts)
	took := time.Since(start)
	sent := 0
	if res != nil {
		sent = res.Requests
	}
	t.Logf("%v, %d requests, error %v", took.Round(time.Millisecond), sent, err)
	if res != nil {
		for _, d := range res.Diagnostics {
			if d.Kind == "probe openapi" {
				t.Logf("%s: %.300s", d.Kind, d.Message)
			}
		}
	}
	if took > hostileWall {
		t.Errorf("the probe took %v, over %v", took, hostileWall)
	}
	if sent > hostileBudget {
		t.Errorf("%d requests over a budget of %d", sent, hostileBudget)
	}
	// The transport may retry a request whose connection died before any
	// answer; the budget counts requests, the server connections.
	if hits != nil && hits.n.Load() > 2*hostileBudget {
		t.Errorf("the server saw %d requests for a budget of %d", hits.n.Load(), hostileBudget)
	}
	return res, err
}

// wantDiag fails unless a diagnostic of the kind contains every piece.
func wantDiag(t *testing.T, res *Result, kind string, pieces ...string) {
	t.Helper()
	if res == nil {
		t.Fatal("no result")
	}
	for _, d := range res.Diagnostics {
		if d.Kind != kind {
			continue
		}
		ok := true
		for _, p := range pieces {
			ok = ok && strings.Contains(d.Message, p)
		}
		if ok {
			return
		}
	}
	var all []string
	for _, d := range res.Diagnostics {
		all = append(all, d.Kind+": "+d.Message)
	}
	t.Errorf("no %q diagnostic with %q among:\n%s", kind, pieces, strings.Join(all, "\n"))
}

// serveDoc answers the document at /openapi.json and hands every other
// request to api.
func serveDoc(doc string, api http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/openapi.json" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, doc)
			return
		}
		api(w, r)
	}
}

// endless streams an unending body.
func endless(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	chunk := []byte(`[{"id": 1, "owner": "a", "data": "` + strings.Repeat("A", 4000) + `"},`)
	for {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// drip sends a byte every 100 ms, for ever.
func drip(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	for {
		if _, err := w.Write([]byte(" ")); err != nil {
			return
		}
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// bombMember is a gzip member holding 16 MiB of zeros in about 16 KiB.
var bombMember = func() []byte {
	var b bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	gz.Write(make([]byte, 16<<20))
	gz.Close()
	return b.Bytes()
}()

// gzipBomb answers a gzip stream of 1 GiB of zeros: members written one
// after the other, which gzip readers decompress as one stream.
func gzipBomb(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Encoding", "gzip")
	for i := 0; i < 64; i++ {
		if _, err := w.Write(bombMember); err != nil {
			return
		}
	}
}

// hijack takes the connection and hands it to f, then closes it.
func hijack(w http.ResponseWriter, f func(c net.Conn, rw *bufio.ReadWriter)) {
	c, rw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	defer c.Close()
	f(c, rw)
}

// midHeaders starts a response and closes the connection inside the
// header block.
func midHeaders(w http.ResponseWriter, r *http.Request) {
	hijack(w, func(c net.Conn, rw *bufio.ReadWriter) {
		rw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: applic")
		rw.Flush()
	})
}

// hugeHeaders sends a megabyte of headers.
func hugeHeaders(w http.ResponseWriter, r *http.Request) {
	hijack(w, func(c net.Conn, rw *bufio.ReadWriter) {
		rw.WriteString("HTTP/1.1 200 OK\r\n")
		for i := 0; i < 1<<20/64; i++ {
			fmt.Fprintf(rw, "X-Filler-%06d: %s\r\n", i, strings.Repeat("x", 46))
		}
		rw.WriteString("Content-Length: 2\r\n\r\n{}")
		rw.Flush()
	})
}

// rawListener accepts connections on 127.0.0.1 and hands each to serve.
func rawListener(t *testing.T, serve func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				serve(c)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// TestProbeAgainstHostileServers runs the whole probe, every check
// enabled, against servers that answer badly: without end, too slowly,
// in loops, compressed into bombs, with broken documents, too many
// operations, no answer, half an answer or a megabyte of headers. Each
// run must end within its budget and a wall-clock bound, with a
// diagnostic that says what went wrong, and without a panic.
// (Redirects to other hosts and unsafe methods are hostile_test.go's.)
func TestProbeAgainstHostileServers(t *testing.T) {
	t.Run("endless bodies", func(t *testing.T) {
		t.Parallel()
		srv, hits := newTarget(t, serveDoc(smallDoc, endless))
		res, err := hostileRun(t, srv.URL, hits, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Spec == nil || len(res.Spec.Operations) != 4 {
			t.Errorf("the document was not used: %+v", res.Spec)
		}
	})
	t.Run("endless document", func(t *testing.T) {
		t.Parallel()
		srv, hits := newTarget(t, endless)
		res, err := hostileRun(t, srv.URL, hits, Options{})
		if err != nil {
			t.Fatal(err)
		}
		wantDiag(t, res, "probe openapi", "larger than the cap of 10485760 bytes on OpenAPI documents")
	})
	t.Run("slow drip", func(t *testing.T) {
		t.Parallel()
		srv, hits := newTarget(t, serveDoc(smallDoc, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/" {
				fmt.Fprint(w, "{}")
				return
			}
			drip(w, r)
		}))
		res, err := hostileRun(t, srv.URL, hits, Options{Client: ClientOptions{Timeout: slowTimeout}})
		if err != nil {
			t.Fatal(err)
		}
		wantDiag(t, res, "probe request", "context deadline exceeded")
	})
	t.Run("redirect loops", func(t *testing.T) {
		t.Parallel()
		srv, hits := newTarget(t, func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.URL.Path == "/":
				fmt.Fprint(w, "{}")
			case strings.HasPrefix(r.URL.Path, "/ping"):
				http.Redirect(w, r, "/pong"+r.URL.Path, http.StatusFound)
			case strings.HasPrefix(r.URL.Path, "/pong"):
				http.Redirect(w, r, "/ping"+r.URL.Path, http.StatusFound)
			default:
				http.Redirect(w, r, r.URL.Path, http.StatusMovedPermanently) // to itself
			}
		})
		res, err := hostileRun(t, srv.URL, hits, Options{})
		if err != nil {
			t.Fatal(err)
		}
		wantDiag(t, res, "probe openapi", "no OpenAPI document")
	})
	t.Run("gzip bombs", func(t *testing.T) {
		t.Parallel()
		srv, hits := newTarget(t, serveDoc(smallDoc, gzipBomb))
		res, err := hostileRun(t, srv.URL, hits, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Spec == nil {
			t.Error("the document was not used")
		}
	})
	t.Run("gzip bomb document", func(t *testing.T) {
		t.Parallel()
		srv, hits := newTarget(t, gzipBomb)
		res, err := hostileRun(t, srv.URL, hits, Options{})
		if err != nil {
			t.Fatal(err)
		}
		wantDiag(t, res, "probe openapi", "larger than the cap of 10485760 bytes on OpenAPI documents")
	})
	for name, doc := range map[string]string{
		"bad JSON":              `{"openapi": "3.0.2", "paths": {"/a": {"get": `,
		"document not object":   `["openapi", "3.0.2"]`,
		"paths not object":      `{"openapi": "3.0.2", "info": {"title": "x", "version": "1"}, "paths": [1, 2, 3]}`,
		"schema not object":     `{"openapi": "3.0.2", "info": {"title": "x", "version": "1"}, "paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "query", "schema": 5}], "responses": {"200": {"description": "ok"}}}}}}`,
		"not OpenAPI 3":         `{"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}`,
		"nested 10,000 deep":    `{"openapi": "3.0.2", "x": ` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`,
		"20,000 operations":     manyOperations(20_000),
		"YAML anchors and tabs": "openapi: 3.0.2\ninfo: &a {title: x, version: '1'}\npaths:\n\t/a: *a\n",
	} {
		t.Run("document "+name, func(t *testing.T) {
			t.Parallel()
			srv, hits := newTarget(t, serveDoc(doc, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "{}") }))
			res, err := hostileRun(t, srv.URL, hits, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if name == "schema not object" {
				// Read, with the parameter's schema taken as unknown.
				if res.Spec == nil || len(res.Spec.Operations) != 1 {
					t.Errorf("the document was not used: %v", res.Diagnostics)
				}
				return
			}
			if res.Spec != nil && len(res.Spec.Operations) > 0 {
				t.Errorf("a broken document was used: %d operations", len(res.Spec.Operations))
			}
			wantDiag(t, res, "probe openapi", "/openapi.json")
			if name == "20,000 operations" {
				wantDiag(t, res, "probe openapi", "too many operations", "20000")
			}
		})
	}
	t.Run("document with $ref cycles", func(t *testing.T) {
		t.Parallel()
		doc := `{"openapi": "3.0.2", "info": {"title": "x", "version": "1"},
		 "components": {"schemas": {
		  "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}, "self": {"$ref": "#/components/schemas/A"}}},
		  "B": {"type": "array", "items": {"$ref": "#/components/schemas/A"}},
		  "C": {"$ref": "#/components/schemas/D"}, "D": {"$ref": "#/components/schemas/C"}}},
		 "paths": {"/a": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}, "responses": {"200": {"description": "ok"}}},
		                  "get": {"parameters": [{"name": "c", "in": "query", "schema": {"$ref": "#/components/schemas/C"}}], "responses": {"200": {"description": "ok"}}}}}}`
		srv, hits := newTarget(t, serveDoc(doc, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"id": 1}`) }))
		res, err := hostileRun(t, srv.URL, hits, Options{Client: ClientOptions{AllowUnsafe: true}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Spec == nil || len(res.Spec.Operations) != 2 {
			t.Fatalf("the document was not used: %+v", res.Diagnostics)
		}
		wantDiag(t, res, "probe openapi", "circular")
	})
	t.Run("10,000 operations", func(t *testing.T) {
		t.Parallel()
		var sawOps atomic.Int64
		srv, hits := newTarget(t, serveDoc(manyOperations(10_000), func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/o") {
				sawOps.Add(1)
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id": 1, "owner": "a"}`)
		}))
		res, err := hostileRun(t, srv.URL, hits, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Spec == nil || len(res.Spec.Operations) != 10_000 {
			t.Fatalf("the document was not used: %v", res.Diagnostics)
		}
		if sawOps.Load() == 0 {
			t.Error("no operation was probed")
		}
	})
	t.Run("slow answers, time limit", func(t *testing.T) {
		t.Parallel()
		// Every answer comes just inside the request timeout, so no check
		// gives up on the target: only the run's time limit ends it.
		srv, hits := newTarget(t, serveDoc(manyOperations(500), func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/" {
				time.Sleep(300 * time.Millisecond)
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id": 1}`)
		}))
		const limit = 3 * time.Second
		start := time.Now()
		res, err := hostileRun(t, srv.URL, hits, Options{MaxTime: limit})
		took := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		if took > limit+2*time.Second {
			t.Errorf("the probe took %v with a time limit of %v", took, limit)
		}
		if res.Requests >= hostileBudget {
			t.Errorf("%d requests: the budget, not the time limit, ended the run", res.Requests)
		}
		wantDiag(t, res, "probe time", "time limit of 3s reached", "these checks did not run")
	})
	t.Run("slow drip, 10,000 operations", func(t *testing.T) {
		t.Parallel()
		srv, hits := newTarget(t, serveDoc(manyOperations(10_000), func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/" {
				fmt.Fprint(w, "{}")
				return
			}
			drip(w, r)
		}))
		res, err := hostileRun(t, srv.URL, hits, Options{Client: ClientOptions{AllowUnsafe: true, Timeout: slowTimeout}})
		if err != nil {
			t.Fatal(err)
		}
		// Each check gives up on the target at its first failed request.
		wantDiag(t, res, "probe request", "context deadline exceeded")
	})
	t.Run("never answers", func(t *testing.T) {
		t.Parallel()
		url := rawListener(t, func(c net.Conn) {
			c.SetDeadline(time.Now().Add(time.Minute))
			buf := make([]byte, 4096)
			for {
				if _, err := c.Read(buf); err != nil {
					return
				}
			}
		})
		_, err := hostileRun(t, url, nil, Options{Client: ClientOptions{Timeout: slowTimeout}})
		if !errors.Is(err, ErrUnreachable) {
			t.Errorf("error %v, want %v", err, ErrUnreachable)
		}
	})
	t.Run("closes mid-headers", func(t *testing.T) {
		t.Parallel()
		url := rawListener(t, func(c net.Conn) {
			c.Read(make([]byte, 4096))
			c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Ty"))
		})
		_, err := hostileRun(t, url, nil, Options{})
		if !errors.Is(err, ErrUnreachable) {
			t.Errorf("error %v, want %v", err, ErrUnreachable)
		}
	})
	t.Run("API closes mid-headers", func(t *testing.T) {
		t.Parallel()
		srv, hits := newTarget(t, serveDoc(smallDoc, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/" {
				fmt.Fprint(w, "{}")
				return
			}
			midHeaders(w, r)
		}))
		res, err := hostileRun(t, srv.URL, hits, Options{})
		if err != nil {
			t.Fatal(err)
		}
		wantDiag(t, res, "probe request", "unexpected EOF")
	})
	t.Run("huge headers", func(t *testing.T) {
		t.Parallel()
		srv, hits := newTarget(t, serveDoc(smallDoc, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/" {
				fmt.Fprint(w, "{}")
				return
			}
			hugeHeaders(w, r)
		}))
		res, err := hostileRun(t, srv.URL, hits, Options{})
		if err != nil {
			t.Fatal(err)
		}
		wantDiag(t, res, "probe request", "header")
	})
	t.Run("huge headers everywhere", func(t *testing.T) {
		t.Parallel()
		srv, hits := newTarget(t, hugeHeaders)
		_, err := hostileRun(t, srv.URL, hits, Options{})
		if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "header") {
			t.Errorf("error %v, want %v naming the headers", err, ErrUnreachable)
		}
	})
}
