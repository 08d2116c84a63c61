package posture

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The HTTP check asks the domain's plain-HTTP endpoint for / and expects a
// redirect to HTTPS on the same host (FA957), and reads the HSTS header of
// the HTTPS endpoint's answer (FA958).
func init() {
	rules.Register(&rules.Rule{
		ID: "FA957", Name: "http-not-redirected", Title: "HTTP not redirected to HTTPS",
		Category: "transport", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{319}, OWASP: []string{"API8:2023", "A02:2021"},
		Remediation: "Answer every plain-HTTP request with a 301 (or 308) redirect to the same URL on https:// and the same host.",
		Doc: rules.Doc{
			What: "A GET of http://DOMAIN/ is answered with content (or a redirect to another plain-HTTP URL) " +
				"instead of a redirect to https://DOMAIN/. A redirect to HTTPS on another host (www.DOMAIN) is low " +
				"severity: it keeps the traffic encrypted but the domain's own HSTS policy is never set, and HSTS " +
				"preload requires the same-host redirect. Redirects are not followed. Found by `posture`.",
			Why: "Users and links that start with http:// stay on plain HTTP, where anyone on the network can read " +
				"and change the traffic, steal cookies and tokens, or inject a redirect of their own.",
			ExampleLang: "nginx",
			Example:     "# nginx serving the site on port 80 too\nserver {\n    listen 80;\n    server_name example.com;\n    root /srv/www;\n}\n",
			Fix: "```\n# nginx\nserver {\n    listen 80;\n    server_name example.com;\n    return 301 https://$host$request_uri;\n}\n```\n\n" +
				"Behind a proxy that does this, FastAPI needs nothing; without one, " +
				"`app.add_middleware(HTTPSRedirectMiddleware)` does it in the app.\n",
			References: []string{"https://cwe.mitre.org/data/definitions/319.html", "https://hstspreload.org/#submission-requirements",
				"https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html"},
		},
	})
	rules.Register(&rules.Rule{
		ID: "FA958", Name: "hsts-weak", Title: "HSTS missing, short or not preload-eligible",
		Category: "transport", Severity: finding.Low, Confidence: finding.HighConfidence,
		CWE: []int{523, 319}, OWASP: []string{"API8:2023", "A05:2021"},
		Remediation: "Send Strict-Transport-Security: max-age=63072000; includeSubDomains; preload on every HTTPS answer, then submit the domain to hstspreload.org.",
		Doc: rules.Doc{
			What: "The HTTPS answer for / has no Strict-Transport-Security header or an invalid one (medium), a " +
				"max-age under 180 days (15552000 s) or no includeSubDomains (low), or is not eligible for the HSTS " +
				"preload list (max-age of at least a year, includeSubDomains and the preload directive; info, and " +
				"only for a registrable domain). One finding lists every problem; its severity is the worst one.",
			Why: "Without HSTS, a browser's first request to the site (a typed name, an old http:// link) goes out " +
				"in plain HTTP, where an attacker on the network can answer it instead of the site (SSL stripping). " +
				"A short max-age lets the protection lapse between visits; without includeSubDomains, a forged " +
				"subdomain can set cookies for the domain. Only the preload list protects the very first visit.",
			ExampleLang: "text",
			Example:     "Strict-Transport-Security: max-age=3600\n",
			Fix: "```\n# nginx\nadd_header Strict-Transport-Security \"max-age=63072000; includeSubDomains; preload\" always;\n```\n\n" +
				"Or in the app, with a middleware that sets the header on every response. Check that every subdomain " +
				"serves HTTPS before adding includeSubDomains and preload.\n",
			References: []string{"https://datatracker.ietf.org/doc/html/rfc6797", "https://hstspreload.org/",
				"https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Strict_Transport_Security_Cheat_Sheet.html"},
		},
	})
	register(&Check{Name: "http", Rules: []string{"FA957", "FA958"}, Order: 11, Web: true, Run: checkHTTP})
}

