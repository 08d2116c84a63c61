package probe

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// hits counts requests by method and path.
type hits struct {
	n       atomic.Int64
	methods chan string
}

func newTarget(t *testing.T, h http.HandlerFunc) (*httptest.Server, *hits) {
	t.Helper()
	c := &hits{methods: make(chan string, 1000)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.n.Add(1)
		select {
		case c.methods <- r.Method + " " + r.URL.Path:
		default:
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, c
}

func newTestClient(t *testing.T, base string, o ClientOptions) *Client {
	t.Helper()
	if o.Rate == 0 {
		o.Rate = 1000
	}
	c, err := NewClient(context.Background(), base, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClientStaysInScope(t *testing.T) {
	other, otherHits := newTarget(t, func(w http.ResponseWriter, r *http.Request) {})
	srv, _ := newTarget(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/stolen", http.StatusFound)
		case "/here":
			http.Redirect(w, r, "/final", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		default:
			fmt.Fprint(w, "ok")
		}
	})
	c := newTestClient(t, srv.URL, ClientOptions{})
	ctx := context.Background()

	resp, err := c.Do(ctx, &Request{Path: "/away", Follow: true})
	if err != nil || resp.Status != http.StatusFound {
		t.Fatalf("redirect off target: %v %+v", err, resp)
	}
	if otherHits.n.Load() != 0 {
		t.Errorf("the client followed a redirect to another host")
	}
	if got := c.OffScopeRedirects(); len(got) != 1 || !strings.Contains(got[0], "/stolen") {
		t.Errorf("off-scope redirects = %v", got)
	}
	if resp, err := c.Do(ctx, &Request{Path: "/here", Follow: true}); err != nil || resp.Status != 200 || !strings.HasSuffix(resp.URL, "/final") {
		t.Errorf("in-scope redirect not followed: %v %+v", err, resp)
	}
	before := c.Sent()
	if resp, err := c.Do(ctx, &Request{Path: "/loop", Follow: true}); err != nil || resp.Status != http.StatusFound {
		t.Errorf("redirect loop: %v %+v", err, resp)
	}
	if n := c.Sent() - before; n != maxRedirects+1 {
		t.Errorf("redirect loop sent %d requests, want %d", n, maxRedirects+1)
	}
	for _, p := range []string{other.URL + "/x", "https://" + strings.TrimPrefix(srv.URL, "http://") + "/x", "//example.com/x"} {
		if _, err := c.Do(ctx, &Request{Path: p}); !errors.Is(err, ErrOutOfScope) {
			t.Errorf("Do(%s) = %v, want ErrOutOfScope", p, err)
		}
	}
	if otherHits.n.Load() != 0 {
		t.Errorf("a request reached the other host")
	}
}

func TestClientPinsTheResolvedAddress(t *testing.T) {
	srv, _ := newTarget(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, r.Host) })
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	lookups := 0
	c := newTestClient(t, "http://api.example.test:"+port, ClientOptions{
		Resolve: func(ctx context.Context, host string) ([]net.IPAddr, error) {
			lookups++
			if lookups > 1 {
				return []net.IPAddr{{IP: net.ParseIP("10.0.0.1")}}, nil // a rebinding answer
			}
			return []net.IPAddr{{IP: net.ParseIP("127.0.0.1")}}, nil
		}})
	for i := 0; i < 3; i++ {
		resp, err := c.Do(context.Background(), &Request{Path: "/"})
		if err != nil || resp.Text() != "api.example.test:"+port {
			t.Fatalf("request %d: %v %+v", i, err, resp)
		}
	}
	if lookups != 1 {
		t.Errorf("resolved %d times, want once", lookups)
	}
}

func TestClientBudget(t *testing.T) {
	srv, h := newTarget(t, func(w http.ResponseWriter, r *http.Request) {})
	c := newTestClient(t, srv.URL, ClientOptions{Budget: 3})
	var errs int
	for i := 0; i < 10; i++ {
		if _, err := c.Do(context.Background(), &Request{Path: "/"}); errors.Is(err, ErrBudget) {
			errs++
		}
	}
	if h.n.Load() != 3 || errs != 7 || c.Sent() != 3 || c.Remaining() != 0 {
		t.Errorf("server saw %d requests, %d budget errors, sent %d", h.n.Load(), errs, c.Sent())
	}
}

func TestClientRate(t *testing.T) {
	srv, _ := newTarget(t, func(w http.ResponseWriter, r *http.Request) {})
	c := newTestClient(t, srv.URL, ClientOptions{Rate: 20})
	start := time.Now()
	for i := 0; i < 6; i++ {
		if _, err := c.Do(context.Background(), &Request{Path: "/"}); err != nil {
			t.Fatal(err)
		}
	}
	// Six requests at 20/s need at least five intervals of 50 ms.
	if d := time.Since(start); d < 240*time.Millisecond {
		t.Errorf("6 requests at 20/s took %v", d)
	}
}

func TestClientUnsafeMethods(t *testing.T) {
	srv, h := newTarget(t, func(w http.ResponseWriter, r *http.Request) {})
	safe := newTestClient(t, srv.URL, ClientOptions{})
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		if _, err := safe.Do(context.Background(), &Request{Method: m, Path: "/items/1"}); !errors.Is(err, ErrUnsafe) {
			t.Errorf("%s without --allow-unsafe: %v", m, err)
		}
	}
	for _, m := range []string{"GET", "HEAD", "OPTIONS"} {
		if _, err := safe.Do(context.Background(), &Request{Method: m, Path: "/"}); err != nil {
			t.Errorf("%s: %v", m, err)
		}
	}
	unsafe := newTestClient(t, srv.URL, ClientOptions{AllowUnsafe: true, AllowDelete: []string{"delete_item", "DELETE /users/{user_id}"}})
	ctx := context.Background()
	if _, err := unsafe.Do(ctx, &Request{Method: "DELETE", Path: "/orders/1", Operation: "DELETE /orders/{order_id}"}); !errors.Is(err, ErrDelete) {
		t.Errorf("DELETE of an operation not named: %v", err)
	}
	for _, r := range []*Request{
		{Method: "POST", Path: "/items"},
		{Method: "DELETE", Path: "/items/1", OperationID: "delete_item"},
		{Method: "DELETE", Path: "/users/7", Operation: "DELETE /users/{user_id}"},
	} {
		if _, err := unsafe.Do(ctx, r); err != nil {
			t.Errorf("%s %s: %v", r.Method, r.Path, err)
		}
	}
	close(h.methods)
	var got []string
	for m := range h.methods {
		got = append(got, m)
	}
	want := "GET / HEAD / OPTIONS / POST /items DELETE /items/1 DELETE /users/7"
	if strings.Join(got, " ") != want {
		t.Errorf("server saw %q, want %q", strings.Join(got, " "), want)
	}
}

