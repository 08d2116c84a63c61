package probe

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/openapi"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The auth check calls operations without credentials: one that documents
// a security scheme and still answers 2xx is FA907; a state-changing
// operation that documents none and answers 2xx anonymously, in an API
// where other operations do require credentials, confirms FA301.
func init() {
	rules.Register(&rules.Rule{
		ID: "FA907", Name: "documented-auth-not-enforced", Title: "Endpoint answers without the authentication it documents",
		Category: "access-control", Severity: finding.High, Confidence: finding.HighConfidence,
		CWE: []int{306}, OWASP: []string{"API2:2023", "A07:2021"},
		Remediation: "Make the security dependency fail without valid credentials (OAuth2PasswordBearer with auto_error=True, or raise 401 when the optional dependency returns None).",
		Doc: rules.Doc{
			What: "A live operation whose OpenAPI entry declares a security requirement (bearer token, API key, OAuth2) " +
				"answers 2xx to a request without any credentials. Found by `probe`.",
			Why: "The documentation, the client generators and the reviewers all believe the operation is protected. " +
				"In FastAPI this usually means a dependency with `auto_error=False` whose None result is never checked, " +
				"or a security scheme declared for documentation only.",
			Example: "oauth2 = OAuth2PasswordBearer(tokenUrl=\"token\", auto_error=False)\n\n" +
				"@app.get(\"/reports\")\ndef reports(token: str | None = Depends(oauth2)):\n    return REPORTS  # token never checked\n",
			Fix: "```python\ndef current_user(token: str | None = Depends(oauth2)) -> User:\n    if token is None:\n" +
				"        raise HTTPException(401, headers={\"WWW-Authenticate\": \"Bearer\"})\n    return decode(token)\n```",
			References: []string{"https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",
				"https://cwe.mitre.org/data/definitions/306.html"},
		},
	})
	register(&Check{Name: "auth", Rules: []string{"FA907", "FA301"}, Order: 40, Run: checkAuth})
}

// maxAuthOps bounds the operations the auth check calls.
const maxAuthOps = 60

func checkAuth(ctx context.Context, s *Session) {
	secured := false
	for _, op := range s.Operations() {
		if requiresAuth(op) {
			secured = true
			break
		}
	}
	tried := 0
	for _, op := range s.Operations() {
		if tried >= maxAuthOps || s.Exhausted() {
			return
		}
		documented := requiresAuth(op)
		if !s.mayCall(op) || (!documented && (!op.Unsafe() || !secured)) {
			continue
		}
		if !documented && isAuthEndpoint(op) {
			continue // login, sign-up and token endpoints are anonymous by design
		}
		tried++
		resp := s.Do(ctx, operationRequest(op, nil))
		if resp == nil {
			continue
		}
		if !resp.OK() {
			continue
		}
		if documented {
			s.Report("FA907", opName(op), resp, "%s documents %s but answered %d without credentials",
				opName(op), schemeNames(op), resp.Status)
		} else {
			what := "changes state and "
			if !changesState(op.Method) {
				what = ""
			}
			s.Report("FA301", opName(op), resp, "%s %sanswered %d to an anonymous request, while other operations require credentials",
				opName(op), what, resp.Status)
		}
	}
}

// changesState reports the methods that create, change or delete.
func changesState(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// requiresAuth reports an operation whose every security alternative needs
// credentials.
func requiresAuth(op *openapi.Operation) bool {
	if len(op.Security) == 0 {
		return false
	}
	for _, alt := range op.Security {
		if len(alt) == 0 {
			return false // an anonymous alternative ({} in the document)
		}
	}
	return true
}

// schemeNames lists the schemes an operation documents.
func schemeNames(op *openapi.Operation) string {
	var names []string
	for _, alt := range op.Security {
		names = append(names, strings.Join(alt, "+"))
	}
	return fmt.Sprintf("security %s", strings.Join(names, " or "))
}

// isAuthEndpoint reports login, token, sign-up and password-reset paths.
func isAuthEndpoint(op *openapi.Operation) bool {
	p := strings.ToLower(op.Path)
	for _, w := range []string{"login", "token", "signup", "sign-up", "register", "password", "auth"} {
		if strings.Contains(p, w) {
			return true
		}
	}
	return op.Method == http.MethodOptions
}
