package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

var (
	// rlsOffRE are SQL statements that switch row-level security off or
	// take a role that bypasses it.
	rlsOffRE = namere.MustCompile(`(?i)row_security\s*(=|to)\s*'?(off|false|0)\b|\bbypassrls\b|\bset\s+(local\s+|session\s+)?role\s+'?(service_role|postgres|supabase_admin)\b`)
	// serviceKeyRE names Supabase service-role keys.
	serviceKeyRE = namere.MustCompile(`(?i)service_?role|service_?key|supabase_?secret|sb_secret`)
)

func init() {
	Register(&Rule{
		ID: "FA306", Name: "rls-bypass", Title: "Row-level security bypassed in request handling",
		Category: "access-control", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{863}, OWASP: []string{apiBOLA, webAccess},
		Remediation: "Serve user requests with the anon key and the user's JWT (or a database role subject to RLS); keep the service-role key for trusted back-office jobs, and never switch row_security off.",
		Doc: Doc{
			What: "A Supabase client created with the service-role key (`create_client(url, settings.SUPABASE_SERVICE_ROLE_KEY)`) " +
				"in an application that serves routes, outside tests; SQL that turns row-level security off " +
				"(`SET row_security = off`) or takes a role that bypasses it (`SET ROLE service_role`, `BYPASSRLS`).",
			Why: "Row-level security policies are what keep one tenant's rows from another's. The service-role key and " +
				"roles with BYPASSRLS skip every policy, so a single missing `.eq(\"user_id\", ...)` in a handler hands " +
				"out all users' data.",
			Example: "supabase = create_client(settings.SUPABASE_URL, settings.SUPABASE_SERVICE_ROLE_KEY)\n\n" +
				"@app.get(\"/notes\")\ndef notes():\n    return supabase.table(\"notes\").select(\"*\").execute().data\n",
			Fix: "```python\n@app.get(\"/notes\")\ndef notes(token: Annotated[str, Depends(bearer)]):\n" +
				"    client = create_client(settings.SUPABASE_URL, settings.SUPABASE_ANON_KEY)\n" +
				"    client.postgrest.auth(token)\n    return client.table(\"notes\").select(\"*\").execute().data\n```",
			References: []string{
				"https://supabase.com/docs/guides/database/postgres/row-level-security",
				"https://www.postgresql.org/docs/current/ddl-rowsecurity.html",
			},
		},
		Check: func(p *Pass) {
			if len(p.Model.Endpoints) == 0 {
				return // a script or a back-office job, not request handling
			}
			for _, c := range p.Index.CallsTo("supabase.create_client", "supabase.acreate_client", "supabase.Client", "supabase.client.create_client", "supabase._sync.client.create_client") {
				if isTestPath(c.Module.Rel) {
					continue
				}
				key := c.Call.Arg(1, "supabase_key")
				if key == nil {
					continue
				}
				text := c.Module.File.Text(key)
				if v, ok := p.Model.ConstString(c.Scope, key); ok && strings.Contains(v, "service_role") {
					text += " service_role"
				}
				if !serviceKeyRE.MatchString(text) {
					continue
				}
				p.Report(c.Module, c.Call, "%s() uses the service-role key (%s) in an app that serves requests: its queries skip every row-level security policy",
					c.Callee, c.Module.File.Text(key))
			}
			for _, s := range p.Index.Strings {
				if !rlsOffRE.MatchString(s.Node.Value) || isTestPath(s.Module.Rel) {
					continue
				}
				m := rlsOffRE.Regexp().FindString(s.Node.Value)
				p.Report(s.Module, s.Node, "SQL %q bypasses row-level security: queries that follow see every tenant's rows", m)
			}
		},
	})
}
