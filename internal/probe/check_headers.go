package probe

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The headers check reads the answers of the base URL and of one
// operation: security headers (FA603), HTTPS enforcement (FA605) and
// version banners (FA903).
func init() {
	rules.Register(&rules.Rule{
		ID: "FA903", Name: "version-banner", Title: "Server version disclosed in response headers",
		Category: "exposure", Severity: finding.Low, Confidence: finding.HighConfidence,
		CWE: []int{497}, OWASP: []string{"API8:2023", "A05:2021"},
		Remediation: "Stop sending version numbers in Server, X-Powered-By and similar headers (uvicorn --no-server-header, remove the middleware that adds them, or strip them at the proxy).",
		Doc: rules.Doc{
			What: "A live response carries a header naming software with its version: `Server: uvicorn/0.17.6`, " +
				"`X-Powered-By: FastAPI/0.92.0`, `X-AspNet-Version`, `Via` with a product version. Found by `probe`.",
			Why: "A version number tells an attacker which published vulnerabilities to try, without a single probe " +
				"of their own. It costs nothing to remove and saves the defender nothing to keep.",
			Example: "# a middleware that advertises the stack\n@app.middleware(\"http\")\nasync def powered_by(request, call_next):\n" +
				"    response = await call_next(request)\n    response.headers[\"X-Powered-By\"] = \"FastAPI/0.92.0\"\n    return response\n",
			Fix: "Remove the header, run uvicorn with `--no-server-header` (or `server_header=False`), and let the " +
				"proxy drop `Server` and `X-Powered-By`.\n\n```\nuvicorn app.main:app --no-server-header\n```\n",
			References: []string{"https://cwe.mitre.org/data/definitions/497.html",
				"https://owasp.org/www-project-secure-headers/"},
		},
	})
	register(&Check{Name: "headers", Rules: []string{"FA603", "FA605", "FA903"}, Order: 20, Run: checkHeaders})
}

// bannerHeaders may name the server software.
var bannerHeaders = []string{"Server", "X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version", "X-Generator", "X-Runtime-Version", "Via"}

// versioned matches a product with a version number ("uvicorn/0.17.6",
// "Python/3.11", "nginx 1.25.3").
var versioned = regexp.MustCompile(`[A-Za-z][\w.-]*[/ ]v?\d+\.\d+`)

func checkHeaders(ctx context.Context, s *Session) {
	resp := s.Do(ctx, &Request{Method: http.MethodGet, Path: "/"})
	if resp == nil {
		return
	}
	op := "GET " + s.Client.Base().Path + "/"
	if s.Enabled("FA903") {
		for _, h := range bannerHeaders {
			if v := resp.Header.Get(h); v != "" && versioned.MatchString(v) {
				s.Report("FA903", op, resp, "the %s header discloses the server's software and version: %q", h, v)
			}
		}
	}
	if s.Enabled("FA603") {
		var missing []string
		if s.Client.Base().Scheme == "https" && resp.Header.Get("Strict-Transport-Security") == "" {
			missing = append(missing, "Strict-Transport-Security")
		}
		if !strings.EqualFold(resp.Header.Get("X-Content-Type-Options"), "nosniff") {
			missing = append(missing, "X-Content-Type-Options: nosniff")
		}
		csp := strings.ToLower(resp.Header.Get("Content-Security-Policy"))
		if resp.Header.Get("X-Frame-Options") == "" && !strings.Contains(csp, "frame-ancestors") {
			missing = append(missing, "X-Frame-Options (or CSP frame-ancestors)")
		}
		if csp == "" {
			missing = append(missing, "Content-Security-Policy")
		}
		if resp.Header.Get("Referrer-Policy") == "" {
			missing = append(missing, "Referrer-Policy")
		}
		if len(missing) > 0 {
			s.Report("FA603", op, resp, "responses lack security headers: %s", strings.Join(missing, ", "))
		}
	}
	if s.Enabled("FA605") {
		checkHTTPS(ctx, s, resp, op)
	}
}

// checkHTTPS reports an https target without HSTS (or with a short
// max-age), and an http target: it cannot redirect to https on the same
// port, so its plain-text answer is the evidence.
func checkHTTPS(ctx context.Context, s *Session, resp *Response, op string) {
	base := s.Client.Base()
	if base.Scheme == "http" {
		if isLoopback(base.Hostname()) {
			return // a local development server: nothing to enforce
		}
		s.Report("FA605", op, resp, "the API answers over plain HTTP (%d) instead of redirecting to HTTPS", resp.Status)
		return
	}
	hsts := resp.Header.Get("Strict-Transport-Security")
	if hsts == "" {
		s.Report("FA605", op, resp, "no Strict-Transport-Security header: browsers may still reach the API over plain HTTP")
		return
	}
	if age, ok := hstsMaxAge(hsts); ok && age < 180*24*3600 {
		s.Report("FA605", op, resp, "Strict-Transport-Security max-age is %d seconds, under 180 days", age)
	}
}

// hstsMaxAge reads the max-age directive of an HSTS header.
func hstsMaxAge(v string) (int, bool) {
	for _, d := range strings.Split(v, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(d), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "max-age") {
			n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(val), `"`))
			return n, err == nil
		}
	}
	return 0, false
}

// isLoopback reports localhost names and loopback addresses.
func isLoopback(host string) bool {
	return host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasPrefix(host, "127.") || host == "::1"
}
