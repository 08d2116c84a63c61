// Package fastapi builds the model of a FastAPI application from its
// source: apps and routers, the include_router and mount tree with its
// prefixes and dependencies, routes with their parameters classified as
// FastAPI classifies them, the dependency graph, which dependencies
// authenticate and which authorize, middleware, exception handlers and
// app settings.
package fastapi

import (
	"sync"

	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// Model is the FastAPI view of a program.
type Model struct {
	Prog        *semantic.Program
	Routers     []*Router        // every FastAPI app and APIRouter, in source order
	Endpoints   []*Endpoint      // every route as served: one per path it is reachable at
	Schemes     []*Scheme        // security scheme instances
	GraphQL     []*GraphQLServer // GraphQL servers; their HTTP routes and root fields are in Routers and Endpoints
	Diagnostics []Diagnostic

	routerBySym  map[*semantic.Symbol]*Router
	schemeBySym  map[*semantic.Symbol]*Scheme
	funcByNode   map[*syntax.FunctionDef]*semantic.Function
	deps         map[depKey]*depInfo
	depCache     map[depCacheKey]*Dependency
	models       []*DataModel
	modelsOnce   sync.Once
	words        sync.Map // wordsRE's expressions, by source
	modelByClass map[*semantic.Class]*DataModel
	authNames    map[string]bool
	ctorNames    map[string]bool                  // names that may construct apps, routers or schemes
	paramDeps    map[*semantic.Symbol]*Dependency // resolveParamCallable's answers, by parameter

	routerByNode map[*syntax.Call]*Router         // every router by its constructor call
	attrs        map[string][]attrAssign          // self.<attr> assignments by class.attr
	attrNames    map[*syntax.Call]string          // class.attr of constructor calls assigned to self attributes
	ctxCache     map[*semantic.Function][]flowEnv // funcContexts' answers
	usesSeen     map[useKey]bool                  // statements already applied to a router in some context
	// methodsByName lists the program methods of each name (methodsNamed);
	// dispatchSeen the calls on objects of unknown class already diagnosed.
	methodsByName map[string][]*semantic.Function
	dispatchSeen  map[*syntax.Call]bool
	routesDone    map[*Router]bool             // routers whose routes= list was read
	compSyms      map[compKey]*semantic.Symbol // comprehension variables, which scopes do not bind
	variants      map[variantKey]*Router       // routers a factory makes at each call site (see variants.go)
}

// Diagnostic is something the model could not resolve statically.
type Diagnostic struct {
	Module *semantic.Module
	Node   syntax.Node
	Msg    string
}

// Router is a FastAPI application or an APIRouter (or a subclass of either).
type Router struct {
	Name       string // qualified name of the variable holding it
	Module     *semantic.Module
	Scope      *semantic.Scope // scope the variable is bound in
	Node       *syntax.Call    // the constructor call
	Class      string          // qualified class name
	IsApp      bool
	Prefix     string
	Tags       []string
	Deps       []*Dependency          // dependencies= of the constructor (and of a subclass's __init__)
	Settings   map[string]syntax.Expr // constructor keyword arguments (debug, docs_url, ...)
	Routes     []*Route               // routes declared on it
	Includes   []*Include             // routers included into it
	Mounts     []*Mount               // sub-applications mounted on it
	Middleware []*Middleware          // add_middleware, middleware=[...], @app.middleware
	Handlers   []*ExceptionHandler    // exception handlers
	Conds      *Conds                 // conditions of the if statements it is created under
	IncludedBy []*Include             // where it is included
	MountedBy  []*Mount               // where it is mounted
	kwargs     map[string]*syntax.Keyword

	base         *Router // for a factory's router at one call site, the router its body declares routes on
	variantCount int     // how many call-site variants the router has
}

// Include is `parent.include_router(child, prefix=..., dependencies=...)`.
type Include struct {
	Parent, Child *Router
	Prefix        string
	PrefixKnown   bool
	Tags          []string
	Deps          []*Dependency
	Conds         *Conds // conditions of the if statements around the call
	Module        *semantic.Module
	Node          *syntax.Call
}

// Mount is `app.mount(path, subapp)`.
type Mount struct {
	Parent, Child *Router
	Path          string
	Module        *semantic.Module
	Node          *syntax.Call
}

// Middleware is one middleware added to an app.
type Middleware struct {
	Class  string                 // qualified class name, or "" for a function middleware
	Func   *semantic.Function     // for @app.middleware("http")
	Kwargs map[string]syntax.Expr // options
	Authn  bool                   // rejects requests without credentials (answers 401 or 403)
	Module *semantic.Module
	Node   syntax.Node
}

// ExceptionHandler is one registered exception handler.
type ExceptionHandler struct {
	Exception string // qualified name of the exception class or status code text
	Func      *semantic.Function
	Module    *semantic.Module
	Node      syntax.Node
}

// Route is a route as declared on a router.
type Route struct {
	Router        *Router
	Methods       []string // upper case; WEBSOCKET for websocket routes
	Path          string   // as declared, without router or include prefixes
	PathKnown     bool     // false when the path is not a constant
	Handler       *semantic.Function
	Module        *semantic.Module
	Node          syntax.Node // the decorator or add_api_route call
	Deps          []*Dependency
	Params        []*Param // the handler's parameters, classified
	ResponseModel syntax.Expr
	ResponseClass syntax.Expr
	StatusCode    syntax.Expr
	Kwargs        map[string]syntax.Expr
	Conds         *Conds        // conditions of the if statements around the declaration
	GraphQL       *GraphQLField // for a GraphQL root field's route (method QUERY, MUTATION or SUBSCRIPTION), its field
	Starlette     bool          // a Starlette endpoint: called with the request or websocket itself, not with parameters FastAPI fills
	Wrappers      []string      // for a mount, the program classes constructed around the mounted app (Guard(inner_app)), qualified

	checks     handlerChecks // EndpointChecks' answer, computed once
	checksOnce sync.Once
}

// handlerChecks is what a route's handler rejects by itself.
type handlerChecks struct {
	authn, authz bool
	via          string // the function that raises the 401
}

// Endpoint is a route as served: its full path from an app through every
// include and mount, and everything that guards it.
type Endpoint struct {
	*Route
	App      *Router // the app that serves it, nil when the router is not included in any app
	FullPath string
	Chain    []*Include    // includes from the app down to the route's router
	Deps     []*Dependency // every dependency that runs, outermost first: app, includes, router, route, parameters
	Auth     []*Dependency // the path from a top-level dependency to the one that authenticates; nil when none does
	Authz    []*Dependency // dependencies that check roles, scopes or ownership
	Scopes   []string      // scopes required through Security(..., scopes=)
}

// ParamKind is where FastAPI takes a parameter's value from.
type ParamKind uint8

// Parameter kinds.
const (
	QueryParam ParamKind = iota
	PathParam
	HeaderParam
	CookieParam
	BodyParam
	FormParam
	FileParam
	DependencyParam
	SpecialParam // Request, WebSocket, Response, BackgroundTasks, SecurityScopes
	GraphQLArg   // an argument of a GraphQL field, given by the client in the query
)

var paramKindNames = [...]string{"query", "path", "header", "cookie", "body", "form", "file", "dependency", "special", "argument"}

func (k ParamKind) String() string { return paramKindNames[k] }

// FromRequest reports whether FastAPI fills the parameter from the client's
// request (everything but dependencies and special objects).
func (k ParamKind) FromRequest() bool { return k < DependencyParam || k == GraphQLArg }

// Param is a parameter of a route handler or dependency.
type Param struct {
	Name     string
	Kind     ParamKind
	Arg      *syntax.Arg
	Type     string       // qualified name of the declared type (inner type of Optional/Annotated), if known
	TypeExpr syntax.Expr  // the declared type, without Annotated
	Marker   *syntax.Call // Query(...), Path(...), Body(...), ... when given
	Default  syntax.Expr
	Dep      *Dependency // for DependencyParam
}

// Dependency is one use of a dependency: Depends(x) or Security(x, scopes=).
type Dependency struct {
	Node     syntax.Expr        // the Depends/Security call, or the annotation it came from
	Callable string             // qualified name of what is called
	Func     *semantic.Function // the function, method (__call__) or class __init__ that runs
	Class    *semantic.Class
	Scheme   *Scheme
	Scopes   []string
	Params   []*Param      // its own parameters, which FastAPI also fills from the request
	Sub      []*Dependency // the dependencies of its parameters
	Module   *semantic.Module
	Factory  string // the project function whose call made it (RoleACL in `Annotated[Role, RoleACL(...)]`), or ""
	// Cond is the condition under which a router or route lists the
	// dependency, when it comes from one branch of a conditional
	// expression (`[Depends(auth)] if settings.auth_enabled else []`):
	// "settings.auth_enabled"; "" when it always applies.
	Cond string
	info *depInfo
}

// Authenticates reports whether the dependency (or one it depends on)
// rejects requests without valid credentials.
func (d *Dependency) Authenticates() bool { return d.info != nil && d.info.authn }

// Authorizes reports whether the dependency (or one it depends on)
// checks roles or ownership, or requires scopes through Security.
func (d *Dependency) Authorizes() bool { return len(d.Scopes) > 0 || d.info != nil && d.info.authz }

// ChecksItself reports whether the dependency's own body checks roles or
// ownership.
func (d *Dependency) ChecksItself() bool { return d.info != nil && d.info.selfAuthz }

// ChecksScopes reports whether the dependency (or one it depends on)
// compares the scopes FastAPI passes in SecurityScopes with the token's.
func (d *Dependency) ChecksScopes() bool { return d.info != nil && d.info.scopeCheck }

// Name is a short name for the dependency, as people write it.
func (d *Dependency) Name() string {
	switch {
	case d.Scheme != nil:
		return d.Scheme.Name
	case d.Class != nil:
		return shortName(d.Class.Qual)
	}
	return shortName(d.Callable)
}

// Scheme is an instance of a FastAPI security scheme class.
type Scheme struct {
	Name      string // variable name
	Qual      string // qualified variable name
	Class     string // e.g. fastapi.security.OAuth2PasswordBearer
	AutoError bool   // false when auto_error=False: missing credentials give None
	Module    *semantic.Module
	Node      *syntax.Call
}
