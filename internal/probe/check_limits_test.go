package probe

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/openapi"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/probetest"
)

func TestIsPageSize(t *testing.T) {
	integer := &openapi.Schema{Type: "integer"}
	for _, c := range []struct {
		prm  *openapi.Param
		want bool
	}{
		{&openapi.Param{Name: "limit", In: "query", Schema: integer}, true},
		{&openapi.Param{Name: "page_size", In: "query", Schema: integer}, true},
		{&openapi.Param{Name: "perPage", In: "query", Schema: integer}, true},
		{&openapi.Param{Name: "$top", In: "query", Schema: integer}, true},
		{&openapi.Param{Name: "max-results", In: "query", Schema: integer}, true},
		{&openapi.Param{Name: "offset", In: "query", Schema: integer}, false},
		{&openapi.Param{Name: "limit", In: "path", Schema: integer}, false},
		{&openapi.Param{Name: "limit", In: "query", Schema: &openapi.Schema{Type: "string"}}, false},
		{&openapi.Param{Name: "limit", In: "query"}, false},
	} {
		if got := isPageSize(c.prm); got != c.want {
			t.Errorf("%s in %s: %v, want %v", c.prm.Name, c.prm.In, got, c.want)
		}
	}
}

func TestPageVerdict(t *testing.T) {
	const j = "application/json"
	rows := func(n int) *Response {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = `{"id":1}`
		}
		return resp(200, j, "["+strings.Join(parts, ",")+"]")
	}
	page := func(n int) *Response {
		r := rows(n)
		r.Body = []byte(`{"total":1000,"items":` + string(r.Body) + `}`)
		return r
	}
	hundred := 100.0
	unbounded := &openapi.Param{Name: "limit", In: "query", Schema: &openapi.Schema{Type: "integer"}}
	bounded := &openapi.Param{Name: "limit", In: "query", Schema: &openapi.Schema{Type: "integer", Maximum: &hundred}}
	empty := rows(0)
	for _, c := range []struct {
		name                   string
		prm                    *openapi.Param
		small, def, huge, next *Response
		want, confident        bool
		says                   string
	}{
		{"unbounded, every row", unbounded, rows(1), rows(30), rows(30), nil, true, false, "holds 30 items (limit=1 gave 1, the default 30)"},
		{"unbounded, every row, nothing after", unbounded, rows(1), rows(30), rows(30), empty, true, true, "nothing after them (offset=30)"},
		{"unbounded, more than the default", unbounded, rows(1), rows(20), rows(500), nil, true, true, "holds 500 items"},
		{"unbounded, paged object", unbounded, page(1), page(20), page(1000), page(0), true, true, "holds 1000 items"},
		{"clamped: rows after the page", unbounded, rows(1), rows(10), rows(20), rows(20), false, false, ""},
		{"unbounded, rejected", unbounded, rows(1), rows(30), resp(422, j, `{"detail":[]}`), nil, false, false, ""},
		{"unbounded, 400", unbounded, rows(1), rows(30), resp(400, j, `{"detail":"limit too large"}`), nil, false, false, ""},
		{"unbounded, server error", unbounded, rows(1), rows(30), resp(500, "text/plain", "boom"), nil, false, false, ""},
		{"unbounded, accepted, not a list", unbounded, resp(200, j, `{"n":1}`), resp(200, j, `{"n":1}`), resp(200, j, `{"n":1}`), nil, true, false, "instead of rejecting"},
		{"bounded, clamped", bounded, nil, nil, rows(100), nil, false, false, ""},
		{"bounded, ignored", bounded, nil, nil, rows(500), nil, true, true, "holds 500 items, more than the documented maximum of 100"},
		{"bounded, rejected", bounded, nil, nil, resp(422, j, `{"detail":[]}`), nil, false, false, ""},
	} {
		a := pageAnswers{small: c.small, def: c.def, huge: c.huge, next: c.next}
		if c.next != nil {
			a.nextParam = "offset=30"
		}
		msg, confident, ok := pageVerdict(c.prm, a)
		if ok != c.want || confident != c.confident || !strings.Contains(msg, c.says) {
			t.Errorf("%s: got %v (confident %v) %q, want %v (confident %v) with %q", c.name, ok, confident, msg, c.want, c.confident, c.says)
		}
	}
	huge := rows(10)
	huge.Truncated = true
	if msg, confident, ok := pageVerdict(unbounded, pageAnswers{small: rows(1), def: rows(10), huge: huge}); !ok || !confident || !strings.Contains(msg, "response cap") {
		t.Errorf("truncated answer: %v %v %q", ok, confident, msg)
	}
}

