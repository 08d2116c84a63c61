package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestVersionCommand(t *testing.T) {
	out, _, code := run(t, "version")
	if code != ExitOK || !strings.HasPrefix(out, "fastapi-audit ") || !strings.Contains(out, "go: "+runtime.Version()) ||
		!strings.Contains(out, "platform: "+runtime.GOOS+"/"+runtime.GOARCH) {
		t.Errorf("version: exit %d:\n%s", code, out)
	}
}

// TestScanRootReportsOnlyGivenFiles is what the pre-commit hook runs: the
// whole project is read, only the named files are reported.
func TestScanRootReportsOnlyGivenFiles(t *testing.T) {
	app := filepath.Join("..", "..", "examples", "vulnerable-app")
	t.Chdir(app)
	all := scanFiles(t, ".")
	only := scanFiles(t, "--root", ".", "app/main.py", "requirements.txt")
	if len(only) == 0 || len(only) >= len(all) {
		t.Fatalf("%d findings with --root and two files, %d in all", len(only), len(all))
	}
	want := 0
	for _, f := range all {
		if f == "app/main.py" || f == "requirements.txt" {
			want++
		}
	}
	for _, f := range only {
		if f != "app/main.py" && f != "requirements.txt" {
			t.Errorf("finding in %s, which was not named", f)
		}
	}
	if len(only) != want {
		t.Errorf("%d findings in the named files, the full scan has %d there", len(only), want)
	}
	if _, _, code := run(t, "scan", "--root", "."); code != ExitOK {
		t.Errorf("no files staged: exit %d, want 0", code)
	}
	if _, _, code := run(t, "scan", "--root", ".", "/etc/passwd"); code != ExitUsage {
		t.Errorf("a file outside the root: exit %d, want %d", code, ExitUsage)
	}
}

// scanFiles runs scan with JSON output and returns the file of each finding.
func scanFiles(t *testing.T, args ...string) []string {
	t.Helper()
	out, errOut, code := run(t, append([]string{"scan", "--format", "json"}, args...)...)
	if code != ExitFindings {
		t.Fatalf("scan %v: exit %d: %s", args, code, errOut)
	}
	var rep struct {
		Findings []struct {
			Location struct{ File string } `json:"location"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range rep.Findings {
		files = append(files, f.Location.File)
	}
	return files
}

// TestGoreleaserConfig runs goreleaser check on .goreleaser.yaml where
// goreleaser is installed (go install github.com/goreleaser/goreleaser/v2@v2.15.1);
// it is a large download, so CI does not install it.
func TestGoreleaserConfig(t *testing.T) {
	bin, err := exec.LookPath("goreleaser")
	if err != nil {
		home, _ := os.UserHomeDir()
		bin = filepath.Join(home, "go", "bin", "goreleaser")
		if _, err := os.Stat(bin); err != nil {
			t.Skip("goreleaser not installed (optional, not required in CI)")
		}
	}
	cmd := exec.Command(bin, "check")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("goreleaser check: %v\n%s", err, out)
	}
}
