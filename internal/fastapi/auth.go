package fastapi

import (
	"regexp"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// depKey identifies a dependency callable for memoised analysis.
type depKey struct {
	f        *semantic.Function
	s        *Scheme
	callable string
}

// depInfo is what a dependency callable does for access control.
type depInfo struct {
	authn bool // rejects requests without valid credentials
	authz bool // checks roles, scopes or ownership
}

// analyze decides whether a dependency authenticates or authorizes, from
// what it depends on and what its body raises.
func (m *Model) analyze(d *Dependency, depth int) *depInfo {
	key := depKey{f: d.Func, s: d.Scheme}
	if d.Func == nil && d.Scheme == nil {
		key.callable = d.Callable
	}
	if info := m.deps[key]; info != nil {
		return info // done, or in progress on a cycle
	}
	info := &depInfo{}
	m.deps[key] = info
	switch {
	case d.Scheme != nil:
		info.authn = d.Scheme.AutoError
	case d.Func != nil:
		for _, sub := range d.Sub {
			info.authn = info.authn || sub.Authenticates()
			info.authz = info.authz || sub.Authorizes()
		}
		c := m.checks(d.Func, 0, map[*semantic.Function]bool{})
		info.authn = info.authn || c.unauthorized || c.forbiddenCredential
		info.authz = info.authz || c.forbiddenPrivilege
	}
	if m.authNames[d.Callable] || m.authNames[shortName(d.Callable)] {
		info.authn = true
	}
	return info
}

// bodyChecks is what a function's body (and the program functions it calls)
// raise.
type bodyChecks struct {
	unauthorized        bool // raises 401
	forbiddenCredential bool // raises 403 after comparing a credential
	forbiddenPrivilege  bool // raises 401/403 after checking a role, scope or owner
}

var (
	privilegeRE = regexp.MustCompile(`(?i)admin|superuser|is_staff|\brole|roles|permission|scope|owner|privilege|\bgroups?\b|tenant|is_manager|can_`)
	authErrorRE = regexp.MustCompile(`(?i)unauthori[sz]ed|notauthenticated|authenticationerror|invalidtoken|credential|invalidauth|tokenerror`)
	forbiddenRE = regexp.MustCompile(`(?i)forbidden|permissiondenied|accessdenied|notallowed`)
	status401RE = regexp.MustCompile(`401|UNAUTHORIZED`)
	status403RE = regexp.MustCompile(`403|FORBIDDEN`)
)

// checks looks at what a function raises and under which conditions,
// following calls into program functions a few levels deep.
func (m *Model) checks(f *semantic.Function, depth int, seen map[*semantic.Function]bool) bodyChecks {
	var c bodyChecks
	if f == nil || depth > 3 || seen[f] {
		return c
	}
	seen[f] = true
	var visit func(stmts []syntax.Stmt, conds []syntax.Expr)
	visit = func(stmts []syntax.Stmt, conds []syntax.Expr) {
		for _, st := range stmts {
			switch n := st.(type) {
			case *syntax.Raise:
				code := m.raisedStatus(f.Scope, n.Exc)
				priv := false
				for _, cond := range conds {
					if privilegeRE.MatchString(f.Module.File.Text(cond)) {
						priv = true
					}
				}
				switch {
				case code == 401 && priv:
					c.unauthorized, c.forbiddenPrivilege = true, true
				case code == 401:
					c.unauthorized = true
				case code == 403 && priv:
					c.forbiddenPrivilege = true
				case code == 403:
					c.forbiddenCredential = true
				}
			case *syntax.If:
				visit(n.Body, append(conds, n.Test))
				visit(n.Orelse, append(conds, n.Test))
			case *syntax.For:
				visit(n.Body, conds)
				visit(n.Orelse, conds)
			case *syntax.While:
				visit(n.Body, append(conds, n.Test))
			case *syntax.With:
				visit(n.Body, conds)
			case *syntax.Try:
				visit(n.Body, conds)
				for _, h := range n.Handlers {
					visit(h.Body, conds)
				}
				visit(n.Orelse, conds)
				visit(n.Finalbody, conds)
			case *syntax.Match:
				for _, mc := range n.Cases {
					visit(mc.Body, conds)
				}
			case *syntax.Assert:
				if privilegeRE.MatchString(f.Module.File.Text(n.Test)) {
					c.forbiddenPrivilege = true
				}
			}
		}
	}
	visit(f.Node.Body, nil)
	for _, call := range f.Calls(m.Prog) {
		if call.Func != nil && call.Func != f {
			sub := m.checks(call.Func, depth+1, seen)
			c.unauthorized = c.unauthorized || sub.unauthorized
			c.forbiddenCredential = c.forbiddenCredential || sub.forbiddenCredential
			c.forbiddenPrivilege = c.forbiddenPrivilege || sub.forbiddenPrivilege
		}
	}
	return c
}

// raisedStatus returns 401 or 403 when a raised exception is an
// authentication or authorization error, else 0.
func (m *Model) raisedStatus(s *semantic.Scope, exc syntax.Expr) int {
	for range 4 {
		switch e := exc.(type) {
		case *syntax.Name:
			// raise credentials_exception, bound earlier to HTTPException(401).
			sym, _ := s.Lookup(e.ID)
			if sym == nil || sym.Kind != semantic.VarSym || sym.Value() == nil {
				return classStatus(e.ID)
			}
			exc = sym.Value()
			continue
		case *syntax.Call:
			name := shortName(m.Prog.Qualify(s, e.Func))
			if name == "" {
				if a, ok := e.Func.(*syntax.Attribute); ok {
					name = a.Attr.Name
				}
			}
			if name == "HTTPException" || name == "WebSocketException" || strings.HasSuffix(name, "HTTPException") {
				code := arg(e, 0, "status_code")
				if code == nil {
					return 0
				}
				text := s.Module.File.Text(code)
				switch {
				case status401RE.MatchString(text):
					return 401
				case status403RE.MatchString(text):
					return 403
				}
				return 0
			}
			return classStatus(name)
		case *syntax.Attribute:
			return classStatus(e.Attr.Name)
		}
		return 0
	}
	return 0
}

// classStatus guesses the status of a custom exception class by its name.
func classStatus(name string) int {
	switch {
	case forbiddenRE.MatchString(name):
		return 403
	case authErrorRE.MatchString(name):
		return 401
	}
	return 0
}
