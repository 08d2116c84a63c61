package probe

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/probe/probetest"
)

func TestMatchDBError(t *testing.T) {
	for _, c := range []struct {
		name, body, engine string
		nosql              bool
	}{
		{"sqlite traceback", "Traceback (most recent call last):\n  ...\nsqlite3.OperationalError: unrecognized token: \"'widget-1''\"\n", "SQLite", false},
		{"sqlite in JSON", `{"detail":"unrecognized token: \"'x''\""}`, "SQLite", false},
		{"sqlite near", `{"detail":"near \"x\": syntax error"}`, "SQLite", false},
		{"sqlite code", "SQLITE_ERROR: no such column", "SQLite", false},
		{"psycopg2", "psycopg2.errors.SyntaxError: unterminated quoted string at or near \"'x'\"", "PostgreSQL", false},
		{"psycopg 3", "psycopg.errors.SyntaxError: syntax error", "PostgreSQL", false},
		{"asyncpg", "asyncpg.exceptions.PostgresSyntaxError: syntax error at or near \"x\"", "PostgreSQL", false},
		{"postgres text", `{"detail": "ERROR:  syntax error at or near \"abc\""}`, "PostgreSQL", false},
		{"postgres input syntax", `invalid input syntax for type integer: "1'"`, "PostgreSQL", false},
		{"mysql", "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version", "MySQL", false},
		{"mysql connector", "mysql.connector.errors.ProgrammingError: 1064 (42000)", "MySQL", false},
		{"pymysql", "pymysql.err.ProgrammingError: (1064, ...)", "MySQL", false},
		{"MySQLdb", "MySQLdb._exceptions.ProgrammingError: (1064, ...)", "MySQL", false},
		{"sqlalchemy", "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) near", "SQLAlchemy", false},
		{"mssql", "Unclosed quotation mark after the character string 'x'.", "SQL Server", false},
		{"oracle", "ORA-01756: quoted string not properly terminated", "Oracle", false},
		{"pymongo", "pymongo.errors.OperationFailure: unknown operator", "MongoDB", true},
		{"mongo where", `{"detail": "$where: SyntaxError: unterminated string literal"}`, "MongoDB", true},
		{"422 echoes the value", `{"detail":[{"loc":["query","name"],"msg":"bad","input":"widget-1'\"\\"}]}`, "", false},
		{"python ValueError", "Traceback (most recent call last):\nValueError: invalid literal for int() with base 10: \"10'\"", "", false},
		{"jackson", "Unrecognized token 'abc': was expecting ('true', 'false' or 'null')", "", false},
		{"word containing ORA", "CORA-12345 is a product code", "", false},
		{"plain syntax error", "syntax error in your template", "", false},
		{"search echo", `[{"name":"widget-1' OR '1'='1"}]`, "", false},
		{"where without error", `{"docs": "use $where to filter"}`, "", false},
	} {
		m, ok := matchDBError([]byte(c.body))
		if ok != (c.engine != "") || m.Engine != c.engine || m.NoSQL != c.nosql {
			t.Errorf("%s: got %+v %v, want %q nosql=%v", c.name, m, ok, c.engine, c.nosql)
		}
		if ok && (m.Text == "" || strings.Contains(m.Text, "\n")) {
			t.Errorf("%s: matched text %q", c.name, m.Text)
		}
	}
}

// resp builds a response for the pure helpers' tests.
func resp(status int, mediaType, body string) *Response {
	return &Response{Status: status, Header: http.Header{"Content-Type": {mediaType}}, Body: []byte(body)}
}

