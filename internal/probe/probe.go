// Package probe audits a running FastAPI API: it reads the API's OpenAPI
// document and checks the live service for the issues of the FA9 rules and
// for live confirmation of static ones (FA406, FA601, FA603...). Every
// request goes through a Client that stays on the target, spends a budget,
// keeps a rate and never sends state-changing methods unless allowed; each
// finding carries the exchange that shows it and a curl command.
//
// Checks live one per file (check_*.go), each with the documentation of the
// FA9 rules it reports.
package probe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/openapi"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// Options configure a probe run.
type Options struct {
	Client   ClientOptions
	OpenAPI  string   // URL or file of the OpenAPI document; "" means look in the usual places
	Tokens   []string // bearer tokens, one per user; a second user enables the BOLA check
	Headers  []string // "Name: value" headers sent with the first user's requests (cookies, API keys)
	Logins   []Login  // users to log in with the OAuth2 password flow
	LoginURL string   // token endpoint; "" means the password flow's tokenUrl from the document
	// Enabled reports whether a rule is selected; nil means all rules.
	Enabled func(ruleID string) bool
	// Targets are operations known from elsewhere (the static route
	// inventory of probe --source) that the document may lack.
	Targets []*openapi.Operation
	// GraphQL are the paths of GraphQL endpoints known from elsewhere (the
	// GraphQL servers of the static model), relative to the target URL.
	GraphQL []string
	// MaxTime bounds the whole run: once it has passed no request is sent,
	// the checks not yet run are named in a diagnostic, and what was found
	// is reported. 0 means no bound.
	MaxTime time.Duration
}

// Login is a user name and password for the OAuth2 password flow.
type Login struct{ User, Password string }

// Result is what a probe found.
type Result struct {
	Findings    []*finding.Finding
	Diagnostics []*finding.Diagnostic
	Spec        *openapi.Spec // nil when no document was found
	Requests    int
	Seconds     float64
}

// Check is one live check.
type Check struct {
	Name  string   // short name, for diagnostics
	Rules []string // the rule ids it may report
	Order int      // checks run by Order, cheap and passive ones first
	Run   func(ctx context.Context, s *Session)
}

var checks []*Check

// register adds a check; check files call it from init.
func register(c *Check) {
	rules.MustKnow("probe check "+c.Name, c.Rules)
	checks = append(checks, c)
}

