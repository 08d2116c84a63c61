package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The HTML report is one self-contained file: its style sheet and script
// are inline, it loads nothing, and a Content-Security-Policy allows only
// that style sheet and script, by hash. Everything that comes from the
// scanned code or a probed server is rendered through html/template, so it
// is escaped for the context it appears in; the script reads nothing but
// the data- attributes of the findings and the URL fragment, and writes
// only text and the hidden attribute.

// htmlDocsURL is where the documentation of a rule is published.
const htmlDocsURL = "https://github.com/fastapi-audit/fastapi-audit/blob/main/docs/rules/"

// htmlExcerpt is the most characters of an HTTP body the report shows.
const htmlExcerpt = 4096

// htmlSeverities are the severities, highest first, as the report lists them.
var htmlSeverities = []finding.Severity{finding.Critical, finding.High, finding.Medium, finding.Low, finding.Info}

// htmlColor is a background and the text colour drawn on it.
type htmlColor struct{ BG, FG string }

// severityPalette colours severity badges and bars. Each pair has a
// contrast ratio of at least 4.5:1 (WCAG AA for text), and each background
// at least 3:1 against the white page (for the bars); a test checks both.
var severityPalette = map[finding.Severity]htmlColor{
	finding.Critical: {"#6a1b9a", "#ffffff"},
	finding.High:     {"#b3261e", "#ffffff"},
	finding.Medium:   {"#a34f00", "#ffffff"},
	finding.Low:      {"#0b5394", "#ffffff"},
	finding.Info:     {"#545454", "#ffffff"},
}

// categoryBar is the colour of the bars of the category chart.
const categoryBar = "#1f4e79"

// htmlCSS is the report's style sheet, screen and print.
var htmlCSS = func() string {
	var b strings.Builder
	b.WriteString(`:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1b1b1b;background:#fff}
header,main,footer{max-width:1200px;margin:0 auto;padding:0 1.25rem}
header{padding-top:1rem;border-bottom:1px solid #c8c8c8}
h1{font-size:1.6rem;margin:.4rem 0}
h2{font-size:1.3rem;margin:2rem 0 .75rem;border-bottom:2px solid #1b1b1b;padding-bottom:.2rem}
h3{font-size:1.05rem;margin:0}
h4{font-size:.95rem;margin:.9rem 0 .3rem}
a{color:#0b57d0}
a:visited{color:#5b2a86}
:focus-visible{outline:3px solid #1a4fd6;outline-offset:2px}
.muted{color:#545454}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;padding:0;margin:.5rem 0 1rem}
code,pre,kbd{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.9em}
pre{background:#f4f4f4;border:1px solid #d0d0d0;border-radius:4px;padding:.5rem .75rem;margin:.25rem 0;white-space:pre-wrap;overflow-wrap:anywhere;max-height:28rem;overflow:auto}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #c8c8c8;padding:.3rem .5rem;text-align:left;vertical-align:top}
thead th{background:#ececec}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:1.5rem}
.summary svg{width:100%;max-width:460px;height:auto}
.totals{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem;margin:0}
.totals dt{font-weight:600}
.totals dd{margin:0}
.badge{display:inline-block;min-width:5.2rem;text-align:center;padding:.05rem .5rem;border-radius:3px;font-weight:700;font-size:.85rem;text-transform:uppercase;letter-spacing:.02em}
.tag{display:inline-block;padding:0 .4rem;border:1px solid #545454;border-radius:3px;font-size:.85rem;color:#1b1b1b;background:#fff}
.none{background:#fde7e9;color:#8a1020;font-weight:700;padding:0 .3rem;border-radius:3px}
.sup{background:#ececec;color:#1b1b1b;border-color:#1b1b1b}
.confirmed{background:#fde7e9;color:#8a1020;border-color:#8a1020;font-weight:700}
form.filters{background:#f7f7f7;border:1px solid #c8c8c8;border-radius:4px;padding:.75rem 1rem;margin:.5rem 0 1rem;display:flex;flex-wrap:wrap;gap:1rem 2rem;align-items:flex-end}
form.filters[hidden]{display:none}
fieldset{border:0;padding:0;margin:0}
legend{font-weight:600;padding:0}
fieldset label{margin-right:.75rem;white-space:nowrap}
.field label{display:block;font-weight:600}
select,input[type=search]{font:inherit;padding:.2rem .3rem;border:1px solid #545454;border-radius:3px;max-width:22rem}
button{font:inherit;padding:.2rem .7rem;border:1px solid #1b1b1b;border-radius:3px;background:#fff;color:#1b1b1b;cursor:pointer}
button:hover{background:#ececec}
.status{font-weight:600}
article.finding{border:1px solid #c8c8c8;border-left-width:6px;border-radius:4px;padding:.75rem 1rem;margin:0 0 1rem}
article.finding[hidden]{display:none}
article.finding.suppressed{background:#fafafa}
.finding-head{display:flex;flex-wrap:wrap;gap:.5rem;align-items:baseline}
.finding-head h3{flex:1 1 20rem}
.permalink{font-size:.85rem}
.meta{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem;margin:.5rem 0}
.meta dt{font-weight:600}
.meta dd{margin:0}
ol.path{margin:.25rem 0;padding-left:1.5rem}
.copy{margin-top:.2rem}
.msg{font-size:1rem;margin:.5rem 0}
.table-wrap{overflow-x:auto}
table.routes{font-size:.9rem}
td code,th code{overflow-wrap:break-word}
.small{font-size:.85em}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
`)
	for _, s := range htmlSeverities {
		c := severityPalette[s]
		fmt.Fprintf(&b, ".sev-%s{background:%s;color:%s}\narticle.finding.sev-%s{border-left-color:%s;background:#fff;color:#1b1b1b}\n", s, c.BG, c.FG, s, c.BG)
	}
	b.WriteString(`@media print{
body{font-size:10pt}
nav,form.filters,.copy,.permalink,#route-note{display:none!important}
header,main,footer{max-width:none;padding:0}
h2{break-after:avoid}
article.finding{break-inside:avoid-page}
pre{max-height:none;overflow:visible;border-color:#888}
.badge{border:1px solid #000}
.table-wrap{overflow:visible}
td code,th code{overflow-wrap:anywhere}
a{color:#1b1b1b}
}
`)
	return b.String()
}()

