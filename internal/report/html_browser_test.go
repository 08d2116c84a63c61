package report

import (
	"bytes"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/fastapi-audit/fastapi-audit/internal/report/browsertest"
)

// The browser tests open the HTML report in headless Chromium: it renders,
// its script runs under its own Content-Security-Policy, the filters work
// from the URL fragment, and the hostile text in the report does not run.

// writeHTMLReportFile writes the hostile report as HTML into a temporary
// directory and returns its file URL.
func writeHTMLReportFile(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, htmlHostileReport()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// dumpDOM loads the report with a fragment and parses the DOM Chromium
// has after the page's script ran. Extra arguments (a screenshot) go to
// the same run.
func dumpDOM(t *testing.T, bin, fileURL, fragment string, extra ...string) *html.Node {
	t.Helper()
	u := fileURL
	if fragment != "" {
		u += "#" + fragment
	}
	out := browsertest.Run(t, bin, append(extra, "--dump-dom", u)...)
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// shownFindings lists the rule ids of the findings the page shows.
func shownFindings(doc *html.Node) []string {
	var out []string
	for _, a := range findingArticles(doc) {
		if _, hidden := htmlAttr(a, "hidden"); !hidden {
			rule, _ := htmlAttr(a, "data-rule")
			out = append(out, rule)
		}
	}
	return out
}

func htmlByID(doc *html.Node, id string) *html.Node {
	for _, n := range htmlElements(doc, func(n *html.Node) bool { v, _ := htmlAttr(n, "id"); return v == id }) {
		return n
	}
	return nil
}

func TestHTMLInBrowser(t *testing.T) {
	bin := browsertest.Find(t)
	fileURL := writeHTMLReportFile(t)

	t.Run("renders", func(t *testing.T) {
		t.Parallel()
		shot := filepath.Join(t.TempDir(), "report.png")
		doc := dumpDOM(t, bin, fileURL, "", "--screenshot="+shot, "--window-size=1280,2000", "--hide-scrollbars")
		checkScreenshot(t, shot)
		if n := len(findingArticles(doc)); n != 6 {
			t.Errorf("%d findings in the rendered page, want 6", n)
		}
		// The report's own script ran under its policy: it shows the
		// filters and, by default, hides suppressed findings.
		if form := htmlByID(doc, "filters"); form == nil {
			t.Fatal("no filter form")
		} else if _, hidden := htmlAttr(form, "hidden"); hidden {
			t.Fatal("the filter form is still hidden: the report's script did not run (check the CSP hash)")
		}
		if got := strings.Join(shownFindings(doc), ","); got != "FA101,FA403,FA901,FA406,FA999" {
			t.Errorf("shown %s, want every finding but the suppressed one", got)
		}
		if got := htmlText(htmlByID(doc, "shown")); got != "5 of 6 findings shown" {
			t.Errorf("status %q", got)
		}
		// The hostile code and responses did not run: the title is the
		// report's, and no element or attribute was added to the page.
		titles := htmlElements(doc, htmlTag("title"))
		if len(titles) != 1 || htmlText(titles[0]) != "fastapi-audit report" {
			for _, n := range titles {
				t.Errorf("document title changed: %q", htmlText(n))
			}
		}
		if n := len(htmlElements(doc, htmlTag("script"))); n != 1 {
			t.Errorf("%d script elements, want 1", n)
		}
		htmlWalk(doc, func(n *html.Node) {
			if n.Type != html.ElementNode {
				return
			}
			if !htmlAllowed(htmlAllowedElements, n.Data) {
				t.Errorf("element <%s> in the rendered page", n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("event handler %s=%q in the rendered page", a.Key, a.Val)
				}
			}
		})
		if !strings.Contains(htmlText(doc), htmlXSSTitle) {
			t.Errorf("the hostile snippet is not shown as text")
		}
	})

	for _, c := range []struct {
		fragment, want string
	}{
		{"severity=critical,medium&suppressed=show", "FA101,FA901,FA404"},
		{"file=app%2Fmain.py&q=ITEM_ID", "FA101"}, // the text alone matches FA901 too, the file alone FA406 and FA999
		{"rule=fa901", "FA901"},
		{"route=r1", "FA101,FA901"},
	} {
		t.Run("#"+c.fragment, func(t *testing.T) {
			t.Parallel()
			doc := dumpDOM(t, bin, fileURL, c.fragment)
			if got := strings.Join(shownFindings(doc), ","); got != c.want {
				t.Errorf("#%s shows %s, want %s", c.fragment, got, c.want)
			}
			if c.fragment == "route=r1" {
				note, name := htmlByID(doc, "route-note"), htmlByID(doc, "route-name")
				if note == nil || name == nil {
					t.Fatal("no route note")
				}
				if _, hidden := htmlAttr(note, "hidden"); hidden || htmlText(name) != "GET /items/{item_id}" {
					t.Errorf("#route=r1: route note %q", htmlText(note))
				}
			}
		})
	}
}

// checkScreenshot checks that a screenshot is a PNG of the window with
// something on it.
func checkScreenshot(t *testing.T, shot string) {
	t.Helper()
	b, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("screenshot is not a PNG")
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 1280 || cfg.Height != 2000 || len(b) < 20_000 {
		t.Errorf("screenshot %dx%d, %d bytes: want 1280x2000 and more than a blank page", cfg.Width, cfg.Height, len(b))
	}
	t.Logf("screenshot: %s, %d bytes", shot, len(b))
}
