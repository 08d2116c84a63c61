package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

// Defaults of the probe's safety limits.
const (
	DefaultBudget  = 500              // requests per run
	DefaultRate    = 10.0             // requests per second
	DefaultTimeout = 10 * time.Second // per request, body included
	DefaultMaxBody = 1 << 20          // bytes of a response body read
	DefaultMaxTime = 10 * time.Minute // a whole run (Options.MaxTime)
	maxRedirects   = 5                // in-scope redirects followed when a request asks for it
	excerptSize    = 2048             // bytes of a body kept as evidence
)

// Errors the client returns instead of sending a request.
var (
	ErrBudget     = errors.New("request budget exhausted")
	ErrOutOfScope = errors.New("outside the target's scheme, host and port")
	ErrUnsafe     = errors.New("state-changing method not allowed (give --allow-unsafe)")
	ErrDelete     = errors.New("DELETE not allowed for this operation (name it with --allow-delete)")
)

// ClientOptions are the safety limits and credentials of a probe.
type ClientOptions struct {
	Budget      int           // most requests sent; 0 means DefaultBudget
	Rate        float64       // requests per second; 0 means DefaultRate
	Timeout     time.Duration // per request; 0 means DefaultTimeout
	MaxBody     int64         // bytes of a response read; 0 means DefaultMaxBody
	AllowUnsafe bool          // POST, PUT and PATCH may be sent
	AllowDelete []string      // operations DELETE may be sent to: operation ids or "DELETE /path/{id}"
	Insecure    bool          // do not verify the target's TLS certificate
	// Resolve looks up the target's addresses; nil means the system
	// resolver. The client connects only to the addresses found here, once,
	// so a DNS answer that changes later cannot move it to another host.
	Resolve func(ctx context.Context, host string) ([]net.IPAddr, error)
	// OnRequest is called after each request with the number sent so far.
	OnRequest func(sent, budget int)
}

// Client sends requests to one target and nowhere else: the scheme, host
// and port of its base URL. It spends a request budget, keeps a rate,
// bounds time and response size, refuses state-changing methods unless
// allowed, and records the exchanges it makes as evidence.
type Client struct {
	base    *url.URL
	opts    ClientOptions
	http    *http.Client
	limiter *rate.Limiter
	sent    atomic.Int64
	deletes map[string]bool

	mu       sync.Mutex
	secrets  []secret // values shown as shell variables in evidence
	offScope []string // redirects to other hosts, not followed
}

// secret is a credential value and the shell variable standing for it.
type secret struct{ value, variable string }

// NewClient prepares a client for the target at base, resolving its host
// once.
func NewClient(ctx context.Context, base string, opts ClientOptions) (*Client, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("target URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("target URL %q: want http:// or https:// and a host", base)
	}
	u.Fragment, u.RawQuery = "", ""
	u.Path = strings.TrimSuffix(u.Path, "/")
	if opts.Budget <= 0 {
		opts.Budget = DefaultBudget
	}
	if opts.Rate <= 0 {
		opts.Rate = DefaultRate
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	resolve := opts.Resolve
	if resolve == nil {
		resolve = net.DefaultResolver.LookupIPAddr
	}
	host := u.Hostname()
	var addrs []net.IPAddr
	if ip := net.ParseIP(host); ip != nil {
		addrs = []net.IPAddr{{IP: ip}}
	} else {
		rctx, cancel := context.WithTimeout(ctx, opts.Timeout)
		addrs, err = resolve(rctx, host)
		cancel()
		if err != nil || len(addrs) == 0 {
			return nil, fmt.Errorf("resolving %s: %v", host, err)
		}
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	target := net.JoinHostPort(host, port)
	dialer := &net.Dialer{Timeout: opts.Timeout}
	transport := &http.Transport{
		Proxy: nil, // straight to the target: a proxy would be another host
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr != target {
				return nil, fmt.Errorf("dial %s: %w", addr, ErrOutOfScope)
			}
			var last error
			for _, a := range addrs {
				c, err := dialer.DialContext(ctx, network, net.JoinHostPort(a.IP.String(), port))
				if err == nil {
					return c, nil
				}
				last = err
			}
			return nil, last
		},
		TLSClientConfig:        &tls.Config{InsecureSkipVerify: opts.Insecure, ServerName: host}, //nolint:gosec // the user asked for --insecure
		TLSHandshakeTimeout:    opts.Timeout,
		ResponseHeaderTimeout:  opts.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConnsPerHost:    4,
	}
	c := &Client{
		base: u,
		opts: opts,
		http: &http.Client{
			Transport: transport,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse // redirects are the caller's decision
			},
		},
		limiter: rate.NewLimiter(rate.Limit(opts.Rate), 1),
		deletes: map[string]bool{},
	}
	for _, d := range opts.AllowDelete {
		c.deletes[strings.TrimSpace(d)] = true
	}
	return c, nil
}

