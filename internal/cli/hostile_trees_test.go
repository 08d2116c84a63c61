//go:build unix

package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/testfs"
	yaml "github.com/pb33f/go-yaml"
)

// The nine hostile trees of issue 16, each built by the test in a
// temporary directory and scanned by the real binary in a child process:
// a tree that crashed the scan must fail the test, not end it. Each scan
// must end with a report (exit 0 or 1) in every format, give a diagnostic
// for every hostile file, keep its peak memory under hostileTreeMaxRSS,
// leak no planted secret in any format or in `routes`, open nothing
// outside the tree, and let the tree's settings neither move output, raise
// limits nor drop findings without the report saying so.

// hostileTreeMaxRSS bounds the peak resident memory of a scan of one
// hostile tree. Each tree holds at most a few MB; before the fixes the
// elif tree alone took 24 GB and the chains ended in a stack overflow.
// Measured after the fixes: 24 to 93 MiB per scan.
const hostileTreeMaxRSS = 384 << 20

// hostileScanTimeout ends a scan that hangs (a FIFO opened, say): the
// trees scan in a few seconds.
const hostileScanTimeout = 2 * time.Minute

// Secrets planted in the trees; none may appear in any output. They are
// shaped like real keys (so the redactor knows them) but random.
var plantedSecrets = map[string]string{
	"aws":    "AKIAZ7QW3ERT5YUI8OPL",
	"stripe": "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ9",
	"github": "ghp_R8x2Lq0ZfT4mWc7Yb1Nd9Kp3Hs6Vj5Ga2Ue8",
	"env":    "Zq8vN3xR7tB1mK9pW4yL6cH2sD5fJ0gA",
	"jwt":    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbjEyMyJ9.Qx7v9Lr2Tt5Kp8Wm3Zc6Yb1Nd4Hs0Fj",
}

var (
	hostileBinOnce sync.Once
	hostileBin     string
	hostileBinErr  error
)

// auditBinary builds fastapi-audit once for the hostile-tree tests;
// FASTAPI_AUDIT_BIN names another build to run instead (an older one, to
// measure what the trees did before).
func auditBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("FASTAPI_AUDIT_BIN"); bin != "" {
		return bin
	}
	hostileBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "fastapi-audit-bin")
		if err != nil {
			hostileBinErr = err
			return
		}
		hostileBin = filepath.Join(dir, "fastapi-audit")
		out, err := exec.Command("go", "build", "-o", hostileBin, "../../cmd/fastapi-audit").CombinedOutput()
		if err != nil {
			hostileBinErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if hostileBinErr != nil {
		t.Fatal(hostileBinErr)
	}
	return hostileBin
}

// childRun is one run of the binary.
type childRun struct {
	stdout, stderr string
	code           int
	maxRSS         int64 // bytes
	took           time.Duration
}

// rusageCommand is the name under which the test binary runs one command
// and writes its peak resident memory to $FASTAPI_AUDIT_RUSAGE_OUT.
// Linux carries a process's peak RSS across fork and exec, and the test
// process holds hundreds of MB after the other tests: measured from the
// test process, every child would show that peak. Started afresh, the
// test binary is small, and its child's figure is the child's own.
const rusageCommand = "fastapi-audit-rusage"

// rusageMain is rusageCommand: it runs os.Args[1:] with the standard
// streams passed through, records the peak RSS and exits with the
// command's status. The command dies with it (a hang killed by the test).
func rusageMain() {
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	err := cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(125)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		_ = os.WriteFile(os.Getenv("FASTAPI_AUDIT_RUSAGE_OUT"), []byte(fmt.Sprint(int64(ru.Maxrss)<<10)), 0o644)
	}
	os.Exit(cmd.ProcessState.ExitCode())
}

// measurer returns the path of the test binary named rusageCommand.
func measurer(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), rusageCommand)
	if err := os.Symlink(self, link); err != nil {
		t.Fatal(err)
	}
	return link
}

