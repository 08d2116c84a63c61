package finding

import (
	"strings"
	"testing"
)

func TestFingerprintsSurviveLineMoves(t *testing.T) {
	mk := func(line int, code string) *Finding {
		f := &Finding{RuleID: "FA601", Location: Location{File: "app/main.py", Line: line}, Function: "app.main.setup"}
		f.SetCode(code)
		return f
	}
	a := []*Finding{mk(10, `allow_origins=["*"]`), mk(20, `allow_origins=["*"]`), mk(30, "x")}
	b := []*Finding{mk(15, `allow_origins = ["*"]`), mk(40, "allow_origins=[\"*\"]"), mk(31, "x")}
	Fingerprints(a)
	Fingerprints(b)
	if a[0].Fingerprint == a[1].Fingerprint {
		t.Error("identical code in one function gets one fingerprint")
	}
	if a[1].Fingerprint != b[1].Fingerprint || a[2].Fingerprint != b[2].Fingerprint {
		t.Error("fingerprints change when lines move")
	}
}

func TestRedactAndMask(t *testing.T) {
	f := &Finding{Message: "key sk_live_abcdefghijklmnop1234 found", Snippet: `K = "sk_live_abcdefghijklmnop1234"`,
		Evidence: []Step{{Message: "sk_live_abcdefghijklmnop1234"}}, Secrets: []string{"sk_live_abcdefghijklmnop1234"}}
	f.Redact()
	for _, s := range []string{f.Message, f.Snippet, f.Evidence[0].Message} {
		if strings.Contains(s, "abcdefghijklmnop") || !strings.Contains(s, "sk_l********") {
			t.Errorf("not redacted: %q", s)
		}
	}
	if Mask("short") != "********" {
		t.Errorf("short secrets are fully masked: %q", Mask("short"))
	}
}

func TestSeverity(t *testing.T) {
	for _, name := range []string{"critical", "HIGH", "medium", "low", "info"} {
		s, err := ParseSeverity(name)
		if err != nil || !strings.EqualFold(s.String(), name) {
			t.Errorf("ParseSeverity(%q) = %v, %v", name, s, err)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("unknown severity accepted")
	}
	if High.SecuritySeverity() != 8.0 || Critical.SecuritySeverity() != 9.5 {
		t.Error("security-severity scores")
	}
}
