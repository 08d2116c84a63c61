package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileSettingsTree writes a FastAPI app whose own pyproject.toml tries
// to steer its audit: reports moved outside the tree, the injection rules
// turned off, the gate loosened, limits raised, a baseline and advisories
// read from outside. outside is a directory beside the tree.
func hostileSettingsTree(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root, outside = filepath.Join(base, "repo"), filepath.Join(base, "outside")
	mustMkdir(t, filepath.Join(root, "app"))
	mustMkdir(t, outside)
	write := func(p, body string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(outside, "baseline.json"), `{"fingerprints": []}`)
	write(filepath.Join(root, "pyproject.toml"), `[project]
name = "victim"
dependencies = ["fastapi==0.115.0"]

[tool.fastapi-audit]
format = ["html=`+filepath.Join(outside, "moved.html")+`", "text"]
output = "`+filepath.Join(outside, "moved.txt")+`"
ignore = ["FA1"]
fail-on = "critical"
jobs = 100000000
max-file-size = -1
max-memory = "1TiB"
baseline = "../outside/baseline.json"
advisories = "/etc"
exclude = ["tests/**"]
public-routes = ["/admin/*"]

[tool.fastapi-audit.per-file-ignores]
"app/*.py" = ["FA70"]
`)
	write(filepath.Join(root, "app", "main.py"), `import subprocess
import requests
from fastapi import FastAPI

app = FastAPI()


@app.get("/run")
def run(q: str):
    subprocess.call(q, shell=True)
    requests.get("https://example.com", verify=False)
    return {}


@app.get("/calc")
def calc(q: str):
    return eval(q)  # fastapi-audit: ignore[FA103] reviewed
`)
	return root, outside
}

