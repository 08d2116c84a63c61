package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/openapi"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The mass-assignment check confirms FA909 by read-back: it reads the
// user's own resource, updates it with privileged fields the resource
// shows (is_admin, role, permissions...) set to privileged values, reads
// it again, and reports the fields that took the values. It then sends
// the original values back. It changes data, so it runs only with
// --allow-unsafe.
func init() {
	rules.Register(&rules.Rule{
		ID: "FA909", Name: "mass-assignment-confirmed", Title: "Privileged field set by a user (mass assignment confirmed live)",
		Category: "access-control", Severity: finding.High, Confidence: finding.HighConfidence,
		CWE: []int{915}, OWASP: []string{"API3:2023", "A08:2021"},
		Remediation: "Accept a request model without privileged fields (extra=\"forbid\"), copy the allowed fields one by one, and set roles, flags and owners on the server only.",
		Doc: rules.Doc{
			What: "A live update of the user's own resource (`PATCH /users/me`, `PUT /profile`, `PATCH /users/{user_id}` " +
				"with the user's own id) that stores a privileged field sent by the user: `is_admin`, `is_superuser`, " +
				"`is_staff`, `role`, `permissions`, `is_verified`, `balance`, or an owner id. Found by `probe` with a user " +
				"and `--allow-unsafe`. The probe reads the resource (the matching `GET`, or `GET /users/me`), sends an " +
				"update with the privileged fields the resource shows set to privileged values (`true`, `\"admin\"`, " +
				"`[\"admin\"]`, the other user's id), reads the resource again and reports the fields that now hold the " +
				"values sent and did not before. Fields the request schema documents are reported too, since no " +
				"ordinary user should be able to set them; the message says whether each one is documented, marked " +
				"`readOnly` or absent from the schema. This is the live confirmation of FA305.\n\n" +
				"**This check changes data on the target.** It only sends fields the resource shows, so that every " +
				"change can be seen and undone; right after the read-back it sends the original values again and " +
				"reads the resource once more. When that fails, a `probe restore` diagnostic names the field, its " +
				"current and its original value: set it back by hand. Run it against a test or staging deployment " +
				"with a test account.",
			Why: "A user who can send `\"is_admin\": true` or `\"role\": \"admin\"` in a profile update promotes " +
				"themselves to administrator; one who can send `owner_id` moves objects between accounts; one who " +
				"can send `balance` mints money (broken object property level authorization). FastAPI makes it easy: " +
				"one model serves for reading and writing, or `setattr` copies every field the client sent.",
			Example: "class UserUpdate(BaseModel):\n    full_name: str | None = None\n    is_admin: bool | None = None\n\n" +
				"@app.patch(\"/users/me\", response_model=User)\n" +
				"def update_me(body: UserUpdate, user: UserRow = Depends(current_user), db: Session = Depends(get_db)):\n" +
				"    for field, value in body.dict(exclude_unset=True).items():\n        setattr(user, field, value)\n" +
				"    db.commit()\n    return user\n",
			Fix: "Give the self-service route its own model with only what a user may change, reject anything else, " +
				"and copy fields explicitly:\n\n```python\nclass UserUpdateMe(BaseModel):\n" +
				"    model_config = ConfigDict(extra=\"forbid\")\n    full_name: str | None = Field(None, max_length=100)\n\n" +
				"@app.patch(\"/users/me\", response_model=User)\n" +
				"def update_me(body: UserUpdateMe, user: UserRow = Depends(current_user), db: Session = Depends(get_db)):\n" +
				"    if body.full_name is not None:\n        user.full_name = body.full_name\n    db.commit()\n    return user\n```\n\n" +
				"Roles and flags change through an administrator-only route.",
			References: []string{
				"https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/",
				"https://cwe.mitre.org/data/definitions/915.html",
				"https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html",
			},
		},
	})
	register(&Check{Name: "mass-assignment", Rules: []string{"FA909"}, Order: 80, Run: checkMassAssign})
}

