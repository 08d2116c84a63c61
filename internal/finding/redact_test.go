package finding

import (
	"reflect"
	"strings"
	"testing"
)

const (
	testAWS    = "AKIAQ3EXAMPLEKEY7ZXR"
	testGitHub = "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
)

func TestRedactorMasksEveryOccurrence(t *testing.T) {
	url := "postgresql://app:Zq8vL2mX9pR4tY7w@db/app"
	r := NewRedactor([]string{testAWS, "", testGitHub, "Zq8vL2mX9pR4tY7w", url, testAWS})
	cases := map[string]string{
		`h = {"x": "` + testAWS + `", "y": "` + testGitHub + `"}`: `h = {"x": "AKIA********", "y": "ghp_********"}`,
		"no secret here":       "no secret here",
		"DB=" + url:            "DB=post********",
		"pw=Zq8vL2mX9pR4tY7w;": "pw=********;",
		"":                     "",
	}
	for in, want := range cases {
		if got := r.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
	if got := (*Redactor)(nil).String(testAWS); got != testAWS {
		t.Errorf("a nil redactor changed %q to %q", testAWS, got)
	}
	if NewRedactor([]string{"", ""}) != nil {
		t.Error("a redactor of nothing is not nil")
	}
}

// Snippets and call texts are cut with an ellipsis; the piece of a secret
// on either side of it is masked too.
func TestRedactorMasksSecretsCutShort(t *testing.T) {
	r := NewRedactor([]string{testGitHub, testAWS})
	cases := map[string]string{
		`call("token ` + testGitHub[:20] + "...":      `call("token ghp_********...`,
		"..." + testAWS[6:] + `")`:                    `...********")`,
		"x" + testGitHub[:3] + "...":                  "x" + testGitHub[:3] + "...", // under four characters
		"a … " + testAWS[:10] + "…" + testGitHub[25:]: "a … AKIA********…********",
	}
	for in, want := range cases {
		if got := r.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRewriteReachesEveryString fills every string of a finding and a
// diagnostic and checks that Rewrite reaches all but the identifiers, so
// that a field added later cannot escape redaction unnoticed.
func TestRewriteReachesEveryString(t *testing.T) {
	keep := map[string]bool{"RuleID": true, "Fingerprint": true, "OWASP": true}
	f := &Finding{}
	fill(reflect.ValueOf(f).Elem(), "")
	f.Rewrite(func(string) string { return "ok" })
	d := &Diagnostic{}
	fill(reflect.ValueOf(d).Elem(), "")
	d.Rewrite(func(string) string { return "ok" })
	for _, v := range []any{f, d} {
		walkStrings(reflect.ValueOf(v).Elem(), "", func(path, field, s string) {
			if s != "ok" && !keep[field] {
				t.Errorf("%T%s is not rewritten", v, path)
			}
		})
	}
}

// fill sets every exported string reachable from v (through structs,
// pointers and slices of one element) to "secret".
func fill(v reflect.Value, _ string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("secret")
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		fill(v.Elem(), "")
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), "")
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), "")
			}
		}
	}
}

func walkStrings(v reflect.Value, path string, visit func(path, field, s string)) {
	field := path[strings.LastIndex(path, ".")+1:]
	switch v.Kind() {
	case reflect.String:
		visit(path, field, v.String())
	case reflect.Pointer:
		if !v.IsNil() {
			walkStrings(v.Elem(), path, visit)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walkStrings(v.Index(i), path, visit)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if sf := v.Type().Field(i); sf.IsExported() && sf.Name != "Secrets" {
				walkStrings(v.Field(i), path+"."+sf.Name, visit)
			}
		}
	}
}
