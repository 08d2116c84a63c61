package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
	"github.com/fastapi-audit/fastapi-audit/internal/secrets"
)

func init() {
	Register(&Rule{
		ID: "FA407", Name: "secrets-in-logs", Title: "Secret written to logs",
		Category: "exposure", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{532}, OWASP: []string{apiMisconfig, webLogging},
		Remediation: "Log who and what, never the credential: drop the token, password or key from the message (log a user id, or the last four characters of a key), and never log request headers wholesale.",
		Doc: Doc{
			What: "Logging calls (`logging.info(...)`, `logger.*`, `log.*`, `self.logger.*`, loguru and structlog loggers, " +
				"`structlog` `bind(...)`; methods `debug`, `info`, `warning`, `warn`, `error`, `exception`, `critical`, " +
				"`fatal`, `log`, `msg`) whose arguments include a secret: a variable, attribute, dictionary key or " +
				"`headers[...]`/`get(...)` lookup named like a password, token, API key, secret, signature, one-time code " +
				"or `Authorization` header, in the format arguments, f-string or `%`/`.format` parts, `extra={...}` or " +
				"structured keyword fields, and request headers or cookies logged whole. Names that mention a secret but " +
				"hold something else are not reported (`token_type`, `password_changed_at`, `api_key_id`, `token_url`, " +
				"`is_token_valid`, `max_tokens`, decoded token payloads and claims), nor are lengths, slices and other " +
				"computed values. Password hashes are reported at low severity: they are not the password, but they can be " +
				"cracked offline. `print` is not a logging call and is not reported; test files are skipped.",
			Why: "Logs are copied to aggregators, backups, support tickets and developers' laptops, kept for months, and " +
				"read by far more people than the database. A bearer token or session id in a log line is a working " +
				"login for whoever reads it until it expires; a password or API key works until it is rotated.",
			Example: "token = create_access_token(user.id)\nlogger.info(\"session login for %s, token=%s\", user.email, token)\n",
			Fix:     "```python\nlogger.info(\"session login for user %s\", user.id)\n```",
			References: []string{
				"https://cwe.mitre.org/data/definitions/532.html",
				"https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude",
			},
		},
		Check: checkSecretsInLogs,
	})
}

var (
	// logMethods are the methods of loggers that write a record.
	logMethods = map[string]bool{
		"debug": true, "info": true, "warning": true, "warn": true, "error": true, "exception": true,
		"critical": true, "fatal": true, "log": true, "msg": true, "bind": true, "trace": true, "success": true,
	}
	// logNotSecretRE are names that mention a secret but hold metadata, a
	// flag, or a decoded payload.
	logNotSecretRE = namere.MustCompile(`^(is|has|should|use|enable|enabled|allow|require|requires|num|n|count|total|invalid|valid)_|_(enabled|required|valid|verified|configured|exists|present|changed|at|date|time|version|status|state|kind|source|method|algo|alg|provider|backend|class|kid|size|set|sent|error|errors|expired|used|usage|scope|scopes|audience|data|payload|claims|info|obj|object|model|schema|request|response|result|results|service|manager|client|handler|repo|repository|store|created|updated|revoked|issued|count|limit|limits|budget|quota|window|timeout|interval|duration|cost|price)$`)
	// logRequestRE are the names a request goes by, whose headers and
	// cookies hold credentials.
	logRequestRE = namere.MustCompile(`^(request|req|websocket|ws|conn|connection)$`)
	// logKeywordsSkipped are logging keywords that carry no data.
	logKeywordsSkipped = map[string]bool{"exc_info": true, "stack_info": true, "stacklevel": true, "level": true}
)

func checkSecretsInLogs(p *Pass) {
	reported := map[*syntax.Call]bool{}
	for _, c := range p.Index.Calls {
		if reported[c.Call] || isTestPath(c.Module.Rel) || !isLogCall(p, c) {
			continue
		}
		what, secret, hash := loggedSecret(p, c)
		if what == "" {
			continue
		}
		reported[c.Call] = true
		f := p.Report(c.Module, c.Call, "%s writes %s to the log", callText(c.Module.File, c.Call), what)
		if secret != "" {
			f.Secrets = []string{secret}
		}
		if hash {
			f.Severity = finding.Low
		}
	}
}