// HSTS thresholds, in seconds.
const (
	hstsMinAge     = 15552000 // 180 days
	hstsPreloadAge = 31536000 // one year
	hstsMaxHeader  = 4096     // longer header values are not parsed
	hstsMaxDirs    = 32       // directives read of one header
)

// webExchange is one request made by the HTTP check and what came back.
type webExchange struct {
	url     string
	resp    *http.Response
	body    string // excerpt
	seconds float64
}

// webFetch GETs a URL of the domain without following redirects, through
// the session's resolver and dialer, reading at most maxBody of the body.
// Certificates are not verified: the TLS check judges them, and HSTS is
// read whatever they are.
func webFetch(ctx context.Context, s *Session, rawURL string) (*webExchange, error) {
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			n, err := strconv.Atoi(port)
			if err != nil {
				return nil, fmt.Errorf("port %q: %w", port, err)
			}
			c, err := s.Dial(ctx, "tcp", host, n)
			if err != nil {
				return nil, &errUnreachable{err}
			}
			return c, nil
		},
		TLSClientConfig: &tls.Config{ServerName: s.Domain, InsecureSkipVerify: true,
			MinVersion: tls.VersionTLS10, CipherSuites: allGoSuites()},
		TLSHandshakeTimeout: s.Opts.Timeout,
		DisableCompression:  true,
	}
	defer tr.CloseIdleConnections()
	client := s.httpClient(tr)
	req, err := newGet(ctx, rawURL)
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", rawURL, err)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	x := &webExchange{url: rawURL, resp: resp, seconds: time.Since(start).Seconds()}
	if len(body) > 512 {
		body = body[:512]
	}
	x.body = strings.ToValidUTF8(string(body), "?")
	return x, nil
}

