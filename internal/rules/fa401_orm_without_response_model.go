package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

func init() {
	Register(&Rule{
		ID: "FA401", Name: "orm-without-response-model", Title: "ORM objects returned without a response model",
		Category: "data-exposure", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{213}, OWASP: []string{apiPropertyAuthz, webAccess},
		Remediation: "Declare a response_model (or a return annotation) with the public fields only, so FastAPI filters the row before sending it.",
		Doc: Doc{
			What: "A route with no `response_model` and no Pydantic return annotation (or with a table model as either) " +
				"that returns ORM rows: a row loaded with `db.get(Model, id)`, `select(Model)`, `query(Model)`, built with " +
				"`Model(...)`, or the current user object from an authentication dependency.",
			Why: "Without a response model FastAPI serialises every column of the row: password hashes, internal flags, " +
				"other users' ids, and any column added later. The API's output is then decided by the database schema, " +
				"not by a reviewed contract.",
			Example: "@router.get(\"/items/\")\ndef read_items(db: SessionDep):\n    return db.execute(select(Item)).scalars().all()\n",
			Fix: "```python\n@router.get(\"/items/\", response_model=list[ItemPublic])\ndef read_items(db: SessionDep):\n" +
				"    return db.execute(select(Item)).scalars().all()\n```",
			References: []string{
				"https://fastapi.tiangolo.com/tutorial/response-model/",
				"https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/",
			},
		},
		Check: func(p *Pass) {
			for _, e := range p.Model.Endpoints {
				if e.Handler == nil || e.ResponseClass != nil || !declaresNoPublicModel(p, e) {
					continue
				}
				if ret, model := returnsORM(p, e); ret != nil {
					p.Report(e.Module, ret, "%s returns %s rows with no response_model: every column is sent to the client",
						routeName(e), model)
				}
			}
		},
	})
}

// declaresNoPublicModel reports a route whose response is not filtered by a
// Pydantic model: no response_model (or a table model), and no Pydantic
// return annotation.
func declaresNoPublicModel(p *Pass, e *fastapi.Endpoint) bool {
	filtered := func(s *semantic.Scope, typ syntax.Expr) bool {
		for _, dm := range p.Model.ModelsIn(s, typ) {
			if !dm.ORM {
				return true
			}
		}
		return false
	}
	if e.ResponseModel != nil {
		return !isNone(e.ResponseModel) && !filtered(e.Module.Scope, e.ResponseModel)
	}
	if _, set := e.Kwargs["response_model"]; set {
		return false // response_model=None: the author opted out on purpose
	}
	if r := e.Handler.Node.Returns; r != nil && filtered(e.Handler.Outer, r) {
		return false
	}
	return true
}

// returnsORM finds a return statement whose value is an ORM row (or rows),
// and names the model.
func returnsORM(p *Pass, e *fastapi.Endpoint) (syntax.Node, string) {
	h := e.Handler
	// Names bound to rows in the handler, and dependency parameters whose
	// function returns a mapped class (the current user).
	rows := map[string]string{}
	for _, prm := range e.Params {
		if prm.Kind == fastapi.DependencyParam && prm.Dep != nil && prm.Dep.Func != nil && prm.Dep.Func.Node.Returns != nil {
			if m := ormIn(p, prm.Dep.Func.Outer, prm.Dep.Func.Node.Returns); m != "" {
				rows[prm.Name] = m
			}
		}
	}
	var ret syntax.Node
	model := ""
	for _, st := range h.Node.Body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			switch v := n.(type) {
			case *syntax.FunctionDef, *syntax.ClassDef, *syntax.Lambda:
				return false
			case *syntax.Assign:
				if m := ormValue(p, h.Scope, v.Value, rows); m != "" {
					for _, t := range v.Targets {
						if name, ok := t.(*syntax.Name); ok {
							rows[name.ID] = m
						}
					}
				}
			case *syntax.Return:
				if ret == nil && v.Value != nil {
					if m := ormValue(p, h.Scope, v.Value, rows); m != "" {
						ret, model = v, m
					}
				}
			}
			return ret == nil
		})
	}
	return ret, model
}

// ormValue names the mapped class whose rows an expression yields: it
// refers to the class itself (not one of its columns) or to a row variable,
// outside counting and serialisation into a model.
func ormValue(p *Pass, s *semantic.Scope, e syntax.Expr, rows map[string]string) string {
	found := ""
	syntax.Inspect(e, func(n syntax.Node) bool {
		switch v := n.(type) {
		case *syntax.Attribute:
			return false // Item.id, row.title, func.count: a column or a value, not the row
		case *syntax.Call:
			switch v.CalleeName() {
			case "len", "count", "str", "int", "bool", "exists", "model_validate", "from_orm", "parse_obj", "model_dump", "dict":
				return false
			}
			if dm := p.Model.ModelOf(p.Prog.Qualify(s, v.Func)); dm != nil && !dm.ORM {
				return false // Wrapped in a Pydantic model.
			}
			if attr, ok := v.Func.(*syntax.Attribute); ok {
				// db.get(Item, id).title is an attribute; db.get(...) is a call on
				// an attribute: look inside the receiver and the arguments.
				found = ormValue(p, s, attr.Value, rows)
				for _, a := range v.Args {
					if found == "" {
						found = ormValue(p, s, a, rows)
					}
				}
				return false
			}
		case *syntax.Name:
			if found == "" {
				found = ormName(p, s, v, rows)
			}
		}
		return found == ""
	})
	return found
}

// ormName names the mapped class a name refers to, or the model of a row
// variable.
func ormName(p *Pass, s *semantic.Scope, n syntax.Node, rows map[string]string) string {
	name, ok := n.(*syntax.Name)
	if !ok {
		return ""
	}
	if m := rows[name.ID]; m != "" {
		return m
	}
	if dm := p.Model.ModelOf(p.Prog.Qualify(s, name)); dm != nil && dm.ORM {
		return dm.Class.Node.Name.Name
	}
	return ""
}

// ormIn names the first mapped class a type expression names.
func ormIn(p *Pass, s *semantic.Scope, typ syntax.Expr) string {
	for _, dm := range p.Model.ModelsIn(s, typ) {
		if dm.ORM {
			return dm.Class.Node.Name.Name
		}
	}
	return ""
}
