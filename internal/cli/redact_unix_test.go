//go:build unix

// File names holding control characters cannot be made on Windows: this
// test is built where they can.

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTerminalEscapesShownEscaped scans files whose names and code hold
// escape sequences, bidi marks, CR and a colon that would read as a URI
// scheme: the text, github, routes text and csv outputs show them as
// escapes, and SARIF names the file with a relative reference.
func TestTerminalEscapesShownEscaped(t *testing.T) {
	dir := t.TempDir()
	route := func(path, cmd string) string {
		return "import os\nfrom fastapi import FastAPI\napp = FastAPI()\n\n\n@app.get(\"" + path + "\")\ndef run(cmd: str):\n    os.system(" + cmd + " + cmd)\n"
	}
	files := map[string]string{
		"esc.py":                      route("/r1", "\"echo \x1b[2J\x1b]8;;http://x\x07 \u202e txt.exe\x7f\""),
		"ev\x1b[31mil\u202eyp.exe.py": route("/r2\x1b[31m\u2066", `"ls "`),
		"cr\rname.py":                 route("/r3", `"ls "`),
		"javascript:alert(1).py":      route("/r4", `"ls "`),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw := []string{"\x1b", "\x07", "\r", "\x7f", "\u202e", "\u2066"}
	check := func(name, out string) {
		t.Helper()
		for _, c := range raw {
			if strings.Contains(out, c) {
				t.Errorf("%s writes %q raw", name, c)
			}
		}
		for _, want := range []string{`\x1b[31m`, `\u202e`} {
			if !strings.Contains(out, want) {
				t.Errorf("%s does not show %s escaped:\n%s", name, want, out)
			}
		}
	}
	for _, format := range []string{"text", "github", "junit"} {
		out, errOut, code := run(t, "scan", "--no-color", "--format", format, dir)
		if code != ExitFindings {
			t.Fatalf("scan --format %s: exit %d: %s", format, code, errOut)
		}
		check("scan --format "+format, out)
		if format != "github" && !strings.Contains(out, `echo \x1b[2J\x1b]8;;http://x\x07 \u202e txt.exe\x7f`) {
			t.Errorf("scan --format %s: the snippet's escape sequences are not shown escaped:\n%s", format, out)
		}
		if format != "junit" && !strings.Contains(out, `cr\x0dname.py`) {
			t.Errorf("scan --format %s: the CR in a file name is not escaped:\n%s", format, out)
		}
	}
	for _, format := range []string{"text", "csv"} {
		out, _, code := run(t, "routes", "--format", format, dir)
		if code != ExitOK {
			t.Fatalf("routes --format %s: exit %d", format, code)
		}
		check("routes --format "+format, out)
	}
	out, _, _ := run(t, "scan", "--format", "sarif", dir)
	validateSARIF(t, out)
	if !strings.Contains(out, `"uri": "./javascript:alert(1).py"`) || strings.Contains(out, `"uri": "javascript:`) {
		t.Errorf("SARIF names javascript:alert(1).py with a URI that has a scheme")
	}
	if !strings.Contains(out, `"uri": "ev%1B%5B31mil%E2%80%AEyp.exe.py"`) {
		t.Errorf("SARIF does not percent-encode the controls of a file name")
	}
}