// Bounds of the mass-assignment check.
const (
	maxMassOps      = 6  // operations updated
	maxMassRequests = 40 // requests the check spends
	maxMassSingles  = 4  // fields retried one at a time when the update with all of them is refused
	// massReserve is the most requests one operation sends: the read,
	// the update, a read-back per field tried alone, the restore and its
	// read-back. An operation starts only when the budget has them all.
	massReserve = 3 + 2*maxMassSingles + 2
)

// Privileged fields, by the kind of value that escalates them.
var (
	privilegedFlagRE  = regexp.MustCompile(`(?i)^(is_?)?(admin|administrator|super_?user|staff|root|moderator|verified|email_verified|approved)$`)
	privilegedRoleRE  = regexp.MustCompile(`(?i)^(role|user_?role|user_?type|account_?type|access_?level)$`)
	privilegedListRE  = regexp.MustCompile(`(?i)^(roles|permissions|privileges|scopes|groups)$`)
	privilegedMoneyRE = regexp.MustCompile(`(?i)^(balance|credits?|credit_balance)$`)
	privilegedOwnerRE = regexp.MustCompile(`(?i)^(owner_?id|tenant_?id|org(anization)?_?id|account_?id)$`)
)

// massValue is the balance or credit the check tries to set.
const massValue = 999999.0

// injection is a privileged field sent in an update.
type injection struct {
	key    string
	value  any    // sent
	before any    // what the resource showed before
	status string // "documented in the request schema", "marked readOnly", "not in the request schema"
}

// massAssign is the state of one mass-assignment check.
type massAssign struct {
	s        *Session
	u        *User
	me       *openapi.Operation
	idA, idB string
	sent     int
}

func checkMassAssign(ctx context.Context, s *Session) {
	ops := massOperations(s)
	if len(ops) == 0 {
		return
	}
	u := s.firstUser()
	if u == nil {
		s.Diag("users", "FA909 (mass assignment) needs a user: give --token or --login (%d operations update the user's own resources)", len(ops))
		return
	}
	if !s.Client.opts.AllowUnsafe {
		s.Diag("safety", "FA909 (mass assignment) changes data and runs only with --allow-unsafe (%d operations update the user's own resources)", len(ops))
		return
	}
	m := &massAssign{s: s, u: u, me: meOperation(s)}
	if m.me != nil {
		if r := m.do(ctx, u, operationRequest(m.me, nil)); r != nil && r.OK() {
			m.idA = userID(r.JSON())
		}
		if len(s.Users) > 1 {
			if r := m.do(ctx, s.Users[1], operationRequest(m.me, nil)); r != nil && r.OK() {
				m.idB = userID(r.JSON())
			}
		}
	}
	tried := 0
	for _, op := range ops {
		if tried >= maxMassOps || m.sent+massReserve > maxMassRequests || m.s.Exhausted() {
			return
		}
		if s.mayCall(op) && m.operation(ctx, op) {
			tried++
		}
	}
}

// out reports whether the check has spent its share of the budget.
func (m *massAssign) out() bool { return m.sent >= maxMassRequests || m.s.Exhausted() }

// do sends a request as a user within the check's bound.
func (m *massAssign) do(ctx context.Context, u *User, req *Request) *Response {
	if m.out() {
		return nil
	}
	return m.force(ctx, u, req)
}

// force sends a request whatever the check's bound, so that what the
// check changed is always restored: each operation starts only when the
// check's bound and the budget still hold massReserve requests.
func (m *massAssign) force(ctx context.Context, u *User, req *Request) *Response {
	m.sent++
	return m.s.Do(ctx, u.As(req))
}

// massOperations are the JSON updates of the user's own resources:
// PATCH and PUT on paths with me, profile or account or addressed by the
// user's id, and POST on the first two kinds.
func massOperations(s *Session) []*openapi.Operation {
	var out []*openapi.Operation
	for _, op := range s.Operations() {
		switch op.Method {
		case http.MethodPatch, http.MethodPut, http.MethodPost:
		default:
			continue
		}
		if op.Body == nil || !jsonBody(op.Body.ContentType) || isAuthEndpoint(op) {
			continue
		}
		own, byID := ownResource(op)
		if own || byID && op.Method != http.MethodPost {
			out = append(out, op)
		}
	}
	return out
}

