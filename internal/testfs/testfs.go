// Package testfs holds the helpers tests share to build trees of files:
// a guard that turns a hang (a named pipe opened for reading, a decoder
// run away) into a failing test instead of a stuck run, and writers of
// small trees of files, links and named pipes.
package testfs

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// HangGuard panics, naming the test and what, when the returned stop
// function has not been called within limit: a test of hostile input that
// blocks (on a named pipe, say) fails within the limit instead of hanging
// until the test binary's own timeout.
func HangGuard(t testing.TB, limit time.Duration, what string) (stop func()) {
	t.Helper()
	done := make(chan struct{})
	name := t.Name()
	go func() {
		select {
		case <-done:
		case <-time.After(limit):
			panic(name + ": " + what)
		}
	}()
	return func() { close(done) }
}

// WriteTree writes files (slash paths relative to root, and their
// content) under root, making the directories they need.
func WriteTree(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for rel, body := range files {
		WriteFile(t, filepath.Join(root, filepath.FromSlash(rel)), body)
	}
}

// WriteFile writes one file, making its directory.
func WriteFile(t testing.TB, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
