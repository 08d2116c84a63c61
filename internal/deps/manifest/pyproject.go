package manifest

import (
	"fmt"
	"sort"
	"strings"

	"deps.dev/util/pypi"
)

// tomlParser carries what the TOML manifest parsers share.
type tomlParser struct {
	res  *Result
	file string
	idx  *tomlIndex
}

func decodeTOML(path string, data []byte) (map[string]any, error) {
	var doc map[string]any
	if err := decodeTOMLInto(path, data, &doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// table walks nested maps along keys.
func table(doc map[string]any, keys ...string) map[string]any {
	cur := doc
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			return nil
		}
		cur = next
	}
	return cur
}

// sortedKeys gives map keys in file order when their lines are known, so
// output is deterministic.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// requirementList adds each PEP 508 string of list, declared in section.
func (p *tomlParser) requirementList(section string, list any, group string) {
	items, ok := list.([]any)
	if !ok {
		if list != nil {
			p.res.diag(p.file, p.idx.headerLine(section), "%s: expected an array of requirement strings", section)
		}
		return
	}
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			// PEP 735 {include-group = "..."} entries and other tables: the
			// included group's requirements are reported under that group.
			continue
		}
		line := p.idx.stringLine(section, s)
		d, err := parseRequirement(s)
		if err != nil {
			p.res.diag(p.file, line, "%v", err)
			continue
		}
		d.File, d.Line, d.Direct, d.Group = p.file, line, true, group
		p.res.Deps = append(p.res.Deps, d)
	}
}

// parsePyproject reads PEP 621, PEP 735, Poetry, PDM and uv declarations.
func parsePyproject(res *Result, path string, data []byte) error {
	doc, err := decodeTOML(path, data)
	if err != nil {
		return err
	}
	p := &tomlParser{res: res, file: path, idx: newTOMLIndex(data)}
	if proj := table(doc, "project"); proj != nil {
		p.requirementList("project", proj["dependencies"], "")
		if opt := table(proj, "optional-dependencies"); opt != nil {
			for _, extra := range sortedKeys(opt) {
				p.requirementList("project.optional-dependencies", opt[extra], extra)
			}
		}
	}
	if groups := table(doc, "dependency-groups"); groups != nil {
		for _, g := range sortedKeys(groups) {
			p.requirementList("dependency-groups", groups[g], g)
		}
	}
	if poetry := table(doc, "tool", "poetry"); poetry != nil {
		extras := map[string]string{} // package name -> extra name
		if ex := table(poetry, "extras"); ex != nil {
			for _, name := range sortedKeys(ex) {
				if list, ok := ex[name].([]any); ok {
					for _, pk := range list {
						if s, ok := pk.(string); ok {
							extras[pypi.CanonPackageName(s)] = name
						}
					}
				}
			}
		}
		p.poetryTable("tool.poetry.dependencies", table(poetry, "dependencies"), "", extras)
		p.poetryTable("tool.poetry.dev-dependencies", table(poetry, "dev-dependencies"), "dev", extras)
		if groups := table(poetry, "group"); groups != nil {
			for _, g := range sortedKeys(groups) {
				p.poetryTable("tool.poetry.group."+g+".dependencies", table(groups, g, "dependencies"), g, extras)
			}
		}
	}
	if pdm := table(doc, "tool", "pdm", "dev-dependencies"); pdm != nil {
		for _, g := range sortedKeys(pdm) {
			p.requirementList("tool.pdm.dev-dependencies", pdm[g], g)
		}
	}
	if uv := table(doc, "tool", "uv"); uv != nil {
		p.requirementList("tool.uv", uv["dev-dependencies"], "dev")
	}
	return nil
}

// poetryTable adds the entries of a Poetry dependency table.
func (p *tomlParser) poetryTable(section string, deps map[string]any, group string, extras map[string]string) {
	for _, key := range sortedKeys(deps) {
		if strings.EqualFold(key, "python") {
			continue
		}
		line := p.idx.keyLine(section, key)
		specs := []any{deps[key]}
		if list, ok := deps[key].([]any); ok { // multiple-constraint form
			specs = list
		}
		for _, v := range specs {
			d, err := poetryDependency(key, v)
			if err != nil {
				p.res.diag(p.file, line, "%v", err)
				continue
			}
			d.File, d.Line, d.Direct, d.Group = p.file, line, true, group
			t, _ := v.(map[string]any)
			if opt, _ := t["optional"].(bool); opt && group == "" {
				d.Group = extras[d.Name]
				if d.Group == "" {
					d.Group = "optional"
				}
			}
			p.res.Deps = append(p.res.Deps, d)
		}
	}
}

