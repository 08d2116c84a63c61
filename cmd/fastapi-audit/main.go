// Command fastapi-audit finds security problems in FastAPI applications.
package main

import (
	"os"

	"github.com/fastapi-audit/fastapi-audit/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
