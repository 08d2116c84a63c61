package manifest

import (
	"strings"
)

// parseSetupCfg reads [options] install_requires and
// [options.extras_require] (Group = extra name) from setup.cfg. Values are
// INI multi-line values: one requirement per line, the first possibly on
// the key's own line. Comment lines start with '#' or ';'; " #" starts an
// inline comment. The old ';'-separated one-line form is not supported,
// since ';' also starts a PEP 508 marker.
func parseSetupCfg(res *Result, path string, data []byte) {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	section, key := "", ""
	for i, l := range lines {
		trim := strings.TrimSpace(l)
		if trim == "" || strings.HasPrefix(trim, "#") || strings.HasPrefix(trim, ";") {
			continue
		}
		indented := l[0] == ' ' || l[0] == '\t'
		if !indented {
			key = ""
			if strings.HasPrefix(trim, "[") && strings.HasSuffix(trim, "]") {
				section = strings.TrimSpace(trim[1 : len(trim)-1])
				continue
			}
			k, v, ok := strings.Cut(trim, "=")
			if !ok {
				k, v, ok = strings.Cut(trim, ":")
			}
			if !ok {
				continue
			}
			key = strings.TrimSpace(k)
			trim = strings.TrimSpace(v)
			if trim == "" {
				continue
			}
		}
		group, want := "", false
		switch {
		case section == "options" && key == "install_requires":
			want = true
		case section == "options.extras_require" && key != "":
			group, want = key, true
		}
		if !want {
			continue
		}
		if j := strings.Index(trim, " #"); j >= 0 {
			trim = strings.TrimSpace(trim[:j])
		}
		if trim == "" {
			continue
		}
		d, err := parseRequirement(trim)
		if err != nil {
			res.diag(path, i+1, "%v", err)
			continue
		}
		d.File, d.Line, d.Direct, d.Group = path, i+1, true, group
		res.Deps = append(res.Deps, d)
	}
}
