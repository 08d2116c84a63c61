package probe

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/openapi"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The injection check sends SQL metacharacters in the string parameters of
// the operations it may call and reads two kinds of evidence:
//
//   - an error signature: a quote, a double quote or a backslash appended
//     to a valid value makes the answer carry a database driver's error
//     (sqlite3.OperationalError, psycopg2 "syntax error at or near", MySQL
//     "You have an error in your SQL syntax", ORA-01756, pymongo.errors...)
//     that neither the valid value nor a harmless control value produced:
//     FA910;
//   - a boolean differential: on GET operations, "X' OR '1'='1" answers
//     differently from "X' AND '1'='2", the false payload answers like a value
//     that matches nothing, and a second tautology answers like the first:
//     the database evaluated the payload as SQL, which confirms FA101 live.
//
// Answers are compared by structure (status, JSON skeleton, item counts,
// text length with the sent value removed), never by text, so a search
// that echoes its query is not a differential; FastAPI's 422 validation
// answers are never evidence. The boolean payloads go to GET operations
// only: on a state-changing operation "OR '1'='1" could widen an UPDATE or
// DELETE to every row. POST, PUT and PATCH (with --allow-unsafe) get the
// quote payloads alone, which can only break the statement.
//
// There is no time-based test: SQLite, the most common database behind
// small FastAPI services, has no sleep function, the heavy-query
// substitutes (randomblob, pg_sleep, SLEEP, WAITFOR) differ per database,
// and telling a delay from noise at the probe's rate takes several samples
// per payload; the error and boolean tests find the same injections far
// more cheaply.
func init() {
	rules.Register(&rules.Rule{
		ID: "FA910", Name: "injection-error-signature", Title: "Injection error signature in a response",
		Category: "injection", Severity: finding.High, Confidence: finding.HighConfidence,
		CWE: []int{89, 943}, OWASP: []string{"API8:2023", "A03:2021"},
		Remediation: "Pass request values to the database as bound parameters (cursor.execute(sql, params), text(\"... :name\").bindparams(), ORM expressions, Mongo query operators on typed values), and answer database errors with a generic message.",
		Doc: rules.Doc{
			What: "A live operation answers a parameter value with a quote (`'`), a double quote or a backslash " +
				"appended with a database error: SQLite (`sqlite3.OperationalError`, `unrecognized token`, " +
				"`near \"...\": syntax error`), PostgreSQL (psycopg2, psycopg, asyncpg errors, `syntax error at or near`, " +
				"`unterminated quoted string`), MySQL and MariaDB (`You have an error in your SQL syntax`, " +
				"mysql.connector, PyMySQL, MySQLdb), SQLAlchemy (`sqlalchemy.exc.`), SQL Server (`Unclosed quotation mark`), " +
				"Oracle (`ORA-01756`) or MongoDB (`pymongo.errors`, `$where` errors), where the valid value and a harmless " +
				"control value did not. Found by `probe` on the string path and query parameters of GET operations " +
				"(and of POST, PUT and PATCH with `--allow-unsafe`). When the same parameter also shows a boolean " +
				"differential (`X' OR '1'='1` answers differently from `X' AND '1'='2`), the probe reports FA101 " +
				"as confirmed live as well.",
			Why: "A quote can only break a query that was built by pasting the value into the SQL (or the Mongo " +
				"`$where` JavaScript): the same parameter lets a client rewrite the query, read every row, bypass " +
				"filters and login checks, and with some databases change data or run commands. The error text " +
				"itself also tells an attacker which database and driver to aim at.",
			Example: "@app.get(\"/products/search\")\ndef search(name: str):\n" +
				"    # name=widget' -> 500 sqlite3.OperationalError: unrecognized token\n" +
				"    return db.execute(\"SELECT * FROM products WHERE name = '\" + name + \"'\").fetchall()\n",
			Fix: "Bind the value, and keep database errors out of responses:\n\n```python\n@app.get(\"/products/search\")\n" +
				"def search(name: str = Query(..., max_length=100)):\n" +
				"    return db.execute(\"SELECT * FROM products WHERE name = ?\", (name,)).fetchall()\n```\n",
			References: []string{"https://cwe.mitre.org/data/definitions/89.html",
				"https://cwe.mitre.org/data/definitions/943.html",
				"https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html",
				"https://owasp.org/Top10/A03_2021-Injection/"},
		},
	})
	register(&Check{Name: "injection", Rules: []string{"FA910", "FA101"}, Order: 65, Run: checkInjection})
}

