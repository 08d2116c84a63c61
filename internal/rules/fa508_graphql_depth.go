package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

func init() {
	Register(&Rule{
		ID: "FA508", Name: "graphql-no-depth-limit", Title: "GraphQL server without a query depth or complexity limit",
		Category: "resource-limits", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{770}, OWASP: []string{apiResources, webDesign},
		Remediation: "Bound every query: Strawberry's QueryDepthLimiter and MaxTokensLimiter extensions, Ariadne's validation_rules=[cost_validator(...)] or a depth rule, Graphene's depth_limit_validator.",
		Doc: Doc{
			What: "A GraphQL server whose queries are not bounded in depth or cost: a Strawberry schema whose literal " +
				"extension list has no `QueryDepthLimiter`, `MaxTokensLimiter` or depth/complexity/cost extension of the " +
				"program's own, an Ariadne `GraphQL` app whose `validation_rules` (absent or literal) has no cost or depth " +
				"rule, a Graphene app in a program that never imports `depth_limit_validator` or a similar rule. Lists built " +
				"elsewhere are not judged.",
			Why: "Types refer to each other (a user's posts' authors' posts ...), so one small query can ask for millions of " +
				"objects and keep the server and its database busy: a denial of service from a single request, which rate " +
				"limiting by request count does not stop.",
			Example: "schema = strawberry.Schema(query=Query)\n",
			Fix: "```python\nfrom strawberry.extensions import MaxTokensLimiter, QueryDepthLimiter\n\n" +
				"schema = strawberry.Schema(\n    query=Query,\n    extensions=[QueryDepthLimiter(max_depth=10), MaxTokensLimiter(max_token_count=2000)],\n)\n```",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#query-limiting-depth-amount",
				"https://strawberry.rocks/docs/extensions/query-depth-limiter",
				"https://ariadnegraphql.org/docs/query-validators",
			},
		},
		Check: func(p *Pass) {
			for _, srv := range p.Model.GraphQL {
				o := serverOptions(p, srv)
				switch srv.Library {
				case "strawberry", "ariadne":
					if !o.known || o.mentions(depthLimiters, limiterNameRE) {
						continue
					}
				case "graphene":
					if programImports(p, depthLimiters) {
						continue
					}
				}
				p.Report(srv.Module, srv.Node, "the %s GraphQL server sets no query depth or complexity limit: one nested query can ask for an unbounded amount of work", srv.Library)
			}
		},
	})
}
