package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

const (
	treeGitHub = "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
	treeAWS    = "AKIAQ3EXAMPLEKEY7ZXR"
	treeStripe = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
)

// treeSecretReport is a report whose findings, routes and diagnostics
// quote secrets that none of them recorded: only the tree's secrets
// (Report.Secrets) say what they are.
func treeSecretReport() *Report {
	loc := finding.Location{File: "app/main.py", Line: 13, Column: 5, EndLine: 13, EndColumn: 60}
	fs := []*finding.Finding{
		{RuleID: "FA102", Title: "OS command injection", Severity: finding.Critical, Location: loc, Function: "app.main.hook",
			Message: "query parameter q reaches a command", Remediation: "fix",
			Snippet:  `subprocess.call("curl -H 'Authorization: token ` + treeGitHub + `' " + q, shell=True)`,
			Evidence: []finding.Step{{Location: loc, Message: "concatenated with '" + treeGitHub + "'"}}},
		{RuleID: "FA701", Title: "TLS verification disabled", Severity: finding.High, Location: loc, Remediation: "fix",
			Message: "requests.get() with verify=False",
			Snippet: `requests.get(url, verify=False, headers={"x": "` + treeAWS + `", "y": "` + treeStripe + `"})`},
		{RuleID: "FA409", Title: "Secret in a URL query string", Severity: finding.Medium, Location: loc, Remediation: "fix",
			Message: "GET /hooks/" + treeGitHub + "/run takes the secret `api_key` from the query string",
			// A snippet cut in the middle of a secret.
			Snippet: `KEYS = {"k": "` + treeStripe[:20] + "..."},
		{RuleID: "FA403", Title: "Hard-coded secret", Severity: finding.High, Location: loc, Remediation: "fix",
			Message: "the code holds a Stripe secret key", Snippet: `K = "` + treeStripe + `"`, Secrets: []string{treeStripe}},
	}
	finding.Fingerprints(fs)
	return &Report{
		Tool: Tool{Name: "fastapi-audit", Version: "test"}, Findings: fs,
		Routes: []Route{{Method: "GET", Path: "/hooks/" + treeGitHub + "/run", Handler: "hook", File: "app/main.py", Line: 12,
			Auth: []string{}, Authz: []string{}, Scopes: []string{"read:" + treeAWS}, Params: map[string][]string{"query": {"q"}}}},
		Diagnostics: []*finding.Diagnostic{{Location: finding.Location{File: "app/bad.py", Line: 1}, Kind: "syntax",
			Message: "invalid syntax near \"" + treeAWS + "\""}},
		Secrets: []string{treeGitHub, treeAWS, treeStripe},
	}
}

var writers = map[string]func(io.Writer, *Report) error{
	"text":   func(w io.Writer, r *Report) error { return WriteText(w, r, TextOptions{}) },
	"json":   WriteJSON,
	"sarif":  WriteSARIF,
	"html":   WriteHTML,
	"junit":  WriteJUnit,
	"github": WriteGitHub,
}

// TestRedactByValueInEveryFormat writes the report in every format, each
// from a fresh report: no byte of any holds a secret of the tree, and the
// findings are all there, masked.
func TestRedactByValueInEveryFormat(t *testing.T) {
	for name, write := range writers {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := write(&buf, treeSecretReport()); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, s := range []string{treeGitHub, treeAWS, treeStripe, treeStripe[:12]} {
				if strings.Contains(out, s) {
					t.Errorf("%s shows %q", name, s)
				}
			}
			for _, id := range []string{"FA102", "FA701", "FA409", "FA403"} {
				if !strings.Contains(out, id) {
					t.Errorf("%s lost the %s finding", name, id)
				}
			}
			if name != "github" && !strings.Contains(out, "ghp_********") {
				t.Errorf("%s does not show the masked token", name)
			}
		})
	}
}

