package rules

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// maxTemplateSize bounds the template files read.
const maxTemplateSize = 1 << 20

var (
	safeFilterRE  = regexp.MustCompile(`\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*)[^}]*\|\s*safe\b`)
	autoescapeRE  = regexp.MustCompile(`(?s)\{%-?\s*autoescape\s+false\s*-?%\}(.*?)\{%-?\s*endautoescape\s*-?%\}`)
	templateVarRE = regexp.MustCompile(`\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*)`)

	templateCache   = map[string]map[string]bool{}
	templateCacheMu sync.Mutex
)

// findTemplate looks for a template next to a module: in templates/
// directories of the module's directory and its parents.
func findTemplate(mod *semantic.Module, name string) string {
	if strings.Contains(name, "..") || filepath.IsAbs(name) {
		return ""
	}
	dir := filepath.Dir(mod.Path)
	for i := 0; i < 5; i++ {
		for _, cand := range []string{filepath.Join(dir, "templates", name), filepath.Join(dir, name)} {
			if info, err := os.Stat(cand); err == nil && info.Mode().IsRegular() && info.Size() <= maxTemplateSize {
				return cand
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return ""
}

// unescapedVars returns the context variables a Jinja2 template prints
// without escaping: with |safe, or inside {% autoescape false %}.
func unescapedVars(mod *semantic.Module, name string) map[string]bool {
	path := findTemplate(mod, name)
	if path == "" {
		return nil
	}
	templateCacheMu.Lock()
	defer templateCacheMu.Unlock()
	if vars, ok := templateCache[path]; ok {
		return vars
	}
	vars := map[string]bool{}
	if b, err := os.ReadFile(path); err == nil {
		text := string(b)
		for _, m := range safeFilterRE.FindAllStringSubmatch(text, -1) {
			vars[m[1]] = true
		}
		for _, block := range autoescapeRE.FindAllStringSubmatch(text, -1) {
			for _, m := range templateVarRE.FindAllStringSubmatch(block[1], -1) {
				vars[m[1]] = true
			}
		}
	}
	templateCache[path] = vars
	return vars
}

// templateContext picks the context values of a TemplateResponse call that
// its template prints unescaped. Starlette takes (name, context) or, since
// 0.29, (request, name, context).
func templateContext(mod *semantic.Module, c *syntax.Call) []syntax.Expr {
	var name string
	var ctx syntax.Expr
	for i, a := range c.Args {
		if s, ok := constStr(a); ok && name == "" {
			name = s
			if i+1 < len(c.Args) {
				ctx = c.Args[i+1]
			}
		}
	}
	if v, ok := constStr(keyword(c, "name")); ok {
		name = v
	}
	if v := keyword(c, "context"); v != nil {
		ctx = v
	}
	d, ok := ctx.(*syntax.Dict)
	if name == "" || !ok {
		return nil
	}
	vars := unescapedVars(mod, name)
	var out []syntax.Expr
	for i, k := range d.Keys {
		if key, ok := constStr(k); ok && vars[key] {
			out = append(out, d.Values[i])
		}
	}
	return out
}
