package fastapi

import (
	"regexp"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

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
	authn      bool // rejects requests without valid credentials (itself or through a dependency)
	authz      bool // checks roles or ownership (itself or through a dependency)
	selfAuthz  bool // checks roles or ownership in its own body
	scopeCheck bool // compares the SecurityScopes it is given with the token's
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
		c := m.checks(d.Func, m.authParams(d), nil, 0, map[*semantic.Function]bool{})
		info.authn = info.authn || c.unauthorized || c.forbiddenCredential
		info.selfAuthz = c.forbiddenPrivilege
		if d.Class != nil && permissionClassRE.MatchString(shortName(d.Class.Qual)) {
			// A permission-checker class whose checks run through values
			// it holds (PermissionsDependency([OwnerPermission])).
			info.selfAuthz = true
		}
		info.authz = info.authz || info.selfAuthz
		info.authz = info.authz || c.forbiddenPrivilege
		info.scopeCheck = c.scopeCheck
	}
	if m.authNames[d.Callable] || m.authNames[shortName(d.Callable)] || strings.HasPrefix(d.Callable, libraryAuthName) {
		info.authn = true
	}
	return info
}

// bodyChecks is what a function's body (and the program functions it calls)
// raise.
type bodyChecks struct {
	unauthorized        bool   // raises 401
	forbiddenCredential bool   // raises 403 after comparing a credential
	forbiddenPrivilege  bool   // raises 401/403 after checking a role or owner
	scopeCheck          bool   // raises 401/403 after checking the SecurityScopes parameter
	via                 string // the function whose body raises the 401 (or credential 403)
}

// absorb adds what a function the body runs checks: its authentication
// (401, credential 403) always, its authorization (privilege and scope
// checks) when authz is true. The first function that authenticates is
// the one named.
func (c *bodyChecks) absorb(sub bodyChecks, authz bool) {
	if c.via == "" && (sub.unauthorized || sub.forbiddenCredential) {
		c.via = sub.via
	}
	c.unauthorized = c.unauthorized || sub.unauthorized
	c.forbiddenCredential = c.forbiddenCredential || sub.forbiddenCredential
	if authz {
		c.forbiddenPrivilege = c.forbiddenPrivilege || sub.forbiddenPrivilege
		c.scopeCheck = c.scopeCheck || sub.scopeCheck
	}
}

var (
	privilegeRE = namere.MustCompile(`(?i)admin|superuser|is_staff|\brole|roles|permission|scope|owner|privilege|\bgroups?\b|tenant|is_manager|can_`)
	authErrorRE = namere.MustCompile(`(?i)unauthori[sz]ed|notauthenticated|authenticationerror|autherror|invalidtoken|credential|invalidauth|tokenerror`)
	forbiddenRE = namere.MustCompile(`(?i)forbidden|permissiondenied|accessdenied|notallowed`)
	status401RE = namere.MustCompile(`401|UNAUTHORIZED`)
	// permissionClassRE names dependency classes that exist to authorize.
	permissionClassRE = namere.MustCompile(`(?i)permission|rolechecker|rolerequired|requirerole|scopechecker|authoriz`)
	status403RE       = namere.MustCompile(`403|FORBIDDEN`)
	// redirectRE and loginLocationRE find HTTPException(307, headers={"Location": login_url}).
	redirectRE      = namere.MustCompile(`\b30[1237]\b|TEMPORARY_REDIRECT|SEE_OTHER|_FOUND\b|PERMANENT_REDIRECT`)
	loginLocationRE = namere.MustCompile(`(?i)log_?in|sign_?in|sign-in|authori[sz]e`)
	// featureGateRE and credentialRE tell a condition on configuration
	// (`if not settings.SAML_ENABLED`) from one on a credential
	// (`if key != settings.API_KEY`).
	featureGateRE = namere.MustCompile(`(?i)\bconfig|settings?\b|setting\.|feature|enabled|entitle|license`)
	credentialRE  = namere.MustCompile(`(?i)token|api[-_]?key|\bkey\b|secret|password|passwd|cred|signature|bearer|cookie|session|claims|\buser\b|current_user|authorization|digest|hmac`)
)