// jsonBody reports a JSON request content type ("" counts as JSON).
func jsonBody(ct string) bool {
	ct = strings.ToLower(ct)
	return ct == "" || strings.Contains(ct, "json")
}

// ownSegments name the current user's own resource in a path.
var ownSegments = map[string]bool{"me": true, "self": true, "profile": true, "account": true, "current": true, "my": true}

// ownResource reports whether an operation's path names the current
// user's own resource (/users/me, /profile, /account/settings), or
// addresses a user by a path parameter (/users/{user_id}), which the
// check fills with the user's own id. Paths with other path parameters
// address other objects.
func ownResource(op *openapi.Operation) (own, byID bool) {
	for _, p := range op.PathParams() {
		if !userParam(op, p) {
			return false, false
		}
		byID = true
	}
	if byID {
		return false, true
	}
	for _, seg := range strings.Split(strings.ToLower(op.Path), "/") {
		if ownSegments[seg] {
			return true, false
		}
	}
	return false, false
}

// readBack is the GET operation that shows what an update changed: GET on
// the same path, else the "me" operation.
func (m *massAssign) readBack(op *openapi.Operation) *openapi.Operation {
	for _, g := range m.s.Operations() {
		if g.Method == http.MethodGet && g.Path == op.Path {
			return g
		}
	}
	if own, _ := ownResource(op); own || userOperation(op) {
		return m.me
	}
	return nil
}

// userOperation reports a path addressing a user by id (/users/{user_id}).
func userOperation(op *openapi.Operation) bool {
	params := op.PathParams()
	return len(params) == 1 && userParam(op, params[0]) && strings.HasSuffix(op.Path, "{"+params[0].Name+"}")
}

// operation tries one update; it reports whether it sent anything.
func (m *massAssign) operation(ctx context.Context, op *openapi.Operation) bool {
	vals := map[string]string{}
	for _, p := range op.PathParams() {
		if m.idA == "" {
			return false // the user's own id is unknown
		}
		vals[p.Name] = m.idA
	}
	rb := m.readBack(op)
	if rb == nil {
		return false
	}
	get := func() (map[string]any, *Response) {
		r := m.force(ctx, m.u, operationRequest(rb, vals))
		if r == nil || !r.OK() {
			return nil, r
		}
		obj, _ := r.JSON().(map[string]any)
		return obj, r
	}
	if m.s.Client.Remaining() < massReserve {
		m.s.Diag("budget", "%s not tested for mass assignment: fewer than %d requests left to test it and restore what it changes", opName(op), massReserve)
		return false
	}
	before, beforeResp := get()
	if before == nil {
		return false
	}
	inj := injections(op, before, m.idA, m.idB)
	if len(inj) == 0 {
		return false
	}
	base := baseBody(op, before)
	send := func(fields []injection, restore bool) *Response {
		if !restore && m.out() {
			return nil
		}
		body := map[string]any{}
		for k, v := range base {
			body[k] = v
		}
		for _, f := range fields {
			if restore {
				body[f.key] = f.before
			} else {
				body[f.key] = f.value
			}
		}
		req := operationRequest(op, vals)
		req.Header = http.Header{"Content-Type": {"application/json"}}
		req.Body, _ = json.Marshal(body)
		return m.force(ctx, m.u, req)
	}

	var (
		accepted []injection
		changed  = map[string]injection{}
		mutation *Response
		after    *Response
	)
	// check reads the resource back after an accepted update.
	check := func(fields []injection, resp *Response) {
		now, r := get()
		if now == nil {
			// The update went through and the resource cannot be read:
			// send the original values back all the same.
			m.s.Diag("restore", "%s accepted an update of %s from %s, but %s did not answer afterwards (%s)",
				opName(op), fieldValues(fields, false), m.u.Name, opName(rb), answerStatus(r))
			for _, f := range fields {
				changed[f.key] = f
			}
			return
		}
		for _, f := range fields {
			if !jsonEqual(now[f.key], f.before) {
				changed[f.key] = f
			}
			if jsonEqual(now[f.key], f.value) && !jsonEqual(f.before, f.value) {
				accepted = append(accepted, f)
				mutation, after = resp, r
			}
		}
	}
	resp := send(inj, false)
	if resp == nil {
		return true
	}
	switch {
	case resp.OK():
		check(inj, resp)
	case (resp.Status == http.StatusBadRequest || resp.Status == http.StatusUnprocessableEntity) && len(inj) > 1:
		// One field the API validates (a role enum) may sink the others.
		for i, f := range inj {
			if i == maxMassSingles || m.out() {
				break
			}
			if r := send([]injection{f}, false); r != nil && r.OK() {
				check([]injection{f}, r)
			}
		}
	}
	restored := m.restore(ctx, op, changed, send, get)
	if len(accepted) == 0 {
		return true
	}
	f := m.s.Report("FA909", opName(op), mutation, "%s let %s set %s: %s now shows %s (before: %s); %s%s",
		opName(op), m.u.Name, fieldValues(accepted, false), opName(rb), fieldValues(accepted, false), fieldValues(accepted, true),
		schemaStatus(accepted), restored)
	f.Evidence = []finding.Step{
		exchangeStep(beforeResp, fmt.Sprintf("before: %s", fieldValues(accepted, true))),
		exchangeStep(mutation, fmt.Sprintf("update with %s answered %d", fieldValues(accepted, false), mutation.Status)),
		exchangeStep(after, fmt.Sprintf("read back: %s", fieldValues(accepted, false))),
	}
	return true
}

