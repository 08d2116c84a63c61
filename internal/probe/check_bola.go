package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/openapi"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The BOLA check confirms broken object level authorization with two
// users: an object user A owns (it is in user A's own list, carries user
// A's id as its owner, or is addressed by user A's own id) that user B
// reads with the same answer, while it is not public (anonymous requests
// do not get it).
func init() {
	rules.Register(&rules.Rule{
		ID: "FA908", Name: "bola-confirmed", Title: "Another user's object is readable (BOLA confirmed live)",
		Category: "access-control", Severity: finding.High, Confidence: finding.HighConfidence,
		CWE: []int{639}, OWASP: []string{"API1:2023", "A01:2021"},
		Remediation: "Load objects with an owner or tenant condition (WHERE id = :id AND owner_id = :current_user) or check ownership after loading, and answer 404 for other users' objects.",
		Doc: rules.Doc{
			What: "A live `GET` operation addressed by an object id (`/items/{item_id}`, `/users/{user_id}/orders`) " +
				"gives user B an object that belongs to user A, with the same answer user A gets. Found by `probe` " +
				"when it has two users (`--token` twice, or `--login` twice). The probe takes ids user A owns from " +
				"user A's own answers (`GET /items`, `GET /users/me`), or tries small ids when the API lists none, " +
				"requests each object as user A, as user B and anonymously, and reports an operation when user B " +
				"gets user A's object although it is user A's (listed by user A and not by user B, owned by user A's " +
				"id, or addressed by user A's own id) and not public (anonymous requests do not get the same " +
				"answer). The evidence is user B's request and answer; the steps list the other two requests. The " +
				"check only sends `GET` requests and spends at most 60 of the budget. Confidence is medium when the " +
				"only sign of ownership is user A's own id in the path (the answer may be a profile every user is " +
				"meant to see) or when anonymous requests get a different 2xx answer. This is the live confirmation " +
				"of FA302.",
			Why: "Broken object level authorization is the most common and most damaging API flaw: ids are " +
				"sequential or leaked in URLs, so any user who can log in can walk through every other user's " +
				"orders, documents or messages by changing a number. Authentication alone does not prevent it; " +
				"every handler that loads an object by a client-supplied id must also check who owns it.",
			Example: "@app.get(\"/items/{item_id}\", response_model=Item)\n" +
				"def read_item(item_id: int, user: User = Depends(current_user), db: Session = Depends(get_db)):\n" +
				"    item = db.get(ItemRow, item_id)  # any user's item\n" +
				"    if item is None:\n        raise HTTPException(404)\n    return item\n",
			Fix: "Put the owner in the query, so that other users' objects look exactly like missing ones:\n\n" +
				"```python\n@app.get(\"/items/{item_id}\", response_model=Item)\n" +
				"def read_item(item_id: int, user: User = Depends(current_user), db: Session = Depends(get_db)):\n" +
				"    item = db.scalar(select(ItemRow).where(ItemRow.id == item_id, ItemRow.owner_id == user.id))\n" +
				"    if item is None:\n        raise HTTPException(404, \"Item not found\")\n    return item\n```\n\n" +
				"For routes addressed by a user id (`/users/{user_id}/orders`), compare it with the current user " +
				"(or require an administrator role) before loading anything.",
			References: []string{
				"https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/",
				"https://cwe.mitre.org/data/definitions/639.html",
				"https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html",
			},
		},
	})
	register(&Check{Name: "bola", Rules: []string{"FA908"}, Order: 70, Run: checkBOLA})
}

// Bounds of the BOLA check.
const (
	maxBOLARequests   = 60 // requests the check spends
	maxBOLACandidates = 3  // ids from a user's own list tried per operation
	maxBOLAGuesses    = 5  // small ids tried when no list gives any
)

// bola is the state of one BOLA check.
type bola struct {
	s        *Session
	a, b     *User
	idA, idB string // the users' own ids; "" when unknown
	sent     int
	lists    map[string]*ownLists // by collection path
}