// htmlJS is the report's script: the filters. It reads the data-
// attributes of the findings and the URL fragment (#severity=high,critical
// &rule=FA101&file=app/main.py&q=text&suppressed=show&route=r3), and only
// sets the hidden attribute, form values and text. Without it every
// finding is shown.
const htmlJS = `(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form || !window.URLSearchParams) { return; }
  var items = document.querySelectorAll("article[data-finding]");
  var sev = form.querySelectorAll("input[name=severity]");
  var rule = form.elements.namedItem("rule");
  var file = form.elements.namedItem("file");
  var text = form.elements.namedItem("q");
  var supp = form.elements.namedItem("suppressed");
  var status = document.getElementById("shown");
  var none = document.getElementById("no-match");
  var note = document.getElementById("route-note");
  var noteName = document.getElementById("route-name");
  var route = "";

  function choose(sel, v) {
    sel.value = v;
    if (sel.value !== v) { sel.value = ""; }
  }
  function fromHash() {
    var h = location.hash.slice(1);
    if (h.indexOf("=") < 0) { return false; }
    var p = new URLSearchParams(h);
    var want = p.has("severity") ? p.get("severity").toLowerCase().split(",") : null;
    for (var i = 0; i < sev.length; i++) { sev[i].checked = !want || want.indexOf(sev[i].value) >= 0; }
    choose(rule, (p.get("rule") || "").toUpperCase());
    choose(file, p.get("file") || "");
    text.value = p.get("q") || "";
    supp.checked = p.get("suppressed") === "show";
    route = p.get("route") || "";
    return true;
  }
  function toHash() {
    var p = new URLSearchParams(), on = [];
    for (var i = 0; i < sev.length; i++) { if (sev[i].checked) { on.push(sev[i].value); } }
    if (on.length !== sev.length) { p.set("severity", on.join(",")); }
    if (rule.value) { p.set("rule", rule.value); }
    if (file.value) { p.set("file", file.value); }
    if (text.value) { p.set("q", text.value); }
    if (supp.checked) { p.set("suppressed", "show"); }
    if (route) { p.set("route", route); }
    var s = p.toString();
    var url = s ? "#" + s : location.pathname + location.search;
    try { history.replaceState(null, "", url); } catch (e) { if (s) { location.replace(url); } }
  }
  function apply() {
    var on = {};
    for (var i = 0; i < sev.length; i++) { on[sev[i].value] = sev[i].checked; }
    var q = text.value.trim().toLowerCase(), n = 0;
    for (var j = 0; j < items.length; j++) {
      var el = items[j], d = el.dataset;
      var ok = on[d.severity] === true &&
        (!rule.value || d.rule === rule.value) &&
        (!file.value || d.file === file.value) &&
        (supp.checked || d.suppressed !== "true") &&
        (!route || (" " + d.routes + " ").indexOf(" " + route + " ") >= 0) &&
        (!q || el.textContent.toLowerCase().indexOf(q) >= 0);
      el.hidden = !ok;
      if (ok) { n++; }
    }
    status.textContent = n + " of " + items.length + (items.length === 1 ? " finding" : " findings") + " shown";
    none.hidden = n > 0;
    note.hidden = !route;
    if (route) {
      var row = document.getElementById(route);
      noteName.textContent = row && row.getAttribute("data-label") ? row.getAttribute("data-label") : route;
    }
  }
  function changed() { apply(); toHash(); }

  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("reset", function () { route = ""; setTimeout(changed, 0); });
  document.getElementById("route-clear").addEventListener("click", function () { route = ""; changed(); });
  window.addEventListener("hashchange", function () {
    if (fromHash()) { apply(); document.getElementById("findings").scrollIntoView(); }
  });

  var copies = document.querySelectorAll("button[data-copy]");
  for (var k = 0; k < copies.length; k++) {
    copies[k].hidden = false;
    copies[k].addEventListener("click", function (e) {
      var btn = e.currentTarget, pre = document.getElementById(btn.getAttribute("data-copy"));
      if (!pre) { return; }
      var done = function () { btn.textContent = "Copied"; setTimeout(function () { btn.textContent = "Copy"; }, 1500); };
      var select = function () {
        var r = document.createRange();
        r.selectNodeContents(pre);
        var s = window.getSelection();
        s.removeAllRanges();
        s.addRange(r);
        try { if (document.execCommand("copy")) { done(); } } catch (err) {}
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(pre.textContent).then(done, select);
      } else {
        select();
      }
    });
  }

  var linked = fromHash();
  apply();
  if (linked) { document.getElementById("findings").scrollIntoView(); }
})();
`