// Bounds of the injection check.
const (
	injectionRequests = 80 // most requests the check sends
	injectionParams   = 12 // most parameters it tries
	injectionPerOp    = 3  // most parameters per operation
)

// noMatchSuffix makes a value that matches nothing: the control value,
// without any SQL metacharacter, and shorter than the payloads so that a
// length limit that rejects it rejects them too.
const noMatchSuffix = "~fa9none"

// dbSignature is a database error pattern.
type dbSignature struct {
	engine string
	nosql  bool
	re     *regexp.Regexp
}

// escQuote is an optional backslash before a double quote: error texts inside
// JSON strings have their quotes escaped.
const escQuote = `\\?"`

// dbSignatures are error texts of database drivers and servers. Each must
// come from the database layer, not from the value echoed back: none
// matches a bare quote, double quote or backslash.
var dbSignatures = []dbSignature{
	{"SQLite", false, regexp.MustCompile(`sqlite3\.(?:OperationalError|ProgrammingError|DatabaseError|Warning)\b[^\n]{0,160}`)},
	{"SQLite", false, regexp.MustCompile(`unrecognized token: ` + escQuote + `[^\n]{0,120}`)},
	{"SQLite", false, regexp.MustCompile(`near ` + escQuote + `[^"\n]{0,80}` + escQuote + `: syntax error`)},
	{"SQLite", false, regexp.MustCompile(`\bSQLITE_ERROR\b[^\n]{0,120}`)},
	{"PostgreSQL", false, regexp.MustCompile(`\b(?:psycopg2?\.errors\.\w+|psycopg2\.(?:ProgrammingError|DataError|InternalError|OperationalError)|asyncpg\.exceptions\.\w+)[^\n]{0,160}`)},
	{"PostgreSQL", false, regexp.MustCompile(`(?:syntax error at or near|unterminated quoted (?:string|identifier) at or near) ` + escQuote + `?[^\n]{0,100}`)},
	{"PostgreSQL", false, regexp.MustCompile(`invalid input syntax for(?: type)? \w+[^\n]{0,100}`)},
	{"MySQL", false, regexp.MustCompile(`You have an error in your SQL syntax[^\n]{0,160}`)},
	{"MySQL", false, regexp.MustCompile(`\b(?:mysql\.connector\.errors\.\w+|pymysql\.err\.\w+|MySQLdb\.(?:_exceptions\.)?\w*Error)[^\n]{0,160}`)},
	{"SQLAlchemy", false, regexp.MustCompile(`\bsqlalchemy\.exc\.\w+[^\n]{0,160}`)},
	{"SQL Server", false, regexp.MustCompile(`Unclosed quotation mark after the character string[^\n]{0,100}|\bIncorrect syntax near\b[^\n]{0,100}`)},
	{"Oracle", false, regexp.MustCompile(`\bORA-\d{5}\b[^\n]{0,120}`)},
	{"MongoDB", true, regexp.MustCompile(`\b(?:pymongo\.errors|bson\.errors|mongoengine\.errors)\.\w+[^\n]{0,160}|\bMongoServerError\b[^\n]{0,160}`)},
	{"MongoDB", true, regexp.MustCompile(`(?i)\$where\b[^\n]{0,160}(?:error|exception)[^\n]{0,80}|(?:error|exception)[^\n]{0,160}\$where\b[^\n]{0,80}`)},
}

// dbErrorMatch is a database error found in a response body.
type dbErrorMatch struct {
	Engine string
	NoSQL  bool
	Text   string // the matched text, one line, shortened
}