// isLogCall reports a call to a logging function or a logger's method.
func isLogCall(p *Pass, c *semantic.CallSite) bool {
	name := c.Call.CalleeName()
	if !logMethods[name] {
		return false
	}
	a, ok := c.Call.Func.(*syntax.Attribute)
	if !ok {
		return false
	}
	recv := c.Module.File.Text(a.Value)
	last := strings.ToLower(recv[strings.LastIndexByte(recv, '.')+1:])
	if loggerRE.MatchString(recv) || strings.HasSuffix(last, "logger") || strings.HasSuffix(last, "_log") {
		return true
	}
	q := p.Prog.Qualify(c.Scope, a.Value)
	return q == "logging" || strings.HasPrefix(q, "logging.") || strings.HasPrefix(q, "structlog") || strings.HasPrefix(q, "loguru")
}

// logLeaf is a value a logging call writes, with the name that says what
// it holds.
type logLeaf struct {
	name string
	e    syntax.Expr
}

// loggedSecret returns what secret a logging call writes (for the
// message), the literal value when one is logged, and whether it is only a
// password hash.
func loggedSecret(p *Pass, c *semantic.CallSite) (what, literal string, hash bool) {
	args := c.Call.Args
	if c.Call.CalleeName() == "log" && len(args) > 0 {
		args = args[1:] // the level
	}
	var leaves []logLeaf
	for _, a := range args {
		leaves = append(leaves, logLeaves(a)...)
	}
	for _, kw := range c.Call.Keywords {
		switch {
		case kw.Arg == nil || logKeywordsSkipped[kw.Arg.Name]:
		case kw.Arg.Name == "extra":
			leaves = append(leaves, logLeaves(kw.Value)...)
		default:
			// structured fields: structlog's logger.info("login", token=token)
			leaves = append(leaves, logLeaf{kw.Arg.Name, kw.Value})
			leaves = append(leaves, logLeaves(kw.Value)...)
		}
	}
	var hashWhat, hashLit string
	for _, l := range leaves {
		if w := wholeRequestData(l.e); w != "" {
			return w, "", false
		}
		if str, ok := constStr(l.e); ok && l.name == "" {
			if kind, m := secrets.Known(str); kind != "" {
				return kind, m, false
			}
			continue
		}
		kind := logSecretKind(l.name)
		if kind == "" {
			continue
		}
		v, lit := logLiteral(p, c.Scope, l.name, l.e)
		if lit && v == "" {
			continue // a constant that is no secret: a placeholder, a flag
		}
		desc := "`" + l.name + "`"
		if kind == "hash" {
			if hashWhat == "" {
				hashWhat, hashLit = "the password hash "+desc, v
			}
			continue
		}
		return kind + " " + desc, v, false
	}
	if hashWhat != "" {
		return hashWhat, hashLit, true
	}
	return "", "", false
}

// logSecretKind classifies a name: "a token", "a password", ..., "hash"
// for a password hash, "" for no secret.
func logSecretKind(name string) string {
	if name == "" {
		return ""
	}
	n := snakeName(name)
	if logNotSecretRE.MatchString(n) || strings.HasSuffix(n, "_id") || strings.HasSuffix(n, "_ids") {
		return ""
	}
	secret := secrets.Name(n) || timingSecretRE.MatchString(n) && !secrets.NotName(n)
	if !secret {
		if n == "authorization" || strings.HasSuffix(n, "_authorization") || n == "cookie" || n == "set_cookie" {
			return "the credentials in"
		}
		return ""
	}
	switch {
	case strings.Contains(n, "hash"), strings.Contains(n, "digest"):
		if strings.Contains(n, "passw") || strings.Contains(n, "pwd") {
			return "hash"
		}
		return "" // a token's hash is stored so that the token is not
	case strings.Contains(n, "passw") || strings.Contains(n, "pwd") || n == "passwd":
		return "the password"
	case strings.Contains(n, "token"):
		return "the token"
	case strings.Contains(n, "key"):
		return "the key"
	case strings.Contains(n, "secret"):
		return "the secret"
	}
	return "the secret"
}