// Checks returns the registered checks in run order.
func Checks() []*Check {
	out := append([]*Check(nil), checks...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Order != out[j].Order {
			return out[i].Order < out[j].Order
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// User is an identity the probe acts as.
type User struct {
	Name   string      // "user A", "alice"
	Header http.Header // the credentials sent with each request
	Token  string      // the bearer token, when the user has one
}

// Session is the state one probe run shares between its checks.
type Session struct {
	Client *Client
	Spec   *openapi.Spec // nil when no document was found
	Users  []*User       // authenticated identities; none when no credentials were given
	Opts   Options

	mu        sync.Mutex
	findings  []*finding.Finding
	diags     []*finding.Diagnostic
	diagSeen  map[string]bool
	exhausted bool
	check     *Check

	opsMu   sync.Mutex
	ops     []*openapi.Operation // Operations, computed once per document
	opsSpec *openapi.Spec        // the document ops was computed for
	opsGET  map[string]int       // the index in ops of the first GET operation of each path
}

// ErrUnreachable is returned when the target does not answer at all.
var ErrUnreachable = errors.New("target unreachable")

// Run probes the target at base.
func Run(ctx context.Context, base string, opts Options) (*Result, error) {
	start := time.Now()
	parent := ctx
	if opts.MaxTime > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.MaxTime)
		defer cancel()
	}
	// outOfTime reports the run's own bound reached (not the caller's).
	outOfTime := func() bool { return ctx.Err() != nil && parent.Err() == nil }
	c, err := NewClient(ctx, base, opts.Client)
	if err != nil {
		return nil, err
	}
	s := &Session{Client: c, Opts: opts, diagSeen: map[string]bool{}}
	if _, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/"}); err != nil && !errors.Is(err, ErrBudget) {
		if outOfTime() {
			err = fmt.Errorf("no answer within the run's time limit of %v", opts.MaxTime)
		}
		return nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	if err := s.loadSpec(ctx); err != nil {
		return nil, err
	}
	s.authenticate(ctx)
	var skipped []string
	for _, ch := range Checks() {
		if !s.wants(ch) {
			continue
		}
		if outOfTime() {
			skipped = append(skipped, ch.Name)
			continue
		}
		if s.Exhausted() {
			s.Diag("budget", "request budget of %d spent; later checks did not run (raise --budget)", c.Budget())
			break
		}
		s.check = ch
		ch.Run(ctx, s)
		if parent.Err() != nil {
			return nil, fmt.Errorf("probe interrupted: %w", parent.Err())
		}
	}
	s.check = nil
	if outOfTime() {
		msg := fmt.Sprintf("time limit of %v reached after %d requests; requests in flight were abandoned", opts.MaxTime, c.Sent())
		if len(skipped) > 0 {
			msg += " and these checks did not run: " + strings.Join(skipped, ", ")
		}
		s.Diag("time", "%s (raise --max-time)", msg)
	}
	for _, r := range c.OffScopeRedirects() {
		s.Diag("scope", "redirect to another host not followed: %s", r)
	}
	sort.SliceStable(s.findings, func(i, j int) bool {
		a, b := s.findings[i], s.findings[j]
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Function < b.Function
	})
	finding.Fingerprints(s.findings)
	return &Result{Findings: s.findings, Diagnostics: s.diags, Spec: s.Spec, Requests: c.Sent(),
		Seconds: time.Since(start).Seconds()}, nil
}

// wants reports whether any rule of a check is selected.
func (s *Session) wants(ch *Check) bool {
	for _, id := range ch.Rules {
		if s.Enabled(id) {
			return true
		}
	}
	return false
}

// Enabled reports whether a rule is selected.
func (s *Session) Enabled(id string) bool { return s.Opts.Enabled == nil || s.Opts.Enabled(id) }

// Exhausted reports whether the budget ran out.
func (s *Session) Exhausted() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exhausted || s.Client.Remaining() == 0
}

// Do sends a request, turning errors into diagnostics: it returns nil when
// the request was not sent or failed.
func (s *Session) Do(ctx context.Context, r *Request) *Response {
	resp, err := s.Client.Do(ctx, r)
	switch {
	case err == nil:
		return resp
	case errors.Is(err, ErrBudget):
		s.mu.Lock()
		s.exhausted = true
		s.mu.Unlock()
	case errors.Is(err, ErrUnsafe), errors.Is(err, ErrDelete):
		s.Diag("safety", "%v", err)
	case ctx.Err() != nil:
	default:
		s.Diag("request", "%v", err)
	}
	return nil
}

// As returns a request sent as a user (nil: anonymously).
func (u *User) As(r *Request) *Request {
	if u == nil {
		return r
	}
	if r.Header == nil {
		r.Header = http.Header{}
	}
	for k, vs := range u.Header {
		if r.Header.Get(k) == "" {
			r.Header[k] = vs
		}
	}
	return r
}

// Diag records a diagnostic once.
func (s *Session) Diag(kind, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.diagSeen[kind+msg] || len(s.diags) >= 100 {
		return
	}
	s.diagSeen[kind+msg] = true
	if s.check != nil && kind != "budget" {
		msg = s.check.Name + ": " + msg
	}
	s.diags = append(s.diags, &finding.Diagnostic{Kind: "probe " + kind, Message: msg})
}

