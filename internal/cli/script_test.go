package cli

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"fastapi-audit": func() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) },
		// rusageCommand measures a child's peak memory from a small
		// process (see runMeasured).
		rusageCommand: rusageMain,
	})
}

// TestScripts runs the command-line scenarios in testdata/script: exit
// codes, configuration errors, suppressions and baselines.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata/script"})
}
