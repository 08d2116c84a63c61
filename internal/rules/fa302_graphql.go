package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// FA302 on nested GraphQL fields: a Strawberry type returned by an
// authenticated root field may resolve fields of its own with arguments
// (Account.invoice(invoice_id)). They are not routes, but a client reaches
// them through the root field, so one that loads an object by an id
// argument with no reference to the caller (info.context) nor to the
// parent object it hangs off (self, root), and no permission class of its
// own, is a BOLA like a root field's.

// nestedBOLA reports the nested resolvers of the types the authenticated
// GraphQL root fields return, once each.
func nestedBOLA(p *Pass, byFunc map[*semantic.Function][]*semantic.CallSite) {
	done := map[*semantic.Function]bool{}
	for _, e := range p.Model.Endpoints {
		if e.GraphQL == nil || e.Handler == nil || e.Handler.Node.Returns == nil {
			continue
		}
		if e.Auth == nil || len(e.Authz) > 0 || len(e.Scopes) > 0 {
			continue // unauthenticated: FA301's; authorized: trusted
		}
		if _, authz := p.Model.EndpointChecks(e); authz {
			continue
		}
		for _, dm := range exposedModels(p.Model, e.Handler.Outer, e.Handler.Node.Returns) {
			for _, f := range p.Model.ResolverFields(dm) {
				fn := dm.Class.Methods[f.Name]
				if fn == nil || done[fn] {
					continue
				}
				done[fn] = true
				nestedResolverBOLA(p, e, dm, fn, byFunc[fn])
			}
		}
	}
}

// nestedResolverBOLA judges one nested resolver method.
func nestedResolverBOLA(p *Pass, e *fastapi.Endpoint, dm *fastapi.DataModel, fn *semantic.Function, calls []*semantic.CallSite) {
	node := fn.Node
	for _, d := range node.Decorators {
		if call, ok := d.(*syntax.Call); ok && (call.Keyword("permission_classes") != nil || call.Keyword("extensions") != nil) {
			return // its own permission classes decide
		}
	}
	keys := map[string]bool{}
	parent := map[string]bool{}
	args := append(append([]*syntax.Arg(nil), node.Args.PosOnlyArgs...), node.Args.Args...)
	args = append(args, node.Args.KwOnlyArgs...)
	for i, a := range args {
		switch {
		case i == 0 && !node.IsStaticMethod():
			parent[a.Name.Name] = true // self: the parent object
		case a.Name.Name == "root" || a.Name.Name == "parent":
			parent[a.Name.Name] = true
		case objectIDRE.MatchString(a.Name.Name):
			keys[a.Name.Name] = true
		}
	}
	if len(keys) == 0 || fastapi.ResolverReadsCaller(fn) {
		return
	}
	for _, c := range calls {
		if !loadRE.MatchString(c.Call.CalleeName()) || !usesKey(c.Call, keys) || mentions(c.Call, parent) {
			continue
		}
		p.Report(c.Module, c.Call, "%s.%s, reached through %s, loads an object by a client-supplied id with %s and neither the query nor the resolver checks that it belongs to the caller",
			dm.Class.Node.Name.Name, node.Name.Name, routeName(e), callText(c.Module.File, c.Call))
		return
	}
}

// mentions reports a call whose arguments name one of names (self.id).
func mentions(c *syntax.Call, names map[string]bool) bool {
	found := false
	visit := func(n syntax.Node) bool {
		if v, ok := n.(*syntax.Name); ok && names[v.ID] {
			found = true
		}
		return !found
	}
	for _, a := range c.Args {
		syntax.Inspect(a, visit)
	}
	for _, kw := range c.Keywords {
		syntax.Inspect(kw.Value, visit)
	}
	return found
}
