package rules

import (
	"sort"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

var (
	// secretFieldRE names fields that must never leave the server.
	secretFieldRE = namere.MustCompile(`(?i)^(hashed_?\w*|\w*_hash(ed)?|password\w*|\w*_password|passwd|pwd|\w*secret\w*|private_key|\w*_private_key|salt|password_salt|reset_(code|token)|\w*_reset_(code|token)|otp(_\w+)?|\w*_otp|totp\w*|mfa_\w+|verification_(code|token)|recovery_codes?|ssn|social_security_number|card_number|credit_card\w*|cvv|cvc)$`)
	// credentialFieldRE names credentials a client may legitimately be given
	// once (a token from a login, a key just created) but never on a read.
	credentialFieldRE = namere.MustCompile(`(?i)^(api_?key|\w*_api_?key|access_token|refresh_token|session_token|auth_token|api_token|\w+_api_token|token)$`)
	// notSecretRE are look-alikes that are safe to show.
	notSecretRE = namere.MustCompile(`(?i)(_?(type|expires?(_at|_in)?|set|enabled|required|changed(_at)?|updated(_at)?|length|count|hint|policy|id|prefix|last4|last_four|masked|name|url|scope|scopes|algorithm)$|^has_|^is_|_at$)`)
)

func init() {
	Register(&Rule{
		ID: "FA402", Name: "sensitive-response-field", Title: "Response model exposes secrets",
		Category: "data-exposure", Severity: finding.High, Confidence: finding.HighConfidence,
		CWE: []int{200}, OWASP: []string{apiPropertyAuthz, webAccess},
		Remediation: "Return a public model without the secret fields (UserPublic instead of the ORM row), exclude them with Field(exclude=True) or response_model_exclude, or type them SecretStr.",
		Doc: Doc{
			What: "A route whose response model (`response_model=` or the return annotation, nested models and " +
				"`list[...]`/`Optional[...]` included) has fields holding secrets: password hashes, salts, reset and " +
				"verification codes, OTP/MFA secrets, private keys, card numbers; and, on GET routes, tokens and API " +
				"keys. Fields excluded with `Field(exclude=True)` or `response_model_exclude`, and `SecretStr` fields " +
				"(serialised masked), are not reported. GraphQL fields are judged on the Strawberry type they return, the " +
				"types its fields and resolver methods return included (`strawberry.Private` fields are not in the schema; " +
				"a field holding objects is judged by their type's fields).",
			Why: "FastAPI serialises every field of the response model. Returning the ORM user through a model that " +
				"declares `hashed_password` hands offline-crackable hashes, or live tokens, to any caller of the route " +
				"(broken object property level authorization).",
			Example: "class UserDetail(BaseModel):\n    email: str\n    hashed_password: str\n\n" +
				"@router.get(\"/users/{user_id}\", response_model=UserDetail)\ndef read_user(user_id: int, db: SessionDep): ...\n",
			Fix: "```python\nclass UserPublic(BaseModel):\n    email: str\n\n" +
				"@router.get(\"/users/{user_id}\", response_model=UserPublic)\ndef read_user(user_id: int, db: SessionDep): ...\n```",
			References: []string{
				"https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/",
				"https://fastapi.tiangolo.com/tutorial/response-model/",
			},
		},
		Check: func(p *Pass) {
			type key struct {
				f    *fastapi.Field
				read bool
			}
			memo := map[key]bool{}
			sensitive := func(f *fastapi.Field, read bool) bool {
				k := key{f, read}
				v, ok := memo[k]
				if !ok {
					v = sensitiveField(f, read)
					memo[k] = v
				}
				return v
			}
			for _, e := range p.Model.Endpoints {
				typ, scope := e.ResponseModel, e.Module.Scope
				if typ == nil && e.Handler != nil && e.Handler.Node.Returns != nil {
					typ, scope = e.Handler.Node.Returns, e.Handler.Outer
				}
				if typ == nil || isNone(typ) {
					continue
				}
				excluded := excludedFields(p, e)
				read := len(e.Methods) == 1 && (e.Methods[0] == "GET" || e.Methods[0] == "QUERY")
				var names []string
				var model string
				secret := false
				exposed := exposedModels(p.Model, scope, typ)
				top := ""
				if len(exposed) > 0 {
					top = exposed[0].Class.Node.Name.Name
				}
				for _, dm := range exposed {
					for _, f := range exposedFields(p.Model, dm) {
						if excluded[f.Name] || !sensitive(f, read) {
							continue
						}
						if dm.GraphQL && f.TypeExpr != nil && len(p.Model.ModelsIn(dm.Class.Scope, f.TypeExpr)) > 0 {
							continue // an object field (secrets: list[Secret]): judged by the nested type's fields
						}
						if model == "" {
							model = dm.Class.Node.Name.Name
						}
						names = append(names, f.Name)
						secret = secret || secretFieldRE.MatchString(f.Name)
					}
				}
				if len(names) == 0 {
					continue
				}
				sort.Strings(names)
				what := "field " + names[0] + " is"
				if len(names) > 1 {
					what = "fields " + strings.Join(names, ", ") + " are"
				}
				if model != top {
					model = top + " (through the nested " + model + ")"
				}
				f := p.Report(e.Module, e.Node, "%s returns %s, whose %s sent to the client", routeName(e), model, what)
				if !secret {
					// Tokens and keys: sometimes shown on purpose (an invitation, a key list).
					f.Severity, f.Confidence = finding.Medium, finding.MediumConfidence
				}
			}
		},
	})
}

// exposedModels returns the models a response type serialises, nested
// models two levels deep included (for Strawberry types, those its
// resolver methods return as well).
func exposedModels(m *fastapi.Model, s *semantic.Scope, typ syntax.Expr) []*fastapi.DataModel {
	out := m.ModelsIn(s, typ)
	seen := map[*fastapi.DataModel]bool{}
	// GraphQL root types reached again (a payload's `query: Query` field)
	// add nothing: their fields are root fields, judged as routes.
	for _, dm := range rootTypes(m) {
		seen[dm] = true
	}
	for _, dm := range out {
		seen[dm] = true
	}
	for depth, start := 0, 0; depth < 2; depth++ {
		end := len(out)
		for _, dm := range out[start:end] {
			if dm.ORM && !dm.Pydantic {
				continue // relationships of a mapped class are not serialised by name
			}
			for _, f := range exposedFields(m, dm) {
				if f.TypeExpr == nil {
					continue
				}
				for _, sub := range m.ModelsIn(dm.Class.Scope, f.TypeExpr) {
					if !seen[sub] {
						seen[sub] = true
						out = append(out, sub)
					}
				}
			}
		}
		start = end
	}
	return out
}

// exposedFields are the fields of a model a client receives: for GraphQL
// types, the declared fields but strawberry.Private ones, plus the fields
// resolved by methods; for other models, every field.
func exposedFields(m *fastapi.Model, dm *fastapi.DataModel) []*fastapi.Field {
	all := m.AllFields(dm)
	if !dm.GraphQL {
		return all
	}
	out := make([]*fastapi.Field, 0, len(all))
	for _, f := range all {
		if sub, ok := f.TypeExpr.(*syntax.Subscript); ok && strings.HasSuffix(m.Prog.Qualify(f.Class.Scope, sub.Value), "Private") {
			continue // strawberry.Private[...]: server-side state, not in the schema
		}
		out = append(out, f)
	}
	return append(out, m.ResolverFields(dm)...)
}

// rootTypes are the models of the GraphQL root types (Query, Mutation and
// their mixins) the program's servers execute.
func rootTypes(m *fastapi.Model) []*fastapi.DataModel {
	var out []*fastapi.DataModel
	seen := map[string]bool{}
	for _, srv := range m.GraphQL {
		for _, f := range srv.Fields {
			if f.Resolver == nil || f.Resolver.Class == nil || seen[f.Resolver.Class.Qual] {
				continue
			}
			seen[f.Resolver.Class.Qual] = true
			if dm := m.ModelOf(f.Resolver.Class.Qual); dm != nil {
				out = append(out, dm)
			}
		}
	}
	return out
}

// sensitiveField reports a field holding a secret; credentials count on
// read routes only.
func sensitiveField(f *fastapi.Field, read bool) bool {
	if notSecretRE.MatchString(f.Name) || strings.HasSuffix(f.Type, "SecretStr") || strings.HasSuffix(f.Type, "SecretBytes") {
		return false
	}
	if x := f.FieldKeyword("exclude"); x != nil && isTrue(x) {
		return false
	}
	if secretFieldRE.MatchString(f.Name) {
		return true
	}
	return read && credentialFieldRE.MatchString(f.Name)
}

// excludedFields reads response_model_exclude={"a", "b"} (or a dict with
// those keys).
func excludedFields(p *Pass, e *fastapi.Endpoint) map[string]bool {
	out := map[string]bool{}
	x := e.Kwargs["response_model_exclude"]
	if x == nil {
		return out
	}
	x, _ = resolveValue(p.Prog, e.Module.Scope, x)
	if d, ok := x.(*syntax.Dict); ok {
		for _, k := range d.Keys {
			if s, ok := constStr(k); ok {
				out[s] = true
			}
		}
		return out
	}
	names, _ := stringList(p.Prog, e.Module.Scope, x)
	for _, n := range names {
		out[n] = true
	}
	return out
}
