package report

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// Hostile strings a scanned project or a probed server could put in a
// report.
const (
	htmlXSSScript   = `<script>alert(1)</script>`
	htmlXSSAttr     = `"><img src=x onerror=alert(1)>`
	htmlXSSBreakout = `</script><script>`
	htmlXSSJSURL    = `javascript:alert(document.domain)`
	htmlXSSTitle    = `<script>document.title='pwned'</script>`
	htmlXSSSVG      = `'><svg onload=alert(1)>`
	htmlSecret      = "sk_live_51HabcdefghijklmnopQRST"
	htmlSecret2     = "hunter2hunter2"
	htmlHostilePath = `/items/{item_id}"><script>alert(1)</script>`
)

// htmlHostileReport has a finding of each kind (taint path, HTTP exchange,
// live confirmation, suppressed, unknown rule), with hostile text in
// every field that comes from the scanned code or a server, and secrets.
func htmlHostileReport() *Report {
	loc := func(file string, line int) finding.Location {
		return finding.Location{File: file, Line: line, Column: 5, EndLine: line, EndColumn: 20}
	}
	fs := []*finding.Finding{
		{RuleID: "FA101", Title: "SQL injection", Severity: finding.Critical, Confidence: finding.HighConfidence,
			CWE: []int{89}, OWASP: []string{"API2:2023", "A03:2021"}, Location: loc("app/main.py", 12),
			Function: "app.main.get_item", Message: "query built from item_id " + htmlXSSAttr,
			Snippet:     `db.execute(f"SELECT * FROM t WHERE id={item_id}")  # ` + htmlXSSScript + htmlXSSBreakout + htmlXSSTitle,
			Remediation: "Use bound parameters.",
			Evidence: []finding.Step{
				{Location: loc("app/main.py", 10), Message: "item_id " + htmlXSSScript},
				{Location: loc("app/db.py", 3), Message: "reaches execute " + htmlXSSBreakout},
			}},
		{RuleID: "FA901", Title: "Server error on malformed input", Severity: finding.Medium, Confidence: finding.HighConfidence,
			CWE: []int{755}, OWASP: []string{"API8:2023", "X99:2099"},
			Location: finding.Location{URL: htmlXSSJSURL}, Function: "GET /items/{item_id}",
			Message: "GET /items/{item_id} answers 500 " + htmlXSSTitle,
			HTTP: &finding.Exchange{
				Request: finding.HTTPRequest{Method: "GET", URL: "http://127.0.0.1:8000/items/%27" + htmlXSSAttr,
					Headers: []string{"Authorization: Bearer $FASTAPI_AUDIT_TOKEN", "X-Key: " + htmlSecret}, Body: `{"q": "` + htmlXSSBreakout + `"}`},
				Response: finding.HTTPResponse{Status: 500, Headers: []string{"Content-Type: text/html", "X-Evil: " + htmlXSSSVG},
					Body: "<html>" + htmlXSSScript + htmlXSSTitle + "\x1b[31mred\x1b[0m \u202eevil</html>", Seconds: 0.25},
				Curl: "curl -H 'X-Key: " + htmlSecret + "' '" + htmlXSSJSURL + "'",
			},
			Secrets: []string{htmlSecret}},
		{RuleID: "FA403", Title: "Hard-coded secret", Severity: finding.High, Confidence: finding.MediumConfidence,
			CWE: []int{798}, Location: loc("app/settings.py", 4), Function: "app.settings",
			Message: "secret " + htmlSecret2 + " in source", Snippet: `API_KEY = "` + htmlSecret2 + `"`,
			Live:    &finding.Confirmation{Confirmed: true, Message: "server accepted " + htmlSecret2 + " " + htmlXSSScript, URL: htmlXSSJSURL},
			Secrets: []string{htmlSecret2}},
		{RuleID: "FA404", Title: "Debug mode", Severity: finding.Medium, Location: loc("run.py", 2), Message: "debug on",
			Suppressed: &finding.Suppression{Kind: "inline", Justification: "local only " + htmlXSSAttr}},
		{RuleID: "FA999", Title: htmlXSSScript, Severity: finding.Info, Location: loc("app/main.py", 30),
			Function: "app.main.admin", Message: "unknown rule"},
		{RuleID: "FA406", Title: "Docs exposed", Severity: finding.Low, Location: loc("app/main.py", 1), Message: "docs"},
	}
	finding.Fingerprints(fs)
	return &Report{
		Tool:     Tool{Name: "fastapi-audit", Version: "test"},
		Findings: fs,
		Routes: []Route{
			{Method: "GET", Path: "/items/{item_id}", Handler: "get_item", File: "app/main.py", Line: 9, Auth: []string{}, Authz: []string{}},
			{Method: "POST", Path: "/admin", Handler: "admin", File: "app/main.py", Line: 28, Auth: []string{"get_current_user"}, Authz: []string{"require_admin"}},
			{Method: "GET", Path: htmlHostilePath, Handler: "x" + htmlXSSAttr, File: "app/x" + htmlXSSScript + ".py", Line: 1, Auth: []string{htmlXSSAttr}, Authz: []string{}},
		},
		Diagnostics: []*finding.Diagnostic{{Location: finding.Location{File: "bad" + htmlXSSAttr + ".py", Line: 1, Column: 1}, Message: "invalid syntax " + htmlXSSScript, Kind: "syntax"}},
		Stats:       Stats{Files: 4, Lines: 321, Seconds: 1.25, Rules: 60, Requests: 17},
		Rules:       rules.All(),
	}
}

