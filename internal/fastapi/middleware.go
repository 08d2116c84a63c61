package fastapi

import (
	"github.com/fastapi-audit/fastapi-audit/internal/namere"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// middlewareMethods are the methods that run a class middleware on each
// request: BaseHTTPMiddleware's dispatch, a pure ASGI middleware's
// __call__.
var middlewareMethods = []string{"dispatch", "__call__"}

// responseClassRE names response constructors a middleware answers with.
var responseClassRE = namere.MustCompile(`Response$`)

// markAuthMiddleware records which middleware of every app reject
// requests without credentials: their dispatch (or __call__, or the
// @app.middleware function) answers 401 or 403 itself, raises it, or
// calls a program function that does.
func (m *Model) markAuthMiddleware() {
	for _, r := range m.Routers {
		for _, mw := range r.Middleware {
			for _, f := range m.middlewareFuncs(mw) {
				if m.rejectsRequests(f, 0, map[*semantic.Function]bool{}) {
					mw.Authn = true
					break
				}
			}
		}
	}
}

// middlewareFuncs returns the functions a middleware runs on each request.
func (m *Model) middlewareFuncs(mw *Middleware) []*semantic.Function {
	if mw.Func != nil {
		return []*semantic.Function{mw.Func}
	}
	if mw.Class == "" || m.Prog.Class(mw.Class) == nil {
		return nil
	}
	var out []*semantic.Function
	for _, name := range middlewareMethods {
		if f := m.Prog.Method(mw.Class, name); f != nil {
			out = append(out, f)
		}
	}
	return out
}

// rejectsRequests reports a function that answers 401 or 403: it raises an
// authentication error, or, when a credential is missing or wrong, builds
// a response with that status (JSONResponse(status_code=401), or any call
// given status_code=401), or sends an ASGI response start with it
// ({"type": "http.response.start", "status": 401}); or a program function
// it calls does.
func (m *Model) rejectsRequests(f *semantic.Function, depth int, seen map[*semantic.Function]bool) bool {
	if f == nil || depth > 2 || seen[f] {
		return false
	}
	seen[f] = true
	c := m.checks(f, nil, nil, 2, map[*semantic.Function]bool{})
	if c.unauthorized || c.forbiddenCredential {
		return true
	}
	// A response with the status, under a condition on a credential
	// (`if not request.headers.get("x-token")`): a check on something
	// else (an Origin header, a rate) is no authentication.
	found := false
	for _, st := range f.Node.Body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.FunctionDef, *syntax.ClassDef, *syntax.Lambda:
				return false
			case *syntax.If:
				if !found && credentialRE.MatchString(f.Module.File.Text(n.Test)) {
					found = m.answersAuthStatus(f, n.Body) || m.answersAuthStatus(f, n.Orelse)
				}
			}
			return !found
		})
		if found {
			return true
		}
	}
	for _, call := range f.Calls(m.Prog) {
		if call.Func != nil && call.Func != f && m.rejectsRequests(call.Func, depth+1, seen) {
			return true
		}
	}
	return false
}

