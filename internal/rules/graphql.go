package rules

import (
	"regexp"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// Library knowledge for the GraphQL rules (FA410, FA508, FA509).
var (
	// introspectionDisablers turn introspection off: Strawberry's
	// extension, graphql-core's and Graphene's validation rules.
	introspectionDisablers = map[string]bool{
		"DisableIntrospection": true, "NoSchemaIntrospectionCustomRule": true, "NoIntrospection": true,
	}
	// depthLimiters bound how much work one query asks for.
	depthLimiters = map[string]bool{
		"QueryDepthLimiter": true, "MaxTokensLimiter": true, "depth_limit_validator": true,
		"cost_validator": true, "DepthLimitValidator": true, "QueryComplexityLimiter": true,
	}
	// limiterNameRE recognises the program's own limiters by name.
	limiterNameRE = regexp.MustCompile(`(?i)(depth|complexity|cost)`)
)

// graphqlOptions is what a GraphQL server is configured with: Strawberry's
// schema extensions and config, Ariadne's and the ASGI apps' keywords.
type graphqlOptions struct {
	srv        *fastapi.GraphQLServer
	extensions []syntax.Expr // extensions= or validation_rules= elements
	known      bool          // every option list is a literal the tool can read
}

// serverOptions collects a server's extension and validation-rule lists.
func serverOptions(p *Pass, srv *fastapi.GraphQLServer) graphqlOptions {
	o := graphqlOptions{srv: srv, known: true}
	add := func(s *semantic.Scope, e syntax.Expr) {
		if e == nil {
			return
		}
		els := literalElements(e)
		if els == nil {
			o.known = false
			return
		}
		o.extensions = append(o.extensions, els...)
	}
	add(srv.Scope, srv.Node.Keyword("validation_rules"))
	add(srv.Scope, srv.Node.Keyword("extensions"))
	for _, sc := range srv.Schemas {
		add(sc.Scope, sc.Node.Keyword("extensions"))
		add(sc.Scope, sc.Node.Keyword("validation_rules"))
		if sc.Guessed && len(srv.Schemas) > 1 {
			o.known = false // which of the program's schemas is served is not known
		}
	}
	if len(srv.Schemas) == 0 && srv.Library != "ariadne" {
		o.known = false
	}
	return o
}

// literalElements returns a list or tuple display's items (an empty
// non-nil slice for an empty one), nil for anything else.
func literalElements(e syntax.Expr) []syntax.Expr {
	switch v := e.(type) {
	case *syntax.List:
		return append([]syntax.Expr{}, v.Elts...)
	case *syntax.Tuple:
		return append([]syntax.Expr{}, v.Elts...)
	}
	return nil
}

// mentions reports an option list naming one of names (or matching re),
// anywhere inside its items (AddValidationRules([...]), X() if prod else Y).
func (o graphqlOptions) mentions(names map[string]bool, re *regexp.Regexp) bool {
	found := false
	for _, e := range o.extensions {
		syntax.Inspect(e, func(n syntax.Node) bool {
			var id string
			switch v := n.(type) {
			case *syntax.Name:
				id = v.ID
			case *syntax.Attribute:
				id = v.Attr.Name
			case *syntax.IfExp:
				found = true // chosen per environment
			}
			if names[id] || (re != nil && id != "" && re.MatchString(id)) {
				found = true
			}
			return !found
		})
	}
	return found
}

// programImports reports a program importing one of names from anywhere.
func programImports(p *Pass, names map[string]bool) bool {
	for _, mod := range p.Prog.Modules {
		for _, sym := range mod.Scope.Names {
			if sym.Kind == semantic.ImportSym && names[shortQual(sym.Target)] {
				return true
			}
		}
	}
	return false
}

// gatedServer reports a GraphQL server served only in some environments.
func gatedServer(srv *fastapi.GraphQLServer) bool {
	if fastapi.EnvironmentGatedConds(srv.Module, srv.Router.Conds) {
		return true
	}
	for _, inc := range srv.Router.IncludedBy {
		if fastapi.EnvironmentGatedConds(inc.Module, inc.Conds) {
			return true
		}
	}
	return false
}