// Report records a live finding of a rule on an operation ("GET /items/{id}",
// or a path when there is no operation), shown by a response. Live
// findings start with high confidence: the exchange is the evidence.
func (s *Session) Report(ruleID, operation string, resp *Response, format string, args ...any) *finding.Finding {
	r := rules.Get(ruleID)
	if r == nil {
		panic("probe: unknown rule " + ruleID)
	}
	f := &finding.Finding{
		RuleID: r.ID, Title: r.Title, Severity: r.Severity, Confidence: finding.HighConfidence,
		CWE: r.CWE, OWASP: r.OWASP, Message: fmt.Sprintf(format, args...), Remediation: r.Remediation,
		Function: operation,
	}
	if resp != nil {
		f.Location.URL = resp.Exchange.Request.URL
		f.HTTP = resp.Exchange
	} else {
		f.Location.URL = s.Client.Base().String()
	}
	f.SetCode(ruleID + " " + operation)
	if !s.Enabled(ruleID) {
		return f // built for the caller, not kept
	}
	s.mu.Lock()
	s.findings = append(s.findings, f)
	s.mu.Unlock()
	return f
}

// Operations are the operations to probe: the document's, then targets
// from elsewhere that it lacks. The list is computed once per document
// (checks ask for it per operation: with 10,000 operations rebuilding it
// each time took minutes); callers must not modify it.
func (s *Session) Operations() []*openapi.Operation {
	s.opsMu.Lock()
	defer s.opsMu.Unlock()
	if s.ops != nil && s.opsSpec == s.Spec {
		return s.ops
	}
	s.ops, s.opsSpec = s.operations(), s.Spec
	s.opsGET = map[string]int{}
	for i, op := range s.ops {
		if _, dup := s.opsGET[op.Path]; !dup && op.Method == http.MethodGet {
			s.opsGET[op.Path] = i
		}
	}
	return s.ops
}

// getOperation is the first GET operation, in Operations order, whose
// path is one of paths; nil when there is none.
func (s *Session) getOperation(paths ...string) *openapi.Operation {
	ops := s.Operations()
	s.opsMu.Lock()
	defer s.opsMu.Unlock()
	pos := len(ops)
	for _, p := range paths {
		if i, ok := s.opsGET[p]; ok && i < pos {
			pos = i
		}
	}
	if pos == len(ops) {
		return nil
	}
	return ops[pos]
}

// operations lists the operations to probe; see Operations.
func (s *Session) operations() []*openapi.Operation {
	out := []*openapi.Operation{}
	seen := map[string]bool{}
	if s.Spec != nil {
		for _, op := range s.Spec.Operations {
			seen[op.Method+" "+op.Path] = true
			out = append(out, op)
		}
	}
	for _, op := range s.Opts.Targets {
		if !seen[op.Method+" "+op.Path] {
			seen[op.Method+" "+op.Path] = true
			out = append(out, op)
		}
	}
	return out
}

// errNotServed is returned by loadSpec's fetch for a URL that answers
// with anything but 200: no document there.
var errNotServed = errors.New("no document")

