package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

func init() {
	Register(&Rule{
		ID: "FA301", Name: "missing-authentication", Title: "Route without authentication",
		Category: "access-control", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{306}, OWASP: []string{apiAuth, webAuth},
		Remediation: "Add the app's authenticating dependency to the route, its router or the include_router call; if the route is meant to be public, list it in public-routes.",
		Doc: Doc{
			What: "In an app where routes are authenticated, a route that changes state (POST, PUT, PATCH, DELETE), " +
				"addresses an object by id, sits under an admin or internal path, or is hidden from the schema " +
				"(`include_in_schema=False`), with no authenticating dependency at " +
				"any level (app, include_router, router, route, parameters) and no credential check in its handler. " +
				"Optional authentication (`auto_error=False` returning None) does not count. Login, sign-up, token, " +
				"password-reset, health and docs routes, those listed in `public-routes`, routers none of whose routes " +
				"authenticate (public by design) and routers included only in some environments are exempt. In an app where " +
				"no route authenticates, only admin and internal routes are reported, and only when the app has a login route. " +
				"GraphQL root fields are routes too (`POST /graphql#deleteUser`): a mutation, or a query taking an id argument, " +
				"with no permission class, no check of the caller through `info.context` in its resolver and no authenticating " +
				"dependency on the GraphQL router (or its `context_getter`) is reported.",
			Why: "One forgotten dependency exposes the operation to the whole Internet: deleting any user, reading any " +
				"order, reaching the admin API. Because FastAPI attaches authentication per route or router, omissions are " +
				"easy and invisible in review.",
			Example: "router = APIRouter(prefix=\"/users\", dependencies=[Depends(get_current_user)])\n\n" +
				"@app.delete(\"/users/{user_id}\")  # declared on app, not on the authenticated router\ndef delete_user(user_id: int): ...\n",
			Fix: "```python\n@router.delete(\"/{user_id}\")\ndef delete_user(user_id: int, admin: AdminUser): ...\n```",
			References: []string{
				"https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",
				"https://fastapi.tiangolo.com/tutorial/security/",
			},
		},
		Check: func(p *Pass) {
			// The per-router and per-app answers walk every endpoint, so
			// they are computed once each: asked per endpoint they made an
			// app with tens of thousands of routes take minutes.
			public := map[*fastapi.Router]bool{}
			type appAuth struct {
				example string
				n       int
				login   bool
			}
			apps := map[*fastapi.Router]*appAuth{}
			for _, e := range p.Model.Endpoints {
				if e.App == nil || e.IsGraphQLTransport() || authenticated(p, e) || isPublic(p, e) || devOnly(e) {
					continue // a GraphQL server's own routes are judged through its fields
				}
				admin := privilegedPathRE.MatchString(e.FullPath)
				// A GraphQL mutation, or a query by id, is judged alone: its
				// siblings on the server are no sign of a public design.
				graphql := e.GraphQL != nil && (changesState(e) || len(objectParams(e)) > 0)
				if !admin && !changesObject(e) && !graphql {
					pub, ok := public[e.Route.Router]
					if !ok {
						pub = publicRouter(p, e.Route.Router)
						public[e.Route.Router] = pub
					}
					if pub {
						continue // a router public by design; anonymous edits of one object never are
					}
				}
				a := apps[e.App]
				if a == nil {
					a = &appAuth{}
					a.example, a.n = authExample(p, e.App)
					a.login = hasLoginRoute(p, e.App)
					apps[e.App] = a
				}
				example, n := a.example, a.n
				if n == 0 {
					// The app authenticates nothing: a public API, or auth at
					// the proxy. Unless it has a login route: then its admin
					// routes should require what the login hands out.
					if admin && a.login {
						p.Report(e.Module, e.Node, "%s has no authentication (an admin or internal route), and no route of this app requires the credentials its login route hands out",
							routeName(e))
					}
					continue
				}
				why := ""
				switch {
				case admin:
					why = "an admin or internal route"
				case changesState(e):
					why = "it changes data"
				case len(objectParams(e)) > 0:
					why = "it addresses an object by " + objectParams(e)[0].Name
				case hiddenRoute(e):
					why = "it is hidden from the OpenAPI schema, which does not protect it"
				default:
					continue
				}
				f := p.Report(e.Module, e.Node, "%s has no authentication (%s), while %s of this app require %s",
					routeName(e), why, countOf(n, "route", "routes"), example)
				if !changesState(e) && !admin {
					f.Severity = finding.Medium
				}
			}
		},
	})
}

// hasLoginRoute reports an app that serves a login or token route.
func hasLoginRoute(p *Pass, app *fastapi.Router) bool {
	for _, e := range p.Model.Endpoints {
		if e.App == app && changesState(e) && loginPathRE.MatchString(e.FullPath) {
			return true
		}
	}
	return false
}
