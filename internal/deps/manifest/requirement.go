package manifest

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"

	"deps.dev/util/pypi"
	"deps.dev/util/semver"
)

// nameRE is a valid PEP 508 distribution name.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$`)

// extrasNameRE is a name optionally followed by [extras], the left side of a
// PEP 508 "name @ url" requirement.
var extrasNameRE = regexp.MustCompile(`^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*$`)

var vcsPrefixes = []string{"git+", "hg+", "svn+", "bzr+"}

// parseRequirement parses one PEP 508 requirement string, also recognising
// the URL, VCS and local path forms pip accepts. It fills Name, Raw,
// Specifier, Version, Pinned, Extras, Marker and Unresolvable.
func parseRequirement(s string) (Dependency, error) {
	raw := strings.TrimSpace(s)
	d := Dependency{Raw: raw}
	if raw == "" {
		return d, errors.New("empty requirement")
	}
	// Split off the marker for URL-like forms: PEP 508 requires whitespace
	// before ';' after a URL; pip also accepts "; " anywhere.
	if u, ok := urlLike(raw); ok {
		return parseURLRequirement(d, u)
	}
	// "name @ url": the left side is a bare name with optional extras.
	if at := strings.IndexByte(raw, '@'); at > 0 && !strings.ContainsAny(raw[:at], "<>=!~;") {
		m := extrasNameRE.FindStringSubmatch(raw[:at])
		if m == nil {
			return d, fmt.Errorf("invalid name before '@' in %q", raw)
		}
		d.Name = pypi.CanonPackageName(m[1])
		d.Extras = splitExtras(m[2])
		rest := strings.TrimSpace(raw[at+1:])
		target, marker := splitMarker(rest)
		d.Marker = marker
		if target == "" {
			return d, fmt.Errorf("missing URL after '@' in %q", raw)
		}
		d.Unresolvable = unresolvableReason(target)
		return d, nil
	}
	nameEnd := strings.IndexAny(raw, " \t[(;<=!~>")
	name := raw
	if nameEnd >= 0 {
		name = raw[:nameEnd]
	}
	if !nameRE.MatchString(name) {
		return d, fmt.Errorf("invalid package name %q", name)
	}
	pd, err := pypi.ParseDependency(raw)
	if err != nil {
		return d, fmt.Errorf("parsing requirement %q: %w", raw, err)
	}
	d.Name = pd.Name
	d.Extras = splitExtras(pd.Extras)
	d.Marker = pd.Environment
	spec, err := normalizeSpecifier(pd.Constraint)
	if err != nil {
		return d, fmt.Errorf("requirement %q: %w", raw, err)
	}
	d.Specifier = spec
	d.Version, d.Pinned = pinnedVersion(spec)
	return d, nil
}

// urlLike reports whether a whole requirement (not "name @ url") is a URL,
// VCS reference or local path, returning it without any marker.
func urlLike(raw string) (string, bool) {
	target, _ := splitMarker(raw)
	for _, p := range vcsPrefixes {
		if strings.HasPrefix(target, p) {
			return raw, true
		}
	}
	if i := strings.Index(target, "://"); i > 0 && !strings.ContainsAny(target[:i], " @<>=!~[") {
		return raw, true
	}
	if strings.HasPrefix(target, ".") || strings.HasPrefix(target, "/") || strings.HasPrefix(target, "~") ||
		strings.HasPrefix(target, "file:") || strings.Contains(target, "\\") {
		return raw, true
	}
	// A bare archive name or a relative path containing a slash.
	if !strings.ContainsAny(target, "<>=!~@ ") && (strings.Contains(target, "/") || archiveName(target)) {
		return raw, true
	}
	return "", false
}

func archiveName(s string) bool {
	for _, ext := range []string{".whl", ".tar.gz", ".tgz", ".tar.bz2", ".zip"} {
		if strings.HasSuffix(strings.ToLower(s), ext) {
			return true
		}
	}
	return false
}