// Base is the target's base URL, without a trailing slash.
func (c *Client) Base() *url.URL { u := *c.base; return &u }

// Sent is the number of requests sent so far.
func (c *Client) Sent() int { return int(c.sent.Load()) }

// Budget is the most requests the client sends.
func (c *Client) Budget() int { return c.opts.Budget }

// Remaining is the number of requests left in the budget.
func (c *Client) Remaining() int { return max(0, c.opts.Budget-c.Sent()) }

// OffScopeRedirects lists the redirects to other hosts the target answered
// with; none was followed.
func (c *Client) OffScopeRedirects() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.offScope...)
}

// Secret registers a credential: wherever it appears in evidence it is
// replaced by $variable, so curl commands work once the variable is set.
func (c *Client) Secret(value, variable string) {
	if value == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.secrets = append(c.secrets, secret{value, variable})
	sort.SliceStable(c.secrets, func(i, j int) bool { return len(c.secrets[i].value) > len(c.secrets[j].value) })
}

// Request is one request to the target.
type Request struct {
	Method      string
	Path        string      // relative to the base URL ("/items/1", query allowed) or an absolute URL in scope
	Query       url.Values  // added to the path's query
	Header      http.Header // may be nil
	Body        []byte
	Operation   string // the OpenAPI operation, "DELETE /items/{item_id}", for --allow-delete
	OperationID string // its operationId, also accepted by --allow-delete
	Follow      bool   // follow redirects that stay in scope
	MaxBody     int64  // bytes of the response read; 0 means the client's cap (the OpenAPI document gets its own)
	Explicit    bool   // asked for by the user (--login): allowed whatever the method
	// GraphQLQuery marks a POST whose JSON body is a read-only GraphQL
	// query: it is sent without --allow-unsafe once the client has checked
	// that the body holds no mutation or subscription (readOnlyGraphQL).
	GraphQLQuery bool
}

// Response is the target's answer, its body read up to the client's cap.
type Response struct {
	Status    int
	Header    http.Header
	Body      []byte
	Truncated bool // the body was longer than the cap
	URL       string
	Duration  time.Duration
	Exchange  *finding.Exchange
}

// Resolve turns a request path into an absolute URL and checks its scope.
func (c *Client) Resolve(p string) (*url.URL, error) {
	ref, err := url.Parse(p)
	if err != nil {
		return nil, fmt.Errorf("request URL %q: %w", p, err)
	}
	var u *url.URL
	if ref.IsAbs() || ref.Host != "" {
		u = c.base.ResolveReference(ref)
	} else {
		u = c.Base()
		u.Path = c.base.Path + "/" + strings.TrimPrefix(ref.Path, "/")
		u.RawPath = ""
		u.RawQuery = ref.RawQuery
	}
	if !c.InScope(u) {
		return nil, fmt.Errorf("%s: %w", u.Redacted(), ErrOutOfScope)
	}
	return u, nil
}

// InScope reports whether a URL has the target's scheme, host and port.
func (c *Client) InScope(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, c.base.Scheme) && strings.EqualFold(u.Hostname(), c.base.Hostname()) && portOf(u) == portOf(c.base)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

// allowed checks the method against the safety flags.
func (c *Client) allowed(r *Request, u *url.URL) error {
	if r.Explicit {
		return nil
	}
	if r.GraphQLQuery && r.Method == http.MethodPost && readOnlyGraphQL(r.Body) {
		return nil
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	case http.MethodDelete:
		if !c.opts.AllowUnsafe {
			return ErrUnsafe
		}
		if c.deletes[r.Operation] || c.deletes["DELETE "+u.Path] || (r.OperationID != "" && c.deletes[r.OperationID]) {
			return nil
		}
		return ErrDelete
	}
	if !c.opts.AllowUnsafe {
		return ErrUnsafe
	}
	return nil
}

// readOnlyGraphQL reports a JSON body {"query": ...} whose GraphQL document
// is a query: it starts with "{" or "query" and names no mutation or
// subscription anywhere (a conservative reading: a field or string with
// those words makes it unsafe too).
func readOnlyGraphQL(body []byte) bool {
	var req map[string]any
	if json.Unmarshal(body, &req) != nil {
		return false
	}
	q, ok := req["query"].(string)
	if !ok || len(req) > 3 {
		return false
	}
	for k := range req {
		if k != "query" && k != "variables" && k != "operationName" {
			return false
		}
	}
	q = strings.TrimSpace(q)
	if !strings.HasPrefix(q, "{") && !strings.HasPrefix(q, "query") {
		return false
	}
	low := strings.ToLower(q)
	return !strings.Contains(low, "mutation") && !strings.Contains(low, "subscription")
}