// renderHTML writes a report as HTML and parses it.
func renderHTML(t *testing.T, r *Report) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return buf.String(), doc
}

// htmlWalk calls fn for n and every node below it.
func htmlWalk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		htmlWalk(c, fn)
	}
}

// htmlElements lists the elements a predicate accepts.
func htmlElements(root *html.Node, keep func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	htmlWalk(root, func(n *html.Node) {
		if n.Type == html.ElementNode && keep(n) {
			out = append(out, n)
		}
	})
	return out
}

func htmlTag(tag string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == tag }
}

func htmlAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// htmlText is the text content of a node.
func htmlText(n *html.Node) string {
	var b strings.Builder
	htmlWalk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

func findingArticles(doc *html.Node) []*html.Node {
	return htmlElements(doc, func(n *html.Node) bool {
		_, ok := htmlAttr(n, "data-finding")
		return n.Data == "article" && ok
	})
}

func TestHTMLFindingsAndCounts(t *testing.T) {
	r := htmlHostileReport()
	_, doc := renderHTML(t, r)

	arts := findingArticles(doc)
	if len(arts) != len(r.Findings) {
		t.Fatalf("%d finding articles, want %d", len(arts), len(r.Findings))
	}
	seen := map[string]int{}
	for _, a := range arts {
		rule, _ := htmlAttr(a, "data-rule")
		sev, _ := htmlAttr(a, "data-severity")
		seen[rule+"/"+sev]++
		if _, hidden := htmlAttr(a, "hidden"); hidden {
			t.Errorf("finding %s is hidden without JavaScript", rule)
		}
	}
	for _, f := range r.Findings {
		if seen[f.RuleID+"/"+f.Severity.String()] != 1 {
			t.Errorf("finding %s (%s) appears %d times", f.RuleID, f.Severity, seen[f.RuleID+"/"+f.Severity.String()])
		}
	}
	// Highest severity first, suppressed last.
	var order []string
	for _, a := range arts {
		s, _ := htmlAttr(a, "data-severity")
		order = append(order, s)
	}
	if got := strings.Join(order, ","); got != "critical,high,medium,low,info,medium" {
		t.Errorf("order %s", got)
	}

	// The summary tables count active findings by severity and category.
	want := map[string]string{
		"critical": "1", "high": "1", "medium": "1", "low": "1", "info": "1",
		"injection": "1", "exposure": "2", "other": "2",
	}
	got := map[string]string{}
	for _, tr := range htmlElements(doc, htmlTag("tr")) {
		ths := htmlElements(tr, htmlTag("th"))
		tds := htmlElements(tr, htmlTag("td"))
		if len(ths) == 1 && len(tds) == 1 {
			got[htmlText(ths[0])] = htmlText(tds[0])
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("summary count for %s = %q, want %q", k, got[k], v)
		}
	}
	totals := map[string]string{}
	dl := htmlElements(doc, func(n *html.Node) bool { c, _ := htmlAttr(n, "class"); return n.Data == "dl" && c == "totals" })
	if len(dl) != 1 {
		t.Fatalf("%d totals lists", len(dl))
	}
	for _, dt := range htmlElements(dl[0], htmlTag("dt")) {
		if dd := dt.NextSibling; dd != nil && dd.Type == html.ElementNode && dd.Data == "dd" {
			totals[htmlText(dt)] = htmlText(dd)
		}
	}
	for k, v := range map[string]string{"Findings": "5", "Suppressed": "1", "Files": "4", "Lines": "321", "HTTP requests": "17", "Rules run": "60", "Routes": "3", "Diagnostics": "1", "Time": "1.25 s"} {
		if totals[k] != v {
			t.Errorf("total %s = %q, want %q", k, totals[k], v)
		}
	}

	// One bar per severity; the longest bar is the largest count.
	svgs := htmlElements(doc, htmlTag("svg"))
	if len(svgs) != 2 {
		t.Fatalf("%d charts, want 2", len(svgs))
	}
	if n := len(htmlElements(svgs[0], htmlTag("rect"))); n != 5 {
		t.Errorf("severity chart has %d bars", n)
	}
	if n := len(htmlElements(svgs[1], htmlTag("rect"))); n != 3 {
		t.Errorf("category chart has %d bars", n)
	}

	// Routes: one row each, "none" for the route without authentication,
	// and the findings in the handler (static and live) counted.
	rows := map[string]*html.Node{}
	for _, tr := range htmlElements(doc, htmlTag("tr")) {
		if label, ok := htmlAttr(tr, "data-label"); ok {
			rows[label] = tr
		}
	}
	if len(rows) != 3 {
		t.Fatalf("%d route rows, want 3", len(rows))
	}
	cells := func(label string) []string {
		var out []string
		for c := rows[label].FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				out = append(out, strings.TrimSpace(htmlText(c)))
			}
		}
		return out
	}
	if c := cells("GET /items/{item_id}"); c[2] != "none" || c[4] != "2" || c[5] != "get_itemapp/main.py:9" {
		t.Errorf("GET /items/{item_id} row %q: want auth none and 2 findings", c)
	}
	if c := cells("POST /admin"); c[2] != "get_current_user" || c[3] != "require_admin" || c[4] != "1" {
		t.Errorf("POST /admin row %q", c)
	}
	if none := htmlElements(rows["GET /items/{item_id}"], func(n *html.Node) bool {
		cl, _ := htmlAttr(n, "class")
		return cl == "none"
	}); len(none) != 1 {
		t.Errorf("missing auth is not highlighted")
	}

	// The live finding is tied to its route.
	for _, a := range arts {
		if rule, _ := htmlAttr(a, "data-rule"); rule == "FA901" {
			if routes, _ := htmlAttr(a, "data-routes"); routes != "r1" {
				t.Errorf("FA901 routes %q, want r1", routes)
			}
		}
	}

	// Each finding shows its evidence.
	all := htmlText(doc)
	for _, s := range []string{
		"app/main.py:12:5", "app.main.get_item", "Use bound parameters.", "app/db.py:3:5",
		"HTTP 500 Internal Server Error", "Authorization: Bearer $FASTAPI_AUDIT_TOKEN", "curl -H",
		"Confirmed live:", "local only", "invalid syntax", "CWE-89", "API2:2023 Broken Authentication", "X99:2099",
		`\x1b[31mred`, `\u202eevil`,
	} {
		if !strings.Contains(all, s) {
			t.Errorf("report text lacks %q", s)
		}
	}
	links := map[string]bool{}
	for _, a := range htmlElements(doc, htmlTag("a")) {
		href, _ := htmlAttr(a, "href")
		links[href] = true
	}
	for _, u := range []string{
		htmlDocsURL + "FA101.md", "https://cwe.mitre.org/data/definitions/89.html",
		"https://owasp.org/Top10/A03_2021-Injection/", "https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",
		"#route=r1", "#r1",
	} {
		if !links[u] {
			t.Errorf("no link to %s", u)
		}
	}
	if links[htmlDocsURL+"FA999.md"] {
		t.Errorf("unknown rule linked to documentation")
	}
}