// htmlCSP is the Content-Security-Policy of the report: nothing but its
// own style sheet and script, identified by their hashes, and no network.
var htmlCSP = fmt.Sprintf("default-src 'none'; img-src data:; style-src '%s'; script-src '%s'; base-uri 'none'; form-action 'none'",
	cspHash(htmlCSS), cspHash(htmlJS))

// cspHash is the CSP source expression for an inline element's text.
func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// The view of a report the template renders; every string in it is
// escaped by html/template for the context it is used in.
type (
	htmlPage struct {
		Title        string
		CSP          string
		CSS          template.CSS
		JS           template.JS
		Tool         Tool
		Summary      string
		SettingsNote string
		Active       int
		Suppressed   int
		Totals       []htmlStat
		Severity     htmlChart
		Category     htmlChart
		Routes       []htmlRoute
		NoAuth       int
		Findings     []htmlFinding
		Severities   []htmlCount
		RuleOptions  []htmlOption
		FileOptions  []htmlOption
		Diagnostics  []htmlDiagnostic
	}
	htmlStat struct {
		Name, Value string
	}
	htmlCount struct {
		Name  string
		Count int
	}
	htmlChart struct {
		Caption string
		Column  string // what the rows are: Severity, Category
		Width   int
		Height  int
		Rows    []htmlCount
		Bars    []htmlBar
	}
	htmlBar struct {
		Name                string
		Count               int
		Y, TextY, W, LabelX int
		CountX, BarX, BarH  int
		Fill                string
	}
	htmlRoute struct {
		ID, Label                    string
		Method, Path, Handler, Where string
		App, Auth, Authz, Scopes     string
		Findings                     int
		FindingsHash                 string
	}
	htmlOption struct {
		Value, Label string
	}
	htmlLink struct {
		Text, URL string
	}
	htmlStep struct {
		Where, Message string
	}
	htmlFinding struct {
		ID, Severity, Confidence string
		RuleID, Title, RuleURL   string
		Category                 string
		Message, Where, Group    string
		Function, Snippet        string
		Steps                    []htmlStep
		HTTP                     *htmlExchange
		Live                     *htmlLive
		Remediation              string
		CWE, OWASP, References   []htmlLink
		OWASPText                []string
		Suppressed               *finding.Suppression
		Routes                   string
		RouteRefs                []htmlOption
		Fingerprint              string
	}
	htmlExchange struct {
		Request, RequestBody   string
		Response, ResponseBody string
		Curl, CurlID           string
	}
	htmlLive struct {
		Confirmed    bool
		Message, URL string
	}
	htmlDiagnostic struct {
		Kind, Where, Message string
	}
)

