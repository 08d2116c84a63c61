package namere

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func TestMatchStringAgreesWithRegexp(t *testing.T) {
	const expr = `(?i)rate_?limit|throttl|^limiter$`
	r, plain := MustCompile(expr), regexp.MustCompile(expr)
	inputs := []string{"", "rate_limit", "RateLimit", "get_user", "throttled", "limiter", "my_limiter",
		strings.Repeat("x", maxRememberedLen+1) + "throttle", strings.Repeat("y", 200)}
	for pass := 0; pass < 2; pass++ { // the second pass answers from the memo
		for _, in := range inputs {
			if got, want := r.MatchString(in), plain.MatchString(in); got != want {
				t.Errorf("pass %d: MatchString(%.20q) = %v, want %v", pass, in, got, want)
			}
		}
	}
	if r.String() != expr || r.Regexp().String() != expr {
		t.Errorf("String() = %q, want %q", r.String(), expr)
	}
}

func TestMemoIsBounded(t *testing.T) {
	r := MustCompile(`[a1]`) // no required words: every string reaches the memo
	for i := 0; i < maxRemembered+1000; i++ {
		r.MatchString(fmt.Sprint(i))
	}
	if got := r.size.Load(); got != maxRemembered {
		t.Errorf("memo holds %d answers, want the bound %d", got, maxRemembered)
	}
	if !r.MatchString("zzz-a-new-one") || r.MatchString("bcd-new") || r.words != nil {
		t.Error("answers past the bound are still computed")
	}
	long := strings.Repeat("a", maxRememberedLen+1)
	before := r.size.Load()
	r.MatchString(long)
	if _, ok := r.memo.Load(long); ok || r.size.Load() != before {
		t.Error("a string longer than the bound was remembered")
	}
}

func TestConcurrentUse(t *testing.T) {
	r := MustCompile(`(?i)secret|token`)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				name := fmt.Sprintf("field_%d", i%300)
				if i%3 == 0 {
					name += "_token"
				}
				if r.MatchString(name) != strings.HasSuffix(name, "_token") {
					t.Errorf("wrong answer for %q", name)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkRepeatedNames(b *testing.B) {
	const expr = `(?i)rate_?limit|throttl|limiter|token_?bucket|leaky_?bucket|requests_per_(second|minute|hour)|too_?many_?requests`
	names := []string{"get_current_user", "get_db", "read_items", "SessionDep", "execute", "commit", "scalars", "HTTPException"}
	b.Run("regexp", func(b *testing.B) {
		re := regexp.MustCompile(expr)
		for i := 0; i < b.N; i++ {
			re.MatchString(names[i%len(names)])
		}
	})
	b.Run("namere", func(b *testing.B) {
		re := MustCompile(expr)
		for i := 0; i < b.N; i++ {
			re.MatchString(names[i%len(names)])
		}
	})
}

// patterns are expressions of the kind the rules use, with and without a
// set of required words.
var patterns = []string{
	`(?i)rate_?limit|throttl|limiter|token_?bucket|leaky_?bucket|requests_per_(second|minute|hour)|too_?many_?requests`,
	`(?i)(^|_)(otp|2fa|mfa|totp|two_?factor)(_|$)|^verify_(code|pin|sms)`,
	`(?i)^(hashed_?\w*|\w*_hash(ed)?|password\w*|\w*secret\w*|salt|otp(_\w+)?)$`,
	`(?i)row_security\s*(=|to)\s*'?(off|false|0)\b|\bbypassrls\b`,
	`^(get|read)_\w+$|^[a-z]+$`, // a branch with no literal: no words
	`(?i)ab+c|x{2,3}y`,
	`Token|KEY`,    // case-sensitive literals
	`(?i)straße|k`, // non-ASCII literal: no words
	`(a|)b`,        // an empty branch
	`\bSG\.[A-Za-z0-9_-]{22}`,
}

var inputs = []string{
	"", "rate_limit", "RateLimiter", "get_current_user", "too_many_requests", "TooManyRequests",
	"verify_code", "user_otp", "OTP", "password_hash", "hashed_password", "salt", "secret_key",
	"SET row_security = off", "alter role x BYPASSRLS", "get_items", "items", "ABBBC", "xxy",
	"token", "Token", "KEY", "key", "STRASSE", "straße", "\u212a", "K", "b", "ab", "SG.abcdefghijklmnopqrstuv",
	"ſecret", "\xff\xfe", "limiter\x00",
}

func TestPrefilterNeverChangesAnAnswer(t *testing.T) {
	for _, expr := range patterns {
		r, plain := MustCompile(expr), regexp.MustCompile(expr)
		for _, in := range inputs {
			if got, want := r.MatchString(in), plain.MatchString(in); got != want {
				t.Errorf("%s: MatchString(%q) = %v, want %v (words %q)", expr, in, got, want, r.words)
			}
		}
	}
}

func TestRequiredWords(t *testing.T) {
	for _, c := range []struct {
		expr  string
		words []string // nil: no set
	}{
		{`(?i)rate_?limit|throttl`, []string{"limit", "throttl"}},
		{`Token|KEY`, []string{"token", "key"}},
		{`^(get|read)_\w+$|^[a-z]+$`, nil},
		{`(a|)b`, []string{"b"}},
		{`(?i)straße|k`, nil},
		{`\d+`, nil},
		{`ab+c`, []string{"a"}},
	} {
		got := MustCompile(c.expr).words
		if fmt.Sprint(got) != fmt.Sprint(c.words) && !(len(got) == 0 && len(c.words) == 0) {
			t.Errorf("%s: words %q, want %q", c.expr, got, c.words)
		}
	}
}

func FuzzMatchString(f *testing.F) {
	for _, expr := range patterns {
		for _, in := range inputs[:8] {
			f.Add(expr, in)
		}
	}
	f.Fuzz(func(t *testing.T, expr, in string) {
		plain, err := regexp.Compile(expr)
		if err != nil {
			return
		}
		r := MustCompile(expr)
		for pass := 0; pass < 2; pass++ {
			if got, want := r.MatchString(in), plain.MatchString(in); got != want {
				t.Fatalf("%q: MatchString(%q) = %v, want %v (words %q)", expr, in, got, want, r.words)
			}
		}
	})
}