// TestClientGraphQLQueries: a POST marked as a GraphQL query is sent
// without --allow-unsafe only when its body is a query; a mutation, a
// subscription or another body is refused like any POST.
func TestClientGraphQLQueries(t *testing.T) {
	srv, h := newTarget(t, func(w http.ResponseWriter, r *http.Request) {})
	c := newTestClient(t, srv.URL, ClientOptions{})
	ctx := context.Background()
	for _, body := range []string{
		`{"query": "{__schema{queryType{name}}}"}`,
		`{"query": "query Q { me { id } }", "variables": {}, "operationName": "Q"}`,
	} {
		if _, err := c.Do(ctx, &Request{Method: "POST", Path: "/graphql", Body: []byte(body), GraphQLQuery: true}); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
	for _, body := range []string{
		`{"query": "mutation { deleteUser(id: 1) }"}`,
		`{"query": "{ a } mutation M { deleteUser(id: 1) }"}`,
		`{"query": "subscription { events }"}`,
		`{"query": "{__schema{queryType{name}}}", "extensions": {}}`,
		`[{"query": "{ a }"}]`,
		`not json`,
	} {
		if _, err := c.Do(ctx, &Request{Method: "POST", Path: "/graphql", Body: []byte(body), GraphQLQuery: true}); !errors.Is(err, ErrUnsafe) {
			t.Errorf("%s sent without --allow-unsafe: %v", body, err)
		}
	}
	if _, err := c.Do(ctx, &Request{Method: "PUT", Path: "/graphql", Body: []byte(`{"query": "{ a }"}`), GraphQLQuery: true}); !errors.Is(err, ErrUnsafe) {
		t.Errorf("PUT marked as a GraphQL query was sent: %v", err)
	}
	if n := h.n.Load(); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}

func TestClientBoundsResponses(t *testing.T) {
	srv, _ := newTarget(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/endless":
			chunk := []byte(strings.Repeat("A", 4096))
			for i := 0; i < 1<<16; i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		case "/drip":
			for i := 0; i < 100; i++ {
				if _, err := w.Write([]byte("x")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				time.Sleep(50 * time.Millisecond)
			}
		case "/gzip":
			w.Header().Set("Content-Encoding", "gzip")
			gz := gzip.NewWriter(w)
			zeros := make([]byte, 1<<20)
			for i := 0; i < 64; i++ { // 64 MiB of zeros, ~64 KiB on the wire
				if _, err := gz.Write(zeros); err != nil {
					return
				}
			}
			gz.Close()
		}
	})
	c := newTestClient(t, srv.URL, ClientOptions{MaxBody: 64 << 10, Timeout: 500 * time.Millisecond})
	ctx := context.Background()
	for _, p := range []string{"/endless", "/gzip"} {
		resp, err := c.Do(ctx, &Request{Path: p})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if !resp.Truncated || len(resp.Body) != 64<<10 {
			t.Errorf("%s: read %d bytes, truncated %v", p, len(resp.Body), resp.Truncated)
		}
		if len(resp.Exchange.Response.Body) > excerptSize+3 {
			t.Errorf("%s: evidence excerpt of %d bytes", p, len(resp.Exchange.Response.Body))
		}
	}
	start := time.Now()
	if _, err := c.Do(ctx, &Request{Path: "/drip"}); err == nil {
		t.Errorf("a 5 s slow drip was read whole within a 500 ms timeout")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("slow drip held the client %v", d)
	}
}

