package rules

import (
	"sort"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// privilegedFieldRE names fields only the server or an administrator may set.
var privilegedFieldRE = namere.MustCompile(`(?i)^((is_)?(admin|superuser|super_user|staff|root|moderator)|role|roles|user_role|user_type|account_type|permissions?|privileges?|access_level|(is_)?(email_)?verified|is_email_verified|(is_)?approved|owner_id|balance|credits?)$`)

func init() {
	Register(&Rule{
		ID: "FA305", Name: "mass-assignment", Title: "Mass assignment of privileged fields",
		Category: "access-control", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{915}, OWASP: []string{apiPropertyAuthz, webAccess},
		Remediation: "Accept a request model without privileged fields (UserUpdateMe without is_admin), copy fields one by one, or exclude the privileged ones; set owners and roles on the server.",
		Doc: Doc{
			What: "Routes without a role check whose request body lets the client set what only the server should: " +
				"a request model with privileged fields (`is_admin`, `is_superuser`, `role`, `permissions`, `is_verified`, " +
				"`owner_id`, `balance`, ...), reported at the field; a request model or untyped request data splatted into an " +
				"ORM model (`User(**user_in.dict())`, `Item(**row)`) or copied with a `setattr` loop or `.update(**data)`, " +
				"reported at the copy; an SQLModel or SQLAlchemy table model taken directly as the body; and request models " +
				"with `extra=\"allow\"`. GraphQL mutations count too: a privileged field of a Strawberry `@strawberry.input` " +
				"or Graphene `InputObjectType` argument is reported where the resolver stores it, the input splatted or " +
				"setattr-copied onto an ORM row (`User(**strawberry.asdict(data))`), or the field assigned to a row " +
				"(`user.role = data.role`, `Project(owner_id=data.owner_id)`); a privileged input field the resolver " +
				"only reads is not.",
			Why: "A user who can send `\"is_admin\": true` in a sign-up or profile update promotes themselves; one who can " +
				"send `id` or `owner_id` in an import overwrites other users' rows (broken object property level " +
				"authorization).",
			Example: "class UserUpdate(BaseModel):\n    full_name: str | None = None\n    is_admin: bool | None = None\n\n" +
				"@router.patch(\"/users/me\")\ndef update_me(user_in: UserUpdate, user: CurrentUser, db: SessionDep):\n" +
				"    for field, value in user_in.dict(exclude_unset=True).items():\n        setattr(user, field, value)\n",
			Fix: "```python\nclass UserUpdateMe(BaseModel):\n    full_name: str | None = None\n\n" +
				"@router.patch(\"/users/me\")\ndef update_me(user_in: UserUpdateMe, user: CurrentUser, db: SessionDep):\n" +
				"    user.full_name = user_in.full_name\n```",
			References: []string{
				"https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/",
				"https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html",
			},
		},
		Check: func(p *Pass) {
			fieldDone := map[syntax.Stmt]bool{}
			classDone := map[*fastapi.DataModel]bool{}
			for _, e := range p.Model.Endpoints {
				if len(e.Authz) > 0 || len(e.Scopes) > 0 || e.Handler == nil || devOnly(e) {
					continue
				}
				if _, authz := p.Model.EndpointChecks(e); authz {
					continue
				}
				bodies := map[string]*fastapi.Param{}
				for _, prm := range e.Params {
					if prm.Kind != fastapi.BodyParam && prm.Kind != fastapi.FormParam && prm.Kind != fastapi.FileParam {
						continue
					}
					bodies[prm.Name] = prm
					if prm.TypeExpr == nil {
						continue
					}
					for _, dm := range p.Model.ModelsIn(e.Handler.Outer, prm.TypeExpr) {
						if dm.ORM {
							p.Report(e.Module, prm.Arg, "%s takes the table model %s as its body: the client sets every column, id and owner included",
								routeName(e), dm.Class.Node.Name.Name)
							continue
						}
						if dm.Extra == "allow" && !classDone[dm] {
							classDone[dm] = true
							p.Report(dm.Class.Module, dm.Class.Node, "%s accepts extra fields (extra=\"allow\") and is the body of %s: unknown keys reach the code that copies it",
								dm.Class.Node.Name.Name, routeName(e))
						}
						for _, f := range p.Model.AllFields(dm) {
							if privilegedFieldRE.MatchString(f.Name) && !fieldDone[f.Node] {
								fieldDone[f.Node] = true
								p.Report(f.Class.Module, f.Node, "%s.%s is accepted from the body of %s, which checks no role: a caller can set it",
									dm.Class.Node.Name.Name, f.Name, routeName(e))
							}
						}
					}
				}
				for _, prm := range e.Params {
					if prm.Kind == fastapi.SpecialParam && strings.HasSuffix(prm.Type, "Request") {
						bodies[prm.Name] = prm // read through await request.json() / form()
					}
				}
				inputs := graphqlInputs(p, e) // see fa305_graphql.go
				for _, prm := range e.Params {
					if inputs[prm.Name] != nil {
						bodies[prm.Name] = prm
					}
				}
				if len(bodies) > 0 {
					massCopies(p, e, bodies, inputs)
				}
				if inputs != nil {
					graphqlFieldWrites(p, e, inputs)
				}
			}
		},
	})
}

// massCopies reports request data copied wholesale onto ORM rows in a
// handler: Model(**data), setattr loops and .update(**data). inputs are the
// models of GraphQL input arguments among bodies.
func massCopies(p *Pass, e *fastapi.Endpoint, bodies map[string]*fastapi.Param, inputs map[string][]*fastapi.DataModel) {
	h := e.Handler
	derived := map[string]*fastapi.Param{} // local name -> the body it comes from
	requests := map[string]*fastapi.Param{}
	for n, prm := range bodies {
		if prm.Kind == fastapi.SpecialParam {
			requests[n] = prm
		} else {
			derived[n] = prm
		}
	}
	// readBody is the Request whose body an expression reads
	// (await request.json()), or nil.
	readBody := func(x syntax.Expr) *fastapi.Param {
		var found *fastapi.Param
		syntax.Inspect(x, func(n syntax.Node) bool {
			if c, ok := n.(*syntax.Call); ok {
				if a, ok := c.Func.(*syntax.Attribute); ok && (a.Attr.Name == "json" || a.Attr.Name == "form") {
					if r, ok := a.Value.(*syntax.Name); ok && requests[r.ID] != nil {
						found = requests[r.ID]
					}
				}
			}
			return found == nil
		})
		return found
	}
	from := func(x syntax.Expr) *fastapi.Param {
		var found *fastapi.Param
		syntax.Inspect(x, func(n syntax.Node) bool {
			if name, ok := n.(*syntax.Name); ok && derived[name.ID] != nil {
				found = derived[name.ID]
			}
			return found == nil
		})
		return found
	}
	bind := func(target syntax.Expr, src *fastapi.Param) bool {
		changed := false
		syntax.Inspect(target, func(n syntax.Node) bool {
			if name, ok := n.(*syntax.Name); ok && derived[name.ID] == nil {
				derived[name.ID] = src
				changed = true
			}
			return true
		})
		return changed
	}
	for round := 0; round < 4; round++ {
		changed := false
		for _, st := range h.Node.Body {
			syntax.Inspect(st, func(n syntax.Node) bool {
				switch v := n.(type) {
				case *syntax.FunctionDef, *syntax.ClassDef:
					return false
				case *syntax.Assign:
					src := from(v.Value)
					if src == nil {
						src = readBody(v.Value)
					}
					if src != nil {
						for _, t := range v.Targets {
							changed = bind(t, src) || changed
						}
					}
				case *syntax.For:
					if src := from(v.Iter); src != nil {
						changed = bind(v.Target, src) || changed
					}
				}
				return true
			})
		}
		if !changed {
			break
		}
	}
	reported := false
	for _, st := range h.Node.Body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			if reported {
				return false
			}
			switch v := n.(type) {
			case *syntax.FunctionDef, *syntax.ClassDef:
				return false
			case *syntax.Assign:
				// records[i] = {**record, **data}: request data merged into a
				// stored record.
				d, ok := v.Value.(*syntax.Dict)
				if !ok || len(v.Targets) != 1 {
					return true
				}
				if _, stored := v.Targets[0].(*syntax.Subscript); !stored {
					return true
				}
				for i, k := range d.Keys {
					if k != nil {
						continue
					}
					if src := from(d.Values[i]); src != nil {
						how := "a dict merge into " + e.Module.File.Text(v.Targets[0])
						reported = reportCopy(p, e, v, how, src, inputs)
						break
					}
				}
			case *syntax.For:
				// for k, v in data.items(): setattr(obj, k, v)
				src := from(v.Iter)
				if src == nil {
					return true
				}
				for _, inner := range v.Body {
					syntax.Inspect(inner, func(m syntax.Node) bool {
						c, ok := m.(*syntax.Call)
						if ok && !reported && c.CalleeName() == "setattr" && len(c.Args) == 3 && from(c.Args[1]) != nil {
							reported = reportCopy(p, e, c, callText(e.Module.File, c), src, inputs)
						}
						return !reported
					})
				}
			case *syntax.Call:
				var data syntax.Expr
				switch {
				case v.CalleeName() == "update" || v.CalleeName() == "sqlmodel_update":
					if len(v.Args) == 1 {
						data = v.Args[0]
					}
					for _, kw := range v.Keywords {
						if kw.Arg == nil {
							data = kw.Value
						}
					}
					if data != nil && !ormReceiver(p, e, v) {
						data = nil
					}
				default:
					if dm := p.Model.ModelOf(p.Prog.Qualify(h.Scope, v.Func)); dm != nil && dm.ORM {
						for _, kw := range v.Keywords {
							if kw.Arg == nil {
								data = kw.Value
							}
						}
					}
				}
				if data != nil {
					if src := from(data); src != nil {
						reported = reportCopy(p, e, v, callText(e.Module.File, v), src, inputs)
					}
				}
			}
			return !reported
		})
	}
}

