package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

func init() {
	Register(&Rule{
		ID: "FA410", Name: "graphql-introspection", Title: "GraphQL introspection enabled in every environment",
		Category: "exposure", Severity: finding.Low, Confidence: finding.MediumConfidence,
		CWE: []int{200}, OWASP: []string{apiMisconfig, webMisconfig},
		Remediation: "Turn introspection off in production: Strawberry's DisableIntrospection extension (or AddValidationRules([NoSchemaIntrospectionCustomRule])), Ariadne's introspection=False, a Graphene DisableIntrospection validation rule; enable it only from a development setting.",
		Doc: Doc{
			What: "A GraphQL server that answers introspection queries (`__schema`, `__type`) with nothing that turns them " +
				"off in production: a Strawberry schema whose literal extension list has no `DisableIntrospection` extension " +
				"nor a `NoSchemaIntrospectionCustomRule` validation rule, an Ariadne `GraphQL` app without `introspection=False` " +
				"(its default is on) or with a constant `True`, a Graphene app (starlette-graphene3 `GraphQLApp`) in a program " +
				"that never imports an introspection-disabling rule. A value read from settings, an extension chosen by a " +
				"condition, extension lists built elsewhere and servers only included in some environments are not reported. " +
				"`probe` confirms it live: it sends the query `{__schema{queryType{name}}}` (a POST, sent without " +
				"`--allow-unsafe` since it only reads) to the GraphQL endpoints of the OpenAPI document, of the source " +
				"(`--source`) or at `/graphql` and `/api/graphql`, and reports those that answer with `__schema` data.",
			Why: "Introspection hands out the whole schema: every query, mutation, argument and type, internal and " +
				"administrative operations included. Attackers use it to map the API and generate attack queries; the " +
				"interactive IDE and code generators need it only during development.",
			Example: "schema = strawberry.Schema(query=Query, mutation=Mutation)\napp.include_router(GraphQLRouter(schema), prefix=\"/graphql\")\n",
			Fix: "```python\nfrom strawberry.extensions import DisableIntrospection\n\nextensions = [] if settings.DEBUG else [DisableIntrospection()]\n" +
				"schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions)\n```\n\n" +
				"Ariadne: `GraphQL(schema, introspection=settings.DEBUG)`.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#introspection-graphiql",
				"https://strawberry.rocks/docs/extensions/disable-introspection",
				"https://ariadnegraphql.org/docs/asgi#configuration-options",
			},
		},
		Check: func(p *Pass) {
			for _, srv := range p.Model.GraphQL {
				if gatedServer(srv) {
					continue
				}
				o := serverOptions(p, srv)
				switch srv.Library {
				case "strawberry":
					if !o.known || o.mentions(introspectionDisablers, nil) {
						continue
					}
				case "ariadne":
					if v := srv.Node.Keyword("introspection"); v != nil && !isTrue(v) {
						continue // off, or chosen from configuration
					}
					if o.mentions(introspectionDisablers, nil) {
						continue
					}
				case "graphene":
					if programImports(p, introspectionDisablers) {
						continue
					}
				}
				p.Report(srv.Module, srv.Node, "the %s GraphQL server answers introspection queries in every environment: the whole schema, internal operations included, is public", srv.Library)
			}
		},
	})
}