func TestDifferential(t *testing.T) {
	const j, h = "application/json", "text/html; charset=utf-8"
	rows := func(n int) string {
		var parts []string
		for i := 0; i < n; i++ {
			parts = append(parts, `{"id":1,"name":"widget"}`)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	yesV, noV, noneV := "w' OR '1'='1", "w' AND '1'='2", "w-fastapi-audit-none"
	for _, c := range []struct {
		name          string
		none, yes, no *Response
		want          bool
	}{
		{"rows for the tautology, none for the contradiction",
			resp(200, j, "[]"), resp(200, j, rows(30)), resp(200, j, "[]"), true},
		{"lookup: found for the tautology, 404 otherwise",
			resp(404, j, `{"detail":"Not found"}`), resp(200, j, `{"id":1,"name":"a"}`), resp(404, j, `{"detail":"Not found"}`), true},
		{"HTML page with rows",
			resp(200, h, "<p>No results for "+noneV+"</p>"), resp(200, h, "<ul><li>a</li><li>b</li></ul> for "+yesV),
			resp(200, h, "<p>No results for w&#39; AND &#39;1&#39;=&#39;2</p>"), true},
		{"search echoing its query",
			resp(200, j, `{"query":"`+noneV+`","results":[]}`), resp(200, j, `{"query":"`+yesV+`","results":[]}`),
			resp(200, j, `{"query":"`+noValue(noV)+`","results":[]}`), false},
		{"HTML echo of the value",
			resp(200, h, "<p>No results for "+noneV+"</p>"), resp(200, h, "<p>No results for w&#39; OR &#39;1&#39;=&#39;1</p>"),
			resp(200, h, "<p>No results for w&#39; AND &#39;1&#39;=&#39;2</p>"), false},
		{"length of the value", resp(200, j, `{"length":20}`), resp(200, j, `{"length":12}`), resp(200, j, `{"length":13}`), false},
		{"the same for every value", resp(200, j, rows(3)), resp(200, j, rows(3)), resp(200, j, rows(3)), false},
		{"validation rejects the payloads",
			resp(200, j, "[]"), resp(422, j, `{"detail":[{"msg":"bad"}]}`), resp(422, j, `{"detail":[{"msg":"bad"}]}`), false},
		{"validation rejects the control", resp(422, j, `{"detail":[]}`), resp(200, j, rows(2)), resp(200, j, "[]"), false},
		{"tautology is a server error", resp(200, j, "[]"), resp(500, "text/plain", "Internal Server Error"), resp(200, j, "[]"), false},
		{"contradiction is a server error", resp(500, "text/plain", "boom"), resp(200, j, rows(2)), resp(500, "text/plain", "boom"), false},
		{"noise: every answer differs", resp(200, j, rows(3)), resp(200, j, rows(5)), resp(200, j, rows(4)), false},
		{"contradiction unlike nothing-matches", resp(200, j, rows(1)), resp(200, j, rows(30)), resp(200, j, "[]"), false},
		{"missing answer", nil, resp(200, j, rows(30)), resp(200, j, "[]"), false},
	} {
		got := differential(answer{c.none, noneV}, answer{c.yes, yesV}, answer{c.no, noV})
		if got != c.want {
			t.Errorf("%s: differential = %v, want %v", c.name, got, c.want)
		}
	}
}

// noValue is the false payload as a JSON string's content.
func noValue(v string) string { return strings.ReplaceAll(v, `"`, `\"`) }

func TestBooleanPayloads(t *testing.T) {
	if got := booleanPayloads("widget-1", true); len(got) != 2 || got[0].yes != "widget-1' OR '1'='1" || got[0].no != "widget-1' AND '1'='2" {
		t.Errorf("string base: %+v", got)
	}
	if got := booleanPayloads("10", true); len(got) != 3 || got[0].yes != "10 OR 1=1" || got[0].no != "10 AND 1=2" ||
		got[0].none != noMatchNumber || got[1].none != "10"+noMatchSuffix {
		t.Errorf("numeric base: %+v", got)
	}
	if got := booleanPayloads("example", false); len(got) != 3 || got[2].yes != "1 OR 1=1" || got[2].none != noMatchNumber {
		t.Errorf("string base that was not accepted: %+v", got)
	}
}

func TestInjectionCheckOnTheFixtureApps(t *testing.T) {
	rulesUnderTest := only("FA910", "FA101")
	vuln := probetest.Start(t, "vulnerable")
	got, res := runProbe(t, vuln, Options{Enabled: rulesUnderTest})
	want := []string{"FA101 GET /products/search", "FA910 GET /products/search"}
	if !slices.Equal(got, want) {
		t.Errorf("vulnerable app: got %v, want %v", got, want)
	}
	for _, f := range res.Findings {
		if f.HTTP == nil || f.HTTP.Curl == "" {
			t.Errorf("%s has no exchange", f.RuleID)
			continue
		}
		switch f.RuleID {
		case "FA910":
			if !strings.Contains(f.Message, "SQLite") || !strings.Contains(f.Message, "sqlite3.OperationalError") ||
				f.HTTP.Response.Status != 500 || !slices.Equal(f.CWE, []int{89}) {
				t.Errorf("FA910: %s (status %d, CWE %v)", f.Message, f.HTTP.Response.Status, f.CWE)
			}
		case "FA101":
			if !strings.Contains(f.Message, "30 items") || !strings.Contains(f.Message, "0 items") ||
				!strings.Contains(f.HTTP.Request.URL, "OR") || len(f.Evidence) != 3 {
				t.Errorf("FA101: %s (request %s, %d evidence steps)", f.Message, f.HTTP.Request.URL, len(f.Evidence))
			}
		}
	}
	for _, d := range res.Diagnostics {
		if d.Kind == "probe safety" {
			t.Errorf("the check tried an unsafe method without --allow-unsafe: %s", d.Message)
		}
	}
	// The check's own bound plus the probe's start (/, the document).
	if res.Requests > injectionRequests+5 {
		t.Errorf("%d requests", res.Requests)
	}

	hard := probetest.Start(t, "hardened")
	got, res = runProbe(t, hard, Options{Enabled: rulesUnderTest, OpenAPI: hard.OpenAPIURL, Tokens: []string{hard.Token(t, "alice")}})
	if len(got) != 0 {
		t.Errorf("hardened app: %v", got)
	}
	if res.Requests < 10 {
		t.Errorf("hardened app: only %d requests: the check did not try the search", res.Requests)
	}
}