// htmlAllowedElements and htmlAllowedAttrs are everything the template writes;
// anything else in the parsed page was injected.
var (
	htmlAllowedElements = strings.Fields(`html head meta title style body header h1 h2 h3 h4 p nav ul ol li a main
		section div dl dt dd svg text rect table caption thead tbody tr th td code strong span br form fieldset
		legend label input select option button article pre footer script`)
	htmlAllowedAttrs = strings.Fields(`lang charset http-equiv content name id class href rel hidden type value checked
		for placeholder role scope viewBox width height xmlns x y fill text-anchor font-size focusable`)
)

func htmlAllowed(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestHTMLEscapesHostileContent(t *testing.T) {
	out, doc := renderHTML(t, htmlHostileReport())

	scripts := htmlElements(doc, htmlTag("script"))
	if len(scripts) != 1 {
		t.Fatalf("%d script elements, want 1", len(scripts))
	}
	if got := htmlText(scripts[0]); got != htmlJS {
		t.Errorf("the script element holds something other than the report's script:\n%s", got)
	}
	htmlWalk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		if !htmlAllowed(htmlAllowedElements, n.Data) {
			t.Errorf("injected element <%s>", n.Data)
		}
		for _, a := range n.Attr {
			key := a.Key
			if a.Namespace != "" {
				key = a.Namespace + ":" + a.Key
			}
			if !htmlAllowed(htmlAllowedAttrs, key) && !strings.HasPrefix(key, "data-") && !strings.HasPrefix(key, "aria-") {
				t.Errorf("injected attribute %s=%q on <%s>", key, a.Val, n.Data)
			}
			if key == "href" || key == "src" || key == "action" {
				v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				if !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "#") {
					t.Errorf("<%s %s=%q>: only https and fragment links are expected", n.Data, key, a.Val)
				}
			}
		}
	})
	// The hostile text is shown, as text.
	all := htmlText(doc)
	for _, s := range []string{htmlXSSScript, htmlXSSAttr, htmlXSSBreakout, htmlXSSJSURL, htmlXSSTitle, htmlXSSSVG, htmlHostilePath} {
		if !strings.Contains(all, s) {
			t.Errorf("hostile text %q is not shown as text", s)
		}
	}
	for _, s := range []string{"<script>alert", "<img", "<svg onload", "</script><script>"} {
		if strings.Contains(out, s) {
			t.Errorf("output contains %q unescaped", s)
		}
	}
}

