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
	r := MustCompile(`a`)
	for i := 0; i < maxRemembered+1000; i++ {
		r.MatchString(fmt.Sprint(i))
	}
	if got := r.size.Load(); got != maxRemembered {
		t.Errorf("memo holds %d answers, want the bound %d", got, maxRemembered)
	}
	if !r.MatchString("zzz-a-new-one") || r.MatchString("bcd-new") {
		t.Error("answers past the bound are still computed")
	}
	long := strings.Repeat("b", maxRememberedLen+1)
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
