package rules

import (
	"strconv"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/namere"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// maxAccessMinutes is the longest access-token lifetime FA204 accepts.
const maxAccessMinutes = 30

var (
	accessLifetimeRE = namere.MustCompile(`(?i)^(jwt_)?(access_)?token_?(expire|expires|expiry|lifetime|ttl)(_in)?_(seconds|secs|minutes|mins|hours|days)$|^access_token_(expire|expires|expiry|lifetime|ttl)(_in)?_(seconds|secs|minutes|mins|hours|days)$`)
	notAccessRE      = namere.MustCompile(`(?i)refresh|reset|invite|verif|email|confirm|remember`)
)

func init() {
	Register(&Rule{
		ID: "FA204", Name: "token-lifetime", Title: "Access token lifetime too long or unlimited",
		Category: "authentication", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{613}, OWASP: []string{apiAuth, webAuth},
		Remediation: "Give access tokens an exp of 30 minutes or less and use refresh tokens (revocable, rotated) for long sessions.",
		Doc: Doc{
			What: "Access-token lifetime settings (`ACCESS_TOKEN_EXPIRE_MINUTES` and kin) above 30 minutes, tokens encoded " +
				"without an `exp` claim, and decoding with `verify_exp` switched off.",
			Why: "A stolen access token (from a log, a browser extension, a leaked HAR file) works until it expires, and " +
				"stateless JWTs usually cannot be revoked. Days-long or eternal tokens turn every leak into lasting account " +
				"access.",
			Example: "ACCESS_TOKEN_EXPIRE_MINUTES = 60 * 24 * 8  # 8 days\n",
			Fix:     "```python\nACCESS_TOKEN_EXPIRE_MINUTES = 15\nclaims = {\"sub\": user.id, \"exp\": datetime.now(timezone.utc) + timedelta(minutes=ACCESS_TOKEN_EXPIRE_MINUTES)}\n```",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html#token-sidejacking",
				"https://cwe.mitre.org/data/definitions/613.html",
			},
		},
		Check: func(p *Pass) {
			for _, a := range p.Index.Assigns {
				if !accessLifetimeRE.MatchString(a.Name) || notAccessRE.MatchString(a.Name) {
					continue
				}
				v, ok := evalInt(a.Value, 0)
				if !ok {
					continue
				}
				minutes := toMinutes(v, a.Name)
				if minutes > maxAccessMinutes {
					p.Report(a.Module, a.Value, "%s is %s: stolen access tokens stay valid that long", a.Name, humanMinutes(minutes))
				}
			}
			for _, c := range p.Index.CallsTo(jwtEncodes...) {
				payload := arg(c.Call, 0, "payload")
				if payload == nil {
					payload = keyword(c.Call, "claims")
				}
				d, _ := resolveValue(p.Prog, c.Scope, payload)
				if _, isDict := d.(*syntax.Dict); !isDict {
					continue
				}
				if dictEntry(p, c.Scope, payload, "exp") != nil || mentionsExp(c.Module.File, c.Func) {
					continue
				}
				p.Report(c.Module, c.Call, "%s() makes a token without an exp claim: it never expires", c.Callee)
			}
			for _, c := range p.Index.CallsTo(jwtDecodes...) {
				if v := dictEntry(p, c.Scope, keyword(c.Call, "options"), "verify_exp"); v != nil && isFalse(v) {
					p.Report(c.Module, c.Call, "%s() with verify_exp=False accepts expired tokens", c.Callee)
				}
			}
		},
	})
}

// mentionsExp reports whether the function around a call sets "exp" some
// other way (payload["exp"] = ..., payload.update(exp=...)).
func mentionsExp(f *syntax.File, fn *semantic.Function) bool {
	if fn == nil {
		return false
	}
	body := f.Text(fn.Node)
	return strings.Contains(body, `"exp"`) || strings.Contains(body, `'exp'`) || strings.Contains(body, "exp=")
}

// evalInt evaluates integer arithmetic of constants.
func evalInt(e syntax.Expr, depth int) (int64, bool) {
	if depth > 16 {
		return 0, false
	}
	switch x := e.(type) {
	case *syntax.Constant:
		return constInt(x)
	case *syntax.BinOp:
		l, ok1 := evalInt(x.Left, depth+1)
		r, ok2 := evalInt(x.Right, depth+1)
		if !ok1 || !ok2 {
			return 0, false
		}
		switch x.Op {
		case syntax.Mult:
			return l * r, true
		case syntax.Add:
			return l + r, true
		case syntax.Sub:
			return l - r, true
		}
	}
	return 0, false
}

func toMinutes(v int64, name string) int64 {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, "seconds"), strings.HasSuffix(n, "secs"):
		return v / 60
	case strings.HasSuffix(n, "hours"):
		return v * 60
	case strings.HasSuffix(n, "days"):
		return v * 60 * 24
	}
	return v
}

func humanMinutes(m int64) string {
	switch {
	case m%(60*24) == 0:
		return plural(m/(60*24), "day")
	case m%60 == 0:
		return plural(m/60, "hour")
	}
	return plural(m, "minute")
}

func plural(n int64, unit string) string {
	s := formatInt64(n) + " " + unit
	if n != 1 {
		s += "s"
	}
	return s
}

func formatInt64(n int64) string { return strconv.FormatInt(n, 10) }