func TestHTMLRedactsSecrets(t *testing.T) {
	out, _ := renderHTML(t, htmlHostileReport())
	for _, s := range []string{htmlSecret, htmlSecret2} {
		if strings.Contains(out, s) {
			t.Errorf("secret %q in the report", s)
		}
	}
	for _, s := range []string{finding.Mask(htmlSecret), finding.Mask(htmlSecret2)} {
		if !strings.Contains(out, s) {
			t.Errorf("mask %q not in the report", s)
		}
	}
}

func TestHTMLContentSecurityPolicy(t *testing.T) {
	_, doc := renderHTML(t, htmlHostileReport())
	var csp string
	for _, m := range htmlElements(doc, htmlTag("meta")) {
		if v, _ := htmlAttr(m, "http-equiv"); strings.EqualFold(v, "Content-Security-Policy") {
			csp, _ = htmlAttr(m, "content")
		}
	}
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, val, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = val
	}
	styles := htmlElements(doc, htmlTag("style"))
	scripts := htmlElements(doc, htmlTag("script"))
	if len(styles) != 1 || len(scripts) != 1 {
		t.Fatalf("%d style and %d script elements", len(styles), len(scripts))
	}
	want := map[string]string{
		"default-src": "'none'", "img-src": "data:", "base-uri": "'none'", "form-action": "'none'",
		"style-src": "'" + cspHash(htmlText(styles[0])) + "'", "script-src": "'" + cspHash(htmlText(scripts[0])) + "'",
	}
	for k, v := range want {
		if directives[k] != v {
			t.Errorf("CSP %s = %q, want %q (policy %q)", k, directives[k], v, csp)
		}
	}
	// The policy must come before anything it governs.
	head := htmlElements(doc, htmlTag("head"))[0]
	for c := head.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.Data == "style" {
			t.Errorf("style before the policy")
		}
		if v, _ := htmlAttr(c, "http-equiv"); v == "Content-Security-Policy" {
			break
		}
	}
	// Nothing is loaded: no link, img, iframe or object, no src attribute,
	// no url() or @import in the style sheet.
	htmlWalk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode {
			if _, ok := htmlAttr(n, "src"); ok || n.Data == "link" || n.Data == "img" || n.Data == "iframe" || n.Data == "object" {
				t.Errorf("<%s> loads a resource", n.Data)
			}
		}
	})
	if strings.Contains(htmlCSS, "url(") || strings.Contains(htmlCSS, "@import") {
		t.Errorf("the style sheet loads a resource")
	}
}