// httpClient sends one request at a time through tr (the caller's dialing
// and TLS): no connection kept, response headers bounded in time and size,
// the whole exchange within twice the session's timeout, no redirect
// followed (the checks read them).
func (s *Session) httpClient(tr *http.Transport) *http.Client {
	tr.DisableKeepAlives = true
	tr.ResponseHeaderTimeout = s.Opts.Timeout
	tr.MaxResponseHeaderBytes = maxBody
	return &http.Client{
		Transport:     tr,
		Timeout:       2 * s.Opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// newGet is a GET request of the posture checks.
func newGet(ctx context.Context, rawURL string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err == nil {
		req.Header.Set("User-Agent", "fastapi-audit posture")
	}
	return req, err
}

// exchange is the finding's evidence for a web exchange.
func (x *webExchange) exchange(curlFlags string) *finding.Exchange {
	var hdr []string
	for _, k := range []string{"Location", "Strict-Transport-Security", "Content-Type", "Server"} {
		for _, v := range x.resp.Header.Values(k) {
			hdr = append(hdr, k+": "+v)
		}
	}
	return &finding.Exchange{
		Request:  finding.HTTPRequest{Method: http.MethodGet, URL: x.url},
		Response: finding.HTTPResponse{Status: x.resp.StatusCode, Headers: hdr, Body: x.body, Seconds: x.seconds},
		Curl:     fmt.Sprintf("curl %s-sS -o /dev/null -D - '%s'", curlFlags, x.url),
	}
}

// webURL is the URL of / on the domain for a scheme and port.
func webURL(s *Session, scheme string, port int) string {
	if scheme == "http" && port == 80 || scheme == "https" && port == 443 {
		return scheme + "://" + s.Domain + "/"
	}
	return fmt.Sprintf("%s://%s/", scheme, net.JoinHostPort(s.Domain, strconv.Itoa(port)))
}

func checkHTTP(ctx context.Context, s *Session) {
	if s.Enabled("FA957") {
		checkRedirect(ctx, s)
	}
	if s.Enabled("FA958") {
		checkHSTS(ctx, s)
	}
}

// checkRedirect reports a plain-HTTP answer that is not a redirect to
// HTTPS on the same host (FA957). A closed HTTP port is not a finding.
func checkRedirect(ctx context.Context, s *Session) {
	u := webURL(s, "http", s.Opts.HTTPPort)
	x, err := webFetch(ctx, s, u)
	if err != nil {
		s.Diag("http", "%s not checked: %v", u, err)
		return
	}
	status := fmt.Sprintf("GET %s answered %s", u, x.resp.Status)
	ev := []string{status}
	code := x.resp.StatusCode
	var f *finding.Finding
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		loc := x.resp.Header.Get("Location")
		ev = append(ev, "Location: "+loc)
		target, err := x.resp.Request.URL.Parse(loc)
		switch {
		case loc == "" || err != nil:
			f = s.Report("FA957", u, ev, "%s answers %d with no usable Location: plain-HTTP visitors are not sent to HTTPS; redirect to https://%s/",
				u, code, s.Domain)
		case target.Scheme != "https":
			f = s.Report("FA957", u, ev, "%s redirects to %s, not to HTTPS: the next request is in plain text too; redirect straight to https://%s/",
				u, target.Redacted(), s.Domain)
		case !strings.EqualFold(strings.TrimSuffix(target.Hostname(), "."), s.Domain):
			f = s.Report("FA957", u, ev, "%s redirects to HTTPS on another host (%s): traffic is encrypted from there on, but the HSTS policy of %s is never set by its own redirect, and HSTS preload requires redirecting to https://%s/ first",
				u, target.Hostname(), s.Domain, s.Domain)
			f.Severity = finding.Low
		default:
			return // redirected to https on the same host
		}
	default:
		f = s.Report("FA957", u, ev, "%s answers %d over plain HTTP instead of redirecting to https://%s/: anyone on the network can read and change what is served, and steal cookies sent with the request",
			u, code, s.Domain)
	}
	f.HTTP = x.exchange("")
	f.SetCode(fmt.Sprintf("FA957 %s %d", u, code/100))
}

// hstsPolicy is a parsed Strict-Transport-Security header.
type hstsPolicy struct {
	maxAge     int64 // seconds; capped, never negative
	hasMaxAge  bool
	subdomains bool // includeSubDomains
	preload    bool
	problems   []string // why browsers would ignore the header
}

// parseHSTS reads a Strict-Transport-Security value (RFC 6797 6.1):
// directives separated by ';', names case-insensitive, values tokens or
// quoted strings, each directive at most once, max-age required. Unknown
// directives are ignored as the RFC requires.
func parseHSTS(v string) hstsPolicy {
	var p hstsPolicy
	if len(v) > hstsMaxHeader {
		p.problems = append(p.problems, fmt.Sprintf("the header is over %d bytes", hstsMaxHeader))
		return p
	}
	seen := map[string]bool{}
	for i, d := range strings.Split(v, ";") {
		if i >= hstsMaxDirs {
			p.problems = append(p.problems, fmt.Sprintf("more than %d directives", hstsMaxDirs))
			break
		}
		d = strings.Trim(d, " \t")
		if d == "" {
			continue
		}
		name, val, hasVal := strings.Cut(d, "=")
		name = strings.ToLower(strings.Trim(name, " \t"))
		val = strings.Trim(val, " \t")
		if seen[name] {
			p.problems = append(p.problems, fmt.Sprintf("directive %s appears more than once", name))
			continue
		}
		seen[name] = true
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = val[1 : len(val)-1]
		}
		switch name {
		case "max-age":
			n, err := strconv.ParseUint(val, 10, 63)
			switch {
			case !hasVal || val == "" || strings.TrimLeft(val, "0123456789") != "":
				p.problems = append(p.problems, fmt.Sprintf("max-age value %q is not a number", hstsClip(val)))
			case err != nil: // all digits, too large: as long as can be
				p.maxAge, p.hasMaxAge = 1<<62, true
			default:
				p.maxAge, p.hasMaxAge = int64(n), true
			}
		case "includesubdomains":
			p.subdomains = true
		case "preload":
			p.preload = true
		}
	}
	if !p.hasMaxAge && !seen["max-age"] {
		p.problems = append(p.problems, "no max-age directive")
	}
	return p
}

