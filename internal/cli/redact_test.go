package cli

import (
	"os"
	"path/filepath"
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