func TestHTMLAccessibleStructure(t *testing.T) {
	_, doc := renderHTML(t, htmlHostileReport())
	for _, tag := range []string{"header", "nav", "main", "footer"} {
		if n := len(htmlElements(doc, htmlTag(tag))); n != 1 {
			t.Errorf("%d <%s> landmarks, want 1", n, tag)
		}
	}
	if n := len(htmlElements(doc, htmlTag("h1"))); n != 1 {
		t.Errorf("%d h1, want 1", n)
	}
	for _, th := range htmlElements(doc, htmlTag("th")) {
		if s, _ := htmlAttr(th, "scope"); s != "col" && s != "row" {
			t.Errorf("<th> %q without scope", htmlText(th))
		}
	}
	// Every form control has a label.
	labelled := map[string]bool{}
	for _, l := range htmlElements(doc, htmlTag("label")) {
		if f, ok := htmlAttr(l, "for"); ok {
			labelled[f] = true
		}
		for _, in := range htmlElements(l, htmlTag("input")) {
			labelled[fmt.Sprintf("%p", in)] = true
		}
	}
	for _, in := range htmlElements(doc, func(n *html.Node) bool { return n.Data == "input" || n.Data == "select" }) {
		id, _ := htmlAttr(in, "id")
		if !labelled[id] && !labelled[fmt.Sprintf("%p", in)] {
			t.Errorf("unlabelled <%s name=%q>", in.Data, id)
		}
	}
	// The filters and copy buttons need the script: hidden without it.
	for _, n := range htmlElements(doc, func(n *html.Node) bool {
		id, _ := htmlAttr(n, "id")
		_, copy := htmlAttr(n, "data-copy")
		return id == "filters" || copy
	}) {
		if _, ok := htmlAttr(n, "hidden"); !ok {
			t.Errorf("<%s> needs JavaScript but is shown without it", n.Data)
		}
	}
}

// wcagLuminance is the WCAG relative luminance of a #rrggbb colour.
func wcagLuminance(t *testing.T, hex string) float64 {
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(hex) != 7 {
		t.Fatalf("bad colour %q", hex)
	}
	lin := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(v>>16) + 0.7152*lin(v>>8&0xff) + 0.0722*lin(v&0xff)
}

