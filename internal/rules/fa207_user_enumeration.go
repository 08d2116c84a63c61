package rules

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

var (
	// loginRouteRE are routes that check a password.
	loginRouteRE = namere.MustCompile(`(?i)(login|log_in|signin|sign_in|sign-in|token|authenticate|session)`)
	// recoveryRouteRE are routes that start a password reset.
	recoveryRouteRE = namere.MustCompile(`(?i)(recover|forgot|reset|magic[-_]?link|resend)`)
	// accountNameRE names variables holding a looked-up account.
	accountNameRE = namere.MustCompile(`(?i)(user|account|member|customer|person|profile|db_obj)`)
)

// rejection is an `if cond: raise HTTPException(...)` in a handler.
type rejection struct {
	call   *syntax.Call
	status string
	detail string
	kind   string // "missing" (no such account), "password", or ""
}

func init() {
	Register(&Rule{
		ID: "FA207", Name: "user-enumeration", Title: "Login or reset answers reveal which accounts exist",
		Category: "authentication", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{204}, OWASP: []string{apiAuth, webAuth},
		Remediation: "Answer unknown accounts exactly like wrong passwords (same status, same message), and answer password-reset requests the same way whether or not the account exists.",
		Doc: Doc{
			What: "A login route that rejects an unknown account (`if user is None: raise HTTPException(...)`) with a " +
				"different status code or message than a wrong password; a password-recovery route that rejects unknown " +
				"accounts at all.",
			Why: "Distinct answers let anyone test which e-mail addresses are registered, then aim password guessing, " +
				"phishing and credential stuffing at real accounts.",
			Example: "if user is None:\n    raise HTTPException(400, \"No account with this email\")\n" +
				"if not verify_password(form.password, user.hashed_password):\n    raise HTTPException(400, \"Incorrect password\")\n",
			Fix: "```python\nif user is None or not verify_password(form.password, user.hashed_password):\n" +
				"    raise HTTPException(400, \"Incorrect email or password\")\n```",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#authentication-and-error-messages",
			},
		},
		Check: func(p *Pass) {
			done := map[*syntax.Call]bool{}
			for _, e := range p.Model.Endpoints {
				if e.Handler == nil || !changesState(e) || e.Auth != nil {
					continue
				}
				name := e.FullPath + " " + e.Handler.Node.Name.Name
				login, recovery := loginRouteRE.MatchString(name), recoveryRouteRE.MatchString(name)
				if !login && !recovery {
					continue
				}
				rs := rejections(p, e)
				var missing, password *rejection
				for _, r := range rs {
					switch {
					case r.kind == "missing" && missing == nil:
						missing = r
					case r.kind == "password" && password == nil:
						password = r
					}
				}
				if missing == nil || done[missing.call] {
					continue
				}
				switch {
				case password != nil && (missing.status != password.status || missing.detail != password.detail):
					done[missing.call] = true
					p.Report(e.Module, missing.call, "%s answers an unknown account with %s and a failed password or code check with %s: the difference tells who is registered",
						routeName(e), missing.describe(), password.describe())
				case password == nil && recovery && !login && !sameAsOther(rs, missing):
					done[missing.call] = true
					p.Report(e.Module, missing.call, "%s rejects unknown accounts with %s: anyone can test which addresses are registered",
						routeName(e), missing.describe())
				}
			}
		},
	})
}

// sameAsOther reports a rejection answered exactly like another one (an
// unknown account answered like an invalid token): deliberate.
func sameAsOther(rs []*rejection, r *rejection) bool {
	for _, o := range rs {
		if o != r && o.status == r.status && o.detail == r.detail {
			return true
		}
	}
	return false
}

func (r *rejection) describe() string {
	s := r.status
	if s == "" {
		s = "an error"
	}
	if r.detail != "" {
		s += " " + quote(r.detail)
	}
	return s
}

// rejections collects the `if cond: raise HTTPException(...)` statements of
// a handler, classified by what the condition tests.
func rejections(p *Pass, e *fastapi.Endpoint) []*rejection {
	var out []*rejection
	for _, st := range e.Handler.Node.Body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			switch v := n.(type) {
			case *syntax.FunctionDef, *syntax.ClassDef:
				return false
			case *syntax.If:
				if len(v.Body) == 0 {
					return true
				}
				raise, ok := v.Body[0].(*syntax.Raise)
				if !ok {
					return true
				}
				call, ok := raise.Exc.(*syntax.Call)
				if !ok || !strings.HasSuffix(p.Prog.Qualify(e.Handler.Scope, call.Func), "HTTPException") {
					return true
				}
				r := &rejection{call: call, kind: conditionKind(e.Module.File, v.Test)}
				if s := call.Arg(0, "status_code"); s != nil {
					r.status = statusText(e.Module.File, s)
				}
				if d, ok := constStr(call.Arg(1, "detail")); ok {
					r.detail = d
				}
				out = append(out, r)
			}
			return true
		})
	}
	return out
}

// conditionKind classifies a rejection's condition: "missing" when it tests
// only that a looked-up account is absent (`user is None`, `not user`),
// "password" when it checks a password.
func conditionKind(f *syntax.File, test syntax.Expr) string {
	text := strings.ToLower(f.Text(test))
	if strings.Contains(text, "password") || strings.Contains(text, "verify") || strings.Contains(text, "check_pw") {
		return "password"
	}
	switch v := test.(type) {
	case *syntax.Compare:
		if len(v.Ops) == 1 && v.Ops[0] == syntax.Is && isNone(v.Comparators[0]) {
			if n, ok := v.Left.(*syntax.Name); ok && accountNameRE.MatchString(n.ID) {
				return "missing"
			}
		}
	case *syntax.UnaryOp:
		if n, ok := v.Operand.(*syntax.Name); ok && v.Op == syntax.Not && accountNameRE.MatchString(n.ID) {
			return "missing"
		}
	}
	return ""
}

// statusCodeRE finds the number in status.HTTP_404_NOT_FOUND.
var statusCodeRE = regexp.MustCompile(`HTTP_(\d{3})`)

// statusText is the code of a status expression: "404" for 404 or
// status.HTTP_404_NOT_FOUND, else its text.
func statusText(f *syntax.File, e syntax.Expr) string {
	if code, ok := constInt(e); ok {
		return strconv.FormatInt(code, 10)
	}
	t := f.Text(e)
	if m := statusCodeRE.FindStringSubmatch(t); m != nil {
		return m[1]
	}
	return t
}
