package rules

import (
	"regexp"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// loadRE names calls that load, change or delete records.
var loadRE = namere.MustCompile(`(?i)^(get|get_or_404|get_object_or_404|get_by_id|first|one|one_or_none|scalar|scalars|scalar_one|scalar_one_or_none|filter|filter_by|where|find|find_one|find_by_id|fetch\w*|execute|delete|update|remove)$|^(get|read|fetch|find|load|retrieve|lookup|delete|update|remove)_\w+$`)

// tenantRE names path parameters that scope a route to a tenant
// (/orgs/{org_id}/items/{item_id}): such apps share objects within the
// tenant and authorize the tenant, not each object's owner.
var tenantRE = namere.MustCompile(`(?i)^(org|orga|organization|organisation|tenant|workspace|team|company|account|realm|namespace|group|household)(_?(id|slug|name|key|uuid))?$`)

// tenantScoped reports a route with a tenant path parameter.
func tenantScoped(e *fastapi.Endpoint) bool {
	for _, m := range pathParamRE.FindAllStringSubmatch(e.FullPath, -1) {
		if tenantRE.MatchString(m[1]) {
			return true
		}
	}
	return false
}

// pathParamRE matches the parameters of a path template: {name} or {name:path}.
var pathParamRE = regexp.MustCompile(`\{(\w+)(?::\w+)?\}`)

func init() {
	Register(&Rule{
		ID: "FA302", Name: "bola", Title: "Object loaded by id without an ownership check",
		Category: "access-control", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{639}, OWASP: []string{apiBOLA, webAccess},
		Remediation: "Filter the query by the current user (or tenant), or compare the loaded object's owner with the current user and refuse before returning, changing or deleting it; or use an ownership dependency.",
		Doc: Doc{
			What: "An authenticated route that loads an object by a client-supplied id from the path, or for PUT, PATCH " +
				"and DELETE from an identifying body field (`body.item_id`, `body.username`) (`db.get(Item, " +
				"item_id)`, `query(...).filter(Item.id == item_id)`, `select(...).where(...)`, repository helpers) when " +
				"neither the query nor the handler refers to the authenticated user, and no dependency of the route " +
				"authorizes (ownership dependencies such as `get_owned_item`, role checks, scopes). Routes scoped to a tenant " +
				"in their path (`/orgs/{org_id}/...`) and class-based views (whose user lives on the instance) are not " +
				"judged: there the scope is the tenant's, which the path dependency authorizes. GraphQL resolvers count too: " +
				"root fields with an id argument, and resolver methods of the Strawberry types an authenticated root field " +
				"returns (`Account.invoice(invoice_id)`) unless they read the caller from `info.context`, scope the load to " +
				"their parent (`self`), or have permission classes of their own.",
			Why: "Broken object level authorization is the most common API vulnerability: any signed-in user changes the " +
				"id in the URL and reads, edits or deletes other users' orders, documents and accounts. Authentication " +
				"alone does not prevent it.",
			Example: "@router.get(\"/items/{item_id}\")\ndef read_item(item_id: int, db: SessionDep, user: CurrentUser):\n    return db.get(Item, item_id)\n",
			Fix: "```python\n@router.get(\"/items/{item_id}\")\ndef read_item(item_id: int, db: SessionDep, user: CurrentUser):\n" +
				"    item = db.get(Item, item_id)\n    if item is None or item.owner_id != user.id:\n        raise HTTPException(404)\n    return item\n```",
			References: []string{
				"https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/",
			},
		},
		Check: func(p *Pass) {
			byFunc := map[*semantic.Function][]*semantic.CallSite{}
			for _, c := range p.Index.Calls {
				if c.Func != nil {
					byFunc[c.Func] = append(byFunc[c.Func], c)
				}
			}
			for _, e := range p.Model.Endpoints {
				keys := clientKeys(e)
				if e.Auth == nil || len(e.Authz) > 0 || len(e.Scopes) > 0 || e.Handler == nil || len(keys) == 0 || tenantScoped(e) {
					continue
				}
				if e.Handler.Class != nil && e.GraphQL == nil {
					continue // a class-based view: the user and its scope live on the instance
				}
				users := e.UserParams()
				if refersTo(e.Handler.Node.Body, users) || e.ReadsCaller() {
					continue // the handler uses the user: a filter or a check
				}
				if _, authz := p.Model.EndpointChecks(e); authz {
					continue
				}
				for _, c := range byFunc[e.Handler] {
					name := c.Call.CalleeName()
					if !loadRE.MatchString(name) || !usesKey(c.Call, keys) {
						continue
					}
					who := "the current user"
					if len(users) > 0 {
						who = users[0]
					}
					p.Report(c.Module, c.Call, "%s loads an object by a client-supplied id with %s and neither the query nor the handler checks that it belongs to %s",
						routeName(e), callText(c.Module.File, c.Call), who)
					break
				}
			}
			nestedBOLA(p, byFunc) // see fa302_graphql.go
		},
	})
}

// bodyKeyRE names body fields that identify an object: changing one of
// them in a PUT, PATCH or DELETE body addresses another user's record.
var bodyKeyRE = namere.MustCompile(`(?i)^(id|\w+_id|uuid|\w+_uuid|username|user_name|email)$`)

// clientKeys returns what identifies the object a request addresses: path
// parameters naming an object ("item_id"), and for PUT, PATCH and DELETE,
// identifying fields of the body ("body.username"). Names are bare
// parameters; dotted ones are body fields.
func clientKeys(e *fastapi.Endpoint) map[string]bool {
	keys := map[string]bool{}
	for _, id := range objectParams(e) {
		keys[id.Name] = true
	}
	if !changesObjectMethod(e) || e.Handler == nil {
		return keys
	}
	for _, prm := range e.Params {
		if prm.Kind != fastapi.BodyParam {
			continue
		}
		// Fields are matched by name where the handler reads them.
		syntax.Inspect(e.Handler.Node, func(n syntax.Node) bool {
			if a, ok := n.(*syntax.Attribute); ok {
				if v, ok := a.Value.(*syntax.Name); ok && v.ID == prm.Name && bodyKeyRE.MatchString(a.Attr.Name) {
					keys[prm.Name+"."+a.Attr.Name] = true
				}
			}
			return true
		})
	}
	return keys
}

// usesKey reports whether a call's arguments mention a client key: a bare
// parameter name, or a body field (body.username).
func usesKey(c *syntax.Call, keys map[string]bool) bool {
	found := false
	check := func(n syntax.Node) bool {
		switch v := n.(type) {
		case *syntax.Attribute:
			if name, ok := v.Value.(*syntax.Name); ok && keys[name.ID+"."+v.Attr.Name] {
				found = true
			}
		case *syntax.Name:
			if keys[v.ID] {
				found = true
			}
		}
		return !found
	}
	for _, a := range c.Args {
		syntax.Inspect(a, check)
	}
	for _, kw := range c.Keywords {
		syntax.Inspect(kw.Value, check)
	}
	if !found {
		if a, ok := c.Func.(*syntax.Attribute); ok {
			syntax.Inspect(a.Value, check) // query(Item).filter(Item.id == item_id).first()
		}
	}
	return found
}

// refersTo reports whether statements mention one of the names.
func refersTo(body []syntax.Stmt, names []string) bool {
	if len(names) == 0 {
		return false
	}
	set := map[string]bool{}
	for _, n := range names {
		set[n] = true
	}
	found := false
	for _, st := range body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			if name, ok := n.(*syntax.Name); ok && set[name.ID] {
				found = true
			}
			return !found
		})
	}
	return found
}
