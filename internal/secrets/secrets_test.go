package secrets

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

const (
	aws    = "AKIAQ3EXAMPLEKEY7ZXR"
	github = "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
	pat    = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"
	stripe = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
	jwt    = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
	pem1   = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"
	pem2   = "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK"
)

func TestKnown(t *testing.T) {
	cases := map[string][2]string{
		`h = {"x": "` + aws + `"}`:                {"an AWS access key id", aws},
		"curl -H 'Authorization: token " + github: {"a GitHub token", github},
		pat:             {"a GitHub token", pat},
		"key=" + stripe: {"a Stripe secret key", stripe},
		"Bearer " + jwt: {"a JSON Web Token", jwt},
		"-----BEGIN RSA PRIVATE KEY-----\n" + pem1: {"a private key", "-----BEGIN RSA PRIVATE KEY-----"},
		"sk_test_4eC39HqLyjWDarjtT1zdp7dc":         {"", ""},
		"AKIA-not-a-key":                           {"", ""},
	}
	for in, want := range cases {
		if name, v := Known(in); name != want[0] || v != want[1] {
			t.Errorf("Known(%q) = %q, %q; want %q, %q", in, name, v, want[0], want[1])
		}
	}
}

func TestNameAndValue(t *testing.T) {
	for name, want := range map[string]bool{"SECRET_KEY": true, "client_secret": true, "db_password": true, "api_key": true,
		"token_url": false, "PASSWORD_MIN_LENGTH": false, "username": false} {
		if Name(name) != want {
			t.Errorf("Name(%q) = %v", name, !want)
		}
	}
	for v, want := range map[string]string{
		"9f2c1b7e4d6a8f0e3b5c7d9a1e2f4b6c": "a random-looking string of 32 characters",
		"hunter2hunter2":                   "a string literal of 14 characters",
		"postgresql://app:s3cr3tpw@db/app": "a URL with an embedded password",
		"changethis":                       "", "<your-key>": "", "SECRET_KEY_ENV": "", "/run/secrets/key": "", "https://example.com/": "",
	} {
		if what, ok := Value("password", v); what != want || ok != (want != "") {
			t.Errorf("Value(%q) = %q, %v; want %q", v, what, ok, want)
		}
	}
}

func TestEnvLine(t *testing.T) {
	k, v, ok := EnvLine(`  export API_KEY="abc def" # the key`)
	if !ok || k != "API_KEY" || v != "abc def" {
		t.Errorf("EnvLine = %q, %q, %v", k, v, ok)
	}
	for _, l := range []string{"", "# API_KEY=x", "no equals"} {
		if _, _, ok := EnvLine(l); ok {
			t.Errorf("EnvLine(%q) read a value", l)
		}
	}
}

// TestCollect plants secrets of every kind in a tree and checks that
// Collect lists each, and nothing that is not one.
func TestCollect(t *testing.T) {
	dir := t.TempDir()
	py := `import subprocess
SECRET_KEY: str = "9f2c1b7e4d6a8f0e3b5c7d9a1e2f4b6c"
DEBUG_NAME = "not-a-secret-value-at-all"
client = Client(password="hunter2hunter2", token_url="https://x.example/tok")
KEYS = {"stripe": "` + stripe + `", "api_key": "${API_KEY}"}  # and ` + aws + `
DB = "postgresql://app:Zq8vL2mX9pR4tY7w@db/app"
FTP = "ftp://joe:password@ftp.example.com/"
subprocess.call("curl -H 'Authorization: token ` + github + `'", shell=True)
K = "-----BEGIN RSA PRIVATE KEY-----\n` + pem1 + `\n` + pem2 + `\n-----END RSA PRIVATE KEY-----\n"
`
	env := "DATABASE_PASSWORD=Ux7mP2qL9vR3sT8w\nDEBUG=true\nGITHUB_TOKEN=" + pat + "\n"
	key := "-----BEGIN PRIVATE KEY-----\n" + pem2 + "\n" + pem1 + "\n-----END PRIVATE KEY-----\n"
	req := "git+https://deploy:" + "Wq9eR3tY6uI1oP4a" + "@git.example.com/lib.git\n"
	write := func(rel, text string) string {
		p := filepath.Join(dir, rel)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	files := []source.File{
		{Path: write("main.py", py), Rel: "main.py", Kind: source.Python},
		{Path: write(".env", env), Rel: ".env", Kind: source.Env},
		{Path: write("server.key", key), Rel: "server.key", Kind: source.Env},
		{Path: write("requirements.txt", req), Rel: "requirements.txt", Kind: source.Dependencies},
		{Path: filepath.Join(dir, "gone.txt"), Rel: "gone.txt", Kind: source.Dependencies},
	}
	got := Collect(files, nil)
	want := []string{"9f2c1b7e4d6a8f0e3b5c7d9a1e2f4b6c", "hunter2hunter2", stripe, aws, "Zq8vL2mX9pR4tY7w",
		"postgresql://app:Zq8vL2mX9pR4tY7w@", "ftp://joe:password@", github, pem1, pem2, "Ux7mP2qL9vR3sT8w", pat, "Wq9eR3tY6uI1oP4a"}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("Collect missed %q", w)
		}
	}
	for _, not := range []string{"password", "not-a-secret-value-at-all", "https://x.example/tok", "${API_KEY}", "true"} {
		if slices.Contains(got, not) {
			t.Errorf("Collect took %q for a secret", not)
		}
	}
	if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Errorf("Collect's list is not sorted and unique: %q", got)
	}
}