// WriteHTML writes the report as one self-contained HTML page: a summary
// with charts, the route inventory, every finding with its evidence (taint
// path, HTTP exchange, live confirmation), and the diagnostics. Secrets are
// redacted. Filters (severity, rule, file, text) work in the page without
// a server, and from the URL fragment; without JavaScript everything is
// shown.
func WriteHTML(w io.Writer, r *Report) error {
	page := buildHTMLPage(r)
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, page); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// buildHTMLPage turns a report into the template's view.
func buildHTMLPage(r *Report) *htmlPage {
	r.Redact()
	name := r.Tool.Name
	if name == "" {
		name = "fastapi-audit"
	}
	p := &htmlPage{
		Title: name + " report", CSP: htmlCSP, CSS: template.CSS(htmlCSS), JS: template.JS(htmlJS),
		Tool: r.Tool, Summary: Summary(r), SettingsNote: SettingsNote(r),
	}

	// Findings, highest severity first, then in report order.
	fs := append([]*finding.Finding(nil), r.Findings...)
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if (a.Suppressed == nil) != (b.Suppressed == nil) {
			return a.Suppressed == nil
		}
		return a.Severity > b.Severity
	})

	// Routes, with the findings in their handlers.
	routeIDs := make([][]int, len(fs)) // route indexes per finding
	apps := map[string]bool{}
	for _, rt := range r.Routes {
		apps[rt.App] = true
	}
	for i, rt := range r.Routes {
		hr := htmlRoute{
			ID: "r" + strconv.Itoa(i+1), Label: htmlClean(rt.Method + " " + rt.Path),
			Method: htmlClean(rt.Method), Path: htmlClean(rt.Path), Handler: htmlClean(rt.Handler),
			Auth: htmlClean(strings.Join(rt.Auth, ", ")), Authz: htmlClean(strings.Join(rt.Authz, ", ")),
			Scopes: htmlClean(strings.Join(rt.Scopes, ", ")),
		}
		if len(apps) > 1 {
			hr.App = htmlClean(rt.App) // only worth showing when there are several
		}
		if rt.File != "" {
			hr.Where = htmlClean(fmt.Sprintf("%s:%d", rt.File, rt.Line))
		}
		for j, f := range fs {
			if routeMatches(rt, f) {
				routeIDs[j] = append(routeIDs[j], i)
				if f.Suppressed == nil {
					hr.Findings++
				}
			}
		}
		hr.FindingsHash = "#route=" + hr.ID
		if len(rt.Auth) == 0 {
			p.NoAuth++
		}
		p.Routes = append(p.Routes, hr)
	}

	sevCount := map[finding.Severity]int{}
	catCount := map[string]int{}
	ruleSeen := map[string]string{}
	fileSeen := map[string]bool{}
	for i, f := range fs {
		hf := htmlFindingOf(f, i)
		for _, ri := range routeIDs[i] {
			hf.RouteRefs = append(hf.RouteRefs, htmlOption{Value: p.Routes[ri].ID, Label: p.Routes[ri].Label})
			if hf.Routes != "" {
				hf.Routes += " "
			}
			hf.Routes += p.Routes[ri].ID
		}
		p.Findings = append(p.Findings, hf)
		if _, ok := ruleSeen[hf.RuleID]; !ok {
			ruleSeen[hf.RuleID] = hf.Title
		}
		fileSeen[hf.Group] = true
		if f.Suppressed != nil {
			p.Suppressed++
			continue
		}
		p.Active++
		sevCount[f.Severity]++
		catCount[hf.Category]++
	}

	for _, s := range htmlSeverities {
		p.Severities = append(p.Severities, htmlCount{Name: s.String(), Count: sevCount[s]})
	}
	for id, title := range ruleSeen {
		p.RuleOptions = append(p.RuleOptions, htmlOption{Value: id, Label: id + " — " + title})
	}
	sort.Slice(p.RuleOptions, func(i, j int) bool { return p.RuleOptions[i].Value < p.RuleOptions[j].Value })
	for file := range fileSeen {
		p.FileOptions = append(p.FileOptions, htmlOption{Value: file, Label: file})
	}
	sort.Slice(p.FileOptions, func(i, j int) bool { return p.FileOptions[i].Value < p.FileOptions[j].Value })

	var sevRows []htmlCount
	var sevFill []string
	for _, s := range htmlSeverities {
		sevRows = append(sevRows, htmlCount{Name: s.String(), Count: sevCount[s]})
		sevFill = append(sevFill, severityPalette[s].BG)
	}
	p.Severity = htmlBarChart("Findings by severity", "Severity", sevRows, sevFill)
	var catRows []htmlCount
	for c, n := range catCount {
		catRows = append(catRows, htmlCount{Name: c, Count: n})
	}
	sort.Slice(catRows, func(i, j int) bool {
		if catRows[i].Count != catRows[j].Count {
			return catRows[i].Count > catRows[j].Count
		}
		return catRows[i].Name < catRows[j].Name
	})
	catFill := make([]string, len(catRows))
	for i := range catFill {
		catFill[i] = categoryBar
	}
	p.Category = htmlBarChart("Findings by category", "Category", catRows, catFill)

	stat := func(name string, v any) { p.Totals = append(p.Totals, htmlStat{name, fmt.Sprint(v)}) }
	stat("Findings", p.Active)
	stat("Suppressed", p.Suppressed)
	if r.Stats.Files > 0 || (r.Stats.Requests == 0 && r.Stats.Queries == 0) {
		stat("Files", r.Stats.Files)
		stat("Lines", r.Stats.Lines)
	}
	if r.Stats.Requests > 0 {
		stat("HTTP requests", r.Stats.Requests)
	}
	if r.Stats.Queries > 0 {
		stat("DNS queries", r.Stats.Queries)
	}
	stat("Rules run", r.Stats.Rules)
	stat("Routes", len(r.Routes))
	stat("Diagnostics", len(r.Diagnostics))
	stat("Time", fmt.Sprintf("%.2f s", r.Stats.Seconds))

	for _, d := range r.Diagnostics {
		hd := htmlDiagnostic{Kind: htmlClean(d.Kind), Message: htmlClean(d.Message)}
		if d.Location.File != "" || d.Location.URL != "" {
			hd.Where = htmlClean(d.Location.String())
		}
		p.Diagnostics = append(p.Diagnostics, hd)
	}
	return p
}