// ownLists are the ids a collection operation lists for each user.
type ownLists struct {
	op   *openapi.Operation
	a, b []string // in the order listed; nil when the answer held none
	bOK  bool     // user B's list was read
}

// bolaCandidate is an id to try and why it is user A's.
type bolaCandidate struct {
	value string
	why   string // "" when nothing says yet that the object is user A's
	// weak: the id is user A's own, but the answer may be a profile any
	// user is meant to see; an owner field in it makes it strong.
	weak bool
}

func checkBOLA(ctx context.Context, s *Session) {
	ops := bolaOperations(s)
	if len(ops) == 0 {
		return
	}
	if len(s.Users) < 2 {
		s.Diag("users", "FA908 (BOLA) needs two users: give --token twice or --login twice (%d operations take object ids)", len(ops))
		return
	}
	r := &bola{s: s, a: s.Users[0], b: s.Users[1], lists: map[string]*ownLists{}}
	if !r.identify(ctx) {
		return
	}
	for _, op := range ops {
		if r.out() {
			return
		}
		r.operation(ctx, op)
	}
}

// out reports whether the check has spent its share of the budget.
func (r *bola) out() bool { return r.sent >= maxBOLARequests || r.s.Exhausted() }

// do sends a request as a user (nil: anonymously) within the check's bound.
func (r *bola) do(ctx context.Context, u *User, req *Request) *Response {
	if r.out() {
		return nil
	}
	r.sent++
	return r.s.Do(ctx, u.As(req))
}

// identify learns both users' ids from the API's "me" operation. It
// returns false when both credentials are the same user.
func (r *bola) identify(ctx context.Context) bool {
	me := meOperation(r.s)
	if me == nil {
		return true
	}
	ra := r.do(ctx, r.a, operationRequest(me, nil))
	rb := r.do(ctx, r.b, operationRequest(me, nil))
	if ra == nil || rb == nil || !ra.OK() || !rb.OK() {
		return true
	}
	r.idA, r.idB = userID(ra.JSON()), userID(rb.JSON())
	if (r.idA != "" && r.idA == r.idB) || (r.idA == "" && bytes.Equal(bytes.TrimSpace(ra.Body), bytes.TrimSpace(rb.Body))) {
		r.s.Diag("users", "%s and %s are the same user (%s answers the same for both); FA908 needs two different users", r.a.Name, r.b.Name, opName(me))
		return false
	}
	return true
}

// bolaOperations are the GET operations addressed by an object id, those
// whose ids the probe can best learn first.
func bolaOperations(s *Session) []*openapi.Operation {
	var out []*openapi.Operation
	for _, op := range s.Operations() {
		if op.Method == http.MethodGet && targetParam(op) != nil && !isAuthEndpoint(op) {
			out = append(out, op)
		}
	}
	rank := map[*openapi.Operation]int{}
	for _, op := range out {
		switch t := targetParam(op); {
		case userParam(op, t):
			rank[op] = 0
		case findCollection(s, op, t) != nil:
			rank[op] = 1
		default:
			rank[op] = 2
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return rank[out[i]] < rank[out[j]] })
	return out
}

// findCollection is the GET operation listing the objects an operation
// addresses by target: the path before "/{target}" (/items for
// /items/{item_id}).
func findCollection(s *Session, op *openapi.Operation, target *openapi.Param) *openapi.Operation {
	i := strings.Index(op.Path, "/{"+target.Name+"}")
	if i <= 0 {
		return nil
	}
	prefix := op.Path[:i]
	return s.getOperation(prefix, prefix+"/")
}

// targetParam is the path parameter an operation addresses objects by:
// the last one that looks like an object id; nil when none does.
func targetParam(op *openapi.Operation) *openapi.Param {
	var t *openapi.Param
	for _, p := range op.PathParams() {
		if idLike(p) {
			t = p
		}
	}
	return t
}