// restore sends the original values of the changed fields back and checks
// them; it returns the sentence the finding ends with, and leaves a
// diagnostic for each field it could not restore.
func (m *massAssign) restore(ctx context.Context, op *openapi.Operation, changed map[string]injection,
	send func([]injection, bool) *Response, get func() (map[string]any, *Response)) string {
	if len(changed) == 0 {
		return ""
	}
	var fields []injection
	for _, f := range changed {
		fields = append(fields, f)
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i].key < fields[j].key })
	var now map[string]any
	if r := send(fields, true); r != nil && r.OK() {
		now, _ = get()
	}
	var failed []string
	for _, f := range fields {
		if now == nil || !jsonEqual(now[f.key], f.before) {
			cur := "unknown"
			if now != nil {
				cur = jsonText(now[f.key])
			}
			failed = append(failed, f.key)
			m.s.Diag("restore", "could not restore %s of %s's resource after %s: it is now %s, it was %s; set it back by hand",
				f.key, m.u.Name, opName(op), cur, jsonText(f.before))
		}
	}
	if len(failed) > 0 {
		return fmt.Sprintf("; restoring %s failed (see the restore diagnostics)", strings.Join(failed, ", "))
	}
	return "; the original values were restored (sent back and read back)"
}

// injections are the privileged fields of a resource to set, with the
// value that escalates each: true for flags, "admin" (or the schema's
// admin-like enum value) for roles, ["admin"] for permission lists, a large
// balance, the other user's id for an owner id of user A's. Only fields
// the resource shows are sent, so every change can be read back and
// undone.
func injections(op *openapi.Operation, before map[string]any, idA, idB string) []injection {
	var props map[string]*openapi.Schema
	if op.Body != nil && op.Body.Schema != nil {
		props = op.Body.Schema.Properties
	}
	var out []injection
	for key, cur := range before {
		prop := props[key]
		v, ok := escalate(key, cur, prop, idA, idB)
		if !ok {
			continue
		}
		status := "not in the request schema"
		switch {
		case prop != nil && prop.ReadOnly:
			status = "marked readOnly in the request schema"
		case prop != nil:
			status = "documented in the request schema"
		}
		out = append(out, injection{key: key, value: v, before: cur, status: status})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// escalate is the privileged value for a field, when its name and current
// value call for one that differs from it.
func escalate(key string, cur any, prop *openapi.Schema, idA, idB string) (any, bool) {
	switch {
	case privilegedFlagRE.MatchString(key):
		if b, ok := cur.(bool); cur == nil || ok && !b {
			return true, true
		}
	case privilegedRoleRE.MatchString(key):
		s, ok := cur.(string)
		if cur != nil && !ok || strings.Contains(strings.ToLower(s), "admin") {
			return nil, false
		}
		if prop != nil && len(prop.Enum) > 0 {
			for _, e := range prop.Enum {
				if es, ok := e.(string); ok && es != s && adminLike(es) {
					return es, true
				}
			}
			return nil, false
		}
		return "admin", true
	case privilegedListRE.MatchString(key):
		list, ok := cur.([]any)
		if cur != nil && !ok {
			return nil, false
		}
		for _, e := range list {
			if s, ok := e.(string); !ok || adminLike(s) {
				return nil, false // objects, or admin already
			}
		}
		return []any{"admin"}, true
	case privilegedMoneyRE.MatchString(key):
		if n, ok := cur.(float64); ok && n < massValue {
			return massValue, true
		}
	case privilegedOwnerRE.MatchString(key):
		if idA == "" || idB == "" || idA == idB || scalarString(cur) != idA {
			return nil, false
		}
		if _, ok := cur.(float64); ok {
			var n float64
			if _, err := fmt.Sscan(idB, &n); err == nil {
				return n, true
			}
			return nil, false
		}
		return idB, true
	}
	return nil, false
}

// adminLike reports a role name that grants administration.
func adminLike(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "admin") || strings.Contains(s, "super") || s == "root" || s == "owner"
}

// baseBody is the rest of the update: the request schema's required
// fields (every documented writable field for PUT, which replaces the
// resource), with the values the resource has, else examples.
func baseBody(op *openapi.Operation, before map[string]any) map[string]any {
	body := map[string]any{}
	if op.Body == nil || op.Body.Schema == nil {
		return body
	}
	sc := op.Body.Schema
	for _, k := range sc.Required {
		if v, ok := before[k]; ok {
			body[k] = v
		} else if p := sc.Properties[k]; p != nil {
			body[k] = p.Example()
		}
	}
	if op.Method == http.MethodPut {
		for k, p := range sc.Properties {
			if v, ok := before[k]; ok && (p == nil || !p.ReadOnly) {
				body[k] = v
			}
		}
	}
	return body
}

// fieldValues lists fields with the values sent (or, with before, the values
// they had): is_admin=true, role="admin".
func fieldValues(fields []injection, before bool) string {
	var parts []string
	for _, f := range fields {
		v := f.value
		if before {
			v = f.before
		}
		parts = append(parts, f.key+"="+jsonText(v))
	}
	return strings.Join(parts, ", ")
}

// schemaStatus says, per field, whether the request schema documents it.
func schemaStatus(fields []injection) string {
	by := map[string][]string{}
	var order []string
	for _, f := range fields {
		if by[f.status] == nil {
			order = append(order, f.status)
		}
		by[f.status] = append(by[f.status], f.key)
	}
	var parts []string
	for _, st := range order {
		parts = append(parts, strings.Join(by[st], ", ")+" "+isAre(len(by[st]))+" "+st)
	}
	return strings.Join(parts, "; ")
}

// answerStatus describes an answer, or its absence.
func answerStatus(r *Response) string {
	if r == nil {
		return "no answer"
	}
	return fmt.Sprintf("status %d", r.Status)
}

// isAre agrees with a count.
func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// jsonText renders a value as JSON.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// jsonEqual compares decoded JSON values.
func jsonEqual(a, b any) bool { return reflect.DeepEqual(a, b) }
