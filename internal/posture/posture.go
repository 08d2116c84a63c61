// Package posture checks how a domain is set up for safe traffic: TLS on
// its HTTPS endpoint, HSTS and the HTTP redirect, DNS (CAA, DNSSEC) and
// email authentication (SPF, DMARC, DKIM, MTA-STS, TLS-RPT). Checks live
// one per file (check_*.go), each with the documentation of the FA95x
// rules it reports.
package posture

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// Defaults.
const (
	DefaultTimeout = 10 * time.Second
	maxBody        = 64 << 10 // bytes read of an HTTP answer (MTA-STS policy, redirects)
)

// Options configure a posture run.
type Options struct {
	// Resolver is the DNS server to ask, HOST:PORT; "" means the system's
	// (the first nameserver of /etc/resolv.conf).
	Resolver  string
	HTTPSPort int            // port of the HTTPS endpoint; 0 means 443
	HTTPPort  int            // port of the plain-HTTP endpoint; 0 means 80
	RootCAs   *x509.CertPool // trusted roots; nil means the system's
	// DKIMSelectors are tried before the common selectors.
	DKIMSelectors []string
	// TrustAnchors are DS records (in zone-file text) of the DNSSEC trust
	// anchor; nil means the root zone's published KSK.
	TrustAnchors []string
	Timeout      time.Duration                                                     // per network exchange; 0 means DefaultTimeout
	Now          func() time.Time                                                  // the clock, for certificate expiry; nil means time.Now
	Enabled      func(string) bool                                                 // rule selection; nil means all
	SkipTLS      bool                                                              // no TLS/HTTP checks (a domain with no web endpoint)
	SkipEmail    bool                                                              // no email authentication checks
	Dial         func(ctx context.Context, network, addr string) (net.Conn, error) // nil means net.Dialer
}

// Result is what a posture run found.
type Result struct {
	Findings    []*finding.Finding
	Diagnostics []*finding.Diagnostic
	Queries     int // DNS queries made
	Seconds     float64
}

// Check is one posture check.
type Check struct {
	Name  string
	Rules []string
	Order int
	Email bool // an email authentication check (skipped with SkipEmail)
	Web   bool // a TLS or HTTP check (skipped with SkipTLS)
	Run   func(ctx context.Context, s *Session)
}

var checks []*Check

// register adds a check; check files call it from init.
func register(c *Check) {
	rules.MustKnow("posture check "+c.Name, c.Rules)
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

// Session is the state of one posture run.
type Session struct {
	Domain string // lower-case, no trailing dot
	Opts   Options
	DNS    *Resolver

	mu       sync.Mutex
	findings []*finding.Finding
	diags    []*finding.Diagnostic
	seen     map[string]bool
}

// Run checks a domain.
func Run(ctx context.Context, domain string, opts Options) (*Result, error) {
	start := time.Now()
	d, err := NormalizeDomain(domain)
	if err != nil {
		return nil, err
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.HTTPSPort == 0 {
		opts.HTTPSPort = 443
	}
	if opts.HTTPPort == 0 {
		opts.HTTPPort = 80
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r, err := NewResolver(opts.Resolver, opts.Timeout)
	if err != nil {
		return nil, err
	}
	s := &Session{Domain: d, Opts: opts, DNS: r, seen: map[string]bool{}}
	for _, c := range Checks() {
		if (c.Email && opts.SkipEmail) || (c.Web && opts.SkipTLS) || !s.wants(c) {
			continue
		}
		c.Run(ctx, s)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("posture interrupted: %w", ctx.Err())
		}
	}
	sort.SliceStable(s.findings, func(i, j int) bool { return s.findings[i].RuleID < s.findings[j].RuleID })
	finding.Fingerprints(s.findings)
	return &Result{Findings: s.findings, Diagnostics: s.diags, Queries: r.Queries(), Seconds: time.Since(start).Seconds()}, nil
}

// NormalizeDomain checks and lower-cases a domain name given by the user
// (a URL or host:port is accepted and reduced to its host).
func NormalizeDomain(domain string) (string, error) {
	d := strings.TrimSpace(strings.ToLower(domain))
	if i := strings.Index(d, "://"); i >= 0 {
		d = d[i+3:]
	}
	d, _, _ = strings.Cut(d, "/")
	if h, _, err := net.SplitHostPort(d); err == nil {
		d = h
	}
	d = strings.TrimSuffix(d, ".")
	if d == "" || len(d) > 253 || net.ParseIP(d) != nil {
		return "", fmt.Errorf("domain %q: want a DNS name such as example.com", domain)
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 {
			return "", fmt.Errorf("domain %q: empty or over-long label", domain)
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return "", fmt.Errorf("domain %q: character %q not allowed", domain, c)
			}
		}
	}
	return d, nil
}

func (s *Session) wants(c *Check) bool {
	for _, id := range c.Rules {
		if s.Enabled(id) {
			return true
		}
	}
	return false
}

// Enabled reports whether a rule is selected.
func (s *Session) Enabled(id string) bool { return s.Opts.Enabled == nil || s.Opts.Enabled(id) }

// Report records a finding of a rule about a subject: a URL
// ("https://example.com"), or a DNS name and type ("dns:_dmarc.example.com
// TXT"). Evidence lines (the records or the handshake read) go in the
// finding's evidence.
func (s *Session) Report(ruleID, subject string, evidence []string, format string, args ...any) *finding.Finding {
	r := rules.Get(ruleID)
	if r == nil {
		panic("posture: unknown rule " + ruleID)
	}
	f := &finding.Finding{
		RuleID: r.ID, Title: r.Title, Severity: r.Severity, Confidence: finding.HighConfidence,
		CWE: r.CWE, OWASP: r.OWASP, Message: fmt.Sprintf(format, args...), Remediation: r.Remediation,
		Function: subject, Location: finding.Location{URL: subject},
	}
	for _, e := range evidence {
		f.Evidence = append(f.Evidence, finding.Step{Location: finding.Location{URL: subject}, Message: e})
	}
	f.SetCode(ruleID + " " + subject + " " + f.Message)
	if !s.Enabled(ruleID) {
		return f
	}
	s.mu.Lock()
	s.findings = append(s.findings, f)
	s.mu.Unlock()
	return f
}

// Diag records a diagnostic once.
func (s *Session) Diag(kind, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[kind+msg] || len(s.diags) >= 100 {
		return
	}
	s.seen[kind+msg] = true
	s.diags = append(s.diags, &finding.Diagnostic{Kind: "posture " + kind, Message: msg})
}

// dial opens a connection with the session's dialer and timeout.
func (s *Session) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if s.Opts.Dial != nil {
		return s.Opts.Dial(ctx, network, addr)
	}
	d := &net.Dialer{Timeout: s.Opts.Timeout}
	return d.DialContext(ctx, network, addr)
}

// Dial connects to host:port, resolving the host through the session's DNS
// resolver (so tests and --resolver see the same answers as the checks).
func (s *Session) Dial(ctx context.Context, network, host string, port int) (net.Conn, error) {
	ips, err := s.DNS.LookupIP(ctx, host)
	if err != nil {
		return nil, err
	}
	var last error
	for _, ip := range ips {
		c, err := s.dial(ctx, network, net.JoinHostPort(ip.String(), fmt.Sprint(port)))
		if err == nil {
			return c, nil
		}
		last = err
	}
	return nil, fmt.Errorf("connecting to %s:%d: %w", host, port, last)
}