// idLike reports a path parameter that looks like an object id: named id,
// item_id, itemId, uuid or pk, or an integer or UUID.
func idLike(p *openapi.Param) bool {
	n := strings.ToLower(p.Name)
	switch {
	case n == "id" || n == "pk" || n == "uuid" || n == "uid",
		strings.HasSuffix(n, "_id") || strings.HasSuffix(n, "-id") || strings.HasSuffix(n, "_uuid"),
		strings.HasSuffix(p.Name, "Id") || strings.HasSuffix(p.Name, "ID") || strings.HasSuffix(p.Name, "Uuid"):
		return true
	}
	if p.Schema != nil {
		return p.Schema.Type == "integer" || p.Schema.Format == "uuid"
	}
	return false
}

// userPrefixes name path parameters and segments that address users.
var userPrefixes = []string{"user", "owner", "account", "member", "customer", "person", "profile", "uid"}

// separators drops the separators of a parameter name (user_id, user-id).
var separators = strings.NewReplacer("_", "", "-", "")

// userParam reports a path parameter that addresses a user: user_id,
// userId, owner_id, or {id} right after /users.
func userParam(op *openapi.Operation, p *openapi.Param) bool {
	if p == nil {
		return false
	}
	n := separators.Replace(strings.ToLower(p.Name))
	for _, w := range userPrefixes {
		if n == w || n == w+"id" || n == w+"uuid" {
			return true
		}
	}
	if n != "id" && n != "pk" && n != "uuid" {
		return false
	}
	segs := strings.Split(op.Path, "/")
	for i, seg := range segs {
		if seg == "{"+p.Name+"}" && i > 0 {
			prev := strings.ToLower(segs[i-1])
			for _, w := range userPrefixes {
				if prev == w+"s" || prev == w || prev == "people" {
					return true
				}
			}
		}
	}
	return false
}

// meRank orders the last path segments that name the current user.
var meRank = map[string]int{"me": 0, "whoami": 1, "self": 2, "current": 2, "current_user": 2, "profile": 3, "account": 3, "user": 4}

// meOperation is the GET operation that answers with the current user
// (/users/me, /me, /whoami, /profile); nil when there is none.
func meOperation(s *Session) *openapi.Operation {
	var best *openapi.Operation
	bestRank := len(meRank) + 1
	for _, op := range s.Operations() {
		if op.Method != http.MethodGet || len(op.PathParams()) > 0 {
			continue
		}
		segs := strings.Split(strings.Trim(op.Path, "/"), "/")
		if rank, ok := meRank[strings.ToLower(segs[len(segs)-1])]; ok && rank < bestRank {
			best, bestRank = op, rank
		}
	}
	return best
}

// idKeys name an object's own id, in order of preference.
var idKeys = []string{"id", "_id", "uuid", "pk", "key"}

// userIDKeys name a user object's id.
var userIDKeys = []string{"id", "user_id", "userId", "uid", "_id", "uuid", "pk"}

// ownerKeys name fields that hold the id of an object's owner.
var ownerKeys = []string{"owner_id", "ownerId", "owner", "user_id", "userId", "user", "created_by", "createdBy",
	"author_id", "authorId", "creator_id", "creatorId", "account_id", "accountId", "customer_id", "customerId",
	"member_id", "memberId", "profile_id", "profileId"}

// userID is the id of a user object ({"id": 1, ...} or {"user": {...}}).
func userID(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	if id := firstScalar(m, userIDKeys); id != "" {
		return id
	}
	for _, k := range []string{"user", "data", "account", "profile"} {
		if inner, ok := m[k].(map[string]any); ok {
			if id := firstScalar(inner, userIDKeys); id != "" {
				return id
			}
		}
	}
	return ""
}

// objectID is the id of an object; "" when it has none.
func objectID(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	return firstScalar(m, idKeys)
}

// firstScalar is the first of keys that holds a number or a string.
func firstScalar(m map[string]any, keys []string) string {
	for _, k := range keys {
		if s := scalarString(m[k]); s != "" {
			return s
		}
	}
	return ""
}