// poetryDependency converts one Poetry (or Pipfile) entry: a constraint
// string or a table with version/git/path/url/file/extras/markers.
func poetryDependency(key string, v any) (Dependency, error) {
	if !nameRE.MatchString(key) {
		return Dependency{}, fmt.Errorf("invalid package name %q", key)
	}
	d := Dependency{Name: pypi.CanonPackageName(key)}
	var version string
	switch t := v.(type) {
	case string:
		version = t
		d.Raw = fmt.Sprintf("%s = %q", key, t)
	case map[string]any:
		d.Raw = fmt.Sprintf("%s = %s", key, inlineTable(t))
		if s, ok := t["version"].(string); ok {
			version = s
		}
		d.Extras = append(d.Extras, stringList(t["extras"])...)
		if m, ok := t["markers"].(string); ok {
			d.Marker = m
		}
		d.Marker = andMarkers(d.Marker, poetryEnvMarker(t))
		vcs := ""
		for _, k := range []string{"git", "hg", "svn", "bzr"} {
			if t[k] != nil && vcs == "" {
				vcs = k
			}
		}
		editable, _ := t["editable"].(bool)
		d.Unresolvable = sourceReason(vcs != "", vcs, t["path"] != nil || t["file"] != nil, t["url"] != nil, editable)
	default:
		return d, fmt.Errorf("%s: unsupported dependency value of type %T", key, v)
	}
	if d.Unresolvable != "" {
		return d, nil
	}
	spec, err := poetryConstraint(version)
	if err != nil {
		return d, fmt.Errorf("%s: %w", key, err)
	}
	d.Specifier = spec
	d.Version, d.Pinned = pinnedVersion(spec)
	return d, nil
}

// poetryEnvMarker turns the python and platform keys of a Poetry entry
// ({version = "^1.0", python = "<3.8", platform = "linux"}) into the PEP 508
// marker they stand for; "" when there are none or they cannot be read.
func poetryEnvMarker(t map[string]any) string {
	var parts []string
	if py, ok := t["python"].(string); ok {
		spec, err := poetryConstraint(py)
		if err == nil && spec != "" {
			var alts []string
			for _, alt := range strings.Split(spec, "||") {
				var and []string
				for _, cl := range strings.Split(alt, ",") {
					op, ver := splitOperator(cl)
					and = append(and, fmt.Sprintf("python_version %s %q", op, ver))
				}
				alts = append(alts, strings.Join(and, " and "))
			}
			m := strings.Join(alts, " or ")
			if len(alts) > 1 {
				m = "(" + m + ")"
			}
			parts = append(parts, m)
		}
	}
	if pl, ok := t["platform"].(string); ok && pl != "" {
		parts = append(parts, fmt.Sprintf("sys_platform == %q", pl))
	}
	return strings.Join(parts, " and ")
}

// splitOperator splits a PEP 440 clause ("<3.8") into operator and version.
func splitOperator(cl string) (op, version string) {
	i := strings.IndexFunc(cl, func(r rune) bool { return !strings.ContainsRune("<>=!~", r) })
	if i <= 0 {
		return "==", cl
	}
	return cl[:i], cl[i:]
}

// andMarkers joins two markers with "and", either may be empty.
func andMarkers(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return "(" + a + ") and " + b
}