func TestCurlReproducesTheRequest(t *testing.T) {
	var got atomic.Value
	srv, _ := newTarget(t, func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 100)
		n, _ := r.Body.Read(b)
		got.Store(r.Method + " " + r.URL.RequestURI() + " " + r.Header.Get("Authorization") + " " + r.Header.Get("X-Odd") + " " + string(b[:n]))
	})
	c := newTestClient(t, srv.URL, ClientOptions{AllowUnsafe: true})
	c.Secret("s3cr3t-token", "FASTAPI_AUDIT_TOKEN")
	resp, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/items?q=it's", Body: []byte(`{"name": "a'b $HOME"}`),
		Header: http.Header{"Authorization": {"Bearer s3cr3t-token"}, "X-Odd": {`"; rm -rf / #`}}})
	if err != nil {
		t.Fatal(err)
	}
	x := resp.Exchange
	if strings.Contains(x.Curl, "s3cr3t-token") || strings.Contains(strings.Join(x.Request.Headers, "\n"), "s3cr3t-token") {
		t.Fatalf("the token appears in the evidence: %s", x.Curl)
	}
	want := got.Load().(string)
	needTool(t, "curl", "curl")
	cmd := exec.Command(needTool(t, "sh", "dash"), "-c", x.Curl+" >/dev/null 2>&1")
	cmd.Env = []string{"FASTAPI_AUDIT_TOKEN=s3cr3t-token", "PATH=/usr/bin:/bin"}
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v", x.Curl, err)
	}
	if again := got.Load().(string); again != want {
		t.Errorf("curl sent\n %q\nthe probe sent\n %q", again, want)
	}
}

// needTool returns the path of a program the test runs. When it is missing
// the test fails under CI=true (scripts/test installs it) and skips
// otherwise.
func needTool(t *testing.T, name, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s missing (Debian package %s); scripts/test installs it", name, debianPackage)
	}
	t.Skipf("%s missing (Debian package %s; CI=true makes this a failure)", name, debianPackage)
	return ""
}
