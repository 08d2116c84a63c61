package fastapi

import "strings"

// fastapiName returns the short name of a FastAPI or Starlette export
// (fastapi.params.Depends and fastapi.Depends are both "Depends"), or "" for
// any other qualified name.
func fastapiName(q string) string {
	if !strings.HasPrefix(q, "fastapi.") && !strings.HasPrefix(q, "starlette.") {
		return ""
	}
	return q[strings.LastIndexByte(q, '.')+1:]
}

// shortName is the last component of a qualified name.
func shortName(q string) string { return q[strings.LastIndexByte(q, '.')+1:] }

var (
	appClasses    = []string{"fastapi.FastAPI", "fastapi.applications.FastAPI", "starlette.applications.Starlette"}
	routerClasses = []string{"fastapi.APIRouter", "fastapi.routing.APIRouter", "starlette.routing.Router"}

	// schemeClasses are FastAPI's security scheme classes.
	schemeClasses = map[string]bool{
		"OAuth2PasswordBearer": true, "OAuth2AuthorizationCodeBearer": true, "OAuth2": true,
		"OpenIdConnect": true, "HTTPBearer": true, "HTTPBasic": true, "HTTPDigest": true,
		"APIKeyHeader": true, "APIKeyCookie": true, "APIKeyQuery": true,
	}

	// markerKinds maps FastAPI's parameter functions to the kind they declare.
	markerKinds = map[string]ParamKind{
		"Query": QueryParam, "Path": PathParam, "Header": HeaderParam, "Cookie": CookieParam,
		"Body": BodyParam, "Form": FormParam, "File": FileParam,
		"Depends": DependencyParam, "Security": DependencyParam,
	}

	// specialTypes are parameter types FastAPI fills itself.
	specialTypes = map[string]bool{
		"Request": true, "WebSocket": true, "Response": true, "BackgroundTasks": true,
		"SecurityScopes": true, "HTTPConnection": true,
	}

	// knownForms are FastAPI's own dependency classes that read form fields
	// (their Param.Arg is nil: they have no source in the program).
	knownForms = map[string][]string{
		"OAuth2PasswordRequestForm":       {"grant_type", "username", "password", "scope", "client_id", "client_secret"},
		"OAuth2PasswordRequestFormStrict": {"grant_type", "username", "password", "scope", "client_id", "client_secret"},
	}

	// routeMethods maps router decorator methods to HTTP methods.
	routeMethods = map[string]string{
		"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE",
		"head": "HEAD", "options": "OPTIONS", "trace": "TRACE",
	}

	// containerTypes are collection types; FastAPI reads them from the body
	// unless Query() says otherwise.
	containerTypes = map[string]bool{
		"list": true, "dict": true, "set": true, "tuple": true, "frozenset": true,
		"typing.List": true, "typing.Dict": true, "typing.Set": true, "typing.Tuple": true,
		"typing.Sequence": true, "typing.Mapping": true, "typing.FrozenSet": true,
	}

	baseModelClasses = []string{
		"pydantic.BaseModel", "pydantic.main.BaseModel", "sqlmodel.SQLModel", "pydantic.v1.BaseModel",
		"pydantic_settings.BaseSettings", "pydantic.BaseSettings",
	}
)