// TestTreeSettingsCannotSteerTheRun scans a tree whose settings file tries
// to move reports, loosen the gate and raise limits: none of it is obeyed,
// each refusal is a config diagnostic, and what the file did turn off
// (FA1, per-file ignores) is counted in the text, JSON, SARIF, github,
// JUnit and HTML reports.
func TestTreeSettingsCannotSteerTheRun(t *testing.T) {
	root, outside := hostileSettingsTree(t)
	out := t.TempDir()
	sarif, gh, junit, html := filepath.Join(out, "r.sarif"), filepath.Join(out, "gh.txt"), filepath.Join(out, "r.xml"), filepath.Join(out, "r.html")
	stdout, stderr, code := run(t, "scan", root, "--format", "json", "--format", "sarif="+sarif,
		"--format", "github="+gh, "--format", "junit="+junit, "--format", "html="+html)
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d (low findings remain under the default --fail-on low): %s", code, ExitFindings, stderr)
	}
	for _, moved := range []string{"moved.html", "moved.txt"} {
		if _, err := os.Stat(filepath.Join(outside, moved)); err == nil {
			t.Errorf("the tree's settings wrote a report to %s", moved)
		}
	}
	var rep struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
		} `json:"findings"`
		Diagnostics []struct {
			Kind, Message string
		} `json:"diagnostics"`
		Settings struct {
			File      string `json:"file"`
			FromTree  bool   `json:"from_tree"`
			TurnedOff []struct {
				Setting string
				Rules   []string
			} `json:"turned_off"`
			Dropped []struct {
				Glob     string
				Findings int
			}
			Analysis []string
		} `json:"settings"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("JSON report: %v\n%.500s", err, stdout)
	}
	for _, f := range rep.Findings {
		if strings.HasPrefix(f.RuleID, "FA1") || strings.HasPrefix(f.RuleID, "FA70") {
			t.Errorf("%s reported although the settings turn it off here", f.RuleID)
		}
	}
	s := rep.Settings
	if !s.FromTree || !strings.HasSuffix(s.File, "pyproject.toml") {
		t.Errorf("settings file %q from_tree %v, want the tree's pyproject.toml", s.File, s.FromTree)
	}
	if len(s.TurnedOff) != 1 || s.TurnedOff[0].Setting != "ignore" || len(s.TurnedOff[0].Rules) < 10 || s.TurnedOff[0].Rules[0] != "FA101" {
		t.Errorf("turned_off = %+v, want FA101... by ignore", s.TurnedOff)
	}
	if len(s.Dropped) != 1 || s.Dropped[0].Glob != "app/*.py" || s.Dropped[0].Findings != 2 {
		t.Errorf("dropped = %+v, want the 2 FA701/FA702 findings in app/*.py", s.Dropped)
	}
	if strings.Join(s.Analysis, "|") != "exclude = tests/** in "+s.File+"|public-routes = /admin/* in "+s.File {
		t.Errorf("analysis = %q", s.Analysis)
	}
	refused := map[string]bool{}
	for _, d := range rep.Diagnostics {
		if d.Kind == "config" {
			for _, key := range []string{"format and output", "fail-on", "jobs", "max-file-size", "max-memory", "baseline", "advisories"} {
				if strings.Contains(d.Message, key+" ") && strings.Contains(d.Message, " ignored: ") {
					refused[key] = true
				}
			}
		}
	}
	for _, key := range []string{"format and output", "fail-on", "jobs", "max-file-size", "max-memory", "baseline", "advisories"} {
		if !refused[key] {
			t.Errorf("no config diagnostic refusing %s; diagnostics %+v", key, rep.Diagnostics)
		}
	}
	note := "FA1 (14 rules) turned off by ignore in " + s.File
	for name, p := range map[string]string{"sarif": sarif, "github": gh, "junit": junit, "html": html} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), note) || !strings.Contains(string(b), "2 findings dropped in app/*.py") {
			t.Errorf("%s report does not say %q", name, note)
		}
	}
	var sr struct {
		Runs []struct {
			Invocations []struct {
				Properties struct {
					Settings struct {
						FromTree bool `json:"from_tree"`
					}
				}
			}
		}
	}
	b, _ := os.ReadFile(sarif)
	if err := json.Unmarshal(b, &sr); err != nil || len(sr.Runs) != 1 || len(sr.Runs[0].Invocations) != 1 || !sr.Runs[0].Invocations[0].Properties.Settings.FromTree {
		t.Errorf("SARIF invocations[0].properties.settings missing (%v)", err)
	}

	// The text report says it too, with the inline suppression once FA1 runs.
	text, _, _ := run(t, "scan", root, "--ignore", "FA7")
	if !strings.Contains(text, "Settings: 1 finding suppressed in code") {
		t.Errorf("text report: no count of the inline suppression:\n%s", text)
	}

	// --no-config reads none of it: the gate sees FA102.
	_, stderr, code = run(t, "scan", root, "--no-config", "--fail-on", "high", "-q")
	if code != ExitFindings {
		t.Errorf("--no-config --fail-on high: exit %d, want %d: %s", code, ExitFindings, stderr)
	}
	if _, _, code := run(t, "scan", root, "--no-config", "--config", filepath.Join(root, "pyproject.toml")); code != ExitUsage {
		t.Errorf("--no-config with --config: exit %d, want %d", code, ExitUsage)
	}
}

// TestExplicitConfigIsTrusted gives the same kind of file with --config:
// the user chose it, so its format and output are honoured.
func TestExplicitConfigIsTrusted(t *testing.T) {
	root, _ := hostileSettingsTree(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "audit.toml")
	report := filepath.Join(dir, "report.json")
	if err := os.WriteFile(conf, []byte("format = [\"json\"]\noutput = \""+report+"\"\nfail-on = \"critical\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := run(t, "scan", root, "--config", conf)
	if code != ExitFindings { // FA102 is critical
		t.Fatalf("exit %d, want %d: %s", code, ExitFindings, stderr)
	}
	b, err := os.ReadFile(report)
	if err != nil || !strings.Contains(string(b), `"rule_id": "FA102"`) || stdout != "" {
		t.Errorf("--config's output not honoured: %v, stdout %q", err, stdout)
	}
}