// runBinary runs the built binary in dir with args, killing it after
// hostileScanTimeout.
func runBinary(t *testing.T, dir string, args ...string) childRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hostileScanTimeout)
	defer cancel()
	rss := filepath.Join(t.TempDir(), "rss")
	cmd := exec.CommandContext(ctx, measurer(t), append([]string{auditBinary(t)}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=", "FASTAPI_AUDIT_RUSAGE_OUT="+rss)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	r := childRun{stdout: out.String(), stderr: errOut.String(), took: time.Since(start)}
	if ctx.Err() != nil {
		t.Fatalf("%v: still running after %v (a hang)", args, hostileScanTimeout)
	}
	if cmd.ProcessState == nil {
		t.Fatalf("%v: %v", args, err)
	}
	r.code = cmd.ProcessState.ExitCode()
	if b, err := os.ReadFile(rss); err == nil {
		fmt.Sscan(string(b), &r.maxRSS)
	} else {
		t.Errorf("%v: no peak RSS recorded: %v", args, err)
	}
	var label []string // the arguments without report paths
	for _, a := range args {
		if !strings.Contains(a, string(filepath.Separator)) && a != "--format" {
			label = append(label, a)
		}
	}
	t.Logf("%s: exit %d, %v, peak RSS %d MiB", strings.Join(label, " "), r.code, r.took.Round(time.Millisecond), r.maxRSS>>20)
	if r.code != ExitOK && r.code != ExitFindings {
		t.Fatalf("%v: exit %d, want a finished scan; stderr:\n%.2000s", args, r.code, r.stderr)
	}
	if r.maxRSS > hostileTreeMaxRSS {
		t.Errorf("%v: peak RSS %d MiB, over the %d MiB bound", args, r.maxRSS>>20, hostileTreeMaxRSS>>20)
	}
	return r
}

// hostileReport is the part of the JSON report the checks read.
type hostileReport struct {
	Findings []struct {
		RuleID   string `json:"rule_id"`
		Location struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"location"`
		Message string `json:"message"`
	} `json:"findings"`
	Diagnostics []struct {
		Kind     string `json:"kind"`
		Message  string `json:"message"`
		Location struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"location"`
	} `json:"diagnostics"`
	Settings *struct {
		FromTree  bool `json:"from_tree"`
		TurnedOff []struct {
			Rules []string `json:"rules"`
		} `json:"turned_off"`
	} `json:"settings"`
}

// scanAllFormats scans root writing every format to files in a fresh
// directory, and returns the JSON report and every output by name.
func scanAllFormats(t *testing.T, root string, extra ...string) (*hostileReport, map[string]string) {
	t.Helper()
	out := t.TempDir()
	args := []string{"scan", ".", "--format", "text=" + filepath.Join(out, "text")}
	for _, f := range []string{"json", "sarif", "html", "junit", "github"} {
		args = append(args, "--format", f+"="+filepath.Join(out, f))
	}
	r := runBinary(t, root, append(args, extra...)...)
	outputs := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
	for _, f := range []string{"text", "json", "sarif", "html", "junit", "github"} {
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatalf("no %s report: %v", f, err)
		}
		outputs[f] = string(b)
	}
	for _, f := range []string{"text", "json", "csv"} {
		rr := runBinary(t, root, "routes", ".", "--format", f)
		outputs["routes "+f] = rr.stdout + rr.stderr
	}
	var rep hostileReport
	if err := json.Unmarshal([]byte(outputs["json"]), &rep); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	return &rep, outputs
}

// wantDiagnostic checks that a diagnostic names the file and says what.
func (r *hostileReport) wantDiagnostic(t *testing.T, file, says string) {
	t.Helper()
	for _, d := range r.Diagnostics {
		if strings.Contains(d.Location.File+" "+d.Message, file) && strings.Contains(d.Message, says) {
			return
		}
	}
	var all []string
	for _, d := range r.Diagnostics {
		all = append(all, fmt.Sprintf("%s:%d %s: %s", d.Location.File, d.Location.Line, d.Kind, d.Message))
	}
	t.Errorf("no diagnostic for %s saying %q; diagnostics:\n%s", file, says, strings.Join(all, "\n"))
}

// wantFinding checks that a rule reported something in a file.
func (r *hostileReport) wantFinding(t *testing.T, rule, file string) {
	t.Helper()
	for _, f := range r.Findings {
		if f.RuleID == rule && f.Location.File == file {
			return
		}
	}
	t.Errorf("no %s finding in %s", rule, file)
}

// victimApp is an ordinary app with one command injection, so that each
// tree proves the rest of the scan stands.
const victimApp = `import subprocess
from fastapi import FastAPI

app = FastAPI()


@app.get("/run")
def run(q: str):
    subprocess.call(q, shell=True)
    return {}
`

