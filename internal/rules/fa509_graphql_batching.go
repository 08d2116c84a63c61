package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// batchingKeywords enable query batching on a GraphQL server or its
// configuration; batchLimitKeys bound it.
var (
	batchingKeywords = map[string]bool{"batch": true, "batching": true, "allow_batching": true, "batching_config": true}
	batchLimitKeys   = map[string]bool{"max_operations": true, "max_batch_size": true}
)

func init() {
	Register(&Rule{
		ID: "FA509", Name: "graphql-unbounded-batching", Title: "GraphQL batching enabled without a limit",
		Category: "resource-limits", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{770}, OWASP: []string{apiResources, webDesign},
		Remediation: "Bound batches: give Strawberry's batching_config a small max_operations, or leave batching off.",
		Doc: Doc{
			What: "A GraphQL server that accepts a list of operations in one request with no bound on their number: " +
				"Strawberry's `StrawberryConfig(batching_config=...)` without `max_operations`, or a server option such as " +
				"`batch=True` that has no limit.",
			Why: "A batch multiplies one HTTP request into many operations: rate limits and login throttles that count " +
				"requests are bypassed (a thousand password guesses in one POST), and a single request can exhaust the server.",
			Example: "schema = strawberry.Schema(query=Query, config=StrawberryConfig(batching_config={\"enabled\": True}))\n",
			Fix:     "```python\nschema = strawberry.Schema(\n    query=Query,\n    config=StrawberryConfig(batching_config={\"max_operations\": 5}),\n)\n```",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#batching-attacks",
				"https://strawberry.rocks/docs/guides/query-batching",
			},
		},
		Check: func(p *Pass) {
			for _, srv := range p.Model.GraphQL {
				var calls []*syntax.Call
				calls = append(calls, srv.Node)
				for _, sc := range srv.Schemas {
					if c, ok := sc.Node.Keyword("config").(*syntax.Call); ok {
						calls = append(calls, c)
					}
				}
				for _, c := range calls {
					for _, kw := range c.Keywords {
						if kw.Arg == nil || !batchingKeywords[kw.Arg.Name] || isFalse(kw.Value) || isNone(kw.Value) {
							continue
						}
						if unboundedBatch(kw.Value) {
							p.Report(srv.Module, kw, "the %s GraphQL server accepts batches of operations with no limit on their number (%s)", srv.Library, kw.Arg.Name)
						}
					}
				}
			}
		},
	})
}

// unboundedBatch reports a batching option with no limit: True, or a dict
// display without a limit key. Other values are not judged.
func unboundedBatch(v syntax.Expr) bool {
	if isTrue(v) {
		return true
	}
	d, ok := v.(*syntax.Dict)
	if !ok {
		return false
	}
	for _, k := range d.Keys {
		if s, ok := k.(*syntax.Constant); ok && batchLimitKeys[strings.Trim(s.Value, `"'`)] {
			return false
		}
	}
	return true
}