// routeMatches reports a finding in a route's handler: a static finding in
// the handler's file whose enclosing function is the handler, or a live
// finding about the route's method and path.
func routeMatches(rt Route, f *finding.Finding) bool {
	if f.Location.File == "" {
		m, path, ok := strings.Cut(f.Function, " ")
		return ok && strings.EqualFold(m, rt.Method) && path == rt.Path
	}
	if f.Location.File != rt.File || rt.Handler == "" || rt.Handler == "?" {
		return false
	}
	return f.Function == rt.Handler || strings.HasSuffix(f.Function, "."+rt.Handler)
}

// htmlFindingOf is the view of the i-th finding of a redacted report
// (Report.Redact), its text cleaned.
func htmlFindingOf(f *finding.Finding, i int) htmlFinding {
	mask := htmlClean
	hf := htmlFinding{
		ID: "f" + strconv.Itoa(i+1), Severity: f.Severity.String(), Confidence: f.Confidence.String(),
		RuleID: htmlClean(f.RuleID), Title: htmlClean(f.Title), Category: "other",
		Message: mask(f.Message), Group: mask(groupOf(f)), Function: mask(f.Function),
		Snippet: mask(f.Snippet), Remediation: mask(f.Remediation),
		Fingerprint: htmlClean(f.Fingerprint),
	}
	if s := f.Suppressed; s != nil {
		hf.Suppressed = &finding.Suppression{Kind: htmlClean(s.Kind), Justification: mask(s.Justification)}
	}
	if f.Location.File == "" && f.Location.URL != "" {
		hf.Where = mask(f.Location.URL)
	} else if f.Location.File != "" {
		hf.Where = mask(f.Location.String())
	}
	if rule := rules.Get(f.RuleID); rule != nil {
		hf.Category = rule.Category
		hf.RuleURL = htmlDocsURL + rule.ID + ".md"
		if hf.Title == "" {
			hf.Title = rule.Title
		}
		for _, ref := range rule.Doc.References {
			if strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://") {
				hf.References = append(hf.References, htmlLink{Text: ref, URL: ref})
			}
		}
	}
	for _, cwe := range f.CWE {
		hf.CWE = append(hf.CWE, htmlLink{Text: fmt.Sprintf("CWE-%d", cwe), URL: fmt.Sprintf("https://cwe.mitre.org/data/definitions/%d.html", cwe)})
	}
	for _, o := range f.OWASP {
		if u, ok := htmlOWASPURL[o]; ok {
			hf.OWASP = append(hf.OWASP, htmlLink{Text: o + " " + htmlOWASPName[o], URL: u})
		} else {
			hf.OWASPText = append(hf.OWASPText, htmlClean(o))
		}
	}
	for _, st := range f.Evidence {
		hf.Steps = append(hf.Steps, htmlStep{Where: mask(st.Location.String()), Message: mask(st.Message)})
	}
	if x := f.HTTP; x != nil {
		req := x.Request.Method + " " + x.Request.URL
		if len(x.Request.Headers) > 0 {
			req += "\n" + strings.Join(x.Request.Headers, "\n")
		}
		resp := fmt.Sprintf("HTTP %d", x.Response.Status)
		if t := http.StatusText(x.Response.Status); t != "" {
			resp += " " + t
		}
		if x.Response.Seconds > 0 {
			resp += fmt.Sprintf("  (%.2f s)", x.Response.Seconds)
		}
		if len(x.Response.Headers) > 0 {
			resp += "\n" + strings.Join(x.Response.Headers, "\n")
		}
		hf.HTTP = &htmlExchange{
			Request: mask(req), RequestBody: htmlExcerptOf(mask(x.Request.Body)),
			Response: mask(resp), ResponseBody: htmlExcerptOf(mask(x.Response.Body)),
			Curl: mask(x.Curl), CurlID: hf.ID + "-curl",
		}
	}
	if l := f.Live; l != nil {
		hf.Live = &htmlLive{Confirmed: l.Confirmed, Message: mask(l.Message), URL: mask(l.URL)}
	}
	return hf
}

// htmlBarChart lays out a horizontal bar chart of counts, drawn as inline SVG;
// the page also lists the counts in a table for screen readers.
func htmlBarChart(caption, column string, rows []htmlCount, fills []string) htmlChart {
	const labelW, barMax, rowH, barH, pad = 130, 250, 28, 18, 8
	c := htmlChart{Caption: caption, Column: column, Rows: rows, Width: labelW + barMax + 60, Height: pad*2 + rowH*len(rows)}
	if len(rows) == 0 {
		c.Height = 0
	}
	most := 0
	for _, r := range rows {
		most = max(most, r.Count)
	}
	for i, r := range rows {
		w := 0
		if most > 0 && r.Count > 0 {
			w = max(2, r.Count*barMax/most)
		}
		y := pad + i*rowH
		c.Bars = append(c.Bars, htmlBar{
			Name: r.Name, Count: r.Count, Y: y + (rowH-barH)/2, TextY: y + rowH/2 + 5, W: w,
			LabelX: labelW - 8, BarX: labelW, CountX: labelW + w + 6, BarH: barH, Fill: fills[i],
		})
	}
	return c
}

