package report

import (
	"slices"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/secrets"
)

// Redact masks secrets in every string of the report: each finding's own
// secrets in that finding, and the secrets of the whole scanned tree
// (r.Secrets) with those the findings recorded (when secrets.Maskable) in
// all findings, routes and diagnostics, so that a key one rule
// found is hidden in the snippets, messages and paths of every other. It
// runs once: every writer calls it, and later calls do nothing. Fingerprints
// and rule ids are left as they are.
func (r *Report) Redact() {
	if r.redacted {
		return
	}
	r.redacted = true
	values := slices.Clone(r.Secrets)
	for _, f := range r.Findings {
		for _, s := range f.Secrets {
			if secrets.Maskable(s) {
				values = append(values, s)
			}
		}
	}
	rd := finding.NewRedactor(values)
	for _, f := range r.Findings {
		f.Redact()
		if rd != nil {
			f.Rewrite(rd.String)
		}
	}
	if rd == nil {
		return
	}
	for _, d := range r.Diagnostics {
		d.Rewrite(rd.String)
	}
	for i := range r.Routes {
		r.Routes[i].Rewrite(rd.String)
	}
}

// RedactRoutes masks a redactor's secrets in every string of the routes
// (the routes command's listing, which has no Report).
func RedactRoutes(rows []Route, rd *finding.Redactor) {
	if rd == nil {
		return
	}
	for i := range rows {
		rows[i].Rewrite(rd.String)
	}
}

// Rewrite replaces every string of the route by fn of it. Lists are
// replaced, not written in place: they may be the model's own.
func (rt *Route) Rewrite(fn func(string) string) {
	rt.Method = fn(rt.Method)
	rt.Path = fn(rt.Path)
	rt.Handler = fn(rt.Handler)
	rt.File = fn(rt.File)
	rt.App = fn(rt.App)
	rt.Response = fn(rt.Response)
	rt.Auth = rewriteAll(rt.Auth, fn)
	rt.Authz = rewriteAll(rt.Authz, fn)
	rt.Scopes = rewriteAll(rt.Scopes, fn)
	rt.Guards = rewriteAll(rt.Guards, fn)
	for kind, names := range rt.Params { // the kinds are ours: path, query, ...
		rt.Params[kind] = rewriteAll(names, fn)
	}
}

// rewriteAll returns fn of each string, in a new slice when one changes.
func rewriteAll(ss []string, fn func(string) string) []string {
	var out []string
	for i, s := range ss {
		if t := fn(s); t != s {
			if out == nil {
				out = slices.Clone(ss)
			}
			out[i] = t
		}
	}
	if out == nil {
		return ss
	}
	return out
}
