package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// sampleReport has findings of several kinds: plain, with a taint path,
// suppressed inline and by baseline, with a secret, and a diagnostic.
func sampleReport() *Report {
	loc := func(file string, line int) finding.Location {
		return finding.Location{File: file, Line: line, Column: 5, EndLine: line, EndColumn: 20}
	}
	fs := []*finding.Finding{
		{RuleID: "FA601", Title: "CORS", Severity: finding.High, Confidence: finding.HighConfidence, CWE: []int{942},
			OWASP: []string{"API8:2023"}, Location: loc("app/main.py", 10), Message: "CORS allows any origin", Remediation: "fix"},
		{RuleID: "FA404", Title: "Debug", Severity: finding.Medium, Confidence: finding.HighConfidence, CWE: []int{489},
			Location: loc("app/dir with space/ü.py", 3), Message: "debug on", Remediation: "fix",
			Evidence: []finding.Step{{Location: loc("app/a.py", 1), Message: "source"}, {Location: loc("app/b.py", 2), Message: "sink"}}},
		{RuleID: "FA606", Title: "Proxy", Severity: finding.Medium, Location: loc("run.py", 4), Message: "proxy",
			Suppressed: &finding.Suppression{Kind: "inline", Justification: "behind the LB"}},
		{RuleID: "FA607", Title: "Bind", Severity: finding.Low, Location: loc("run.py", 9), Message: "bind",
			Suppressed: &finding.Suppression{Kind: "baseline"}},
		{RuleID: "FA603", Title: "Headers", Severity: finding.Low, Location: loc("app/main.py", 2),
			Message: "key sk_live_0123456789abcdef leaked", Snippet: `KEY = "sk_live_0123456789abcdef"`, Secrets: []string{"sk_live_0123456789abcdef"}},
	}
	for _, f := range fs {
		f.SetCode(f.Message)
	}
	finding.Fingerprints(fs)
	return &Report{
		Tool: Tool{Name: "fastapi-audit", Version: "test"}, Findings: fs, Rules: rules.All(),
		Diagnostics: []*finding.Diagnostic{{Location: finding.Location{File: "bad.py", Line: 1, Column: 1}, Message: "invalid syntax", Kind: "syntax"}},
		Stats:       Stats{Files: 3, Lines: 100, Seconds: 0.5, Rules: 9},
	}
}

func TestSARIFValidates(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	schemaFile, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer schemaFile.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Fatalf("SARIF does not validate: %v", err)
	}

	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string `json:"id"`
						Properties struct {
							Tags     []string `json:"tags"`
							Severity string   `json:"security-severity"`
						} `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID       string            `json:"ruleId"`
				RuleIndex    int               `json:"ruleIndex"`
				Fingerprints map[string]string `json:"partialFingerprints"`
				CodeFlows    []any             `json:"codeFlows"`
				Suppressions []struct {
					Kind string `json:"kind"`
				} `json:"suppressions"`
				Locations []struct {
					Physical struct {
						Artifact struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	rules := run.Tool.Driver.Rules
	for _, res := range run.Results {
		if rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %s points at rule %s", res.RuleID, rules[res.RuleIndex].ID)
		}
		if res.Fingerprints[FingerprintKey] == "" {
			t.Errorf("result %s without fingerprint", res.RuleID)
		}
	}
	r601 := rules[run.Results[0].RuleIndex]
	if strings.Join(r601.Properties.Tags, ",") != "security,transport,external/cwe/cwe-942" || r601.Properties.Severity != "8.0" {
		t.Errorf("FA601 properties = %+v", r601.Properties)
	}
	if len(run.Results[1].CodeFlows) != 1 || run.Results[1].Locations[0].Physical.Artifact.URI != "app/dir%20with%20space/%C3%BC.py" {
		t.Errorf("taint path or URI: %+v", run.Results[1])
	}
	if len(run.Results[2].Suppressions) != 1 || run.Results[2].Suppressions[0].Kind != "inSource" ||
		run.Results[3].Suppressions[0].Kind != "external" {
		t.Error("suppressions not written")
	}
	if strings.Contains(buf.String(), "sk_live_0123456789abcdef") {
		t.Error("secret not redacted in SARIF")
	}
}

func TestJSONAndText(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "tool", "findings", "routes", "diagnostics", "stats"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON report lacks %q", k)
		}
	}
	if doc["schema"].(float64) != 1 || strings.Contains(buf.String(), "sk_live_0123456789abcdef") {
		t.Error("schema or redaction wrong in JSON")
	}
	buf.Reset()
	if err := WriteText(&buf, sampleReport(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	if !strings.Contains(text, "3 findings (1 high, 1 medium, 1 low), 2 suppressed in 3 files") {
		t.Errorf("summary: %s", text)
	}
	if strings.Contains(text, "sk_live_0123456789abcdef") || !strings.Contains(text, "sk_l********") {
		t.Error("secret not redacted in text")
	}
	if strings.Contains(text, "\x1b[") {
		t.Error("colour without a terminal")
	}
}