// Do sends a request within the limits. It never sends to another host,
// never exceeds the budget and never sends an unsafe method without the
// flag: it returns an error instead.
func (c *Client) Do(ctx context.Context, r *Request) (*Response, error) {
	if r.Method == "" {
		r.Method = http.MethodGet
	}
	u, err := c.Resolve(r.Path)
	if err != nil {
		return nil, err
	}
	if len(r.Query) > 0 {
		q := u.Query()
		for k, vs := range r.Query {
			for _, v := range vs {
				q.Add(k, v)
			}
		}
		u.RawQuery = q.Encode()
	}
	if err := c.allowed(r, u); err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.Method, u.Path, err)
	}
	for hop := 0; ; hop++ {
		resp, err := c.send(ctx, r, u)
		if err != nil {
			return nil, err
		}
		if resp.Status < 300 || resp.Status >= 400 || resp.Header.Get("Location") == "" {
			return resp, nil
		}
		next, err := u.Parse(resp.Header.Get("Location"))
		if err != nil {
			return resp, nil
		}
		if !c.InScope(next) {
			c.mu.Lock()
			c.offScope = append(c.offScope, u.Redacted()+" -> "+next.Redacted())
			c.mu.Unlock()
			return resp, nil
		}
		if !r.Follow || hop >= maxRedirects || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			return resp, nil
		}
		u = next
	}
}

// send makes one request, counting it against the budget.
func (c *Client) send(ctx context.Context, r *Request, u *url.URL) (*Response, error) {
	if c.sent.Add(1) > int64(c.opts.Budget) {
		c.sent.Add(-1)
		return nil, ErrBudget
	}
	if err := c.limiter.Wait(ctx); err != nil {
		return nil, fmt.Errorf("waiting for the rate limit: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), bytes.NewReader(r.Body))
	if err != nil {
		return nil, fmt.Errorf("request %s %s: %w", r.Method, u.Redacted(), err)
	}
	if r.Body == nil {
		req.Body, req.ContentLength = nil, 0
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "fastapi-audit-probe")
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if c.opts.OnRequest != nil {
		defer c.opts.OnRequest(c.Sent(), c.opts.Budget)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.Method, u.Redacted(), err)
	}
	defer resp.Body.Close()
	limit := c.opts.MaxBody
	if r.MaxBody > 0 {
		limit = r.MaxBody
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	truncated := int64(len(body)) > limit
	if truncated {
		body = body[:limit]
	}
	if err != nil && !truncated {
		return nil, fmt.Errorf("%s %s: reading the response: %w", r.Method, u.Redacted(), err)
	}
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: body, Truncated: truncated,
		URL: u.String(), Duration: time.Since(start)}
	out.Exchange = c.exchange(req, r.Body, out)
	return out, nil
}

// exchange records a request and its response as evidence, with the
// client's secrets replaced by shell variables.
func (c *Client) exchange(req *http.Request, body []byte, resp *Response) *finding.Exchange {
	c.mu.Lock()
	secrets := c.secrets
	c.mu.Unlock()
	hide := func(s string) string {
		for _, sec := range secrets {
			s = strings.ReplaceAll(s, sec.value, "$"+sec.variable)
		}
		return s
	}
	x := &finding.Exchange{
		Request: finding.HTTPRequest{Method: req.Method, URL: hide(req.URL.String()),
			Headers: headerLines(req.Header, hide), Body: hide(excerpt(body))},
		Response: finding.HTTPResponse{Status: resp.Status, Headers: headerLines(resp.Header, hide),
			Body: hide(excerpt(resp.Body)), Seconds: resp.Duration.Seconds()},
	}
	x.Curl = curl(req, body, secrets)
	return x
}

// headerLines lists headers as "Name: value", sorted.
func headerLines(h http.Header, hide func(string) string) []string {
	var out []string
	for k, vs := range h {
		for _, v := range vs {
			out = append(out, k+": "+hide(v))
		}
	}
	sort.Strings(out)
	return out
}

// excerpt is the start of a body as valid UTF-8 text.
func excerpt(b []byte) string {
	if len(b) > excerptSize {
		b = b[:excerptSize]
		for len(b) > 0 && !utf8.Valid(b) && len(b) > excerptSize-4 {
			b = b[:len(b)-1]
		}
		return strings.ToValidUTF8(string(b), "\uFFFD") + "..."
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
