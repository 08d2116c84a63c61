package probe

import (
	"net/http"
	"sort"
	"strings"
)

// curl renders a request as a curl command that repeats it. Secret values
// become shell variables ("$FASTAPI_AUDIT_TOKEN"), everything else is
// single-quoted, so the command is safe to paste whatever the target's
// data contains.
func curl(req *http.Request, body []byte, secrets []secret) string {
	q := func(s string) string { return shellQuote(s, secrets) }
	var b strings.Builder
	b.WriteString("curl -i")
	switch {
	case req.Method == http.MethodHead:
		b.WriteString(" -I")
	case req.Method != http.MethodGet:
		b.WriteString(" -X " + q(req.Method))
	}
	keys := make([]string, 0, len(req.Header))
	for k := range req.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range req.Header[k] {
			b.WriteString(" -H " + q(k+": "+v))
		}
	}
	if len(body) > 0 {
		b.WriteString(" --data-binary " + q(string(body)))
	}
	b.WriteString(" " + q(req.URL.String()))
	return b.String()
}

// shellQuote quotes s for a POSIX shell: literal runs in single quotes,
// secrets as double-quoted variable references.
func shellQuote(s string, secrets []secret) string {
	var b strings.Builder
	lit := func(t string) {
		if t != "" {
			b.WriteString("'" + strings.ReplaceAll(t, "'", `'\''`) + "'")
		}
	}
	for s != "" {
		at, which := -1, secret{}
		for _, sec := range secrets {
			if i := strings.Index(s, sec.value); i >= 0 && (at < 0 || i < at) {
				at, which = i, sec
			}
		}
		if at < 0 {
			lit(s)
			break
		}
		lit(s[:at])
		b.WriteString(`"$` + which.variable + `"`)
		s = s[at+len(which.value):]
	}
	if b.Len() == 0 {
		return "''"
	}
	return b.String()
}