func TestRedactMasksEveryPart(t *testing.T) {
	r := treeSecretReport()
	r.Redact()
	r.Redact() // a second call changes nothing
	f := r.Findings
	for got, want := range map[string]string{
		f[0].Snippet:             `subprocess.call("curl -H 'Authorization: token ghp_********' " + q, shell=True)`,
		f[0].Evidence[0].Message: "concatenated with 'ghp_********'",
		f[1].Snippet:             `requests.get(url, verify=False, headers={"x": "AKIA********", "y": "sk_l********"})`,
		f[2].Message:             "GET /hooks/ghp_********/run takes the secret `api_key` from the query string",
		f[2].Snippet:             `KEYS = {"k": "sk_l********...`,
		r.Routes[0].Path:         "/hooks/ghp_********/run",
		r.Routes[0].Scopes[0]:    "read:AKIA********",
		r.Diagnostics[0].Message: `invalid syntax near "AKIA********"`,
	} {
		if got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}

// TestRouteRewriteReachesEveryString fills every string of a route and
// checks that Rewrite reaches them all.
func TestRouteRewriteReachesEveryString(t *testing.T) {
	var rt Route
	v := reflect.ValueOf(&rt).Elem()
	for i := 0; i < v.NumField(); i++ {
		switch fv := v.Field(i); fv.Kind() {
		case reflect.String:
			fv.SetString("secret")
		case reflect.Slice:
			fv.Set(reflect.ValueOf([]string{"secret"}))
		case reflect.Map:
			fv.Set(reflect.ValueOf(map[string][]string{"query": {"secret"}}))
		}
	}
	rt.Rewrite(func(s string) string { return strings.ReplaceAll(s, "secret", "ok") })
	b, err := json.Marshal(rt)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "secret") {
		t.Errorf("Rewrite misses a string of the route: %s", b)
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, ünïcode":           "plain text, ünïcode",
		"\x1b[31mred\x1b[0m":            `\x1b[31mred\x1b[0m`,
		"\x1b]8;;http://x\x07link":      `\x1b]8;;http://x\x07link`,
		"a\r\nb\tc":                     `a\x0d\x0ab\x09c`,
		"del\x7f c1\u009b":              `del\x7f c1\u009b`,
		"\u202eexe.txt \u2066x\u2069":   `\u202eexe.txt \u2066x\u2069`,
		"line\u2028sep":                 `line\u2028sep`,
		"bad \xff byte":                 "bad \uFFFD byte",
		`C:\path\x1b is shown as typed`: `C:\path\x1b is shown as typed`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSARIFURIs(t *testing.T) {
	for in, want := range map[string]string{
		"app/main.py":            "app/main.py",
		"javascript:alert(1).py": "./javascript:alert(1).py",
		"C:/x.py":                "./C:/x.py",
		"app/a:b.py":             "app/a:b.py",
		"/etc/passwd":            "etc/passwd",
		"//evil.example/x.py":    "evil.example/x.py",
		"dir with space/ü.py":    "dir%20with%20space/%C3%BC.py",
		"ev\x1b[31m\u202e?#%.py": "ev%1B%5B31m%E2%80%AE%3F%23%25.py",
	} {
		if got := uriEscape(in); got != want {
			t.Errorf("uriEscape(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHTMLShowsControlsEscaped checks that bidi marks and control
// characters in a file name, a snippet and a route reach the page as
// visible escapes, never raw.
func TestHTMLShowsControlsEscaped(t *testing.T) {
	r := treeSecretReport()
	r.Findings[0].Location.File = "ev\x1b[31mil\u202eyp.exe.py"
	r.Findings[0].Snippet = "os.system(\"\x1b]0;owned\x07\u2066\" + q)"
	r.Routes[0].Path = "/r\u202e\x1b[2J"
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, raw := range []string{"\x1b", "\x07", "\u202e", "\u2066"} {
		if strings.Contains(out, raw) {
			t.Errorf("the page holds %q raw", raw)
		}
	}
	for _, want := range []string{`ev\x1b[31mil\u202eyp.exe.py`, `\x1b]0;owned\x07\u2066`, `/r\u202e\x1b[2J`} {
		if !strings.Contains(out, want) {
			t.Errorf("the page does not show %s", want)
		}
	}
}

// BenchmarkRedact masks 500 secrets of a tree in a report of 35,000
// findings, the size of the largest reports seen.
func BenchmarkRedact(b *testing.B) {
	var values []string
	for i := range 500 {
		values = append(values, fmt.Sprintf("sk_live_%024d", i))
	}
	for b.Loop() {
		b.StopTimer()
		r := &Report{Secrets: values}
		for i := range 35_000 {
			r.Findings = append(r.Findings, &finding.Finding{RuleID: "FA102", Title: "OS command injection",
				Message:     fmt.Sprintf("query parameter q%d reaches a command run by a shell in subprocess.call()", i),
				Snippet:     fmt.Sprintf(`subprocess.call("curl -H 'Authorization: token %s' " + q, shell=True)`, values[i%700%500]),
				Remediation: "Run programs with an argument list and shell=False.", Function: "app.main.hook",
				Location: finding.Location{File: "app/main.py", Line: i}})
		}
		b.StartTimer()
		r.Redact()
	}
}