// scalarString renders a JSON number or string as a path value; "" for
// anything else.
func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		if x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case json.Number:
		return x.String()
	}
	return ""
}

// ownerOf is the owner id an object carries (owner_id, user_id, owner:
// {id}), with the field it is in; "" when it carries none.
func ownerOf(v any) (id, field string) {
	m, ok := v.(map[string]any)
	if !ok {
		return "", ""
	}
	for _, k := range ownerKeys {
		switch x := m[k].(type) {
		case map[string]any:
			if id := userID(x); id != "" {
				return id, k
			}
		default:
			if id := scalarString(x); id != "" {
				return id, k
			}
		}
	}
	return "", ""
}

// ownedBy reports whether an answer is owned by id: an object, or a
// non-empty list of objects, each carrying id as its owner. It returns the
// owner field.
func ownedBy(v any, id string) (string, bool) {
	if id == "" {
		return "", false
	}
	if list, ok := v.([]any); ok {
		field := ""
		for _, e := range list {
			f, ok := ownedBy(e, id)
			if !ok {
				return "", false
			}
			field = f
		}
		return field, len(list) > 0
	}
	owner, field := ownerOf(v)
	return field, owner == id
}

// hasOwnerField reports whether an answer (an object or a list of them)
// carries any owner field.
func hasOwnerField(v any) bool {
	if list, ok := v.([]any); ok {
		return len(list) > 0 && hasOwnerField(list[0])
	}
	_, field := ownerOf(v)
	return field != ""
}

// pageKeys hold the list of a page object ({"items": [...], "total": 3}).
var pageKeys = []string{"items", "results", "data", "records", "content", "rows", "objects", "entries"}

// listedObjects are the objects of a collection answer: a JSON array, or
// the array under items, results, data... of a page object.
func listedObjects(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case map[string]any:
		for _, k := range pageKeys {
			if list, ok := x[k].([]any); ok {
				return list
			}
		}
	}
	return nil
}

// listedIDs are the ids of the objects a collection answer lists, and the
// owner they all share ("" when they do not all carry the same one).
func listedIDs(v any) (ids []string, owner string) {
	for i, o := range listedObjects(v) {
		if id := objectID(o); id != "" {
			ids = append(ids, id)
		}
		own, _ := ownerOf(o)
		if i == 0 {
			owner = own
		} else if own != owner {
			owner = ""
		}
	}
	return ids, owner
}

// values fills an operation's path parameters for a request as user A:
// target gets value, user parameters user A's id; nil when a user
// parameter cannot be filled.
func (r *bola) values(op *openapi.Operation, target *openapi.Param, value string) map[string]string {
	vals := map[string]string{}
	for _, p := range op.PathParams() {
		switch {
		case target != nil && p.Name == target.Name:
			vals[p.Name] = value
		case userParam(op, p):
			if r.idA == "" {
				return nil
			}
			vals[p.Name] = r.idA
		}
	}
	return vals
}

// list reads the collection of an operation's objects as both users
// (once per collection); nil when there is none.
func (r *bola) list(ctx context.Context, op *openapi.Operation, target *openapi.Param) *ownLists {
	c := findCollection(r.s, op, target)
	if c == nil {
		return nil
	}
	if l, ok := r.lists[c.Path]; ok {
		return l
	}
	l := &ownLists{op: c}
	r.lists[c.Path] = l
	vals := r.values(c, nil, "")
	if vals == nil {
		return l
	}
	var ownerA, ownerB string
	if ra := r.do(ctx, r.a, operationRequest(c, vals)); ra != nil && ra.OK() {
		l.a, ownerA = listedIDs(ra.JSON())
	}
	if len(l.a) == 0 {
		return l
	}
	if valsB := r.valuesB(c); valsB != nil {
		if rb := r.do(ctx, r.b, operationRequest(c, valsB)); rb != nil && rb.OK() {
			l.bOK = true
			l.b, ownerB = listedIDs(rb.JSON())
		}
	}
	if r.idA == "" && r.idB == "" && ownerA != "" && ownerB != "" && ownerA != ownerB {
		// Each user's own list carries one owner id: that is the user's.
		r.idA, r.idB = ownerA, ownerB
	}
	return l
}