// chain returns `x = head` followed by n copies of link: a left-deep tree.
func chain(head, link string, n int) string {
	return "x = " + head + strings.Repeat(link, n) + "\n"
}

func TestHostileTrees(t *testing.T) {

	// 1. The tree's own settings try to steer the run.
	t.Run("1-settings", func(t *testing.T) {
		root, outside := hostileSettingsTree(t)
		rep, outs := scanAllFormats(t, root, "--fail-on", "high")
		for _, moved := range []string{"moved.html", "moved.txt"} {
			if _, err := os.Stat(filepath.Join(outside, moved)); err == nil {
				t.Errorf("the tree's settings wrote %s outside the tree", moved)
			}
		}
		if rep.Settings == nil || !rep.Settings.FromTree || len(rep.Settings.TurnedOff) == 0 {
			t.Fatalf("the report does not say what the tree's settings turned off: %+v", rep.Settings)
		}
		for _, f := range []string{"text", "sarif", "html", "junit", "github"} {
			if !strings.Contains(outs[f], "FA1 (14 rules) turned off by ignore") {
				t.Errorf("%s report does not say FA1 was turned off", f)
			}
		}
		for _, key := range []string{"jobs", "max-file-size", "max-memory", "format and output"} {
			rep.wantDiagnostic(t, "pyproject.toml", key)
		}
		// --no-config: FA102 is back and fails the gate.
		r := runBinary(t, root, "scan", ".", "--no-config", "--fail-on", "high", "-q")
		if r.code != ExitFindings || !strings.Contains(r.stdout, "FA102") {
			t.Errorf("--no-config: exit %d, want 1 with FA102:\n%s", r.code, r.stdout)
		}
	})

	// 2. Left-deep chains of 400,000 links, each about a megabyte.
	t.Run("2-chains", func(t *testing.T) {
		root := t.TempDir()
		files := map[string]string{
			"attr.py":  chain("a", ".b", 400_000),
			"call.py":  chain("f", "()", 400_000),
			"index.py": chain("a", "[0]", 300_000),
			"add.py":   chain("a", " + a", 250_000),
			"and.py":   chain("a", " and a", 150_000),
			"cmp.py":   chain("a", " < a", 250_000),
		}
		for name, body := range files {
			testfs.WriteFile(t, filepath.Join(root, name), body)
		}
		testfs.WriteFile(t, filepath.Join(root, "app", "main.py"), victimApp)
		rep, _ := scanAllFormats(t, root)
		for _, name := range []string{"attr.py", "call.py", "index.py", "add.py"} {
			rep.wantDiagnostic(t, name, "too many nested")
		}
		rep.wantFinding(t, "FA102", "app/main.py")
	})

	// 3. Long elif chains: quadratic memory before.
	t.Run("3-elif", func(t *testing.T) {
		root := t.TempDir()
		elif := func(n int) string {
			var b strings.Builder
			b.WriteString("if a==0:\n b\n") // 17 bytes a branch: 200,000 in 3.4 MB
			for i := 1; i < n; i++ {
				fmt.Fprintf(&b, "elif a==%d:\n b\n", i)
			}
			return b.String()
		}
		testfs.WriteFile(t, filepath.Join(root, "ok.py"), elif(1_400))
		testfs.WriteFile(t, filepath.Join(root, "long.py"), elif(20_000))
		testfs.WriteFile(t, filepath.Join(root, "huge.py"), elif(200_000))
		testfs.WriteFile(t, filepath.Join(root, "app", "main.py"), victimApp)
		rep, _ := scanAllFormats(t, root)
		rep.wantDiagnostic(t, "long.py", "too many nested")
		rep.wantDiagnostic(t, "huge.py", "too many nested")
		for _, d := range rep.Diagnostics {
			if d.Location.File == "ok.py" {
				t.Errorf("a 1,400-branch elif chain (CPython compiles it) got a diagnostic: %s", d.Message)
			}
		}
		rep.wantFinding(t, "FA102", "app/main.py")
	})

	// 4. A handler whose taint analysis is costly: FA102 is found, or a
	// limit diagnostic names the handler; never silence.
	t.Run("4-taint-cap", func(t *testing.T) {
		root := t.TempDir()
		var b strings.Builder
		b.WriteString("import subprocess\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/big\")\ndef big(q: str):\n    table = [")
		for i := range 40_000 {
			fmt.Fprintf(&b, "%d, ", i)
		}
		b.WriteString("]\n    subprocess.call(q, shell=True)\n    return table\n")
		testfs.WriteFile(t, filepath.Join(root, "big.py"), b.String())
		rep, _ := scanAllFormats(t, root)
		found := false
		for _, f := range rep.Findings {
			found = found || (f.RuleID == "FA102" && f.Location.File == "big.py")
		}
		if !found {
			rep.wantDiagnostic(t, "big.py", "big")
		}
	})

	// 5. Secrets planted where other rules quote them.
	t.Run("5-secrets", func(t *testing.T) {
		root := t.TempDir()
		s := plantedSecrets
		testfs.WriteFile(t, filepath.Join(root, "app", "main.py"), `import subprocess

import jwt
import requests
from fastapi import FastAPI

app = FastAPI()
AWS_KEY = "`+s["aws"]+`"
STRIPE = "`+s["stripe"]+`"; GH = "`+s["github"]+`"
SESSION = "`+s["jwt"]+`"


@app.get("/hooks/`+s["github"]+`")
def hook(q: str):
    subprocess.call("curl -H 'Authorization: token `+s["github"]+`' " + q, shell=True)
    requests.get("https://api.stripe.com/v1/charges?key=`+s["stripe"]+`", verify=False)
    requests.get("https://s3.amazonaws.com/?AWSAccessKeyId=`+s["aws"]+`&token=`+s["jwt"]+`")
    return jwt.decode(q, "`+s["env"]+`", options={"verify_signature": False})
`)
		testfs.WriteFile(t, filepath.Join(root, ".env"), "DATABASE_PASSWORD="+s["env"]+"\nSTRIPE_KEY="+s["stripe"]+"\n")
		rep, outs := scanAllFormats(t, root)
		if len(rep.Findings) < 5 {
			t.Errorf("only %d findings: the planted code must still be reported", len(rep.Findings))
		}
		for name, out := range outs {
			for kind, secret := range s {
				if strings.Contains(out, secret) || strings.Contains(out, secret[6:]) {
					t.Errorf("the %s secret appears in %s", kind, name)
				}
			}
		}
	})

	// 6. Links out of the tree: a canary outside would be reported if read,
	// and a FIFO outside would hang the scan if opened.
	t.Run("6-outside", func(t *testing.T) {
		base := t.TempDir()
		root, outside := filepath.Join(base, "repo"), filepath.Join(base, "outside")
		testfs.WriteFile(t, filepath.Join(outside, "leak.py"), "SECRET_KEY = \"canary-outside-the-tree-9f8e7d\"\neval(input())\n")
		testfs.WriteFile(t, filepath.Join(outside, "prod.env"), "CANARY_TOKEN=canary-env-outside-1a2b3c4d5e6f\n")
		testfs.WriteFile(t, filepath.Join(outside, "requirements.txt"), "canary-package==1.0\n")
		testfs.WriteFile(t, filepath.Join(outside, "pkg", "mod.py"), "CANARY = \"canary-dir-outside\"\n")
		testfs.Mkfifo(t, filepath.Join(outside, "fifo"))
		testfs.WriteFile(t, filepath.Join(root, "app", "main.py"), victimApp)
		mustSymlink(t, filepath.Join(outside, "leak.py"), filepath.Join(root, "app", "leak.py"))
		mustSymlink(t, filepath.Join(outside, "prod.env"), filepath.Join(root, ".env"))
		mustSymlink(t, filepath.Join(outside, "pkg"), filepath.Join(root, "vendored"))
		mustSymlink(t, "../../outside/fifo", filepath.Join(root, "app", "hang.py"))
		mustSymlink(t, "/etc", filepath.Join(root, "etc"))
		testfs.WriteFile(t, filepath.Join(root, "requirements.txt"), "fastapi==0.115.0\n-r ../outside/requirements.txt\n")
		// A link that stays inside is still followed.
		mustSymlink(t, "main.py", filepath.Join(root, "app", "alias.py"))
		rep, outs := scanAllFormats(t, root)
		for name, out := range outs {
			if strings.Contains(out, "canary") || strings.Contains(out, "snakeoil") || strings.Contains(out, "ssl/private") || strings.Contains(out, "sitecustomize") {
				t.Errorf("%s holds something read outside the tree:\n%.1500s", name, out)
			}
		}
		for _, link := range []string{"app/leak.py", ".env", "vendored", "app/hang.py", "etc"} {
			rep.wantDiagnostic(t, link, "outside")
		}
		rep.wantDiagnostic(t, "requirements.txt", "outside")
		rep.wantFinding(t, "FA102", "app/main.py")
		rep.wantFinding(t, "FA102", "app/alias.py")
	})

	// 7. FIFOs where files are read, and a settings file that would take
	// the TOML decoder's memory.
	t.Run("7-hangs", func(t *testing.T) {
		root := t.TempDir()
		testfs.WriteFile(t, filepath.Join(root, "app", "main.py"), victimApp)
		testfs.WriteFile(t, filepath.Join(root, "requirements.txt"), "fastapi==0.115.0\n-r other.txt\n")
		testfs.Mkfifo(t, filepath.Join(root, "other.txt"))
		testfs.Mkfifo(t, filepath.Join(root, ".fastapi-audit.toml"))
		testfs.Mkfifo(t, filepath.Join(root, "svc", "pyproject.toml"))
		rep, _ := scanAllFormats(t, root)
		rep.wantDiagnostic(t, "other.txt", "not a regular file")
		rep.wantDiagnostic(t, ".fastapi-audit.toml", "not a regular file")
		rep.wantFinding(t, "FA102", "app/main.py")

		nested := t.TempDir()
		testfs.WriteFile(t, filepath.Join(nested, "app", "main.py"), victimApp)
		depth := 100_000
		testfs.WriteFile(t, filepath.Join(nested, ".fastapi-audit.toml"), "x = "+strings.Repeat("{a = ", depth)+"1"+strings.Repeat("}", depth)+"\n")
		testfs.WriteFile(t, filepath.Join(nested, "poetry.lock"), "x = "+strings.Repeat("[", depth)+strings.Repeat("]", depth)+"\n")
		rep, _ = scanAllFormats(t, nested)
		rep.wantDiagnostic(t, ".fastapi-audit.toml", "nest")
		rep.wantDiagnostic(t, "poetry.lock", "nest")
		rep.wantFinding(t, "FA102", "app/main.py")
	})

	// 8. Terminal escapes in file names and code.
	t.Run("8-escapes", func(t *testing.T) {
		root := t.TempDir()
		evil := "\x1b]0;pwned\x07\x1b[2J\r\u202eyp.main"
		code := strings.Replace(victimApp, "subprocess.call(q, shell=True)", "subprocess.call(\"\x1b[31m\u202e\" + q, shell=True)  # \x1b]8;;http://evil\x07", 1)
		testfs.WriteFile(t, filepath.Join(root, "app", evil+".py"), code)
		testfs.WriteFile(t, filepath.Join(root, "app", "line\nbreak.py"), code)
		testfs.WriteFile(t, filepath.Join(root, "javascript:alert(1).py"), code)
		// A spreadsheet opening the routes CSV must not run a formula.
		testfs.WriteFile(t, filepath.Join(root, `=HYPERLINK("http+evil").py`), strings.Replace(code, `"/run"`, `"@SUM(1+1)"`, 1))
		rep, outs := scanAllFormats(t, root)
		cells, err := csv.NewReader(strings.NewReader(outs["routes csv"])).ReadAll()
		if err != nil || len(cells) < 2 {
			t.Fatalf("routes csv: %v\n%s", err, outs["routes csv"])
		}
		for _, row := range cells {
			for _, c := range row {
				if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
					t.Errorf("routes csv cell %q would be read as a formula", c)
				}
			}
		}
		if len(rep.Findings) == 0 {
			t.Fatal("no findings in the files with escapes in their names")
		}
		for _, name := range []string{"text", "github", "routes text", "routes csv", "stderr"} {
			out := outs[name]
			for _, bad := range []string{"\x1b", "\x07", "\r", "\u202e"} {
				if strings.Contains(out, bad) {
					t.Errorf("%s output holds a raw %q", name, bad)
				}
			}
		}
		var sarif struct {
			Runs []struct {
				Results []struct {
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct {
								URI string `json:"uri"`
							} `json:"artifactLocation"`
						} `json:"physicalLocation"`
					} `json:"locations"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(outs["sarif"]), &sarif); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, res := range sarif.Runs[0].Results {
			for _, loc := range res.Locations {
				uri := loc.PhysicalLocation.ArtifactLocation.URI
				u, err := url.Parse(uri)
				if err != nil || u.Scheme != "" || strings.HasPrefix(uri, "/") {
					t.Errorf("SARIF artifact URI %q is not a relative reference (%v)", uri, err)
				}
				n++
			}
		}
		if n == 0 {
			t.Error("no SARIF locations to check")
		}
	})

	// 9. Broken dependency files: each problem a diagnostic with its line.
	t.Run("9-dependency-files", func(t *testing.T) {
		root := t.TempDir()
		testfs.WriteFile(t, filepath.Join(root, "app", "main.py"), victimApp)
		testfs.WriteFile(t, filepath.Join(root, "requirements.txt"), "fastapi==0.115.0\n-r requirements-dev.txt\n-r missing.txt\n-r ../../outside.txt\nthis is not a requirement ===\n")
		testfs.WriteFile(t, filepath.Join(root, "requirements-dev.txt"), "pytest==8.0.0\n-r requirements.txt\n")
		testfs.WriteFile(t, filepath.Join(root, "svc", "pyproject.toml"), "[project\nname = 'broken'\n")
		testfs.WriteFile(t, filepath.Join(root, "svc", "poetry.lock"), "[[package]]\nname = \n")
		rep, _ := scanAllFormats(t, root)
		rep.wantDiagnostic(t, "requirements", "cycle")
		rep.wantDiagnostic(t, "requirements.txt", "missing.txt")
		rep.wantDiagnostic(t, "requirements.txt", "outside")
		rep.wantDiagnostic(t, "requirements.txt", "this is not a requirement")
		rep.wantDiagnostic(t, "svc/pyproject.toml", "")
		rep.wantDiagnostic(t, "svc/poetry.lock", "")
		for _, d := range rep.Diagnostics {
			if d.Kind == "dependencies" && strings.HasPrefix(d.Location.File, "requirements") && d.Location.Line == 0 && !strings.Contains(d.Message, "not checked") {
				t.Errorf("dependency diagnostic without a line: %+v", d)
			}
		}
		rep.wantFinding(t, "FA102", "app/main.py")
	})
}

// TestActionSettingsBehaviour runs the Action's scan step (the script in
// action.yml) on the tree whose settings turn FA1 off: by default the
// tree's settings configure the analysis and the warning annotation says
// what they turned off; with no-config the gate sees FA102 and fails.
func TestActionSettingsBehaviour(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Runs struct {
			Steps []struct {
				ID  string            `yaml:"id"`
				Run string            `yaml:"run"`
				Env map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(b, &action); err != nil {
		t.Fatal(err)
	}
	script := ""
	for _, s := range action.Runs.Steps {
		if s.ID == "scan" {
			script = s.Run
		}
	}
	if script == "" {
		t.Fatal("no step with id scan in action.yml")
	}
	root, _ := hostileSettingsTree(t)
	runner := t.TempDir()
	bin, err := os.ReadFile(auditBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(runner, "fastapi-audit"), bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		noConfig, wantCode string
		wantOut            string
	}{
		{"false", "0", "::warning title=fastapi-audit settings::Settings: FA1 (14 rules) turned off by ignore in pyproject.toml"},
		{"true", "1", "FA102"},
	} {
		outputs := filepath.Join(runner, "outputs-"+c.noConfig)
		cmd := exec.Command("bash", "-eo", "pipefail", "-c", script)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "RUNNER_TEMP="+runner, "GITHUB_OUTPUT="+outputs, "SCAN_PATH=.",
			"SCAN_ARGS=", "FAIL_ON=high", "NO_CONFIG="+c.noConfig)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("no-config %s: the scan step failed: %v\n%s", c.noConfig, err, out)
		}
		got, _ := os.ReadFile(outputs)
		if !strings.Contains(string(got), "exit-code="+c.wantCode+"\n") {
			t.Errorf("no-config %s: outputs %q, want exit-code=%s", c.noConfig, got, c.wantCode)
		}
		if !strings.Contains(string(out), c.wantOut) {
			t.Errorf("no-config %s: annotations do not hold %q:\n%.3000s", c.noConfig, c.wantOut, out)
		}
	}
}