// hstsClip shortens a header value for a message.
func hstsClip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// hstsDays renders seconds as days for a message.
func hstsDays(sec int64) string {
	if sec >= 86400 {
		return fmt.Sprintf("%d days", sec/86400)
	}
	return fmt.Sprintf("%d seconds", sec)
}

// checkHSTS reports the HTTPS answer's HSTS header (FA958).
func checkHSTS(ctx context.Context, s *Session) {
	u := webURL(s, "https", s.Opts.HTTPSPort)
	x, err := webFetch(ctx, s, u)
	if err != nil {
		s.Diag("http", "%s not checked: %v", u, err)
		return
	}
	values := x.resp.Header.Values("Strict-Transport-Security")
	ev := []string{fmt.Sprintf("GET %s answered %s", u, x.resp.Status)}
	for _, v := range values {
		ev = append(ev, "Strict-Transport-Security: "+hstsClip(v))
	}
	// The preload list takes registrable domains only.
	etld1, _ := publicsuffix.EffectiveTLDPlusOne(s.Domain)
	preloadable := etld1 == s.Domain

	var problems, kinds []string
	sev := finding.Info
	raise := func(to finding.Severity) {
		if to > sev {
			sev = to
		}
	}
	if len(values) == 0 {
		problems = append(problems, "no Strict-Transport-Security header: browsers keep using plain HTTP for http:// links and typed names, open to SSL stripping")
		kinds = append(kinds, "missing")
		raise(finding.Medium)
	} else {
		if len(values) > 1 {
			ev = append(ev, fmt.Sprintf("%d Strict-Transport-Security headers: browsers use the first only", len(values)))
		}
		p := parseHSTS(values[0])
		switch {
		case len(p.problems) > 0:
			problems = append(problems, "the Strict-Transport-Security header is invalid, so browsers ignore it: "+strings.Join(p.problems, "; "))
			kinds = append(kinds, "invalid")
			raise(finding.Medium)
		case p.maxAge == 0:
			problems = append(problems, "max-age=0 tells browsers to forget the HSTS policy")
			kinds = append(kinds, "zero")
			raise(finding.Medium)
		default:
			if p.maxAge < hstsMinAge {
				problems = append(problems, fmt.Sprintf("max-age is %s, under 180 days (%d): the protection lapses between visits", hstsDays(p.maxAge), hstsMinAge))
				kinds = append(kinds, "short")
				raise(finding.Low)
			}
			if !p.subdomains {
				problems = append(problems, "no includeSubDomains: subdomains stay reachable over plain HTTP, and a spoofed one can set cookies for the domain")
				kinds = append(kinds, "subdomains")
				raise(finding.Low)
			}
			if preloadable && (p.maxAge < hstsPreloadAge || !p.subdomains || !p.preload) {
				var need []string
				if p.maxAge < hstsPreloadAge {
					need = append(need, fmt.Sprintf("max-age of at least %d (a year)", hstsPreloadAge))
				}
				if !p.subdomains {
					need = append(need, "includeSubDomains")
				}
				if !p.preload {
					need = append(need, "the preload directive")
				}
				problems = append(problems, "not eligible for the HSTS preload list, which protects the very first visit (needs "+strings.Join(need, ", ")+"); informational")
				kinds = append(kinds, "preload")
			}
		}
	}
	if len(problems) == 0 {
		return
	}
	sort.Strings(kinds)
	f := s.Report("FA958", u, ev, "HSTS on %s: %s; send Strict-Transport-Security: max-age=63072000; includeSubDomains; preload",
		u, strings.Join(problems, "; "))
	f.Severity = sev
	f.HTTP = x.exchange("-k ")
	f.SetCode("FA958 " + u + " " + strings.Join(kinds, ","))
}
