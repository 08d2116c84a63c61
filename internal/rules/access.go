package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
)

var (
	// publicPathRE are routes meant to be reachable without credentials.
	publicPathRE = namere.MustCompile(`(?i)(^|/)(login|logout|signin|sign-in|signup|sign-up|register|registration|token|refresh|oauth2?|callback|auth|password[-_]?(reset|recovery|forgot)|reset[-_]?password|forgot[-_]?password|recover[-_]?password|recovery|verify|verify[-_]email|confirm|activate|health|healthz|healthcheck|health-check|ready|readiness|live|liveness|ping|status|version|docs|redoc|openapi\.json|favicon\.ico|robots\.txt|public|static)(/|$|\{)`)
	// privilegedPathRE are routes for operators.
	privilegedPathRE = namere.MustCompile(`(?i)(^|/)(admin|admins|internal|manage|management|superuser|staff|root|ops|debug|backoffice|back-office|console)(/|$)`)
	// publicFieldRE are GraphQL fields meant for anonymous callers.
	publicFieldRE = namere.MustCompile(`(?i)^(login|logout|signin|signIn|signup|signUp|register|registerUser|tokenAuth|obtainToken|refreshToken|verifyToken|revokeToken|createToken|authenticate|requestPasswordReset|resetPassword|forgotPassword|verifyEmail|confirmEmail|activateAccount|health|ping|version)$`)
	// objectIDRE are path parameters naming one object.
	objectIDRE = namere.MustCompile(`(?i)(^id$|_id$|^pk$|^uuid$|_uuid$|^slug$|_slug$|^key$)`)
)

// routeName is "METHOD /full/path" for messages.
func routeName(e *fastapi.Endpoint) string {
	return strings.Join(e.Methods, ",") + " " + e.FullPath
}

// isPublic reports routes meant to be anonymous: by their path, or by the
// public-routes setting.
func isPublic(p *Pass, e *fastapi.Endpoint) bool {
	if e.GraphQL != nil && publicFieldRE.MatchString(e.GraphQL.Name) {
		return true
	}
	if publicPathRE.MatchString(e.FullPath) {
		return true
	}
	for _, g := range p.Options.PublicRoutes {
		if ok, _ := doublestar.Match(g, e.FullPath); ok {
			return true
		}
		if ok, _ := path.Match(g, e.FullPath); ok {
			return true
		}
	}
	return false
}

// changesState reports methods that change data.
func changesState(e *fastapi.Endpoint) bool {
	for _, m := range e.Methods {
		switch m {
		case "POST", "PUT", "PATCH", "DELETE", "MUTATION":
			return true
		}
	}
	return false
}

// changesObject reports a route that modifies or deletes one object
// addressed by id (PUT, PATCH, DELETE /things/{id}).
func changesObject(e *fastapi.Endpoint) bool {
	return len(objectParams(e)) > 0 && changesObjectMethod(e)
}

// changesObjectMethod reports PUT, PATCH and DELETE routes.
func changesObjectMethod(e *fastapi.Endpoint) bool {
	for _, m := range e.Methods {
		switch m {
		case "PUT", "PATCH", "DELETE", "MUTATION":
			return true
		}
	}
	return false
}

// hiddenRoute reports a route declared with include_in_schema=False.
func hiddenRoute(e *fastapi.Endpoint) bool {
	v := e.Kwargs["include_in_schema"]
	return v != nil && isFalse(v)
}

// objectParams returns the path parameters (or GraphQL field arguments)
// naming an object.
func objectParams(e *fastapi.Endpoint) []*fastapi.Param {
	var out []*fastapi.Param
	for _, p := range e.Params {
		if (p.Kind == fastapi.PathParam || p.Kind == fastapi.GraphQLArg) && objectIDRE.MatchString(p.Name) {
			out = append(out, p)
		}
	}
	return out
}

// authenticated reports an endpoint guarded by an authenticating
// dependency, an authenticating middleware or a check in its handler.
func authenticated(p *Pass, e *fastapi.Endpoint) bool {
	return len(p.Model.AuthNames(e)) > 0
}

// authExample names the authenticating dependency most used in an app,
// and counts its authenticated routes, for messages.
func authExample(p *Pass, app *fastapi.Router) (string, int) {
	counts := map[string]int{}
	n := 0
	for _, e := range p.Model.Endpoints {
		if e.App == app && len(e.Auth) > 0 {
			n++
			counts[p.Model.AuthNames(e)[0]]++
		}
	}
	best := ""
	for name, c := range counts {
		if c > counts[best] || c == counts[best] && name < best {
			best = name
		}
	}
	return best, n
}

// publicRouter reports a router none of whose routes authenticate: public
// by design (an "explore" or "media" router), not by omission.
func publicRouter(p *Pass, r *fastapi.Router) bool {
	for _, e := range p.Model.Endpoints {
		if e.Route.Router == r && authenticated(p, e) {
			return false
		}
	}
	return true
}

// devOnly reports routes included only under an environment condition
// (if settings.ENVIRONMENT == "local": include_router(...)).
func devOnly(e *fastapi.Endpoint) bool {
	for _, inc := range e.Chain {
		if fastapi.EnvironmentGatedConds(inc.Module, inc.Conds) {
			return true
		}
	}
	return fastapi.EnvironmentGatedConds(e.Module, e.Conds)
}

// countOf is "1 route" or "3 routes".
func countOf(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