// ormReceiver reports obj.update(...) where obj is not a plain dict: a
// row loaded or a model built in the handler.
func ormReceiver(p *Pass, e *fastapi.Endpoint, c *syntax.Call) bool {
	attr, ok := c.Func.(*syntax.Attribute)
	if !ok {
		return false
	}
	if c.CalleeName() == "sqlmodel_update" {
		return true
	}
	name, ok := attr.Value.(*syntax.Name)
	return ok && ormLocal(p, e, name.ID)
}

// ormLocal reports a handler variable holding a stored record: a
// dependency's result, or a value built from an ORM model.
func ormLocal(p *Pass, e *fastapi.Endpoint, local string) bool {
	for _, prm := range e.Params {
		if prm.Name == local && prm.Kind == fastapi.DependencyParam {
			return true // the current user or a loaded row from a dependency
		}
	}
	// item = db.get(Item, item_id), item = Item(...), item = select(Item)...
	orm := false
	for _, st := range e.Handler.Node.Body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			a, ok := n.(*syntax.Assign)
			if !ok || orm || len(a.Targets) != 1 {
				return !orm
			}
			if t, ok := a.Targets[0].(*syntax.Name); !ok || t.ID != local {
				return true
			}
			syntax.Inspect(a.Value, func(m syntax.Node) bool {
				if ref, ok := m.(*syntax.Name); ok {
					if dm := p.Model.ModelOf(p.Prog.Qualify(e.Handler.Scope, ref)); dm != nil && dm.ORM {
						orm = true
					}
				}
				return !orm
			})
			return !orm
		})
	}
	return orm
}

