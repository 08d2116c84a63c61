package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// FA305 on GraphQL mutations: the arguments typed with input types
// (Strawberry @strawberry.input classes, Graphene InputObjectTypes) are
// request bodies. A privileged field of such an input is reported where
// the resolver stores it: the input splatted or setattr-copied onto an ORM
// row (massCopies, as for Pydantic bodies), or the field itself assigned
// to a row's attribute, passed to an ORM constructor or to setattr. A
// privileged field the resolver never stores is not reported: unlike a
// Pydantic body, whose fields FastAPI hands over as a whole, a GraphQL
// input is only as dangerous as what the resolver does with it.

// graphqlInputs lists a mutation's arguments typed with GraphQL input
// types, and those types' models; nil for other endpoints.
func graphqlInputs(p *Pass, e *fastapi.Endpoint) map[string][]*fastapi.DataModel {
	if e.GraphQL == nil || e.GraphQL.Operation != "MUTATION" || e.Handler == nil {
		return nil
	}
	var out map[string][]*fastapi.DataModel
	for _, prm := range e.Params {
		if prm.Kind != fastapi.GraphQLArg {
			continue
		}
		var models []*fastapi.DataModel
		if prm.TypeExpr != nil {
			for _, dm := range p.Model.ModelsIn(e.Handler.Outer, prm.TypeExpr) {
				if dm.GraphQL && !dm.ORM {
					models = append(models, dm)
				}
			}
		} else {
			models = grapheneArgument(p, e, prm.Name)
		}
		if len(models) > 0 {
			if out == nil {
				out = map[string][]*fastapi.DataModel{}
			}
			out[prm.Name] = models
		}
	}
	return out
}

// grapheneArgument reads the type of a Graphene mutate() argument from
// its class's Arguments: data = UserInput(required=True) or
// data = graphene.Argument(UserInput).
func grapheneArgument(p *Pass, e *fastapi.Endpoint, name string) []*fastapi.DataModel {
	c := e.Handler.Class
	if c == nil {
		return nil
	}
	for _, st := range c.Node.Body {
		args, ok := st.(*syntax.ClassDef)
		if !ok || args.Name.Name != "Arguments" {
			continue
		}
		for _, ast := range args.Body {
			a, ok := ast.(*syntax.Assign)
			if !ok || len(a.Targets) != 1 {
				continue
			}
			if t, ok := a.Targets[0].(*syntax.Name); !ok || t.ID != name {
				continue
			}
			call, ok := a.Value.(*syntax.Call)
			if !ok {
				return nil
			}
			typ := call.Func
			if call.CalleeName() == "Argument" && len(call.Args) > 0 {
				typ = call.Args[0]
			}
			if dm := p.Model.ModelOf(p.Prog.Qualify(c.Scope, typ)); dm != nil && dm.GraphQL && !dm.ORM {
				return []*fastapi.DataModel{dm}
			}
			return nil
		}
	}
	return nil
}

// graphqlFieldWrites reports the privileged fields of a mutation's inputs
// that its resolver stores one by one: row.role = data.role,
// Project(owner_id=data.owner_id), setattr(row, "role", data.role).
func graphqlFieldWrites(p *Pass, e *fastapi.Endpoint, inputs map[string][]*fastapi.DataModel) {
	privileged := map[string]map[string]string{} // input -> field -> its type's name
	for name, models := range inputs {
		for _, dm := range models {
			for _, f := range p.Model.AllFields(dm) {
				if privilegedFieldRE.MatchString(f.Name) {
					if privileged[name] == nil {
						privileged[name] = map[string]string{}
					}
					privileged[name][f.Name] = dm.Class.Node.Name.Name
				}
			}
		}
	}
	if len(privileged) == 0 {
		return
	}
	// reads finds data.role, data["role"] or data.get("role") in x.
	reads := func(x syntax.Expr) (input, field string) {
		syntax.Inspect(x, func(n syntax.Node) bool {
			var recv syntax.Expr
			key := ""
			switch v := n.(type) {
			case *syntax.Attribute:
				recv, key = v.Value, v.Attr.Name
			case *syntax.Subscript:
				recv = v.Value
				key, _ = constStr(v.Slice)
			case *syntax.Call:
				if a, ok := v.Func.(*syntax.Attribute); ok && a.Attr.Name == "get" && len(v.Args) > 0 {
					recv = a.Value
					key, _ = constStr(v.Args[0])
				}
			}
			if r, ok := recv.(*syntax.Name); ok && privileged[r.ID][key] != "" {
				input, field = r.ID, key
			}
			return input == ""
		})
		return input, field
	}
	report := func(at syntax.Node, input, field, how string) {
		p.Report(e.Module, at, "%s stores %s.%s, a privileged field of the %s input the client sends, with %s: a caller can set it",
			routeName(e), input, field, privileged[input][field], how)
	}
	h := e.Handler
	for _, st := range h.Node.Body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			switch v := n.(type) {
			case *syntax.FunctionDef, *syntax.ClassDef, *syntax.Lambda:
				return false
			case *syntax.Assign:
				for _, t := range v.Targets {
					a, ok := t.(*syntax.Attribute)
					if !ok {
						continue
					}
					if row, ok := a.Value.(*syntax.Name); ok && ormLocal(p, e, row.ID) {
						if input, field := reads(v.Value); input != "" {
							report(v, input, field, "an assignment to "+e.Module.File.Text(t))
							return false
						}
					}
				}
			case *syntax.Call:
				orm := v.CalleeName() == "setattr" && len(v.Args) == 3
				if !orm {
					dm := p.Model.ModelOf(p.Prog.Qualify(h.Scope, v.Func))
					orm = dm != nil && dm.ORM
				}
				if !orm {
					return true
				}
				var values []syntax.Expr
				if v.CalleeName() == "setattr" {
					values = v.Args[2:]
				}
				for _, kw := range v.Keywords {
					if kw.Arg != nil {
						values = append(values, kw.Value)
					}
				}
				for _, x := range values {
					if input, field := reads(x); input != "" {
						report(v, input, field, callText(e.Module.File, v))
						return false
					}
				}
			}
			return true
		})
	}
}
