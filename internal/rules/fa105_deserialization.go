package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

// unsafeLoaders deserialize by running code the data names.
var unsafeLoaders = map[string]string{
	"pickle.loads": "pickle", "pickle.load": "pickle", "pickle.Unpickler": "pickle",
	"_pickle.loads": "pickle", "cPickle.loads": "pickle", "cPickle.load": "pickle",
	"dill.loads": "dill", "dill.load": "dill", "cloudpickle.loads": "cloudpickle", "cloudpickle.load": "cloudpickle",
	"shelve.open": "shelve", "marshal.loads": "marshal", "marshal.load": "marshal",
	"jsonpickle.decode": "jsonpickle", "jsonpickle.loads": "jsonpickle",
	"joblib.load": "joblib", "pandas.read_pickle": "pickle",
	"yaml.unsafe_load": "YAML", "yaml.unsafe_load_all": "YAML", "yaml.full_load": "YAML", "yaml.full_load_all": "YAML",
}

func init() {
	Register(&Rule{
		ID: "FA105", Name: "insecure-deserialization", Title: "Insecure deserialization",
		Category: "injection", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{502}, OWASP: []string{apiUnsafeConsume, webIntegrity},
		Remediation: "Deserialize untrusted data only with data-only formats: json, yaml.safe_load, or a schema-validated Pydantic model.",
		Doc: Doc{
			What: "Deserializers that can run code (high when request data reaches them, with the path): `pickle`, `dill`, `cloudpickle`, `shelve`, `marshal`, `jsonpickle`, " +
				"`joblib.load`, `pandas.read_pickle`, `yaml.load` without a safe loader (and `yaml.unsafe_load`, " +
				"`full_load`), `torch.load` without `weights_only=True`, `numpy.load(allow_pickle=True)`.",
			Why: "A pickle is a program: loading one calls whatever constructors it names, so an attacker who controls the " +
				"bytes (an upload, a cache entry, a message on a queue) runs code on the server. YAML's full loader can build " +
				"arbitrary Python objects the same way.",
			Example: "@app.post(\"/import\")\nasync def import_data(file: UploadFile):\n    data = pickle.loads(await file.read())\n",
			Fix:     "```python\ndata = json.loads(await file.read())\nitems = [ItemIn.model_validate(x) for x in data]\n\nconfig = yaml.safe_load(text)\n```",
			References: []string{
				"https://docs.python.org/3/library/pickle.html",
				"https://cwe.mitre.org/data/definitions/502.html",
			},
		},
		Check: func(p *Pass) {
			// Request data reaching the loader: high, with the path.
			tainted := reportTaintedFirst(p, finding.High)
			report := func(c *semantic.CallSite, format string, args ...any) {
				if !tainted[c.Call] {
					p.Report(c.Module, c.Call, format, args...).Confidence = finding.LowConfidence
				}
			}
			for _, c := range p.Index.CallsTo(keys(unsafeLoaders)...) {
				report(c, "%s() deserializes with %s, which runs code named by the data", c.Callee, unsafeLoaders[c.Callee])
			}
			for _, c := range p.Index.CallsTo("yaml.load", "yaml.load_all") {
				loader := arg(c.Call, 1, "Loader")
				if loader != nil {
					name := p.Prog.Qualify(c.Scope, loader)
					if name == "" {
						name = c.Module.File.Text(loader)
					}
					if strings.Contains(name, "Safe") || shortQual(name) == "BaseLoader" {
						continue
					}
					report(c, "%s() with Loader=%s can construct arbitrary Python objects", c.Callee, name)
					continue
				}
				report(c, "%s() without a safe Loader can construct arbitrary Python objects (older PyYAML)", c.Callee)
			}
			for _, c := range p.Index.CallsTo("torch.load") {
				if !isTrue(keyword(c.Call, "weights_only")) {
					report(c, "torch.load() without weights_only=True unpickles the file")
				}
			}
			for _, c := range p.Index.CallsTo("numpy.load") {
				if isTrue(keyword(c.Call, "allow_pickle")) {
					report(c, "numpy.load(allow_pickle=True) unpickles object arrays")
				}
			}
		},
	})
}

func init() {
	RegisterSinks("FA105",
		&taint.Sink{Class: taint.Deserialize, What: "a deserializer", Args: []int{0}, Kwargs: []string{"data", "stream", "s", "file", "f"},
			Callees: keys(unsafeLoaders)},
		// Only the unsafe forms: no safe Loader, no weights_only, allow_pickle.
		&taint.Sink{Class: taint.Deserialize, What: "a deserializer", Callees: []string{"yaml.load", "yaml.load_all"},
			Pick: func(c *syntax.Call) []syntax.Expr {
				if l := arg(c, 1, "Loader"); l != nil && (strings.Contains(exprName(l), "Safe") || exprName(l) == "BaseLoader") {
					return nil
				}
				return firstArg(c, "stream")
			}},
		&taint.Sink{Class: taint.Deserialize, What: "a deserializer", Callees: []string{"torch.load"},
			Pick: func(c *syntax.Call) []syntax.Expr {
				if isTrue(keyword(c, "weights_only")) {
					return nil
				}
				return firstArg(c, "f")
			}},
		&taint.Sink{Class: taint.Deserialize, What: "a deserializer", Callees: []string{"numpy.load"},
			Pick: func(c *syntax.Call) []syntax.Expr {
				if !isTrue(keyword(c, "allow_pickle")) {
					return nil
				}
				return firstArg(c, "file")
			}},
	)
}

// exprName is the last name of a dotted expression (yaml.SafeLoader: SafeLoader).
func exprName(e syntax.Expr) string {
	switch x := e.(type) {
	case *syntax.Name:
		return x.ID
	case *syntax.Attribute:
		return x.Attr.Name
	}
	return ""
}

// firstArg returns the first positional argument, or the keyword.
func firstArg(c *syntax.Call, kw string) []syntax.Expr {
	if v := arg(c, 0, kw); v != nil {
		return []syntax.Expr{v}
	}
	return nil
}
