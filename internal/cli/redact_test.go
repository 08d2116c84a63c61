package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Planted secrets: each in a known format, or a value the tree gives a
// secret name; they reach other rules' snippets, messages, taint steps,
// route paths and diagnostics.
const (
	plantGitHub = "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
	plantPAT    = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"
	plantAWS    = "AKIAQ3EXAMPLEKEY7ZXR"
	plantStripe = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
	plantJWT    = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
	plantPEM1   = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"
	plantPEM2   = "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK"
	plantEnv    = "Zq8vL2mX9pR4tY7w"
	plantURLPw  = "Wq9eR3tY6uI1oP4a"
)

// plantedTree writes a FastAPI app whose secrets other rules quote: a
// token in an FA102 command and in a route path (FA409's message, the
// routes listing), a key in FA701/FA702's call, two secrets on one line,
// a JWT cut by the snippet length, a PEM key, a .env value, a password in
// a requirements URL, and a secret in a file that does not parse.
func plantedTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(rel, text string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app/main.py", `import subprocess
import requests
import jwt
from fastapi import Depends, FastAPI
from fastapi.security import OAuth2PasswordBearer

app = FastAPI()
oauth2 = OAuth2PasswordBearer(tokenUrl="token")


@app.get("/hooks/`+plantGitHub+`/run")
def hook(q: str, api_key: str):
    subprocess.call("curl -H 'Authorization: token `+plantGitHub+`' " + q, shell=True)
    return {}


@app.get("/fetch")
def fetch(url: str):
    return requests.get(url, verify=False, headers={"x": "`+plantAWS+`"})


KEYS = {"stripe": "`+plantStripe+`", "gh": "`+plantPAT+`"}


@app.get("/me")
def me(token: str = Depends(oauth2)):
    return jwt.decode(token, "`+plantStripe+`", options={"verify_signature": False}, algorithms=["HS256"])


@app.post("/token")
def login(user: str):
    return {"access_token": jwt.encode({"sub": user, "k": "`+plantJWT+`"}, "`+plantAWS+`", algorithm="HS256")}


PRIVATE = """-----BEGIN RSA PRIVATE KEY-----
`+plantPEM1+`
`+plantPEM2+`
-----END RSA PRIVATE KEY-----"""
`)
	write("app/broken.py", "x = = \""+plantAWS+"\"\n")
	write(".env", "DATABASE_PASSWORD="+plantEnv+"\nGITHUB_TOKEN="+plantGitHub+"\n")
	write("certs/server.key", "-----BEGIN RSA PRIVATE KEY-----\n"+plantPEM1+"\n"+plantPEM2+"\n-----END RSA PRIVATE KEY-----\n")
	write("requirements.txt", "fastapi\nprivatelib @ git+https://deploy:"+plantURLPw+"@git.example.com/lib.git\n")
	return dir
}

// TestNoSecretInAnyOutput scans the planted tree in every format and lists
// its routes in every format: no planted secret may appear in any byte,
// while the findings that quote them are still reported.
func TestNoSecretInAnyOutput(t *testing.T) {
	dir := plantedTree(t)
	planted := []string{plantGitHub, plantPAT, plantAWS, plantStripe, plantJWT, plantPEM1, plantPEM2, plantEnv, plantURLPw}
	check := func(name, out string) {
		t.Helper()
		for _, s := range planted {
			if strings.Contains(out, s) {
				t.Errorf("%s shows the secret %s", name, s)
			}
			// Nor a long piece of it (a snippet cut in the middle).
			if strings.Contains(out, s[:len(s)*2/3]) {
				t.Errorf("%s shows most of the secret %s", name, s)
			}
		}
	}
	for _, format := range []string{"text", "json", "sarif", "html", "junit", "github"} {
		out, errOut, code := run(t, "scan", "--no-color", "--format", format, dir)
		if code != ExitFindings {
			t.Fatalf("scan --format %s: exit %d: %s", format, code, errOut)
		}
		check("scan --format "+format, out+errOut)
		// The rules whose snippets quote the secrets still report.
		for _, id := range []string{"FA102", "FA201", "FA204", "FA403", "FA408", "FA409", "FA701", "FA702"} {
			if !strings.Contains(out, id) {
				t.Errorf("scan --format %s: no %s finding", format, id)
			}
		}
		if format == "sarif" {
			validateSARIF(t, out)
		}
		if format == "text" && !strings.Contains(out, "/hooks/ghp_********/run takes the secret `api_key`") {
			t.Errorf("FA409's message does not show the masked route:\n%s", out)
		}
	}
	for _, format := range []string{"text", "json", "csv"} {
		out, errOut, code := run(t, "routes", "--format", format, dir)
		if code != ExitOK {
			t.Fatalf("routes --format %s: exit %d: %s", format, code, errOut)
		}
		check("routes --format "+format, out+errOut)
		if !strings.Contains(out, "/hooks/ghp_********/run") {
			t.Errorf("routes --format %s: the route with a token in its path is missing:\n%s", format, out)
		}
	}
}

// TestTerminalEscapesShownEscaped scans files whose names and code hold
// escape sequences, bidi marks, CR and a colon that would read as a URI
// scheme: the text, github, routes text and csv outputs show them as
// escapes, and SARIF names the file with a relative reference.
func TestTerminalEscapesShownEscaped(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file names with control characters")
	}
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
