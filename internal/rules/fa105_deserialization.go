package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
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
		Category: "injection", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{502}, OWASP: []string{apiUnsafeConsume, webIntegrity},
		Remediation: "Deserialize untrusted data only with data-only formats: json, yaml.safe_load, or a schema-validated Pydantic model.",
		Doc: Doc{
			What: "Deserializers that can run code: `pickle`, `dill`, `cloudpickle`, `shelve`, `marshal`, `jsonpickle`, " +
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
			for _, c := range p.Index.CallsTo(keys(unsafeLoaders)...) {
				p.Report(c.Module, c.Call, "%s() deserializes with %s, which runs code named by the data", c.Callee, unsafeLoaders[c.Callee])
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
					p.Report(c.Module, c.Call, "%s() with Loader=%s can construct arbitrary Python objects", c.Callee, name)
					continue
				}
				p.Report(c.Module, c.Call, "%s() without a safe Loader can construct arbitrary Python objects (older PyYAML)", c.Callee)
			}
			for _, c := range p.Index.CallsTo("torch.load") {
				if !isTrue(keyword(c.Call, "weights_only")) {
					p.Report(c.Module, c.Call, "torch.load() without weights_only=True unpickles the file")
				}
			}
			for _, c := range p.Index.CallsTo("numpy.load") {
				if isTrue(keyword(c.Call, "allow_pickle")) {
					p.Report(c.Module, c.Call, "numpy.load(allow_pickle=True) unpickles object arrays")
				}
			}
		},
	})
}
