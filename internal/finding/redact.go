package finding

import (
	"cmp"
	"slices"
	"strings"
)

// Redactor masks a set of secret values in any string: every whole
// occurrence, and the piece of a secret that a string cut short with an
// ellipsis ("...", "…") ends or begins with, as snippets and call texts are
// cut. It is safe for concurrent use.
type Redactor struct {
	r *strings.Replacer
	// heads and tails index the secrets by their first and last
	// cutOverlap bytes, for the pieces at an ellipsis.
	heads, tails map[string][]string
	longest      int
}

// cutOverlap is the shortest piece of a secret at an ellipsis that is
// masked: Mask itself shows four characters.
const cutOverlap = 4

// ellipses are the marks the program and its rules cut text with.
var ellipses = []string{"...", "…"}

// NewRedactor returns a redactor of the given values (empty ones are
// ignored), or nil, which redacts nothing, when there are none.
func NewRedactor(values []string) *Redactor {
	vs := slices.DeleteFunc(slices.Clone(values), func(v string) bool { return v == "" })
	if len(vs) == 0 {
		return nil
	}
	// Longest first: strings.Replacer prefers the earlier of two values
	// matching at the same place, so a URL is masked whole rather than
	// around the password inside it.
	slices.SortFunc(vs, func(a, b string) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	vs = slices.Compact(vs)
	r := &Redactor{heads: map[string][]string{}, tails: map[string][]string{}}
	pairs := make([]string, 0, 2*len(vs))
	for _, v := range vs {
		pairs = append(pairs, v, Mask(v))
		r.longest = max(r.longest, len(v))
		if len(v) >= cutOverlap {
			r.heads[v[:cutOverlap]] = append(r.heads[v[:cutOverlap]], v)
			r.tails[v[len(v)-cutOverlap:]] = append(r.tails[v[len(v)-cutOverlap:]], v)
		}
	}
	r.r = strings.NewReplacer(pairs...)
	return r
}

// String returns s with the secrets masked.
func (r *Redactor) String(s string) string {
	if r == nil || s == "" {
		return s
	}
	s = r.r.Replace(s)
	for _, e := range ellipses {
		if strings.Contains(s, e) {
			s = r.cuts(s, e)
		}
	}
	return s
}

// cuts masks the pieces of secrets next to each ellipsis e in s: a piece
// just before it that begins a secret, and a piece just after it that ends
// one.
func (r *Redactor) cuts(s, e string) string {
	var b strings.Builder
	rest := s
	for {
		i := strings.Index(rest, e)
		if i < 0 {
			break
		}
		before, after := rest[:i], rest[i+len(e):]
		// The longest piece ending at the ellipsis that begins a secret.
		for p := max(0, len(before)-r.longest); p+cutOverlap <= len(before); p++ {
			if v := r.find(r.heads[before[p:p+cutOverlap]], before[p:], strings.HasPrefix); v != "" {
				before = before[:p] + Mask(v)
				break
			}
		}
		// The longest piece starting after it that ends a secret.
		cut := 0
		for q := min(len(after), r.longest); q >= cutOverlap; q-- {
			if v := r.find(r.tails[after[q-cutOverlap:q]], after[:q], strings.HasSuffix); v != "" {
				cut = q
				break
			}
		}
		b.WriteString(before)
		b.WriteString(e)
		if cut > 0 {
			b.WriteString(strings.Repeat("*", 8))
		}
		rest = after[cut:]
	}
	if b.Len() == 0 {
		return s
	}
	b.WriteString(rest)
	return b.String()
}

// find returns the first of the secrets that has the piece as a prefix or
// suffix (as test says), or "".
func (r *Redactor) find(secrets []string, piece string, test func(s, piece string) bool) string {
	for _, v := range secrets {
		if test(v, piece) {
			return v
		}
	}
	return ""
}

// Rewrite replaces every string of the finding that an output shows by
// fn of it: title, message, snippet, remediation, enclosing function,
// location, evidence, HTTP exchange, live confirmation and suppression.
// The rule id and the fingerprint, which identify it, are left alone.
func (f *Finding) Rewrite(fn func(string) string) {
	f.Title = fn(f.Title)
	f.Message = fn(f.Message)
	f.Snippet = fn(f.Snippet)
	f.Remediation = fn(f.Remediation)
	f.Function = fn(f.Function)
	f.Location.rewrite(fn)
	for i := range f.Evidence {
		f.Evidence[i].Location.rewrite(fn)
		f.Evidence[i].Message = fn(f.Evidence[i].Message)
	}
	if l := f.Live; l != nil {
		l.Message = fn(l.Message)
		l.URL = fn(l.URL)
	}
	if s := f.Suppressed; s != nil {
		s.Kind = fn(s.Kind)
		s.Justification = fn(s.Justification)
	}
	if x := f.HTTP; x != nil {
		x.Curl = fn(x.Curl)
		x.Request.Method = fn(x.Request.Method)
		x.Request.URL = fn(x.Request.URL)
		x.Request.Body = fn(x.Request.Body)
		x.Response.Body = fn(x.Response.Body)
		for i := range x.Request.Headers {
			x.Request.Headers[i] = fn(x.Request.Headers[i])
		}
		for i := range x.Response.Headers {
			x.Response.Headers[i] = fn(x.Response.Headers[i])
		}
	}
}

// Rewrite replaces the diagnostic's strings by fn of them.
func (d *Diagnostic) Rewrite(fn func(string) string) {
	d.Location.rewrite(fn)
	d.Message = fn(d.Message)
	d.Kind = fn(d.Kind)
}

func (l *Location) rewrite(fn func(string) string) {
	l.File = fn(l.File)
	l.URL = fn(l.URL)
}