func wcagContrast(t *testing.T, a, b string) float64 {
	la, lb := wcagLuminance(t, a), wcagLuminance(t, b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func TestHTMLColourContrast(t *testing.T) {
	for _, s := range htmlSeverities {
		c := severityPalette[s]
		if r := wcagContrast(t, c.BG, c.FG); r < 4.5 {
			t.Errorf("%s badge text contrast %.2f < 4.5", s, r)
		}
		if r := wcagContrast(t, c.BG, "#ffffff"); r < 3 {
			t.Errorf("%s bar contrast against the page %.2f < 3", s, r)
		}
	}
	if r := wcagContrast(t, categoryBar, "#ffffff"); r < 3 {
		t.Errorf("category bar contrast %.2f < 3", r)
	}
	// Text colour pairs of the style sheet.
	for _, p := range [][2]string{
		{"#1b1b1b", "#ffffff"}, {"#545454", "#ffffff"}, {"#0b57d0", "#ffffff"}, {"#5b2a86", "#ffffff"},
		{"#8a1020", "#fde7e9"}, {"#1b1b1b", "#f4f4f4"}, {"#1b1b1b", "#ececec"}, {"#545454", "#f7f7f7"},
		{"#1b1b1b", "#fafafa"},
	} {
		if !strings.Contains(htmlCSS, p[0]) || !strings.Contains(htmlCSS, p[1]) {
			t.Errorf("colours %s/%s are no longer in the style sheet; update the test", p[0], p[1])
		}
		if r := wcagContrast(t, p[0], p[1]); r < 4.5 {
			t.Errorf("text %s on %s: contrast %.2f < 4.5", p[0], p[1], r)
		}
	}
}

func TestHTMLEmptyReport(t *testing.T) {
	out, doc := renderHTML(t, &Report{Tool: Tool{Name: "fastapi-audit", Version: "test"}})
	if n := len(findingArticles(doc)); n != 0 {
		t.Errorf("%d findings in an empty report", n)
	}
	for _, s := range []string{"No findings.", "No routes in this report."} {
		if !strings.Contains(out, s) {
			t.Errorf("empty report lacks %q", s)
		}
	}
}

func TestRouteMatches(t *testing.T) {
	rt := Route{Method: "GET", Path: "/items/{id}", Handler: "read", File: "app/api.py"}
	for _, c := range []struct {
		f    finding.Finding
		want bool
	}{
		{finding.Finding{Location: finding.Location{File: "app/api.py"}, Function: "app.api.read"}, true},
		{finding.Finding{Location: finding.Location{File: "app/api.py"}, Function: "read"}, true},
		{finding.Finding{Location: finding.Location{File: "app/api.py"}, Function: "app.api.unread"}, false},
		{finding.Finding{Location: finding.Location{File: "app/other.py"}, Function: "app.other.read"}, false},
		{finding.Finding{Location: finding.Location{URL: "http://x/items/1"}, Function: "GET /items/{id}"}, true},
		{finding.Finding{Location: finding.Location{URL: "http://x/items/1"}, Function: "get /items/{id}"}, true},
		{finding.Finding{Location: finding.Location{URL: "http://x/items/1"}, Function: "POST /items/{id}"}, false},
	} {
		if got := routeMatches(rt, &c.f); got != c.want {
			t.Errorf("routeMatches(%s in %s) = %v", c.f.Function, c.f.Location, got)
		}
	}
}

func TestHTMLClean(t *testing.T) {
	for in, want := range map[string]string{
		"a\r\nb":        "a\nb",
		"a\rb":          `a\x0db`,
		"\x1b[31m":      `\x1b[31m`,
		"\u202eabc":     `\u202eabc`,
		"tab\tok\n":     "tab\tok\n",
		"bad \xff byte": "bad \uFFFD byte",
		"ünïcode":       "ünïcode",
	} {
		if got := htmlClean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}