// valuesB fills a collection's user parameters with user B's id (user
// B's own list); nil when user B's id is unknown.
func (r *bola) valuesB(c *openapi.Operation) map[string]string {
	vals := map[string]string{}
	for _, p := range c.PathParams() {
		if userParam(c, p) {
			if r.idB == "" {
				return nil
			}
			vals[p.Name] = r.idB
		}
	}
	return vals
}

// candidates are the ids of user A's objects to try on an operation: user
// A's own id for a user parameter, else the ids user A's list shows and
// user B's does not (none when user B lists them all: shared objects),
// else small ids when the API lists none.
func (r *bola) candidates(ctx context.Context, op *openapi.Operation, target *openapi.Param) []bolaCandidate {
	if userParam(op, target) {
		if r.idA == "" {
			return nil
		}
		return []bolaCandidate{{value: r.idA, why: fmt.Sprintf("%s is %s's own id", target.Name, shortName(r.a)), weak: true}}
	}
	if l := r.list(ctx, op, target); l != nil && len(l.a) > 0 {
		inB := map[string]bool{}
		for _, id := range l.b {
			inB[id] = true
		}
		var out []bolaCandidate
		for _, id := range l.a {
			if l.bOK && !inB[id] {
				out = append(out, bolaCandidate{value: id, why: fmt.Sprintf("it is in %s's list at %s and not in %s's", shortName(r.a), opName(l.op), shortName(r.b))})
			} else if !l.bOK {
				out = append(out, bolaCandidate{value: id})
			}
			if len(out) == maxBOLACandidates {
				break
			}
		}
		return out // empty when user B lists every object user A does: shared objects
	}
	if r.idA == "" || (target.Schema != nil && target.Schema.Type != "" && target.Schema.Type != "integer") {
		return nil // only an owner field equal to user A's id could tell whose a guessed object is
	}
	var out []bolaCandidate
	for i := 1; i <= maxBOLAGuesses; i++ {
		out = append(out, bolaCandidate{value: strconv.Itoa(i)})
	}
	return out
}

// operation tries user A's objects on one operation, reporting the first
// one user B reads.
func (r *bola) operation(ctx context.Context, op *openapi.Operation) {
	target := targetParam(op)
	for _, c := range r.candidates(ctx, op, target) {
		vals := r.values(op, target, c.value)
		if vals == nil || r.out() {
			return
		}
		ra := r.do(ctx, r.a, operationRequest(op, vals))
		if ra == nil || !ra.OK() || !meaningful(ra) {
			continue // not an object of user A's
		}
		rb := r.do(ctx, r.b, operationRequest(op, vals))
		if rb == nil {
			return
		}
		if !rb.OK() || !sameObject(ra.Body, rb.Body) {
			return // user B is refused, or sees something else: the operation checks who asks
		}
		why, weak := c.why, c.weak
		objA := ra.JSON()
		if field, ok := ownedBy(objA, r.idA); ok && r.idA != r.idB {
			weak = false
			owner := fmt.Sprintf("it carries %s=%s, %s's id", field, r.idA, shortName(r.a))
			if why == "" {
				why = owner
			} else {
				why += ", and " + owner
			}
		}
		if why == "" {
			if c.why == "" && !hasOwnerField(objA) {
				return // nothing can tell whose these objects are
			}
			continue
		}
		rn := r.do(ctx, nil, operationRequest(op, vals))
		if rn != nil && rn.OK() && sameObject(ra.Body, rn.Body) {
			return // public: anyone gets it
		}
		anon := "anonymous requests were not sent"
		if rn != nil {
			anon = fmt.Sprintf("an anonymous request gets %d", rn.Status)
			if rn.OK() {
				anon += " with a different answer"
			}
		}
		f := r.s.Report("FA908", opName(op), rb,
			"%s read %s's object through %s with %s=%s: it answered %d with the answer %s gets, and %s; the object is %s's: %s",
			r.b.Name, r.a.Name, opName(op), target.Name, c.value, rb.Status, shortName(r.a), anon, shortName(r.a), why)
		if weak || rn == nil || rn.OK() {
			f.Confidence = finding.MediumConfidence
		}
		f.Evidence = []finding.Step{
			exchangeStep(ra, fmt.Sprintf("%s gets %d", shortName(r.a), ra.Status)),
			exchangeStep(rb, fmt.Sprintf("%s gets %d with the same object", shortName(r.b), rb.Status)),
		}
		if rn != nil {
			f.Evidence = append(f.Evidence, exchangeStep(rn, fmt.Sprintf("anonymous gets %d", rn.Status)))
		}
		return
	}
}

