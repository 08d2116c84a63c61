package rules

import (
	"fmt"
	"strings"
)

// Markdown is a rule's documentation page, as docs/rules/ID.md holds it and
// `fastapi-audit explain ID` prints it.
func Markdown(r *Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %s\n\n", r.ID, r.Title)
	fmt.Fprintf(&b, "- Name: `%s`\n- Category: %s\n- Default severity: %s\n- Confidence: %s\n", r.Name, r.Category, r.Severity, r.Confidence)
	var cwes []string
	for _, c := range r.CWE {
		cwes = append(cwes, fmt.Sprintf("[CWE-%d](https://cwe.mitre.org/data/definitions/%d.html)", c, c))
	}
	fmt.Fprintf(&b, "- CWE: %s\n- OWASP: %s\n\n", strings.Join(cwes, ", "), strings.Join(r.OWASP, ", "))
	fmt.Fprintf(&b, "## What it finds\n\n%s\n\n", r.Doc.What)
	fmt.Fprintf(&b, "## Why it matters\n\n%s\n\n", r.Doc.Why)
	lang := r.Doc.ExampleLang
	if lang == "" {
		lang = "python"
	}
	fmt.Fprintf(&b, "## Example\n\n```%s\n%s```\n\n", lang, ensureNewline(r.Doc.Example))
	fmt.Fprintf(&b, "## Fix\n\n%s\n\n", r.Doc.Fix)
	if r.Live() {
		fmt.Fprintf(&b, "Found by a live check (`probe` or `posture`); accept a reviewed finding with a baseline (`--write-baseline`, `--baseline`) or leave it out with `--ignore %s`.\n", r.ID)
	} else {
		fmt.Fprintf(&b, "Suppress a reviewed finding with `# fastapi-audit: ignore[%s] reason` on the reported line.\n", r.ID)
	}
	if len(r.Doc.References) > 0 {
		b.WriteString("\n## References\n\n")
		for _, ref := range r.Doc.References {
			fmt.Fprintf(&b, "- <%s>\n", ref)
		}
	}
	return b.String()
}

func ensureNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}
