package report

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

// hostileFinding carries text that would break XML, HTML or workflow
// commands if it were not escaped.
func hostileFinding() *finding.Finding {
	return &finding.Finding{RuleID: "FA110", Title: "XSS", Severity: finding.Critical,
		Location: finding.Location{File: "app/x.py", Line: 7, Column: 1},
		Message:  "]]></failure><failure>\x00 <script>alert(1)</script> %0A::error ::injected\n::warning::second line",
		Snippet:  "return HTMLResponse(f\"<b>{q}</b>\")", Remediation: "escape"}
}

func TestJUnitValidatesAndCounts(t *testing.T) {
	r := sampleReport()
	r.Findings = append(r.Findings, hostileFinding())
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "sk_live_0123456789abcdef") {
		t.Errorf("the secret appears in the JUnit report")
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit output is not XML: %v\n%s", err, out)
	}
	s := doc.Suites[0]
	// Active findings: FA601 and FA603 in app/main.py, FA404 in the other
	// file, FA110 in app/x.py: four failing cases; run.py's two suppressed
	// findings (two rules) are skipped; every other rule of the catalog
	// passes.
	if s.Failures != 4 || s.Skipped != 2 || doc.Failures != 4 {
		t.Errorf("failures %d, skipped %d, want 4 and 2", s.Failures, s.Skipped)
	}
	if s.Tests != len(s.Cases) || s.Tests != 4+2+len(r.Rules)-6 {
		t.Errorf("tests = %d, cases %d, rules %d", s.Tests, len(s.Cases), len(r.Rules))
	}
	for _, c := range s.Cases {
		if c.Failure != nil && c.Classname == "app/x.py" && !strings.Contains(c.Failure.Text, "<script>alert(1)</script>") {
			t.Errorf("the hostile message did not survive the round trip: %q", c.Failure.Text)
		}
	}
	if !strings.Contains(s.SysErr, "invalid syntax") {
		t.Errorf("diagnostics missing from system-err")
	}

	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint missing (Debian package libxml2-utils); scripts/test installs it")
		}
		t.Skip("xmllint missing (Debian package libxml2-utils; CI=true makes this a failure)")
	}
	file := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit.xsd"), file).CombinedOutput(); err != nil {
		t.Errorf("JUnit report does not validate: %v\n%s", err, out)
	}
}

func TestGitHubAnnotationsEscape(t *testing.T) {
	r := sampleReport()
	r.Findings = append(r.Findings, hostileFinding())
	var buf bytes.Buffer
	if err := WriteGitHub(&buf, r); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	// Four active findings, one diagnostic, the summary.
	if len(lines) != 6 {
		t.Fatalf("%d lines:\n%s", len(lines), buf.String())
	}
	for _, l := range lines[:5] {
		if !strings.HasPrefix(l, "::error ") && !strings.HasPrefix(l, "::warning ") && !strings.HasPrefix(l, "::notice") {
			t.Errorf("not a workflow command: %q", l)
		}
		if strings.Count(l, "::") < 2 {
			t.Errorf("malformed command: %q", l)
		}
	}
	if strings.Contains(buf.String(), "sk_live_0123456789abcdef") {
		t.Errorf("the secret appears in the annotations")
	}
	hostile := lines[4]
	for _, l := range lines {
		if strings.Contains(l, "FA110") {
			hostile = l
		}
	}
	if !strings.HasPrefix(hostile, "::error title=FA110 XSS (critical),file=app/x.py,line=7,col=1::") ||
		!strings.Contains(hostile, `%250A::error ::injected\x0a::warning::second line%0AFix:`) {
		t.Errorf("hostile finding not escaped into one command: %q", hostile)
	}
}