// reportCopy reports one copy if the data can carry privileged fields: a
// model that declares them (and does not exclude them), or data of unknown
// shape.
func reportCopy(p *Pass, e *fastapi.Endpoint, at syntax.Node, how string, src *fastapi.Param, inputs map[string][]*fastapi.DataModel) bool {
	// user_in.model_dump(exclude={...}) anywhere in the handler.
	excluded := map[string]bool{}
	for _, st := range e.Handler.Node.Body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			call, ok := n.(*syntax.Call)
			if !ok {
				return true
			}
			attr, ok := call.Func.(*syntax.Attribute)
			if !ok {
				return true
			}
			if recv, ok := attr.Value.(*syntax.Name); !ok || recv.ID != src.Name {
				return true
			}
			x := call.Keyword("exclude")
			if x == nil {
				return true
			}
			names, _ := stringList(p.Prog, e.Handler.Scope, x)
			for _, name := range names {
				excluded[name] = true
			}
			if d, ok := x.(*syntax.Dict); ok {
				for _, k := range d.Keys {
					if s, ok := constStr(k); ok {
						excluded[s] = true
					}
				}
			}
			return true
		})
	}
	var models []*fastapi.DataModel
	if src.Kind == fastapi.BodyParam && src.TypeExpr != nil {
		models = p.Model.ModelsIn(e.Handler.Outer, src.TypeExpr)
	}
	if ms := inputs[src.Name]; ms != nil && src.Kind == fastapi.GraphQLArg {
		models = ms
	}
	if len(models) == 0 {
		p.Report(e.Module, at, "%s copies request data of any shape from %s onto a stored record with %s: the client chooses the columns, id and owner included",
			routeName(e), src.Name, how)
		return true
	}
	var names []string
	for _, dm := range models {
		for _, f := range p.Model.AllFields(dm) {
			if privilegedFieldRE.MatchString(f.Name) && !excluded[f.Name] {
				names = append(names, f.Name)
			}
		}
	}
	if len(names) == 0 {
		return false
	}
	sort.Strings(names)
	p.Report(e.Module, at, "%s copies every field of %s onto a stored record with %s, privileged %s included",
		routeName(e), src.Name, how, strings.Join(names, ", "))
	return true
}
