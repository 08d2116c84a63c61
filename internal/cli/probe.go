package cli

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fastapi-audit/fastapi-audit/internal/config"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/probe"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/openapi"
	"github.com/fastapi-audit/fastapi-audit/internal/report"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// probeFlags are probe's command-line settings.
type probeFlags struct {
	common   reportFlags // output, selection and terminal settings shared with scan
	openapi  string
	budget   int
	rate     float64
	timeout  time.Duration
	maxTime  time.Duration
	maxBody  int64
	unsafe   bool
	deletes  []string
	headers  []string
	tokens   []string
	logins   []string
	loginURL string
	insecure bool
	source   string
}

func newProbeCmd() *cobra.Command {
	var o probeFlags
	cmd := &cobra.Command{
		Use:   "probe URL",
		Short: "Live audit of a running FastAPI API, driven by its OpenAPI document",
		Long: `Probe reads the API's OpenAPI document (--openapi, or /openapi.json and the
usual places) and checks the running service: docs exposure, security headers,
banners, CORS, error pages, authentication, JWT handling, BOLA with two users,
mass assignment, injection signatures, login throttling, size limits and
GraphQL introspection.

It is safe by default: it stays on the URL's scheme, host and port (redirects
elsewhere are reported, not followed), sends at most --budget requests at
--rate per second, and sends only GET, HEAD and OPTIONS unless --allow-unsafe
(DELETE only to operations named with --allow-delete), besides read-only
GraphQL introspection queries (POST, checked to hold no mutation). Every finding carries
the request, the response excerpt and a curl command; credentials appear in
them as $FASTAPI_AUDIT_TOKEN (and _2 for the second user) or
$FASTAPI_AUDIT_HEADER, so set those variables to replay them.

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above
--fail-on; 2 usage or configuration error; 3 could not run (target unreachable).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runProbe(cmd, args[0], &o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.openapi, "openapi", "", "the OpenAPI document: a URL on the target or a file (default: /openapi.json and the usual places)")
	f.IntVar(&o.budget, "budget", probe.DefaultBudget, "most requests to send")
	f.Float64Var(&o.rate, "rate", probe.DefaultRate, "requests per second")
	f.DurationVar(&o.timeout, "timeout", probe.DefaultTimeout, "time limit of each request, body included")
	f.DurationVar(&o.maxTime, "max-time", probe.DefaultMaxTime, "time limit of the whole probe: then it stops and reports what it found (0: none)")
	f.Int64Var(&o.maxBody, "max-response", probe.DefaultMaxBody, "bytes of each response read")
	f.BoolVar(&o.unsafe, "allow-unsafe", false, "send POST, PUT and PATCH requests (mass assignment, body size, anonymous writes)")
	f.StringArrayVar(&o.deletes, "allow-delete", nil, `operation DELETE may be sent to: its operationId or "DELETE /path/{id}" (repeatable; needs --allow-unsafe)`)
	f.StringArrayVar(&o.headers, "header", nil, `header sent with the first user's requests, "Name: value" (repeatable)`)
	f.StringArrayVar(&o.tokens, "token", nil, "bearer token of a user (repeatable: a second user enables the BOLA check)")
	f.StringArrayVar(&o.logins, "login", nil, "USER:PASSWORD to log in with the OAuth2 password flow (repeatable)")
	f.StringVar(&o.loginURL, "login-url", "", "token endpoint for --login (default: the password flow's tokenUrl in the document)")
	f.BoolVar(&o.insecure, "insecure", false, "do not verify the target's TLS certificate")
	f.StringVar(&o.source, "source", "", "the API's source: aim the checks with its route inventory and mark its static findings confirmed or not")
	o.common.register(f, "FA9,FA601")
	return cmd
}

func runProbe(cmd *cobra.Command, target string, o *probeFlags) error {
	start := time.Now()
	outs, failOn, sel, err := o.common.parse(nil)
	if err != nil {
		return err
	}
	if len(o.deletes) > 0 && !o.unsafe {
		return usageErrorf("--allow-delete needs --allow-unsafe")
	}
	opts := probe.Options{
		Client: probe.ClientOptions{Budget: o.budget, Rate: o.rate, Timeout: o.timeout, MaxBody: o.maxBody,
			AllowUnsafe: o.unsafe, AllowDelete: o.deletes, Insecure: o.insecure},
		OpenAPI: o.openapi, Tokens: o.tokens, Headers: o.headers, LoginURL: o.loginURL, Enabled: sel.Enabled,
		MaxTime: o.maxTime,
	}
	if v := os.Getenv("FASTAPI_AUDIT_TOKEN"); v != "" && len(o.tokens) == 0 {
		opts.Tokens = []string{v}
	}
	for _, l := range o.logins {
		user, pass, ok := strings.Cut(l, ":")
		if !ok || user == "" {
			return usageErrorf("--login %q: want USER:PASSWORD", l)
		}
		opts.Logins = append(opts.Logins, probe.Login{User: user, Password: pass})
	}
	for _, h := range o.headers {
		if k, _, ok := strings.Cut(h, ":"); !ok || strings.TrimSpace(k) == "" {
			return usageErrorf("--header %q: want \"Name: value\"", h)
		}
	}
	if o.budget < 1 || o.rate <= 0 || o.timeout <= 0 {
		return usageErrorf("--budget, --rate and --timeout must be positive")
	}
	if o.maxTime < 0 {
		return usageErrorf("--max-time %v: want a positive duration, or 0 for no limit", o.maxTime)
	}

	var static []*finding.Finding
	var proj *project
	if o.source != "" {
		if proj, err = load([]string{o.source}, loadOptions{}); err != nil {
			return err
		}
		opts.Targets, opts.GraphQL = sourceTargets(proj)
	}
	if prog := newProgress(cmd.ErrOrStderr(), o.common.quiet); prog != nil {
		opts.Client.OnRequest = func(sent, budget int) {
			prog.Set(sent == budget, "probe: %d/%d requests", sent, budget)
		}
		defer prog.Done()
	}
	ctx, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	res, err := probe.Run(ctx, target, opts)
	if err != nil {
		if errors.Is(err, probe.ErrUnreachable) {
			return noRunErrorf("%v", err)
		}
		if strings.HasPrefix(err.Error(), "--openapi") || strings.HasPrefix(err.Error(), "target URL") {
			return usageErrorf("%v", err)
		}
		return noRunErrorf("%v", err)
	}
	if proj != nil {
		static = confirmStatic(proj, res, sel)
	}
	if u, err := url.Parse(target); err == nil && u.Scheme == "https" && net.ParseIP(u.Hostname()) == nil {
		// The TLS side of the endpoint: protocols, suites, certificate.
		port, _ := strconv.Atoi(u.Port())
		if port == 0 {
			port = 443
		}
		tlsRules := config.Selector{Select: []string{"FA950", "FA951", "FA952", "FA953", "FA954", "FA955", "FA956"}, Ignore: sel.Ignore}
		if pres, err := httpsPosture(ctx, u.Hostname(), port, tlsRules, o.timeout); err != nil {
			res.Diagnostics = append(res.Diagnostics, &finding.Diagnostic{Kind: "posture", Message: err.Error()})
		} else {
			res.Findings = append(res.Findings, filterSelected(pres.Findings, sel)...)
			res.Diagnostics = append(res.Diagnostics, pres.Diagnostics...)
		}
	}

	rep := &report.Report{Tool: report.Tool{Name: "fastapi-audit", Version: Version}}
	used := map[string]bool{}
	for _, ch := range probe.Checks() {
		for _, id := range ch.Rules {
			if sel.Enabled(id) && !used[id] {
				used[id] = true
				rep.Rules = append(rep.Rules, rules.Get(id))
			}
		}
	}
	rep.Findings = append(res.Findings, static...)
	rep.Diagnostics = res.Diagnostics
	if proj != nil {
		rep.Routes = proj.routes()
	}
	rep.Stats = report.Stats{Seconds: time.Since(start).Seconds(), Rules: len(rep.Rules), Requests: res.Requests}
	// A static finding the probe could not confirm does not fail the run.
	return o.common.finish(cmd, rep, outs, failOn, func(f *finding.Finding) bool { return f.Live == nil || f.Live.Confirmed })
}

// filterSelected keeps the findings of selected rules.
func filterSelected(fs []*finding.Finding, sel config.Selector) []*finding.Finding {
	var out []*finding.Finding
	for _, f := range fs {
		if sel.Enabled(f.RuleID) {
			out = append(out, f)
		}
	}
	return out
}

var pathParamRE = regexp.MustCompile(`\{([^{}:]+)(?::[^{}]*)?\}`)

// sourceTargets turns the static route inventory into operations to probe,
// and the paths of its GraphQL servers. GraphQL root fields (QUERY
// /graphql#me) are not HTTP operations: they name their server's path.
func sourceTargets(p *project) (out []*openapi.Operation, graphql []string) {
	seen := map[string]bool{}
	for _, r := range p.routes() {
		switch r.Method {
		case "QUERY", "MUTATION", "SUBSCRIPTION":
			path, _, _ := strings.Cut(r.Path, "#")
			if !seen[path] && !strings.ContainsAny(path, "{<") {
				seen[path] = true
				graphql = append(graphql, path)
			}
			continue
		}
		op := &openapi.Operation{Method: r.Method, Path: pathParamRE.ReplaceAllString(r.Path, "{$1}")}
		for _, m := range pathParamRE.FindAllStringSubmatch(r.Path, -1) {
			op.Params = append(op.Params, &openapi.Param{Name: m[1], In: "path", Required: true})
		}
		out = append(out, op)
	}
	return out, graphql
}

// confirmStatic runs the static rules the probe can check on the source
// and marks each finding confirmed when a live finding of the same rule
// matches it: on the same route for route rules, anywhere for app-wide
// ones.
func confirmStatic(p *project, res *probe.Result, sel config.Selector) []*finding.Finding {
	checked := map[string]bool{}
	for _, ch := range probe.Checks() {
		for _, id := range ch.Rules {
			if r := rules.Get(id); r != nil && !r.Live() && sel.Enabled(id) {
				checked[id] = true
			}
		}
	}
	var rs []*rules.Rule
	for id := range checked {
		rs = append(rs, rules.Get(id))
	}
	static := rules.Run(rs, p.model, p.files, rules.Options{})
	routes := p.routes()
	live := map[string][]*finding.Finding{}
	for _, f := range res.Findings {
		live[f.RuleID] = append(live[f.RuleID], f)
	}
	for _, f := range static {
		op := ""
		for _, r := range routes {
			if r.File == f.Location.File && f.Function != "" && strings.HasSuffix(f.Function, "."+r.Handler) {
				op = r.Method + " " + pathParamRE.ReplaceAllString(r.Path, "{$1}")
				break
			}
		}
		f.Live = &finding.Confirmation{Message: "the probe did not reproduce it"}
		for _, l := range live[f.RuleID] {
			if op == "" || l.Function == op {
				f.Live = &finding.Confirmation{Confirmed: true, Message: l.Message, URL: l.Location.URL}
				break
			}
		}
	}
	return static
}
