package cli

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/fastapi-audit/fastapi-audit/internal/config"
	"github.com/fastapi-audit/fastapi-audit/internal/posture"
	"github.com/fastapi-audit/fastapi-audit/internal/report"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// postureFlags are posture's command-line settings.
type postureFlags struct {
	common    reportFlags
	resolver  string
	httpsPort int
	httpPort  int
	selectors []string
	cafile    string
	timeout   time.Duration
	noWeb     bool
	noEmail   bool
}

func newPostureCmd() *cobra.Command {
	var o postureFlags
	cmd := &cobra.Command{
		Use:   "posture DOMAIN",
		Short: "TLS, HSTS, DNS (CAA, DNSSEC) and email authentication of a domain",
		Long: `Posture checks how a domain is set up: the protocols, cipher suites and
certificate of its HTTPS endpoint, the HTTP to HTTPS redirect and HSTS, CAA and
DNSSEC, and email authentication (SPF, DMARC, DKIM, MTA-STS, TLS-RPT). DNS
questions go to the system resolver or --resolver.

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above
--fail-on; 2 usage error; 3 could not run.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPosture(cmd, args[0], &o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.resolver, "resolver", "", "DNS server to ask, HOST:PORT (default: the system's)")
	f.IntVar(&o.httpsPort, "https-port", 443, "port of the HTTPS endpoint")
	f.IntVar(&o.httpPort, "http-port", 80, "port of the plain-HTTP endpoint")
	f.StringSliceVar(&o.selectors, "dkim-selector", nil, "DKIM selector to look for besides the common ones (repeatable)")
	f.StringVar(&o.cafile, "ca-file", "", "PEM file of the roots to trust instead of the system's")
	f.DurationVar(&o.timeout, "timeout", posture.DefaultTimeout, "time limit of each network exchange")
	f.BoolVar(&o.noWeb, "no-web", false, "skip the TLS and HTTP checks (a domain with no web endpoint)")
	f.BoolVar(&o.noEmail, "no-email", false, "skip the email authentication checks")
	o.common.register(f, "FA95")
	return cmd
}

func runPosture(cmd *cobra.Command, domain string, o *postureFlags) error {
	outs, failOn, sel, err := o.common.parse(nil)
	if err != nil {
		return err
	}
	if _, err := posture.NormalizeDomain(domain); err != nil {
		return usageErrorf("%v", err)
	}
	opts := posture.Options{Resolver: o.resolver, HTTPSPort: o.httpsPort, HTTPPort: o.httpPort,
		DKIMSelectors: o.selectors, Timeout: o.timeout, Enabled: sel.Enabled, SkipTLS: o.noWeb, SkipEmail: o.noEmail}
	if o.cafile != "" {
		pem, err := os.ReadFile(o.cafile)
		if err != nil {
			return usageErrorf("--ca-file: %v", err)
		}
		opts.RootCAs = x509.NewCertPool()
		if !opts.RootCAs.AppendCertsFromPEM(pem) {
			return usageErrorf("--ca-file %s: no PEM certificate", o.cafile)
		}
	}
	res, err := posture.Run(cmd.Context(), domain, opts)
	if err != nil {
		return noRunErrorf("%v", err)
	}
	return o.common.finish(cmd, postureReport(res, sel), outs, failOn, nil)
}

// postureReport turns a posture result into a report with the metadata of
// the rules its checks report.
func postureReport(res *posture.Result, sel config.Selector) *report.Report {
	rep := &report.Report{Tool: report.Tool{Name: "fastapi-audit", Version: Version},
		Findings: res.Findings, Diagnostics: res.Diagnostics}
	used := map[string]bool{}
	for _, ch := range posture.Checks() {
		for _, id := range ch.Rules {
			if sel.Enabled(id) && !used[id] {
				used[id] = true
				rep.Rules = append(rep.Rules, rules.Get(id))
			}
		}
	}
	rep.Stats = report.Stats{Seconds: res.Seconds, Rules: len(rep.Rules), Queries: res.Queries}
	return rep
}

// httpsPosture runs the TLS and HTTP posture checks for an https probe
// target.
func httpsPosture(ctx context.Context, host string, port int, sel config.Selector, timeout time.Duration) (*posture.Result, error) {
	res, err := posture.Run(ctx, host, posture.Options{HTTPSPort: port, SkipEmail: true, Enabled: sel.Enabled, Timeout: timeout})
	if err != nil {
		return nil, fmt.Errorf("TLS posture of %s: %w", host, err)
	}
	return res, nil
}
