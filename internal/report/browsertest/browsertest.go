// Package browsertest runs headless Chromium for the tests of the HTML
// report: it finds the browser (failing under CI=true when it is missing)
// and runs it with a fresh profile.
package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Find finds the browser. Without it the tests skip, or fail when CI
// is set, so that CI does not pass without having run them.
func Find(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "chromium not found: the HTML report's browser tests need the Debian package chromium (apt-get install chromium; chromium-driver is not needed)"
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatal(msg)
	}
	t.Skip(msg + " (CI=true makes this a failure)")
	return ""
}

// Run runs headless Chromium with a fresh profile and returns what
// it writes to stdout.
func Run(t testing.TB, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{
		"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-breakpad",
		"--user-data-dir=" + t.TempDir(),
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (timed out: a dialog opened by injected script, such as alert(), blocks headless Chromium)", err)
		}
		var log []string
		for _, l := range strings.Split(stderr.String(), "\n") {
			if l != "" && !strings.Contains(l, "dbus") {
				log = append(log, l)
			}
		}
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, strings.Join(log, "\n"))
	}
	return stdout.Bytes()
}