func stringList(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, it := range list {
		if s, ok := it.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// inlineTable renders a decoded table compactly for Dependency.Raw.
func inlineTable(t map[string]any) string {
	var parts []string
	for _, k := range sortedKeys(t) {
		switch v := t[k].(type) {
		case string:
			parts = append(parts, fmt.Sprintf("%s = %q", k, v))
		default:
			parts = append(parts, fmt.Sprintf("%s = %v", k, v))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// poetryConstraint converts a Poetry version constraint to a PEP 440
// specifier set: "*" and "" mean any version, a bare version is ==, ^ and ~
// become ranges, commas and spaces separate clauses (AND). Alternatives
// joined by "||" cannot be expressed in PEP 440 and are kept, each part
// converted, joined by "||".
func poetryConstraint(c string) (string, error) {
	c = strings.TrimSpace(c)
	if c == "" || c == "*" {
		return "", nil
	}
	if strings.Contains(c, "|") {
		var alts []string
		for _, a := range strings.FieldsFunc(c, func(r rune) bool { return r == '|' }) {
			s, err := poetryConstraint(a)
			if err != nil {
				return "", err
			}
			alts = append(alts, s)
		}
		return strings.Join(alts, "||"), nil
	}
	// Tokenize: clauses are separated by commas or by whitespace that is
	// not between an operator and its version.
	var clauses []string
	for _, part := range strings.Split(c, ",") {
		fields := strings.Fields(part)
		for i := 0; i < len(fields); i++ {
			f := fields[i]
			if isOperator(f) && i+1 < len(fields) {
				f += fields[i+1]
				i++
			}
			clauses = append(clauses, f)
		}
	}
	var out []string
	for _, cl := range clauses {
		conv, err := poetryClause(cl)
		if err != nil {
			return "", err
		}
		if conv != "" {
			out = append(out, conv)
		}
	}
	return strings.Join(out, ","), nil
}

func isOperator(s string) bool {
	switch s {
	case "^", "~", "~=", "==", "!=", "<=", ">=", "<", ">", "===", "=":
		return true
	}
	return false
}

func poetryClause(cl string) (string, error) {
	switch {
	case cl == "*":
		return "", nil
	case strings.HasPrefix(cl, "^"):
		return caretRange(strings.TrimPrefix(cl, "^"))
	case strings.HasPrefix(cl, "~="):
		return cl, nil
	case strings.HasPrefix(cl, "~"):
		return tildeRange(strings.TrimPrefix(cl, "~"))
	}
	for _, op := range specOps {
		if strings.HasPrefix(cl, op) {
			if len(cl) == len(op) {
				return "", fmt.Errorf("invalid version constraint %q", cl)
			}
			return cl, nil
		}
	}
	if strings.HasPrefix(cl, "=") {
		return "=" + cl, nil
	}
	if cl == "" || !strings.ContainsAny(cl[:1], "0123456789") {
		return "", fmt.Errorf("invalid version constraint %q", cl)
	}
	return "==" + cl, nil
}

// releaseParts returns the leading numeric release components of v.
func releaseParts(v string) ([]int, error) {
	var nums []int
	for _, p := range strings.Split(v, ".") {
		n, digits := 0, 0
		for _, r := range p {
			if r < '0' || r > '9' {
				break
			}
			n = n*10 + int(r-'0')
			digits++
			if n > 1<<30 {
				return nil, fmt.Errorf("version %q out of range", v)
			}
		}
		if digits == 0 {
			break
		}
		nums = append(nums, n)
		if digits != len(p) {
			break // pre/post/dev suffix ends the release
		}
	}
	if len(nums) == 0 {
		return nil, fmt.Errorf("invalid version %q", v)
	}
	return nums, nil
}

func joinParts(nums []int) string {
	s := make([]string, len(nums))
	for i, n := range nums {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ".")
}

// caretRange: ^1.2.3 → >=1.2.3,<2.0.0; ^0.2.3 → >=0.2.3,<0.3.0;
// ^0.0.3 → >=0.0.3,<0.0.4; ^0 → >=0,<1. The upper bound has as many
// components as the version written.
func caretRange(v string) (string, error) {
	nums, err := releaseParts(v)
	if err != nil {
		return "", err
	}
	up := make([]int, len(nums))
	i := 0
	for i < len(nums)-1 && nums[i] == 0 {
		i++
	}
	copy(up, nums[:i])
	up[i] = nums[i] + 1
	return ">=" + v + ",<" + joinParts(up), nil
}

// tildeRange: ~1 → >=1,<2; ~1.2 → >=1.2,<1.3; ~1.2.3 → >=1.2.3,<1.3.0.
func tildeRange(v string) (string, error) {
	nums, err := releaseParts(v)
	if err != nil {
		return "", err
	}
	up := make([]int, len(nums))
	i := 0
	if len(nums) > 1 {
		i = 1
	}
	copy(up, nums[:i])
	up[i] = nums[i] + 1
	return ">=" + v + ",<" + joinParts(up), nil
}

// parsePipfile reads [packages] and [dev-packages] ("*" means any version).
func parsePipfile(res *Result, path string, data []byte) error {
	doc, err := decodeTOML(path, data)
	if err != nil {
		return err
	}
	p := &tomlParser{res: res, file: path, idx: newTOMLIndex(data)}
	for _, sec := range []struct{ name, group string }{{"packages", ""}, {"dev-packages", "dev"}} {
		deps := table(doc, sec.name)
		for _, key := range sortedKeys(deps) {
			line := p.idx.keyLine(sec.name, key)
			d, err := poetryDependency(key, deps[key])
			if err != nil {
				p.res.diag(path, line, "%v", err)
				continue
			}
			// Pipfile versions are PEP 440 already ("*", "==1.2", ">=1"), but a
			// bare version is accepted by pipenv as ==.
			if t, ok := deps[key].(map[string]any); ok && d.Unresolvable == "" {
				if m := pipfileMarkers(t); m != "" && d.Marker == "" {
					d.Marker = m
				}
			}
			d.File, d.Line, d.Direct, d.Group = path, line, true, sec.group
			p.res.Deps = append(p.res.Deps, d)
		}
	}
	return nil
}

// pipfileMarkers turns Pipfile marker keys (sys_platform = "== 'linux'")
// into a PEP 508 marker.
func pipfileMarkers(t map[string]any) string {
	var parts []string
	for _, k := range sortedKeys(t) {
		switch k {
		case "os_name", "sys_platform", "platform_machine", "platform_python_implementation",
			"platform_release", "platform_system", "platform_version", "python_version",
			"python_full_version", "implementation_name", "implementation_version":
			if s, ok := t[k].(string); ok {
				parts = append(parts, k+" "+strings.TrimSpace(s))
			}
		}
	}
	return strings.Join(parts, " and ")
}