// htmlExcerptOf shortens an HTTP body to what the report shows.
func htmlExcerptOf(s string) string {
	if utf8.RuneCountInString(s) <= htmlExcerpt {
		return s
	}
	r := []rune(s)
	return string(r[:htmlExcerpt]) + fmt.Sprintf("\n… (%d more characters)", len(r)-htmlExcerpt)
}

// htmlClean makes text from scanned code or a server safe to read in the
// page: Printable's escapes, but newlines and tabs kept (CRLF turned into
// LF) for the blocks that show code and bodies. HTML escaping is
// html/template's.
func htmlClean(s string) string { return escapeText(s, true) }

// htmlOWASPName and htmlOWASPURL describe the OWASP categories findings cite.
var htmlOWASPName = map[string]string{
	"API1:2023": "Broken Object Level Authorization", "API2:2023": "Broken Authentication",
	"API3:2023": "Broken Object Property Level Authorization", "API4:2023": "Unrestricted Resource Consumption",
	"API5:2023": "Broken Function Level Authorization", "API6:2023": "Unrestricted Access to Sensitive Business Flows",
	"API7:2023": "Server Side Request Forgery", "API8:2023": "Security Misconfiguration",
	"API9:2023": "Improper Inventory Management", "API10:2023": "Unsafe Consumption of APIs",
	"A01:2021": "Broken Access Control", "A02:2021": "Cryptographic Failures", "A03:2021": "Injection",
	"A04:2021": "Insecure Design", "A05:2021": "Security Misconfiguration",
	"A06:2021": "Vulnerable and Outdated Components", "A07:2021": "Identification and Authentication Failures",
	"A08:2021": "Software and Data Integrity Failures", "A09:2021": "Security Logging and Monitoring Failures",
	"A10:2021": "Server-Side Request Forgery",
}

var htmlOWASPURL = func() map[string]string {
	slug := map[string]string{
		"API1:2023": "0xa1-broken-object-level-authorization", "API2:2023": "0xa2-broken-authentication",
		"API3:2023": "0xa3-broken-object-property-level-authorization", "API4:2023": "0xa4-unrestricted-resource-consumption",
		"API5:2023": "0xa5-broken-function-level-authorization", "API6:2023": "0xa6-unrestricted-access-to-sensitive-business-flows",
		"API7:2023": "0xa7-server-side-request-forgery", "API8:2023": "0xa8-security-misconfiguration",
		"API9:2023": "0xa9-improper-inventory-management", "API10:2023": "0xaa-unsafe-consumption-of-apis",
	}
	web := map[string]string{
		"A01:2021": "A01_2021-Broken_Access_Control", "A02:2021": "A02_2021-Cryptographic_Failures",
		"A03:2021": "A03_2021-Injection", "A04:2021": "A04_2021-Insecure_Design",
		"A05:2021": "A05_2021-Security_Misconfiguration", "A06:2021": "A06_2021-Vulnerable_and_Outdated_Components",
		"A07:2021": "A07_2021-Identification_and_Authentication_Failures", "A08:2021": "A08_2021-Software_and_Data_Integrity_Failures",
		"A09:2021": "A09_2021-Security_Logging_and_Monitoring_Failures", "A10:2021": "A10_2021-Server-Side_Request_Forgery_%28SSRF%29",
	}
	out := map[string]string{}
	for k, v := range slug {
		out[k] = "https://owasp.org/API-Security/editions/2023/en/" + v + "/"
	}
	for k, v := range web {
		out[k] = "https://owasp.org/Top10/" + v + "/"
	}
	return out
}()