func TestNextPageParam(t *testing.T) {
	integer := &openapi.Schema{Type: "integer"}
	size := &openapi.Param{Name: "limit", In: "query", Schema: integer}
	for _, c := range []struct {
		other     *openapi.Param
		name, val string
	}{
		{&openapi.Param{Name: "offset", In: "query", Schema: integer}, "offset", "30"},
		{&openapi.Param{Name: "skip", In: "query", Schema: integer}, "skip", "30"},
		{&openapi.Param{Name: "page_number", In: "query", Schema: integer}, "page_number", "2"},
		{&openapi.Param{Name: "cursor", In: "query", Schema: &openapi.Schema{Type: "string"}}, "", ""},
		{&openapi.Param{Name: "offset", In: "path", Schema: integer}, "", ""},
	} {
		op := &openapi.Operation{Method: "GET", Path: "/items", Params: []*openapi.Param{size, c.other}}
		prm, val := nextPageParam(op, size, 30)
		name := ""
		if prm != nil {
			name = prm.Name
		}
		if name != c.name || val != c.val {
			t.Errorf("%s: got %q=%q, want %q=%q", c.other.Name, name, val, c.name, c.val)
		}
	}
}

func TestOversizedRequest(t *testing.T) {
	maxLen := 2000
	op := &openapi.Operation{Method: "POST", Path: "/feedback", Body: &openapi.Body{ContentType: "application/json",
		Schema: &openapi.Schema{Type: "object", Required: []string{"message"}, Properties: map[string]*openapi.Schema{
			"email":   {Type: "string"},
			"message": {Type: "string"},
			"rating":  {Type: "integer"},
		}}}}
	r, field := oversizedRequest(op)
	if r == nil || field != "message" || len(r.Body) < bigBodySize || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("got field %q, request %v", field, r != nil)
	}
	op.Body.Schema.Properties["message"].MaxLength = &maxLen
	if _, field = oversizedRequest(op); field != "email" {
		t.Errorf("with message bounded: field %q, want the unbounded email", field)
	}
	op.Body.Schema.Properties["email"].Format = "email"
	if r, field = oversizedRequest(op); r != nil {
		t.Errorf("every string bounded or validated: field %q", field)
	}
	op.Body.ContentType = "multipart/form-data"
	if r, _ = oversizedRequest(op); r != nil {
		t.Errorf("multipart body: a request")
	}
}

func TestLimitsCheckOnTheFixtureApps(t *testing.T) {
	rulesUnderTest := only("FA503", "FA912")
	vuln := probetest.Start(t, "vulnerable")

	// Without --allow-unsafe only the page size is tried.
	got, _ := runProbe(t, vuln, Options{Enabled: rulesUnderTest})
	if want := []string{"FA503 GET /products"}; !slices.Equal(got, want) {
		t.Errorf("vulnerable app, safe methods: got %v, want %v", got, want)
	}

	got, res := runProbe(t, vuln, Options{Enabled: rulesUnderTest, Client: ClientOptions{AllowUnsafe: true}})
	if want := []string{"FA503 GET /products", "FA912 POST /feedback"}; !slices.Equal(got, want) {
		t.Errorf("vulnerable app: got %v, want %v", got, want)
	}
	for _, f := range res.Findings {
		switch f.RuleID {
		case "FA503":
			if !strings.Contains(f.Message, "limit=100000") || !strings.Contains(f.Message, "30 items") ||
				f.Confidence != finding.HighConfidence || f.HTTP == nil || f.HTTP.Response.Status != 200 {
				t.Errorf("FA503: %s (%v)", f.Message, f.Confidence)
			}
		case "FA912":
			if !strings.Contains(f.Message, "1024 KiB") || !strings.Contains(f.Message, "message") || f.HTTP.Response.Status != 201 {
				t.Errorf("FA912: %s", f.Message)
			}
			replayBigBody(t, f.HTTP.Curl)
		}
	}

	// With only the live rules selected the page size is FA912 too.
	got, _ = runProbe(t, vuln, Options{Enabled: only("FA912")})
	if want := []string{"FA912 GET /products"}; !slices.Equal(got, want) {
		t.Errorf("vulnerable app, FA912 alone: got %v, want %v", got, want)
	}

	hard := probetest.Start(t, "hardened")
	got, res = runProbe(t, hard, Options{Enabled: rulesUnderTest, OpenAPI: hard.OpenAPIURL,
		Tokens: []string{hard.Token(t, "alice")}, Client: ClientOptions{AllowUnsafe: true}})
	if len(got) != 0 {
		t.Errorf("hardened app: %v", got)
	}
	if res.Requests < 3 { // /, the document, then limit=100000 (the maximum of 100 is documented)
		t.Errorf("hardened app: %d requests; the page size was not tried", res.Requests)
	}
}

// replayBigBody runs the curl command of the FA912 finding: it must be
// short and still send the megabyte.
func replayBigBody(t *testing.T, cmd string) {
	t.Helper()
	if len(cmd) > 4096 {
		t.Errorf("curl command of %d bytes", len(cmd))
		return
	}
	if _, err := exec.LookPath("curl"); err != nil {
		return
	}
	out, err := exec.Command("sh", "-c", cmd+" -s").Output()
	if err != nil {
		t.Errorf("%s: %v", cmd, err)
		return
	}
	if !strings.Contains(string(out), " 201 ") || !strings.Contains(string(out), `"length":1048576`) {
		t.Errorf("%s answered %s", cmd, out)
	}
}
