package rules

import (
	"bufio"
	"io"
	"path"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/secrets"
	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

// maxKeyFileScan bounds how much of a key file is read to find a private key.
const maxKeyFileScan = 1 << 20

func init() {
	Register(&Rule{
		ID: "FA408", Name: "committed-secret-file", Title: "Environment or private-key file in the source tree",
		Category: "data-exposure", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{538}, OWASP: []string{apiMisconfig, webMisconfig},
		Remediation: "Remove the file from the repository (and its history), rotate what it held, add it to .gitignore, and ship an .env.example without values.",
		Doc: Doc{
			What: "A `.env` file (or `.env.production` and the like; `.env.example`, `.sample` and `.template` excepted) " +
				"that is not ignored by `.gitignore`, or a `.pem`/`.key` file holding a private key, or a `.p12`/`.pfx` key " +
				"store, in the scanned tree. Files that `.gitignore` excludes are not scanned, so they are not reported. " +
				"The secrets inside `.env` files are reported separately by FA403.",
			Why: "Whatever is committed reaches every clone, fork, CI log and container image built from the repository, " +
				"and stays in its history after deletion. Environment files hold database passwords and signing keys; " +
				"private keys let anyone impersonate the service.",
			Example: "backend/.env           # DATABASE_URL=postgresql://app:s3cret@db/app\nbackend/certs/server.key\n",
			Fix:     "```gitignore\n.env\n.env.*\n!.env.example\n*.key\n*.pem\n```",
			References: []string{
				"https://cwe.mitre.org/data/definitions/538.html",
				"https://12factor.net/config",
			},
		},
		Check: func(p *Pass) {
			for _, file := range p.Files {
				if file.Kind != source.Env || isTestPath(file.Rel) {
					continue
				}
				base := path.Base(file.Rel)
				switch ext := path.Ext(base); {
				case strings.HasPrefix(base, ".env"):
					if envHoldsSecret(file) {
						p.ReportFile(file, 1, "", "%s is an environment file in the source tree, not ignored by .gitignore: the secrets in it get committed", file.Rel)
					} else {
						f := p.ReportFile(file, 1, "", "%s is an environment file in the source tree, not ignored by .gitignore: it holds no secret yet, but the next one added gets committed", file.Rel)
						f.Severity = finding.Low
					}
				case ext == ".p12" || ext == ".pfx":
					p.ReportFile(file, 1, "", "%s is a key store in the source tree: the private key inside gets committed", file.Rel)
				default:
					if line, ok := privateKeyLine(file); ok {
						p.ReportFile(file, line, "", "%s holds a private key: it gets committed with the source", file.Rel)
					}
				}
			}
		},
	})
}

// privateKeyLine returns the line of a PEM private-key header in a file.
func privateKeyLine(file source.File) (int, bool) {
	fh, err := file.Open()
	if err != nil {
		return 0, false
	}
	defer fh.Close()
	sc := bufio.NewScanner(io.LimitReader(fh, maxKeyFileScan))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if l := sc.Text(); strings.HasPrefix(strings.TrimSpace(l), "-----BEGIN") && secrets.PrivateKeyHeader(l) {
			return n, true
		}
	}
	return 0, false
}

// envHoldsSecret reports an environment file with a secret-named key set
// to a value.
func envHoldsSecret(file source.File) bool {
	fh, err := file.Open()
	if err != nil {
		return false
	}
	defer fh.Close()
	sc := bufio.NewScanner(io.LimitReader(fh, maxKeyFileScan))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if key, value, ok := secrets.EnvLine(sc.Text()); ok && secrets.Name(key) && value != "" {
			return true
		}
	}
	return false
}