// htmlTemplate is the page. The style and script elements hold exactly
// htmlCSS and htmlJS, whose hashes the policy names.
var htmlTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{{.Tool.Name}} {{.Tool.Version}}">
<title>{{.Title}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<p class="muted">{{.Tool.Name}} {{.Tool.Version}} — {{.Summary}}</p>
{{- if .SettingsNote}}
<p class="settings"><strong>{{.SettingsNote}}</strong></p>
{{- end}}
<nav aria-label="Sections">
<ul>
<li><a href="#summary">Summary</a></li>
<li><a href="#routes">Routes ({{len .Routes}})</a></li>
<li><a href="#findings">Findings ({{len .Findings}})</a></li>
{{- if .Diagnostics}}
<li><a href="#diagnostics">Diagnostics ({{len .Diagnostics}})</a></li>
{{- end}}
</ul>
</nav>
</header>
<main>
<section id="summary" aria-labelledby="summary-h">
<h2 id="summary-h">Summary</h2>
<div class="summary">
{{- template "chart" .Severity}}
{{- template "chart" .Category}}
<div>
<h3 id="totals-h">Totals</h3>
<dl class="totals" aria-labelledby="totals-h">
{{- range .Totals}}
<dt>{{.Name}}</dt><dd>{{.Value}}</dd>
{{- end}}
</dl>
</div>
</div>
</section>

<section id="routes" aria-labelledby="routes-h">
<h2 id="routes-h">Routes</h2>
{{- if .Routes}}
<p>{{len .Routes}} routes; <strong>{{.NoAuth}}</strong> without authentication.</p>
<div class="table-wrap">
<table class="routes">
<caption>Attack surface: every route with its authentication, authorization and findings</caption>
<thead><tr><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Authentication</th><th scope="col">Authorization</th><th scope="col" class="num">Findings</th><th scope="col">Handler</th></tr></thead>
<tbody>
{{- range .Routes}}
<tr id="{{.ID}}" data-label="{{.Label}}">
<td><code>{{.Method}}</code></td>
<th scope="row"><code>{{.Path}}</code></th>
<td>{{if .Auth}}{{.Auth}}{{else}}<span class="none">none</span>{{end}}</td>
<td>{{if .Authz}}{{.Authz}}{{else}}<span class="muted">none</span>{{end}}{{if .Scopes}}<br><span class="muted">scopes: {{.Scopes}}</span>{{end}}</td>
<td class="num">{{if .Findings}}<a href="{{.FindingsHash}}" aria-label="{{.Findings}} findings on {{.Label}}">{{.Findings}}</a>{{else}}0{{end}}</td>
<td><code>{{.Handler}}</code>{{if .Where}}<br><code class="muted small">{{.Where}}</code>{{end}}{{if .App}}<br><span class="muted small">app {{.App}}</span>{{end}}</td>
</tr>
{{- end}}
</tbody>
</table>
</div>
{{- else}}
<p>No routes in this report.</p>
{{- end}}
</section>

<section id="findings" aria-labelledby="findings-h">
<h2 id="findings-h">Findings</h2>
<form id="filters" class="filters" hidden aria-label="Filter findings">
<fieldset>
<legend>Severity</legend>
{{- range .Severities}}
<label><input type="checkbox" name="severity" value="{{.Name}}" checked> {{.Name}} ({{.Count}})</label>
{{- end}}
<label><input type="checkbox" name="suppressed" value="show"> suppressed ({{.Suppressed}})</label>
</fieldset>
<div class="field">
<label for="filter-rule">Rule</label>
<select id="filter-rule" name="rule">
<option value="">All rules</option>
{{- range .RuleOptions}}
<option value="{{.Value}}">{{.Label}}</option>
{{- end}}
</select>
</div>
<div class="field">
<label for="filter-file">File or target</label>
<select id="filter-file" name="file">
<option value="">All files</option>
{{- range .FileOptions}}
<option value="{{.Value}}">{{.Label}}</option>
{{- end}}
</select>
</div>
<div class="field">
<label for="filter-q">Text</label>
<input type="search" id="filter-q" name="q" placeholder="message, code, function…">
</div>
<div class="field"><button type="reset">Show all</button></div>
</form>
<p id="route-note" hidden>Only findings on route <strong id="route-name"></strong>. <button type="button" id="route-clear">Show all routes</button></p>
<p id="shown" class="status" role="status" aria-live="polite">{{.Active}} findings{{if .Suppressed}} and {{.Suppressed}} suppressed{{end}}</p>
<p id="no-match" hidden>No finding matches the filters.</p>
{{- if not .Findings}}
<p>No findings.</p>
{{- end}}
{{- range .Findings}}
<article class="finding sev-{{.Severity}}{{if .Suppressed}} suppressed{{end}}" id="{{.ID}}" data-finding="" data-severity="{{.Severity}}" data-rule="{{.RuleID}}" data-file="{{.Group}}" data-suppressed="{{if .Suppressed}}true{{else}}false{{end}}" data-routes="{{.Routes}}" aria-labelledby="{{.ID}}-h">
<div class="finding-head">
<span class="badge sev-{{.Severity}}">{{.Severity}}</span>
<h3 id="{{.ID}}-h">{{if .RuleURL}}<a href="{{.RuleURL}}" rel="noopener noreferrer">{{.RuleID}}</a>{{else}}{{.RuleID}}{{end}} {{.Title}}</h3>
{{- if .Suppressed}}
<span class="tag sup">suppressed ({{.Suppressed.Kind}})</span>
{{- end}}
{{- if .Live}}{{if .Live.Confirmed}}
<span class="tag confirmed">confirmed live</span>
{{- end}}{{end}}
<a class="permalink" href="#{{.ID}}" aria-label="Link to this finding">#</a>
</div>
<p class="msg">{{.Message}}</p>
<dl class="meta">
<dt>Location</dt><dd><code>{{.Where}}</code>{{if .Function}} in <code>{{.Function}}</code>{{end}}</dd>
{{- if .RouteRefs}}
<dt>Route</dt><dd>{{range $i, $r := .RouteRefs}}{{if $i}}, {{end}}<a href="#{{$r.Value}}"><code>{{$r.Label}}</code></a>{{end}}</dd>
{{- end}}
<dt>Confidence</dt><dd>{{.Confidence}}</dd>
<dt>Category</dt><dd>{{.Category}}</dd>
{{- if or .CWE .OWASP .OWASPText}}
<dt>Classification</dt><dd>{{range .CWE}}<a href="{{.URL}}" rel="noopener noreferrer">{{.Text}}</a> {{end}}{{range .OWASP}}<a href="{{.URL}}" rel="noopener noreferrer">{{.Text}}</a> {{end}}{{range .OWASPText}}{{.}} {{end}}</dd>
{{- end}}
{{- if .Suppressed}}
<dt>Suppressed</dt><dd>{{.Suppressed.Kind}}{{if .Suppressed.Justification}}: {{.Suppressed.Justification}}{{end}}</dd>
{{- end}}
{{- if .Fingerprint}}
<dt>Fingerprint</dt><dd><code>{{.Fingerprint}}</code></dd>
{{- end}}
</dl>
{{- if .Snippet}}
<h4>Code</h4>
<pre class="snippet"><code>
{{- .Snippet}}</code></pre>
{{- end}}
{{- if .Steps}}
<h4>Taint path</h4>
<ol class="path">
{{- range .Steps}}
<li><code>{{.Where}}</code> — {{.Message}}</li>
{{- end}}
</ol>
{{- end}}
{{- with .HTTP}}
<h4>Request</h4>
<pre class="request">
{{.Request}}</pre>
{{- if .RequestBody}}
<pre class="request-body" aria-label="Request body">
{{.RequestBody}}</pre>
{{- end}}
<h4>Response</h4>
<pre class="response">
{{.Response}}</pre>
{{- if .ResponseBody}}
<pre class="response-body" aria-label="Response body excerpt">
{{.ResponseBody}}</pre>
{{- end}}
{{- if .Curl}}
<h4>Reproduce</h4>
<pre class="curl" id="{{.CurlID}}">
{{.Curl}}</pre>
<button type="button" class="copy" data-copy="{{.CurlID}}" aria-label="Copy the curl command" hidden>Copy</button>
{{- end}}
{{- end}}
{{- with .Live}}
<h4>Live check</h4>
<p>{{if .Confirmed}}<strong>Confirmed live:</strong>{{else}}<strong>Not confirmed live:</strong>{{end}} {{.Message}}{{if .URL}} (<code>{{.URL}}</code>){{end}}</p>
{{- end}}
{{- if .Remediation}}
<h4>Remediation</h4>
<p>{{.Remediation}}</p>
{{- end}}
{{- if .References}}
<h4>References</h4>
<ul>
{{- range .References}}
<li><a href="{{.URL}}" rel="noopener noreferrer">{{.Text}}</a></li>
{{- end}}
</ul>
{{- end}}
</article>
{{- end}}
</section>
{{- if .Diagnostics}}

<section id="diagnostics" aria-labelledby="diagnostics-h">
<h2 id="diagnostics-h">Diagnostics</h2>
<table>
<caption>Input that could not be read, parsed or resolved</caption>
<thead><tr><th scope="col">Kind</th><th scope="col">Location</th><th scope="col">Message</th></tr></thead>
<tbody>
{{- range .Diagnostics}}
<tr><td>{{.Kind}}</td><td>{{if .Where}}<code>{{.Where}}</code>{{end}}</td><td>{{.Message}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
</main>
<footer>
<p class="muted">Generated by {{.Tool.Name}} {{.Tool.Version}}. This file loads nothing from the network.</p>
</footer>
<script>{{.JS}}</script>
</body>
</html>
{{define "chart"}}
<div class="chart">
<h3>{{.Caption}}</h3>
{{- if .Rows}}
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{.Width}} {{.Height}}" width="{{.Width}}" height="{{.Height}}" aria-hidden="true" focusable="false">
{{- range .Bars}}
<text x="{{.LabelX}}" y="{{.TextY}}" text-anchor="end" font-size="14" fill="#1b1b1b">{{.Name}}</text>
<rect x="{{.BarX}}" y="{{.Y}}" width="{{.W}}" height="{{.BarH}}" fill="{{.Fill}}"></rect>
<text x="{{.CountX}}" y="{{.TextY}}" font-size="14" fill="#1b1b1b">{{.Count}}</text>
{{- end}}
</svg>
<table class="sr-only">
<caption>{{.Caption}}</caption>
<thead><tr><th scope="col">{{.Column}}</th><th scope="col" class="num">Findings</th></tr></thead>
<tbody>
{{- range .Rows}}
<tr><th scope="row">{{.Name}}</th><td class="num">{{.Count}}</td></tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>No findings.</p>
{{- end}}
</div>
{{end}}`))