// shortName is a user's name without the login name: "user A".
func shortName(u *User) string {
	name, _, _ := strings.Cut(u.Name, " (")
	return name
}

// exchangeStep is an evidence step for one exchange.
func exchangeStep(resp *Response, msg string) finding.Step {
	return finding.Step{Location: finding.Location{URL: resp.Exchange.Request.URL}, Message: resp.Exchange.Request.Method + ": " + msg}
}

// meaningful reports an answer with content: not empty, not null, not an
// empty list or object.
func meaningful(resp *Response) bool {
	body := bytes.TrimSpace(resp.Body)
	if len(body) == 0 {
		return false
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return true
	}
	switch x := v.(type) {
	case nil:
		return false
	case []any:
		return len(x) > 0
	case map[string]any:
		for _, k := range pageKeys {
			if list, ok := x[k].([]any); ok {
				return len(list) > 0 // a page: empty when its list is
			}
		}
		return len(x) > 0
	}
	return true
}

// volatileKeys change from one answer to the next whoever asks.
var volatileKeys = map[string]bool{"timestamp": true, "now": true, "server_time": true, "time": true,
	"request_id": true, "requestid": true, "trace_id": true, "traceid": true, "correlation_id": true,
	"nonce": true, "csrf": true, "csrf_token": true, "etag": true, "generated_at": true, "took": true,
	"elapsed": true, "duration": true, "viewer": true, "viewer_id": true, "current_user": true}

// sameObject reports whether two answers show the same object: the same
// bytes, or JSON equal but for volatile fields (timestamps, request ids),
// or objects with the same id whose other fields nearly all agree. Empty
// answers are never the same object.
func sameObject(a, b []byte) bool {
	a, b = bytes.TrimSpace(a), bytes.TrimSpace(b)
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	var va, vb any
	errA, errB := json.Unmarshal(a, &va), json.Unmarshal(b, &vb)
	if errA != nil || errB != nil {
		return errA != nil && errB != nil && bytes.Equal(a, b)
	}
	return similarJSON(va, vb)
}

// similarJSON compares two decoded JSON values as sameObject does.
func similarJSON(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) || len(x) == 0 {
			return false
		}
		for i := range x {
			if !similarJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return false
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		total, equal := 0, 0
		for k := range keys {
			if volatileKeys[strings.ToLower(k)] {
				continue
			}
			total++
			va, okA := x[k]
			vb, okB := y[k]
			if okA && okB && (reflect.DeepEqual(va, vb) || similarJSON(va, vb)) {
				equal++
			}
		}
		if total == 0 {
			return false
		}
		if equal == total {
			return true
		}
		// Near-equal: the same object (same id) with a field or two that
		// depend on who asks (can_edit, is_owner).
		id := objectID(x)
		return id != "" && id == objectID(y) && equal*4 >= total*3
	case nil:
		return false
	}
	return reflect.DeepEqual(a, b)
}