// loadSpec reads the OpenAPI document from --openapi or the usual places.
// The document is read up to openapi.DefaultMaxBytes, whatever the cap on
// other responses: large APIs have documents of several megabytes.
func (s *Session) loadSpec(ctx context.Context) error {
	fetch := func(ctx context.Context, u string) ([]byte, error) {
		resp, err := s.Client.Do(ctx, &Request{Method: http.MethodGet, Path: u, Follow: true, MaxBody: openapi.DefaultMaxBytes})
		if err != nil {
			return nil, err
		}
		if resp.Status != http.StatusOK {
			return nil, fmt.Errorf("%s answered %d: %w", u, resp.Status, errNotServed)
		}
		if resp.Truncated {
			return nil, fmt.Errorf("%s is larger than the cap of %d bytes on OpenAPI documents", u, openapi.DefaultMaxBytes)
		}
		if !bytes.Contains(resp.Body, []byte("openapi")) && !bytes.Contains(resp.Body, []byte("swagger")) {
			// A catch-all page (an SPA's index.html, "{}"), not a broken document.
			return nil, fmt.Errorf("%s answered without an \"openapi\" key: %w", u, errNotServed)
		}
		return resp.Body, nil
	}
	if src := s.Opts.OpenAPI; src != "" {
		if _, err := os.Stat(src); err != nil && strings.Contains(src, "://") {
			if _, err := s.Client.Resolve(src); err != nil {
				return fmt.Errorf("--openapi: %w", err)
			}
		}
		spec, err := openapi.Load(ctx, src, fetch)
		if err != nil {
			return fmt.Errorf("--openapi: %w", err)
		}
		docURL := s.Client.Base().String() + "/"
		if strings.Contains(src, "://") {
			docURL = src
		}
		s.useSpec(spec, docURL)
		return nil
	}
	var problems []string // why the documents that were there could not be used
	for _, p := range openapi.DiscoveryPaths(s.Client.Base().Path) {
		u := s.Client.Base()
		u.Path = p
		spec, err := openapi.Load(ctx, u.String(), fetch)
		if err == nil {
			s.useSpec(spec, u.String())
			return nil
		}
		if !errors.Is(err, errNotServed) && !errors.Is(err, ErrBudget) && ctx.Err() == nil {
			problems = append(problems, shorten(err.Error(), 300))
		}
		if s.Exhausted() {
			break
		}
	}
	if len(problems) > 0 {
		s.Diag("openapi", "no usable OpenAPI document: %s; checks ran on the base URL and well-known paths only (fix the document or give --openapi)",
			strings.Join(problems, "; "))
		return nil
	}
	s.Diag("openapi", "no OpenAPI document found at the usual places; checks ran on the base URL and well-known paths only (give --openapi)")
	return nil
}

// shorten cuts a message to about n bytes, on a rune boundary.
func shorten(msg string, n int) string {
	if len(msg) <= n {
		return msg
	}
	for n > 0 && !utf8.RuneStart(msg[n]) {
		n--
	}
	return msg[:n] + "..."
}

// useSpec adopts a document fetched from docURL. When its servers name a
// path on the target (FastAPI's root_path, "/api"), operation paths get
// that prefix, relative to the target URL; servers on other hosts are
// ignored, since the probe stays on the target.
func (s *Session) useSpec(spec *openapi.Spec, docURL string) {
	s.Spec = spec
	for _, w := range spec.Warnings {
		s.Diag("openapi", "%s", w)
	}
	if len(spec.Operations) == 0 {
		s.Diag("openapi", "the document at %s lists no operations; checks ran on the base URL and well-known paths only", docURL)
	}
	if len(spec.Servers) == 0 {
		return
	}
	base := s.Client.Base().Path
	for _, srv := range spec.ResolveServers(docURL) {
		u, err := url.Parse(srv)
		if err != nil || !s.Client.InScope(u) {
			continue
		}
		if u.Path == "" || u.Path == "/" || u.Path == base || !strings.HasPrefix(u.Path, base+"/") {
			return
		}
		prefix := strings.TrimPrefix(u.Path, base)
		for _, op := range spec.Operations {
			op.Path = prefix + op.Path
		}
		return
	}
	s.Diag("openapi", "the document's servers (%s) are not on the target; operations are probed under %s",
		strings.Join(spec.Servers, ", "), s.Client.Base())
}

// firstUser is the main authenticated user, or nil (anonymous).
func (s *Session) firstUser() *User {
	if len(s.Users) == 0 {
		return nil
	}
	return s.Users[0]
}

// mayCall reports whether the probe may call an operation at all: safe
// methods always, POST/PUT/PATCH with --allow-unsafe, DELETE only when the
// operation was named with --allow-delete.
func (s *Session) mayCall(op *openapi.Operation) bool {
	switch {
	case !op.Unsafe():
		return true
	case op.Method == http.MethodDelete:
		return s.Client.opts.AllowUnsafe && (s.Client.deletes[op.ID] || s.Client.deletes[opName(op)])
	}
	return s.Client.opts.AllowUnsafe
}