// logOperandName is FA206's operandName, but a method call on a secret
// (token.decode(), key.strip()) keeps the secret's name and a call that is
// no getter says nothing.
func logOperandName(e syntax.Expr) string {
	if c, ok := e.(*syntax.Call); ok {
		name := c.CalleeName()
		if !passThroughMethods[name] && !keyedGetters[name] && name != "str" && name != "repr" && name != "bytes" &&
			!producingVerbRE.MatchString(strings.ToLower(name)) {
			return "" // len(token), mask(key): computed from the secret, not the secret
		}
	}
	return operandName(e)
}

// logLeaves are the values an argument is made of: the parts of an
// f-string, concatenation or % format, the arguments of .format(), the
// elements of a tuple or list, and the entries of a dict display (named by
// their keys).
func logLeaves(e syntax.Expr) []logLeaf {
	var out []logLeaf
	var walk func(e syntax.Expr, depth int)
	walk = func(e syntax.Expr, depth int) {
		if e == nil || depth > 8 {
			return
		}
		switch x := e.(type) {
		case *syntax.JoinedStr:
			for _, v := range x.Values {
				if fv, ok := v.(*syntax.FormattedValue); ok {
					walk(fv.Value, depth+1)
				}
			}
		case *syntax.BinOp:
			walk(x.Left, depth+1)
			walk(x.Right, depth+1)
		case *syntax.Tuple:
			for _, el := range x.Elts {
				walk(el, depth+1)
			}
		case *syntax.List:
			for _, el := range x.Elts {
				walk(el, depth+1)
			}
		case *syntax.Dict:
			for i, k := range x.Keys {
				if i >= len(x.Values) {
					break
				}
				if ks, ok := constStr(k); ok {
					out = append(out, logLeaf{ks, x.Values[i]})
				}
				walk(x.Values[i], depth+1)
			}
		case *syntax.Call:
			if a, ok := x.Func.(*syntax.Attribute); ok && a.Attr.Name == "format" {
				walk(a.Value, depth+1)
				for _, v := range x.Args {
					walk(v, depth+1)
				}
				for _, kw := range x.Keywords {
					if kw.Arg != nil {
						out = append(out, logLeaf{kw.Arg.Name, kw.Value})
					}
					walk(kw.Value, depth+1)
				}
				return
			}
			if n := x.CalleeName(); (n == "dict" || n == "str" || n == "repr") && len(x.Args) == 1 {
				walk(x.Args[0], depth+1)
				return
			}
			out = append(out, logLeaf{logOperandName(x), x})
		case *syntax.Constant:
			if x.Kind == syntax.ConstStr && len(x.Value) >= 16 {
				out = append(out, logLeaf{"", x}) // a key in a known format, perhaps
			}
		default:
			out = append(out, logLeaf{logOperandName(e), e})
		}
	}
	walk(e, 0)
	return out
}

// wholeRequestData reports request headers or cookies logged whole.
func wholeRequestData(e syntax.Expr) string {
	a, ok := e.(*syntax.Attribute)
	if !ok || a.Attr.Name != "headers" && a.Attr.Name != "cookies" {
		return ""
	}
	if nm, ok := a.Value.(*syntax.Name); ok && logRequestRE.MatchString(nm.ID) {
		return "all request " + a.Attr.Name + " (`Authorization` and session cookies included)"
	}
	return ""
}

// logLiteral follows a name bound once to a string constant: the value
// when it is a real secret, and whether the expression is a constant.
func logLiteral(p *Pass, s *semantic.Scope, name string, e syntax.Expr) (string, bool) {
	v := e
	if _, ok := e.(*syntax.Name); ok {
		v, _ = resolveValue(p.Prog, s, e)
	}
	str, ok := constStr(v)
	if !ok {
		return "", isConstExpr(v)
	}
	if realSecret(name, str) {
		return str, true
	}
	return "", true
}

// realSecret reports a literal that is a secret value, not a placeholder.
func realSecret(name, v string) bool {
	_, ok := secrets.Value(name, v)
	return ok
}

// isConstExpr reports a literal.
func isConstExpr(e syntax.Expr) bool {
	_, ok := e.(*syntax.Constant)
	return ok
}
