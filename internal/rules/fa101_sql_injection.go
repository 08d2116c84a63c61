package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

func init() {
	Register(&Rule{
		ID: "FA101", Name: "sql-injection", Title: "SQL injection",
		Category: "injection", Severity: finding.Critical, Confidence: finding.HighConfidence,
		CWE: []int{89}, OWASP: []string{apiAuth, webInjection},
		Remediation: "Pass request values as bound parameters (text(\"... :name\").bindparams(), cursor.execute(sql, params), ORM expressions); map sort keys to columns with an allow-list.",
		Doc: Doc{
			What: "Request data (a route or dependency parameter, a Pydantic field, Request members) that reaches raw SQL: " +
				"SQLAlchemy `text()`, `literal_column()` and `exec_driver_sql`, `execute`-style methods of sessions, " +
				"connections and DB-API cursors (psycopg, asyncpg, aiosqlite, databases), `pandas.read_sql`, and " +
				"`order_by`/`group_by` given a raw string. The path from the source to the call is part of the finding.",
			Why: "SQL built from request data lets the client rewrite the query: read other users' rows, bypass login, " +
				"change or delete data, and with some databases run commands. ORM queries and bound parameters keep data " +
				"apart from SQL; string formatting does not.",
			Example: "@app.get(\"/items\")\ndef search(q: str, db: Session = Depends(get_db)):\n" +
				"    return db.execute(text(f\"SELECT * FROM items WHERE name LIKE '%{q}%'\")).all()\n",
			Fix: "```python\n@app.get(\"/items\")\ndef search(q: str, db: Session = Depends(get_db)):\n" +
				"    stmt = text(\"SELECT * FROM items WHERE name LIKE :pattern\").bindparams(pattern=f\"%{q}%\")\n" +
				"    return db.execute(stmt).all()\n```",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html",
				"https://docs.sqlalchemy.org/en/20/core/sqlelement.html#sqlalchemy.sql.expression.text",
			},
		},
		Check: func(p *Pass) { reportFlows(p) },
	})
	RegisterSinks("FA101",
		&taint.Sink{Class: taint.SQL, What: "a SQL query", Args: []int{0}, Kwargs: []string{"text"},
			Callees: []string{"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text",
				"sqlalchemy.literal_column", "sqlalchemy.sql.expression.literal_column", "sqlalchemy.sql.literal_column"}},
		&taint.Sink{Class: taint.SQL, What: "a SQL query", Args: []int{0}, Kwargs: []string{"sql", "query", "statement", "operation"},
			Methods: []string{"execute", "executemany", "executescript", "exec_driver_sql", "fetch", "fetchrow", "fetchval",
				"fetch_all", "fetch_one", "fetch_val", "iterate", "mogrify", "raw"}},
		&taint.Sink{Class: taint.SQL, What: "a SQL query", Args: []int{0}, Kwargs: []string{"sql"},
			Callees: []string{"pandas.read_sql", "pandas.read_sql_query", "pandas.io.sql.read_sql"}},
		&taint.Sink{Class: taint.SQL, What: "an ORDER BY or GROUP BY clause", Args: []int{0},
			Methods: []string{"order_by", "group_by"}},
	)
}
