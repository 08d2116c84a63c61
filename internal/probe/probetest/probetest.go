// Package probetest runs the FastAPI fixture apps of the live probe's
// integration tests: internal/probe/testdata/apps/vulnerable, which plants
// every FA9 live issue (each marked with its rule id in main.py), and
// internal/probe/testdata/apps/hardened, the same API surface on which the
// probe must report nothing.
//
// The apps need a Python 3 that imports fastapi, uvicorn, jwt (PyJWT) and
// multipart; on Debian that is /usr/bin/python3 with python3-fastapi,
// python3-uvicorn, python3-jwt and python3-multipart (scripts/test installs
// them). Without one, Start skips the test, or fails it when CI=true.
//
// Seeded data, identical in both apps: users alice (id 1) and bob (id 2),
// neither an admin; items 1-3 and orders 1-2 belong to alice, items 4-6 and
// orders 3-4 to bob; products 1-30 are named widget-1 .. widget-30. Each
// Start gets a fresh in-memory database.
package probetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// User is a seeded account of the fixture apps.
type User struct {
	Name     string
	Password string
}

// App is a running fixture app.
type App struct {
	// Name is "vulnerable" or "hardened".
	Name string
	// URL is the base URL, http://127.0.0.1:PORT, without a trailing slash.
	URL string
	// OpenAPIPath is the URL path of the app's OpenAPI document:
	// /openapi.json for the vulnerable app, /internal/openapi.json for the
	// hardened one (which serves nothing at the default paths).
	OpenAPIPath string
	// OpenAPIURL is URL + OpenAPIPath, for the probe's --openapi flag.
	OpenAPIURL string
	// LoginURL is the OAuth2 password-flow endpoint (POST, form fields
	// username and password), for the probe's --login flag.
	LoginURL string
	// Users are the seeded accounts: alice first, then bob.
	Users []User
	// Dir is the app's source directory.
	Dir string

	log *tailBuffer
}

// The seeded accounts, the same in both apps.
var seededUsers = []User{
	{Name: "alice", Password: "alice-password"},
	{Name: "bob", Password: "bob-password"},
}

// appFlags are the uvicorn flags each app is meant to run with.
var appFlags = map[string][]string{
	"vulnerable": nil,
	// No "Server: uvicorn" banner; client addresses (the login throttle's
	// key) come from the socket, not from X-Forwarded-For.
	"hardened": {"--no-server-header", "--no-proxy-headers"},
}

var openAPIPaths = map[string]string{
	"vulnerable": "/openapi.json",
	"hardened":   "/internal/openapi.json",
}

const (
	startTimeout = 60 * time.Second // generous: a loaded CI machine starts Python slowly
	stopTimeout  = 3 * time.Second
	logCap       = 256 << 10
)

// Start runs the fixture app named app ("vulnerable" or "hardened") with
// uvicorn on a free 127.0.0.1 port, waits until it answers and stops it when
// the test ends. The server's output is logged if the test fails.
func Start(t testing.TB, app string) *App {
	t.Helper()
	flags, ok := appFlags[app]
	if !ok {
		t.Fatalf("probetest: unknown app %q (want vulnerable or hardened)", app)
	}
	py := python(t)
	dir := filepath.Join(appsDir(t), app)
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		a, err := start(t, py, app, dir, flags)
		if err == nil {
			return a
		}
		lastErr = err
		// Another process may have taken the port between our probe and
		// uvicorn's bind; anything else is not worth retrying.
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	t.Fatalf("probetest: starting the %s app: %v", app, lastErr)
	return nil
}

func start(t testing.TB, py, app, dir string, flags []string) (*App, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := append([]string{"-B", "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", strconv.Itoa(port)}, flags...)
	cmd := exec.Command(py, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1")
	log := &tailBuffer{cap: logCap}
	cmd.Stdout = log
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(stopTimeout):
			cmd.Process.Kill()
			<-done
		}
	}

	base := "http://127.0.0.1:" + strconv.Itoa(port)
	a := &App{
		Name:        app,
		URL:         base,
		OpenAPIPath: openAPIPaths[app],
		OpenAPIURL:  base + openAPIPaths[app],
		LoginURL:    base + "/token",
		Users:       append([]User(nil), seededUsers...),
		Dir:         dir,
		log:         log,
	}
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(startTimeout)
	for {
		resp, err := client.Get(base + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case <-done:
			return nil, fmt.Errorf("uvicorn exited (%v):\n%s", cmd.ProcessState, log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("no answer from %s within %v:\n%s", base, startTimeout, log)
		}
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("probetest: %s app output:\n%s", app, log)
		}
	})
	return a, nil
}

// Log returns the server's output so far (at most its last 256 KiB):
// uvicorn's access log and any tracebacks.
func (a *App) Log() string { return a.log.String() }

// Password returns the seeded password of user.
func (a *App) Password(t testing.TB, user string) string {
	t.Helper()
	for _, u := range a.Users {
		if u.Name == user {
			return u.Password
		}
	}
	t.Fatalf("probetest: no seeded user %q", user)
	return ""
}

// Token logs user (alice or bob) in through POST /token and returns the
// bearer access token. Call it before anything that could trip the hardened
// app's login throttle for that user (5 failures a minute).
func (a *App) Token(t testing.TB, user string) string {
	t.Helper()
	form := url.Values{"username": {user}, "password": {a.Password(t, user)}}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).PostForm(a.LoginURL, form)
	if err != nil {
		t.Fatalf("probetest: login as %s: %v", user, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &tok) != nil || tok.AccessToken == "" {
		t.Fatalf("probetest: login as %s: %s %s", user, resp.Status, body)
	}
	return tok.AccessToken
}

var (
	pythonOnce sync.Once
	pythonPath string
	pythonErr  string
)

// python finds a Python 3 that can import what the apps need.
func python(t testing.TB) string {
	t.Helper()
	pythonOnce.Do(func() {
		var tried []string
		for _, name := range []string{"/usr/bin/python3", "python3"} {
			path, err := exec.LookPath(name)
			if err != nil {
				continue
			}
			out, err := exec.Command(path, "-B", "-c", "import fastapi, uvicorn, jwt, multipart").CombinedOutput()
			if err == nil {
				pythonPath = path
				return
			}
			tried = append(tried, fmt.Sprintf("%s: %s", path, bytes.TrimSpace(out)))
		}
		pythonErr = "no python3 that imports fastapi, uvicorn, jwt and multipart (Debian packages python3-fastapi python3-uvicorn python3-jwt python3-multipart; scripts/test installs them)"
		if len(tried) > 0 {
			pythonErr += "\n" + strings.Join(tried, "\n")
		}
	})
	if pythonPath == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("probetest: " + pythonErr)
		}
		t.Skip("probetest: " + pythonErr + " (CI=true makes this a failure)")
	}
	return pythonPath
}

// appsDir is internal/probe/testdata/apps, found from this source file so
// that tests of any package can start the apps.
func appsDir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("probetest: cannot locate the package source")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "testdata", "apps")
	if _, err := os.Stat(filepath.Join(dir, "vulnerable", "main.py")); err != nil {
		t.Fatalf("probetest: fixture apps not found: %v", err)
	}
	return dir
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tailBuffer keeps the last cap bytes written to it; safe for concurrent use.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	cap int
	cut bool
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.cap; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
		b.cut = true
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cut {
		return "[... earlier output dropped]\n" + string(b.buf)
	}
	return string(b.buf)
}