// matchDBError finds the database error signature that comes first in a
// body (a wrapper's, such as SQLAlchemy's, before the driver's it quotes).
func matchDBError(body []byte) (dbErrorMatch, bool) {
	best, at := -1, -1
	var loc []int
	for i, sig := range dbSignatures {
		if l := sig.re.FindIndex(body); l != nil && (at < 0 || l[0] < at) {
			best, at, loc = i, l[0], l
		}
	}
	if best < 0 {
		return dbErrorMatch{}, false
	}
	text := strings.TrimSpace(strings.ToValidUTF8(string(body[loc[0]:loc[1]]), "\uFFFD"))
	text = strings.ReplaceAll(text, `\"`, `"`)
	if r := []rune(text); len(r) > 160 {
		text = string(r[:160]) + "..."
	}
	return dbErrorMatch{Engine: dbSignatures[best].engine, NoSQL: dbSignatures[best].nosql, Text: text}, true
}

// injectionTarget is a parameter the check tries.
type injectionTarget struct {
	op    *openapi.Operation
	param *openapi.Param
	score int
}

// injectionTargets lists the string path and query parameters of the
// operations the check may call, most promising names first.
func injectionTargets(s *Session) []injectionTarget {
	var out []injectionTarget
	for _, op := range s.Operations() {
		if op.Method == http.MethodDelete || !s.mayCall(op) {
			continue
		}
		if op.Method != http.MethodGet && !s.Enabled("FA910") {
			continue // only the error test runs on other methods
		}
		n := 0
		for _, prm := range op.Params {
			if n >= injectionPerOp {
				break
			}
			if (prm.In == "query" || prm.In == "path") && injectableSchema(prm.Schema) {
				out = append(out, injectionTarget{op: op, param: prm, score: paramScore(prm.Name)})
				n++
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	if len(out) > injectionParams {
		out = out[:injectionParams]
	}
	return out
}

// injectableSchema reports a free string: no enum, no format or type
// FastAPI would validate a quote away with a 422.
func injectableSchema(sc *openapi.Schema) bool {
	if sc == nil {
		return true
	}
	if len(sc.Enum) > 0 || (sc.Type != "" && sc.Type != "string") {
		return false
	}
	switch sc.Format {
	case "uuid", "date", "date-time", "time", "duration", "email", "uri", "url", "ipv4", "ipv6", "binary", "byte":
		return false
	}
	return true
}

// paramScore ranks parameter names that usually reach a query first.
func paramScore(name string) int {
	n := strings.ToLower(name)
	for _, w := range []string{"search", "query", "filter", "where", "sort", "order", "name", "keyword", "term", "user", "email", "title", "category", "id"} {
		if strings.Contains(n, w) {
			return 2
		}
	}
	if n == "q" || n == "s" {
		return 2
	}
	return 1
}

func checkInjection(ctx context.Context, s *Session) {
	start := s.Client.Sent()
	allowance := min(injectionRequests, max(s.Client.Remaining()/2, 1))
	spent := func() bool { return s.Client.Sent()-start >= allowance || s.Exhausted() }
	user := s.firstUser()
	reported := map[string]bool{} // "FA910 GET /path"
	for _, t := range injectionTargets(s) {
		if spent() || ctx.Err() != nil {
			return
		}
		name := opName(t.op)
		wantError := s.Enabled("FA910") && !reported["FA910 "+name]
		wantBoolean := t.op.Method == http.MethodGet && s.Enabled("FA101") && !reported["FA101 "+name]
		if !wantError && !wantBoolean {
			continue // both already shown on this operation
		}
		p := &injectionProbe{s: s, ctx: ctx, user: user, op: t.op, param: t.param, spent: spent}
		p.base = exampleString(t.param.Schema)
		base := p.send(p.base)
		if base == nil {
			continue // not sent: the loop stops if the allowance is spent
		}
		if base.Status == http.StatusUnauthorized || base.Status == http.StatusForbidden {
			continue // no credentials for this operation: the handler never runs
		}
		control := p.send(p.base + noMatchSuffix)
		if control == nil {
			continue
		}
		if control.Status == http.StatusUnprocessableEntity {
			continue // validated: a pattern or length rejects even the harmless value
		}
		if wantError {
			switch p.errorTest(base, control) {
			case found:
				reported["FA910 "+name] = true
			case skip, stop:
				continue
			}
		}
		if wantBoolean {
			if p.booleanTest(base, control) {
				reported["FA101 "+name] = true
			}
		}
	}
}

// injectionProbe holds what the tests of one parameter share.
type injectionProbe struct {
	s     *Session
	ctx   context.Context
	user  *User
	op    *openapi.Operation
	param *openapi.Param
	base  string
	spent func() bool
}

// send calls the operation with the parameter set to value; nil when the
// request was not sent or the allowance is spent.
func (p *injectionProbe) send(value string) *Response {
	if p.spent() {
		return nil
	}
	return p.s.Do(p.ctx, p.user.As(operationRequest(p.op, map[string]string{p.param.Name: value})))
}

// outcome of a test step.
type outcome int

const (
	notFound outcome = iota
	found
	skip // the parameter is validated; try the next
	stop // the budget or the target is gone
)

// errorTest sends the quote payloads and reports FA910 on the first answer
// with a database error that the valid and the control value did not get.
func (p *injectionProbe) errorTest(base, control *Response) outcome {
	_, inBase := matchDBError(base.Body)
	_, inControl := matchDBError(control.Body)
	if inBase || inControl {
		return notFound // the error is there whatever the value: not this parameter's doing
	}
	for _, suffix := range []string{"'", `"`, `\`} {
		value := p.base + suffix
		resp := p.send(value)
		if resp == nil {
			return stop
		}
		if resp.Status == http.StatusUnprocessableEntity {
			return skip
		}
		m, ok := matchDBError(resp.Body)
		if !ok {
			continue
		}
		f := p.s.Report("FA910", opName(p.op), resp,
			"%s parameter %s=%q makes %s answer %d with a %s error (%s): the value reaches a query unescaped",
			p.param.In, p.param.Name, value, opName(p.op), resp.Status, m.Engine, m.Text)
		if m.NoSQL {
			f.CWE = []int{943}
		} else {
			f.CWE = []int{89}
		}
		return found
	}
	return notFound
}

// boolPayload is a pair of payloads, one always true and one always false
// once pasted into a query, a second true one that differs in text, and a
// value of the same kind that matches nothing.
type boolPayload struct{ yes, no, yes2, none string }

// noMatchNumber is the numeric value that matches nothing: in a numeric
// context the string control value would be a syntax error, not an empty
// result.
const noMatchNumber = "987654321"

// booleanPayloads are the pairs tried for a base value: numeric context
// first when the value is a number, then quoted string context, and the
// same with the rest of the query commented out (a LIKE pattern's closing
// "%'"). When the base value is not a number and was not accepted (2xx),
// the parameter may be a number kept in a string: numeric context with 1
// comes last.
func booleanPayloads(base string, baseOK bool) []boolPayload {
	numeric := func(n string) boolPayload {
		return boolPayload{n + " OR 1=1", n + " AND 1=2", n + " OR 2=2", noMatchNumber}
	}
	none := base + noMatchSuffix
	out := []boolPayload{
		{base + "' OR '1'='1", base + "' AND '1'='2", base + "' OR 'b'='b", none},
		{base + "' OR 1=1-- ", base + "' AND 1=2-- ", base + "' OR 2=2-- ", none},
	}
	if _, err := strconv.ParseInt(strings.TrimSpace(base), 10, 64); err == nil {
		return append([]boolPayload{numeric(base)}, out...)
	}
	if !baseOK {
		out = append(out, numeric("1"))
	}
	return out
}

// booleanTest sends the boolean payloads and confirms FA101 when the
// database evaluated one pair as SQL.
func (p *injectionProbe) booleanTest(base, control *Response) bool {
	nones := map[string]*Response{p.base + noMatchSuffix: control}
	for _, pl := range booleanPayloads(p.base, base.OK()) {
		yes := p.send(pl.yes)
		if yes == nil || yes.Status == http.StatusUnprocessableEntity {
			return false
		}
		if !yes.OK() {
			continue // no answer to compare: an error, or nothing found
		}
		no := p.send(pl.no)
		if no == nil {
			return false
		}
		if nones[pl.none] == nil {
			if nones[pl.none] = p.send(pl.none); nones[pl.none] == nil {
				return false
			}
		}
		none := nones[pl.none]
		if !differential(answer{none, pl.none}, answer{yes, pl.yes}, answer{no, pl.no}) {
			continue
		}
		again := p.send(pl.yes2)
		if again == nil {
			return false
		}
		if shapeOf(again, pl.yes2) != shapeOf(yes, pl.yes) {
			continue // not stable, or the text rather than the logic mattered
		}
		fnd := p.s.Report("FA101", opName(p.op), yes,
			"%s parameter %s is evaluated as SQL: %s=%q answers %s, %q answers %s like a value that matches nothing (%s), and %q answers like the first",
			p.param.In, p.param.Name, p.param.Name, pl.yes, describeAnswer(yes), pl.no, describeAnswer(no),
			describeAnswer(none), pl.yes2)
		fnd.Evidence = append(fnd.Evidence,
			finding.Step{Location: finding.Location{URL: no.URL}, Message: "false payload: " + describeAnswer(no)},
			finding.Step{Location: finding.Location{URL: none.URL}, Message: "value that matches nothing: " + describeAnswer(none)},
			finding.Step{Location: finding.Location{URL: again.URL}, Message: "second true payload: " + describeAnswer(again)})
		return true
	}
	return false
}

// answer is a response with the parameter value that produced it.
type answer struct {
	resp *Response
	sent string
}

// differential reports a boolean injection: the true payload answers 2xx
// and differently from the false payload, and the false payload answers
// like the value that matches nothing (and is no server error).
// Validation answers (422) are never a differential.
func differential(none, yes, no answer) bool {
	if none.resp == nil || yes.resp == nil || no.resp == nil {
		return false
	}
	for _, a := range []answer{none, yes, no} {
		if a.resp.Status == http.StatusUnprocessableEntity {
			return false
		}
	}
	if !yes.resp.OK() || no.resp.Status >= 500 {
		return false
	}
	t, f, n := shapeOf(yes.resp, yes.sent), shapeOf(no.resp, no.sent), shapeOf(none.resp, none.sent)
	return t != f && f == n
}

// shapeOf describes a response by structure: status, then for JSON the
// skeleton (keys, value types, array lengths, booleans), for other bodies
// the media type and the length once the sent value (raw, URL- or
// HTML-escaped) is removed. Text that echoes the value does not change
// the shape; more or fewer rows do.
func shapeOf(r *Response, sent string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d ", r.Status)
	if r.Truncated {
		b.WriteString("truncated")
		return b.String()
	}
	if v := r.JSON(); v != nil || strings.TrimSpace(string(r.Body)) == "null" {
		skeleton(&b, v, 0)
		return b.String()
	}
	body := r.Text()
	if sent != "" {
		for _, form := range []string{sent, html.EscapeString(sent), url.QueryEscape(sent), url.PathEscape(sent)} {
			body = strings.ReplaceAll(body, form, "")
		}
	}
	fmt.Fprintf(&b, "%s %d", r.MediaType(), len(body))
	return b.String()
}

// skeleton writes the structure of a JSON value.
func skeleton(b *strings.Builder, v any, depth int) {
	if depth > 6 {
		b.WriteString("...")
		return
	}
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		fmt.Fprintf(b, "%t", v)
	case float64:
		b.WriteString("n")
	case string:
		b.WriteString("s")
	case []any:
		fmt.Fprintf(b, "[%d", len(v))
		if len(v) > 0 {
			b.WriteString(":")
			skeleton(b, v[0], depth+1)
		}
		b.WriteString("]")
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(strconv.Quote(k) + ":")
			skeleton(b, v[k], depth+1)
		}
		b.WriteString("}")
	}
}

// itemCount is the number of items in a JSON answer: the length of an
// array, or of the longest array among an object's values ({"items": [...]});
// -1 when there is none.
func itemCount(r *Response) int {
	switch v := r.JSON().(type) {
	case []any:
		return len(v)
	case map[string]any:
		n := -1
		for _, x := range v {
			if a, ok := x.([]any); ok && len(a) > n {
				n = len(a)
			}
		}
		return n
	}
	return -1
}

// describeAnswer says what an answer was, for messages: "200 with 30
// items".
func describeAnswer(r *Response) string {
	if r == nil {
		return "no answer"
	}
	switch n := itemCount(r); {
	case r.Truncated:
		return fmt.Sprintf("%d with more than %d bytes", r.Status, len(r.Body))
	case n == 1:
		return fmt.Sprintf("%d with 1 item", r.Status)
	case n >= 0:
		return fmt.Sprintf("%d with %d items", r.Status, n)
	}
	return fmt.Sprintf("%d with %d bytes", r.Status, len(r.Body))
}
