package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

func init() {
	Register(&Rule{
		ID: "FA106", Name: "xml-external-entities", Title: "XML parsed without protection against entities",
		Category: "injection", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{611}, OWASP: []string{apiUnsafeConsume, webMisconfig},
		Remediation: "Parse untrusted XML with defusedxml (defusedxml.ElementTree.fromstring), or lxml with resolve_entities=False and no_network=True.",
		Doc: Doc{
			What: "Request data parsed by lxml or the standard library's XML parsers (`lxml.etree.fromstring`, `XML`, " +
				"`parse`; `xml.etree.ElementTree`, `xml.dom.minidom`, `xml.sax`) instead of defusedxml.",
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
		&taint.Sink{Class: taint.XML, What: "an XML parser", Args: []int{0}, Kwargs: []string{"text", "source", "string"},
			Callees: []string{"lxml.etree.fromstring", "lxml.etree.XML", "lxml.etree.parse", "lxml.etree.iterparse",
				"xml.etree.ElementTree.fromstring", "xml.etree.ElementTree.XML", "xml.etree.ElementTree.parse",
				"xml.etree.ElementTree.iterparse", "xml.etree.cElementTree.fromstring", "xml.dom.minidom.parseString",
				"xml.dom.minidom.parse", "xml.sax.parseString", "xml.sax.parse", "xml.dom.pulldom.parseString"}},
	)
}