// splitMarker splits "target ; marker" (the marker separated by ';').
// For URLs, a ';' inside the URL without preceding whitespace is kept.
func splitMarker(s string) (target, marker string) {
	if i := strings.Index(s, " ;"); i >= 0 {
		return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+2:])
	}
	if i := strings.Index(s, "; "); i >= 0 && !strings.Contains(s[:i], "://") {
		return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	}
	if i := strings.IndexByte(s, ';'); i >= 0 && !strings.Contains(s[:i], "://") {
		return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	}
	return strings.TrimSpace(s), ""
}

// parseURLRequirement handles a requirement that is only a URL, VCS
// reference or path; the name comes from #egg= or a wheel/sdist file name.
func parseURLRequirement(d Dependency, raw string) (Dependency, error) {
	target, marker := splitMarker(raw)
	d.Marker = marker
	d.Unresolvable = unresolvableReason(target)
	if i := strings.Index(target, "#"); i >= 0 {
		if q, err := url.ParseQuery(target[i+1:]); err == nil {
			if egg := q.Get("egg"); egg != "" {
				n := egg
				if j := strings.IndexByte(n, '['); j >= 0 {
					d.Extras = splitExtras(strings.TrimSuffix(n[j+1:], "]"))
					n = n[:j]
				}
				// Old-style egg=name-version.
				if nameRE.MatchString(n) {
					d.Name = pypi.CanonPackageName(n)
				}
			}
		}
		target = target[:i]
	}
	if d.Name == "" {
		base := path.Base(strings.ReplaceAll(target, "\\", "/"))
		if strings.HasSuffix(base, ".whl") {
			if parts := strings.Split(base, "-"); len(parts) >= 5 && nameRE.MatchString(parts[0]) {
				d.Name = pypi.CanonPackageName(parts[0])
			}
		} else if archiveName(base) {
			if i := strings.LastIndexByte(base, '-'); i > 0 && nameRE.MatchString(base[:i]) {
				d.Name = pypi.CanonPackageName(base[:i])
			}
		}
	}
	return d, nil
}

// unresolvableReason classifies a URL-like target.
func unresolvableReason(target string) string {
	for _, p := range vcsPrefixes {
		if strings.HasPrefix(target, p) {
			return "VCS requirement (" + strings.TrimSuffix(p, "+") + ")"
		}
	}
	if strings.HasPrefix(target, "file:") {
		return "local path requirement"
	}
	if i := strings.Index(target, "://"); i > 0 {
		return "URL requirement"
	}
	return "local path requirement"
}

func splitExtras(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

var specOps = []string{"===", "~=", "==", "!=", "<=", ">=", "<", ">"}

// normalizeSpecifier removes whitespace from a PEP 440 specifier set and
// checks that every clause starts with an operator.
func normalizeSpecifier(c string) (string, error) {
	c = strings.Join(strings.Fields(c), "")
	if c == "" {
		return "", nil
	}
	for _, clause := range strings.Split(c, ",") {
		ok := false
		for _, op := range specOps { // longest operators first
			if rest, found := strings.CutPrefix(clause, op); found {
				ok = rest != "" && !strings.ContainsAny(rest[:1], "<>=!~")
				break
			}
		}
		if !ok {
			return "", fmt.Errorf("invalid version specifier %q", clause)
		}
	}
	return c, nil
}

// pinnedVersion reports the version a specifier set pins: a single "==V"
// clause with a valid PEP 440 version and no wildcard, or a single "===V".
func pinnedVersion(spec string) (string, bool) {
	if spec == "" || strings.Contains(spec, ",") {
		return "", false
	}
	if v, ok := strings.CutPrefix(spec, "==="); ok {
		return v, v != ""
	}
	v, ok := strings.CutPrefix(spec, "==")
	if !ok || strings.Contains(v, "*") {
		return "", false
	}
	if _, err := semver.PyPI.Parse(v); err != nil {
		return "", false
	}
	return v, true
}
