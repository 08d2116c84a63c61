package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

func init() {
	Register(&Rule{
		ID: "FA106", Name: "xml-external-entities", Title: "XML parsed without protection against entities",
		Category: "injection", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{611}, OWASP: []string{apiUnsafeConsume, webMisconfig},
		Remediation: "Parse untrusted XML with defusedxml (defusedxml.ElementTree.fromstring), or lxml with resolve_entities=False and no_network=True.",
		Doc: Doc{
			What: "Request data parsed by lxml without `resolve_entities=False` (`lxml.etree.fromstring`, `XML`, `parse`), " +
				"or by the standard library's parsers after `setFeature(feature_external_ges, True)`.",
			Why: "XML entities can read local files and make network requests (XXE) with lxml's defaults, and nested " +
				"entities expand a small document into gigabytes (billion laughs) with every standard parser.",
			Example: "@app.post(\"/import\")\nasync def import_xml(request: Request):\n    tree = etree.fromstring(await request.body())\n",
			Fix:     "```python\nfrom defusedxml.ElementTree import fromstring\n\ntree = fromstring(await request.body())\n```",
			References: []string{
				"https://docs.python.org/3/library/xml.html#xml-vulnerabilities",
				"https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html",
			},
		},
		Check: func(p *Pass) { reportFlows(p) },
	})
	RegisterSinks("FA106",
		// lxml resolves entities unless a parser says resolve_entities=False.
		&taint.Sink{Class: taint.XML, What: "an XML parser that resolves entities",
			Callees: []string{"lxml.etree.fromstring", "lxml.etree.XML", "lxml.etree.parse", "lxml.etree.iterparse"},
			PickIn: func(mod *semantic.Module, c *syntax.Call) []syntax.Expr {
				if strings.Contains(enclosingText(mod, c), "resolve_entities=False") {
					return nil
				}
				return firstArg(c, "text")
			}},
		// The standard library's parsers leave external entities alone
		// unless told to resolve them.
		&taint.Sink{Class: taint.XML, What: "an XML parser told to resolve external entities",
			Callees: []string{"xml.dom.minidom.parseString", "xml.dom.minidom.parse", "xml.sax.parseString", "xml.sax.parse",
				"xml.dom.pulldom.parseString", "xml.dom.pulldom.parse", "xml.etree.ElementTree.parse", "xml.etree.ElementTree.fromstring"},
			PickIn: func(mod *semantic.Module, c *syntax.Call) []syntax.Expr {
				text := enclosingText(mod, c)
				if !externalEntitiesRE.MatchString(text) {
					return nil
				}
				return firstArg(c, "string")
			}},
	)
}

// externalEntitiesRE finds a SAX parser told to resolve external entities.
var externalEntitiesRE = namere.MustCompile(`setFeature\(\s*[\w.]*feature_external_(ges|pes)\s*,\s*(True|1)\s*\)`)

// enclosingText is the source of the function around a call (the module
// for module-level code).
func enclosingText(mod *semantic.Module, c *syntax.Call) string {
	if f := EnclosingFunc(mod, c.Pos()); f != nil {
		return mod.File.Text(f.Node)
	}
	return string(mod.File.Src)
}