// checks looks at what a function raises and under which conditions,
// following calls into program functions a few levels deep.
//
// clientParams are the function's parameters filled from the request: a
// condition on them alone (`if body.role == "chef"`) checks what the caller
// asks for, not who the caller is, so it is no privilege check.
func (m *Model) checks(f *semantic.Function, userParams *regexp.Regexp, clientParams map[string]bool, depth int, seen map[*semantic.Function]bool) bodyChecks {
	var c bodyChecks
	if f == nil || depth > 3 || seen[f] {
		return c
	}
	seen[f] = true
	scopesParam := m.securityScopesParam(f)
	// under is what the conditions around a statement say: computed once
	// per condition as the walk enters it, so that a raise under N nested
	// conditions costs nothing more than one under one.
	type under struct{ priv, scoped, gate, cred bool }
	enter := func(u under, cond syntax.Expr) under {
		text := f.Module.File.Text(cond)
		u.scoped = u.scoped || scopesParam != "" && strings.Contains(text, scopesParam)
		// A role word, or a comparison involving the authenticated user
		// (an ownership check).
		owner := userParams != nil && userParams.MatchString(text)
		u.priv = u.priv || owner || privilegeRE.MatchString(text) && !onlyClient(f, cond, clientParams)
		// A condition on configuration alone (a feature or an auth type
		// switched off) gates the route; its 403 checks no credential.
		u.gate = u.gate || featureGateRE.MatchString(text) && !credentialRE.MatchString(text)
		u.cred = u.cred || credentialRE.MatchString(text)
		return u
	}
	var visit func(stmts []syntax.Stmt, conds under)
	visit = func(stmts []syntax.Stmt, conds under) {
		for _, st := range stmts {
			switch n := st.(type) {
			case *syntax.Raise:
				code := m.raisedStatus(f.Scope, n.Exc)
				priv, scoped := conds.priv, conds.scoped
				if code == redirectStatus && conds.cred {
					// A page's way to say 401: redirect to the login
					// page when the session is missing.
					code = 401
				}
				if scoped {
					// Comparing SecurityScopes with the token: an
					// authorization that depends on the scopes requested.
					c.scopeCheck = c.scopeCheck || code == 401 || code == 403
					continue
				}
				switch {
				case code == 401 && priv:
					c.unauthorized, c.forbiddenPrivilege = true, true
				case code == 401:
					c.unauthorized = true
				case code == 403 && priv:
					c.forbiddenPrivilege = true
				case code == 403 && !conds.gate:
					c.forbiddenCredential = true
				}
				if c.via == "" && (c.unauthorized || c.forbiddenCredential) {
					c.via = f.Node.Name.Name
				}
			case *syntax.If:
				inner := enter(conds, n.Test)
				visit(n.Body, inner)
				visit(n.Orelse, inner)
			case *syntax.For:
				visit(n.Body, enter(conds, n.Iter))
				visit(n.Orelse, conds)
			case *syntax.While:
				visit(n.Body, enter(conds, n.Test))
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
	visit(f.Node.Body, under{})
	if (c.unauthorized || c.forbiddenCredential) && m.passesWithoutCredential(f) {
		// It lets requests without credentials through: optional.
		c.unauthorized, c.forbiddenCredential, c.via = false, false, ""
	}
	swallowed := swallowedCalls(f)
	for _, call := range f.Calls(m.Prog) {
		if swallowed[call.Node] {
			// Called inside `try:` whose handler turns the auth error
			// into None: the caller goes on without a user.
			continue
		}
		if call.Func == nil && c.via == "" {
			// A checker the program cannot resolve (a method of an
			// abstract provider) named for what it does:
			// provider.authenticate_or_raise(headers). In the handler
			// itself only an ..._or_raise name is taken at its word (a
			// login handler calls authenticate(username, password)).
			if name := call.Node.CalleeName(); checkerCallRE.MatchString(name) && (depth > 0 || strings.HasSuffix(name, "_or_raise")) {
				c.unauthorized, c.via = true, name
			}
		}
		// A function handed to another to run (to_thread.run_sync(self.check, ...)).
		for _, a := range call.Node.Args {
			switch a.(type) {
			case *syntax.Name, *syntax.Attribute:
			default:
				continue
			}
			ref := m.Prog.ResolveCall(f.Scope, &syntax.Call{Func: a})
			if ref.Func == nil || ref.Func == f {
				continue
			}
			c.absorb(m.checks(ref.Func, nil, nil, depth+1, seen), false)
		}
		if call.Func != nil && call.Func != f {
			c.absorb(m.checks(call.Func, nil, nil, depth+1, seen), true)
		}
	}
	// Functions defined in the body run from it (handed to a thread pool,
	// called later): their checks are its checks.
	for _, st := range f.Node.Body {
		def, ok := st.(*syntax.FunctionDef)
		if !ok {
			continue
		}
		if inner := m.funcByNode[def]; inner != nil {
			c.absorb(m.checks(inner, userParams, clientParams, depth+1, seen), true)
		}
	}
	return c
}

// swallowedCalls returns the calls f makes inside a `try:` whose handler
// catches an authentication error (a bare except, Exception,
// HTTPException or an exception named for authentication) and answers it
// with None or a default value without raising: whatever those calls
// raise does not reach the request, so a dependency shaped like
// `try: return await current_user(token) / except AuthError: return None`
// makes authentication optional.
func swallowedCalls(f *semantic.Function) map[*syntax.Call]bool {
	var out map[*syntax.Call]bool
	var walk func(stmts []syntax.Stmt)
	walk = func(stmts []syntax.Stmt) {
		for _, st := range stmts {
			switch n := st.(type) {
			case *syntax.FunctionDef, *syntax.ClassDef:
				continue
			case *syntax.Try:
				if swallowsAuthError(n.Handlers) {
					for _, b := range n.Body {
						syntax.Inspect(b, func(x syntax.Node) bool {
							switch x := x.(type) {
							case *syntax.FunctionDef, *syntax.ClassDef:
								return false
							case *syntax.Call:
								if out == nil {
									out = map[*syntax.Call]bool{}
								}
								out[x] = true
							}
							return true
						})
					}
				} else {
					walk(n.Body)
				}
				for _, h := range n.Handlers {
					walk(h.Body)
				}
				walk(n.Orelse)
				walk(n.Finalbody)
			case *syntax.If:
				walk(n.Body)
				walk(n.Orelse)
			case *syntax.With:
				walk(n.Body)
			case *syntax.For:
				walk(n.Body)
				walk(n.Orelse)
			case *syntax.While:
				walk(n.Body)
				walk(n.Orelse)
			}
		}
	}
	walk(f.Node.Body)
	return out
}

// swallowsAuthError reports handlers of which one catches an
// authentication error and returns None or a default value without
// raising.
func swallowsAuthError(handlers []*syntax.ExceptHandler) bool {
	for _, h := range handlers {
		if !catchesAuthError(h.Type) {
			continue
		}
		if !quietHandler(h.Body) {
			continue
		}
		for _, st := range h.Body {
			if r, ok := st.(*syntax.Return); ok && defaultValue(r.Value) {
				return true
			}
		}
	}
	return false
}

// quietHandler reports an except body that neither raises nor answers
// the request itself (an awaited call: sending a response): only
// returns, passes, assignments and logging calls.
func quietHandler(body []syntax.Stmt) bool {
	for _, st := range body {
		if containsRaise(st) {
			return false
		}
		switch n := st.(type) {
		case *syntax.Return, *syntax.Pass, *syntax.Assign:
		case *syntax.ExprStmt:
			if _, ok := n.Value.(*syntax.Call); !ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// catchesAuthError reports an except clause's type that takes in an
// authentication error: none (a bare except), Exception, HTTPException,
// an exception named for authentication, or a tuple with one of those.
func catchesAuthError(t syntax.Expr) bool {
	switch t := t.(type) {
	case nil:
		return true
	case *syntax.Tuple:
		for _, e := range t.Elts {
			if catchesAuthError(e) {
				return true
			}
		}
		return false
	case *syntax.Name:
		return catchAllName(t.ID)
	case *syntax.Attribute:
		return catchAllName(t.Attr.Name)
	}
	return false
}

func catchAllName(n string) bool {
	switch n {
	case "Exception", "BaseException", "HTTPException", "StarletteHTTPException":
		return true
	}
	return authErrorRE.MatchString(n)
}

// defaultValue reports a returned value that stands for "no user": None,
// nothing, a constant, a name (a default held elsewhere) or an empty
// collection.
func defaultValue(e syntax.Expr) bool {
	switch e := e.(type) {
	case nil, *syntax.Constant, *syntax.Name:
		return true
	case *syntax.List:
		return len(e.Elts) == 0
	case *syntax.Tuple:
		return len(e.Elts) == 0
	case *syntax.Dict:
		return len(e.Keys) == 0
	}
	return false
}

// checkerCallRE names checkers by what they do, for calls the program
// cannot resolve.
var checkerCallRE = namere.MustCompile(`(?i)^(authenticate(_request|_user|_token|_or_raise)?|\w*auth\w*_or_raise|verify_(token|access_token|credentials?|api_?key|jwt|bearer\w*)|require_(auth\w*|login|token))$`)

// passesWithoutCredential reports a function that, before it raises
// anything, returns nothing when the credential is missing
// (`if token is None: return`): the requests without one go through, so
// the check it makes afterwards is on those that carry one.
func (m *Model) passesWithoutCredential(f *semantic.Function) bool {
	for _, st := range f.Node.Body {
		n, ok := st.(*syntax.If)
		if !ok {
			if containsRaise(st) {
				return false
			}
			continue
		}
		text := f.Module.File.Text(n.Test)
		if credentialRE.MatchString(text) && !featureGateRE.MatchString(text) && absentTest(n.Test) && readsOwnLocal(f, n.Test) && returnsNothing(n.Body) {
			return true
		}
		if containsRaise(st) {
			return false
		}
	}
	return false
}

// redirectsToLogin reports a page handler that first sends the visitor
// without a session to the login page:
// `if get_user(request) is None: return redirect_to_login(request)`.
func redirectsToLogin(f *semantic.Function) bool {
	for _, st := range f.Node.Body {
		n, ok := st.(*syntax.If)
		if !ok {
			continue
		}
		text := f.Module.File.Text(n.Test)
		if !credentialRE.MatchString(text) || !absentTest(n.Test) {
			continue
		}
		for _, b := range n.Body {
			if r, ok := b.(*syntax.Return); ok && r.Value != nil && loginLocationRE.MatchString(f.Module.File.Text(r.Value)) {
				return true
			}
		}
	}
	return false
}

// readsOwnLocal reports a condition on a parameter or local variable of f
// itself (not on self's configuration, `if self.token is None`).
func readsOwnLocal(f *semantic.Function, cond syntax.Expr) bool {
	found := false
	syntax.Inspect(cond, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Attribute:
			if v, ok := n.Value.(*syntax.Name); ok && (v.ID == "self" || v.ID == "cls") {
				return false
			}
		case *syntax.Name:
			if _, sc := f.Scope.Lookup(n.ID); sc == f.Scope && n.ID != "self" && n.ID != "cls" {
				found = true
			}
		}
		return !found
	})
	return found
}

// absentTest reports a test for a missing value: `not x`, `x is None`,
// `x == ""`.
func absentTest(e syntax.Expr) bool {
	switch t := e.(type) {
	case *syntax.UnaryOp:
		return t.Op == syntax.Not
	case *syntax.Compare:
		for i, op := range t.Ops {
			if i < len(t.Comparators) && (op == syntax.Is || op == syntax.Eq) && (isNoneExpr(t.Comparators[i]) || isEmptyString(t.Comparators[i])) {
				return true
			}
		}
	}
	return false
}

func isEmptyString(e syntax.Expr) bool {
	c, ok := e.(*syntax.Constant)
	return ok && c.Kind == syntax.ConstStr && c.Value == ""
}

// returnsNothing reports a block that returns None without raising.
func returnsNothing(body []syntax.Stmt) bool {
	for _, st := range body {
		if containsRaise(st) {
			return false
		}
		if r, ok := st.(*syntax.Return); ok {
			return r.Value == nil || isNoneExpr(r.Value)
		}
	}
	return false
}

// containsRaise reports a statement with a raise in it (nested functions
// aside).
func containsRaise(st syntax.Stmt) bool {
	found := false
	syntax.Inspect(st, func(n syntax.Node) bool {
		switch n.(type) {
		case *syntax.FunctionDef, *syntax.ClassDef, *syntax.Lambda:
			return false
		case *syntax.Raise:
			found = true
		}
		return !found
	})
	return found
}

// EndpointChecks reports whether an endpoint's handler rejects requests
// itself: authn when it raises 401 (or 403 on a credential check), authz
// when it raises after checking the caller's role or ownership (a
// condition on the authenticated user's parameter, or a role word in a
// condition that does not only read the request's own parameters).
//
// The answer is the route's (every path it is served at shares it),
// computed once; it is safe for concurrent use.
func (m *Model) EndpointChecks(e *Endpoint) (authn, authz bool) {
	if e.Handler == nil {
		return false, false
	}
	r := e.Route
	r.checksOnce.Do(func() {
		var re *regexp.Regexp
		if users := e.UserParams(); len(users) > 0 {
			re = m.wordsRE(users)
		}
		client := map[string]bool{}
		for _, p := range e.Params {
			if p.Kind.FromRequest() {
				client[p.Name] = true
			}
		}
		c := m.checks(e.Handler, re, client, 0, map[*semantic.Function]bool{})
		r.checks = handlerChecks{authn: c.unauthorized || c.forbiddenCredential, authz: c.forbiddenPrivilege, via: c.via}
		if !r.checks.authn && redirectsToLogin(e.Handler) {
			r.checks.authn, r.checks.via = true, e.Handler.Node.Name.Name
		}
		if !r.checks.authn && len(e.Methods) > 0 && e.Methods[0] == "WEBSOCKET" && closesWithoutCredential(e.Handler, depParams(e), e.Handler.Node.Body, 0) {
			// A websocket handler that leaves (closing the socket) when
			// its optional user or claims are missing.
			r.checks.authn, r.checks.via = true, e.Handler.Node.Name.Name
		}
		if !r.checks.authn && m.rejectsRequests(e.Handler, 0, map[*semantic.Function]bool{}) {
			// It answers 401 or 403 itself: return JSONResponse(status_code=401).
			r.checks.authn, r.checks.via = true, e.Handler.Node.Name.Name
		}
	})
	return r.checks.authn, r.checks.authz
}

// depParams returns the matcher of an endpoint's parameters filled by
// dependencies, or nil.
func depParams(e *Endpoint) *regexp.Regexp {
	var names []string
	for _, p := range e.Params {
		if p.Kind == DependencyParam {
			names = append(names, regexp.QuoteMeta(p.Name))
		}
	}
	if len(names) == 0 {
		return nil
	}
	return regexp.MustCompile(`\b(` + strings.Join(names, "|") + `)\b`)
}

// closesWithoutCredential reports a handler that first tests its own
// credential-like value or one a dependency filled (deps: a user or
// claims an optional dependency gave) for
// absence and returns or closes the connection then, before anything else
// is done: `if claims is None: await websocket.close(); return`. Its
// opening statements are looked at, through try and with blocks.
func closesWithoutCredential(f *semantic.Function, deps *regexp.Regexp, body []syntax.Stmt, depth int) bool {
	if depth > 2 {
		return false
	}
	for i, st := range body {
		if i > 2 {
			return false
		}
		switch n := st.(type) {
		case *syntax.Try:
			return closesWithoutCredential(f, deps, n.Body, depth+1)
		case *syntax.With:
			return closesWithoutCredential(f, deps, n.Body, depth+1)
		case *syntax.If:
			text := f.Module.File.Text(n.Test)
			named := credentialRE.MatchString(text) || deps != nil && deps.MatchString(text)
			if named && absentTest(n.Test) && readsOwnLocal(f, n.Test) && leaves(f, n.Body) {
				return true
			}
		}
	}
	return false
}

// leaves reports a block that returns, raises or closes the connection.
func leaves(f *semantic.Function, body []syntax.Stmt) bool {
	for _, st := range body {
		switch st.(type) {
		case *syntax.Return, *syntax.Raise:
			return true
		}
		if strings.Contains(f.Module.File.Text(st), ".close(") {
			return true
		}
	}
	return false
}

// wordsRE matches any of the names as a whole word; compiled once per set
// of names (most routes call their user current_user).
func (m *Model) wordsRE(names []string) *regexp.Regexp {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	expr := `\b(` + strings.Join(quoted, "|") + `)\b`
	if re, ok := m.words.Load(expr); ok {
		return re.(*regexp.Regexp)
	}
	re, _ := m.words.LoadOrStore(expr, regexp.MustCompile(expr))
	return re.(*regexp.Regexp)
}

// onlyClient reports a condition that reads request parameters and no
// other local variable of f (imports, classes and constants aside).
func onlyClient(f *semantic.Function, cond syntax.Expr, client map[string]bool) bool {
	if len(client) == 0 {
		return false
	}
	reads, other := false, false
	syntax.Inspect(cond, func(n syntax.Node) bool {
		name, ok := n.(*syntax.Name)
		if !ok {
			return true
		}
		if client[name.ID] {
			reads = true
		} else if _, sc := f.Scope.Lookup(name.ID); sc == f.Scope {
			other = true // a local: the current user, a loaded row
		}
		return true
	})
	return reads && !other
}

// UserParams returns the names of an endpoint handler's parameters that
// hold the authenticated user (filled by an authenticating dependency that
// is not a bare security scheme).
func (e *Endpoint) UserParams() []string {
	var out []string
	for _, p := range e.Params {
		if p.Dep != nil && p.Dep.Scheme == nil && p.Dep.Authenticates() {
			out = append(out, p.Name)
		}
	}
	return out
}

// authParams matches the names of a dependency's parameters that hold the
// authenticated user (filled by an authenticating dependency that is not
// itself a security scheme, which gives the raw credential), or is nil.
func (m *Model) authParams(d *Dependency) *regexp.Regexp {
	var names []string
	for _, p := range d.Params {
		if p.Dep != nil && p.Dep.Scheme == nil && p.Dep.Authenticates() {
			names = append(names, p.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return m.wordsRE(names)
}

// securityScopesParam returns the name of a function's SecurityScopes
// parameter, or "".
func (m *Model) securityScopesParam(f *semantic.Function) string {
	for _, a := range f.Node.Args.Args {
		if a.Annotation != nil && fastapiName(m.Prog.AnnotationType(f.Outer, a.Annotation)) == "SecurityScopes" {
			return a.Name.Name
		}
	}
	for _, a := range f.Node.Args.KwOnlyArgs {
		if a.Annotation != nil && fastapiName(m.Prog.AnnotationType(f.Outer, a.Annotation)) == "SecurityScopes" {
			return a.Name.Name
		}
	}
	return ""
}

// issuingSegmentRE is the last literal segment of the path of a route that
// takes credentials to hand out others (login, token, OAuth callback,
// sign-up, password reset): the 401 its handler raises on a wrong password
// is the login failing, not a guard on the route.
var issuingSegmentRE = namere.MustCompile(`(?i)^(login|log-in|signin|sign-in|sign_in|token|tokens|refresh|callback|register|signup|sign-up|sign_up|.*password.*|forgot.*|reset.*)$`)

// issuesCredentials reports a path whose last literal segment names a
// login, token, callback, sign-up or password-reset endpoint.
func issuesCredentials(path string) bool {
	segs := strings.Split(path, "/")
	for i := len(segs) - 1; i >= 0; i-- {
		if segs[i] == "" || strings.HasPrefix(segs[i], "{") {
			continue
		}
		return issuingSegmentRE.MatchString(segs[i])
	}
	return false
}

// redirectStatus is what raisedStatus returns for a redirect raised as an
// HTTPException to somewhere that is not obviously the login page.
const redirectStatus = 302

// raisedStatus returns 401 or 403 when a raised exception is an
// authentication or authorization error, else 0.
func (m *Model) raisedStatus(s *semantic.Scope, exc syntax.Expr) int {
	for range 4 {
		switch e := exc.(type) {
		case *syntax.Name:
			// raise credentials_exception, bound earlier to HTTPException(401).
			sym, _ := s.Lookup(e.ID)
			if sym == nil || sym.Kind != semantic.VarSym || sym.Value() == nil {
				if m.libraryException(m.Prog.Qualify(s, e)) {
					return 0
				}
				return classStatus(e.ID)
			}
			exc = sym.Value()
			continue
		case *syntax.Call:
			q := m.Prog.Qualify(s, e.Func)
			name := shortName(q)
			if name == "" {
				if a, ok := e.Func.(*syntax.Attribute); ok {
					name = a.Attr.Name
				}
			}
			if f := m.Prog.Func(q); f != nil {
				// raise unauthorized(): a program function that builds
				// the exception.
				return m.returnedStatus(f)
			}
			if m.libraryException(q) && !strings.HasSuffix(name, "HTTPException") {
				return 0
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
				case redirectRE.MatchString(text):
					if h := keyword(e, "headers"); h != nil && loginLocationRE.MatchString(s.Module.File.Text(h)) {
						return 401 // a redirect to the login page
					}
					return redirectStatus
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

// returnedStatus is the status of the exception a helper function returns
// (`def unauthorized(): return HTTPException(401)`), or 0.
func (m *Model) returnedStatus(f *semantic.Function) int {
	for _, st := range f.Node.Body {
		if r, ok := st.(*syntax.Return); ok && r.Value != nil {
			if _, isCall := r.Value.(*syntax.Call); isCall {
				if code := m.raisedStatus(f.Scope, r.Value); code != 0 {
					return code
				}
			}
		}
	}
	return 0
}

// libraryException reports an exception class of another library than
// FastAPI and Starlette (cryptography's InvalidToken, jwt's errors):
// raised from a dependency or handler it gives a 500, not a 401, so its
// name says nothing about authentication.
func (m *Model) libraryException(q string) bool {
	return strings.Contains(q, ".") && fastapiName(q) == "" && m.Prog.Class(q) == nil && m.Prog.Func(q) == nil
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

// AuthNames describes what authenticates an endpoint, outermost first: its
// authenticating dependency chain, else "middleware:Name" for a middleware
// that rejects requests without credentials, else "handler:function" for
// a check in its handler (or a function the handler calls); nil when
// nothing does.
func (m *Model) AuthNames(e *Endpoint) []string {
	if len(e.Auth) > 0 {
		names := make([]string, 0, len(e.Auth)+1)
		for _, d := range e.Auth {
			if d.Factory != "" {
				names = append(names, d.Factory) // RoleACL > role_dependency > ...
			}
			names = append(names, d.Label())
		}
		return names
	}
	if mw := m.authMiddleware(e); mw != "" {
		return []string{"middleware:" + mw}
	}
	if g := m.mountGuard(e.Route); g != "" {
		return []string{"middleware:" + g}
	}
	if authn, _ := m.EndpointChecks(e); authn && !issuesCredentials(e.FullPath) {
		via := e.Route.checks.via
		if via == "" {
			via = e.Handler.Node.Name.Name
		}
		return []string{"handler:" + via}
	}
	return nil
}