// answersAuthStatus reports statements that build a 401 or 403 response:
// a call given status_code=401 (or a response class given it second), or
// an ASGI message {"status": 401}.
func (m *Model) answersAuthStatus(f *semantic.Function, body []syntax.Stmt) bool {
	found := false
	for _, st := range body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.FunctionDef, *syntax.ClassDef, *syntax.Lambda:
				return false
			case *syntax.Call:
				name := shortName(m.Prog.Qualify(f.Scope, n.Func))
				if a, ok := n.Func.(*syntax.Attribute); ok && name == "" {
					name = a.Attr.Name
				}
				code := keyword(n, "status_code")
				if code == nil && responseClassRE.MatchString(name) {
					code = arg(n, 1, "status_code")
				}
				if code != nil && m.authStatus(f.Scope, code) {
					found = true
				}
			case *syntax.Dict:
				for i, k := range n.Keys {
					if k == nil || i >= len(n.Values) {
						continue
					}
					if key, ok := k.(*syntax.Constant); ok && key.Kind == syntax.ConstStr && key.Value == "status" && m.authStatus(f.Scope, n.Values[i]) {
						found = true
					}
				}
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// authStatus reports a status code expression that is 401 or 403.
func (m *Model) authStatus(s *semantic.Scope, e syntax.Expr) bool {
	text := s.Module.File.Text(e)
	return status401RE.MatchString(text) || status403RE.MatchString(text)
}

// authMiddleware names the first middleware that authenticates the
// endpoint: one of its app's, or of the sub-application it is declared on.
func (m *Model) authMiddleware(e *Endpoint) string {
	for _, r := range []*Router{e.App, e.Route.Router} {
		if r == nil {
			continue
		}
		for _, mw := range r.Middleware {
			if mw.Authn {
				return mw.Name()
			}
		}
	}
	return ""
}

// Name is the middleware's class name, or its function's name.
func (mw *Middleware) Name() string {
	if mw.Func != nil {
		return mw.Func.Node.Name.Name
	}
	return shortName(mw.Class)
}

// wrapperCall returns the call of a statement that may construct a
// middleware around an app (`app = CORSMiddleware(app, ...)`,
// `return SessionMiddleware(app, ...)`, `uvicorn.run(GZipMiddleware(app))`):
// a call of a CapWords name whose first argument is a name. Whether the
// class is middleware and the argument an app is decided later.
func wrapperCall(st syntax.Stmt) *syntax.Call {
	var v syntax.Expr
	switch n := st.(type) {
	case *syntax.Assign:
		v = n.Value
	case *syntax.AnnAssign:
		v = n.Value
	case *syntax.Return:
		v = n.Value
	case *syntax.ExprStmt:
		v = n.Value
		if c, ok := v.(*syntax.Call); ok && len(c.Args) > 0 {
			if inner := wrapperOf(c.Args[0]); inner != nil {
				return inner // uvicorn.run(Middleware(app))
			}
		}
	}
	return wrapperOf(v)
}

func wrapperOf(v syntax.Expr) *syntax.Call {
	c, ok := v.(*syntax.Call)
	if !ok || len(c.Args) == 0 {
		return nil
	}
	switch c.Args[0].(type) {
	case *syntax.Name, *syntax.Attribute:
	default:
		return nil
	}
	var name string
	switch f := c.Func.(type) {
	case *syntax.Name:
		name = f.ID
	case *syntax.Attribute:
		name = f.Attr.Name
	}
	if name == "" || name[0] < 'A' || name[0] > 'Z' {
		return nil
	}
	return c
}

// middlewareBases are the classes a middleware class derives from.
var middlewareBases = []string{"starlette.middleware.base.BaseHTTPMiddleware", "fastapi.middleware.base.BaseHTTPMiddleware"}

// isMiddlewareClass reports a middleware class: named like one
// (CORSMiddleware, ProxyHeadersMiddleware), deriving from
// BaseHTTPMiddleware, or a program class whose __call__ takes an ASGI
// scope, receive and send.
func (m *Model) isMiddlewareClass(q string) bool {
	if q == "" {
		return false
	}
	if len(q) > len("Middleware") && q[len(q)-len("Middleware"):] == "Middleware" {
		return true
	}
	if m.Prog.IsSubclass(q, middlewareBases...) {
		return true
	}
	if call := m.Prog.Method(q, "__call__"); call != nil {
		args := call.Node.Args.Args
		return len(args) == 4 && args[1].Name.Name == "scope"
	}
	return false
}

// collectWrapper records a middleware constructed directly around an app
// as one added to it, with its keyword options.
func (m *Model) collectWrapper(mod *semantic.Module, s *semantic.Scope, st syntax.Stmt) {
	call := wrapperCall(st)
	if call == nil {
		return
	}
	class := m.Prog.Qualify(s, call.Func)
	if !m.isMiddlewareClass(class) {
		return
	}
	r := m.routerOfDepth(s, call.Args[0], nil, 0, &resolveState{})
	if r == nil || !r.IsApp {
		return
	}
	mw := &Middleware{Class: class, Module: mod, Node: call, Kwargs: map[string]syntax.Expr{}}
	for _, kw := range call.Keywords {
		if kw.Arg != nil {
			mw.Kwargs[kw.Arg.Name] = kw.Value
		}
	}
	r.Middleware = append(r.Middleware, mw)
}
