package rules

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/fastapi-audit/fastapi-audit/internal/fsguard"
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
// directories of the module's directory and its parents, up to the
// scanned root, and only through it (os.Root: a template that is a link
// leading outside is not read). It returns the template's content, or nil.
func findTemplate(mod *semantic.Module, name string) []byte {
	if strings.Contains(name, "..") || filepath.IsAbs(name) || path.IsAbs(name) {
		return nil
	}
	rootDir, ok := moduleRoot(mod)
	if !ok {
		return nil
	}
	root, err := os.OpenRoot(rootDir)
	if err != nil {
		return nil
	}
	defer root.Close()
	dir := path.Dir(mod.Rel)
	for i := 0; i < 5; i++ {
		for _, cand := range []string{path.Join(dir, "templates", name), path.Join(dir, name)} {
			if b, err := fsguard.ReadFileIn(root, cand, maxTemplateSize); err == nil {
				return b
			}
		}
		if dir == "." {
			break
		}
		dir = path.Dir(dir)
	}
	return nil
}

// moduleRoot is the directory a module was found under: its path without
// its root-relative name (for a file scanned on its own, its directory).
func moduleRoot(mod *semantic.Module) (string, bool) {
	p := filepath.ToSlash(mod.Path)
	switch {
	case mod.Rel == "" || path.IsAbs(mod.Rel):
		return "", false
	case p == mod.Rel:
		return ".", true
	case strings.HasSuffix(p, "/"+mod.Rel):
		root := strings.TrimSuffix(p, "/"+mod.Rel)
		if root == "" {
			root = "/"
		}
		return filepath.FromSlash(root), true
	}
	return "", false
}

// unescapedVars returns the context variables a Jinja2 template prints
// without escaping: with |safe, or inside {% autoescape false %}.
func unescapedVars(mod *semantic.Module, name string) map[string]bool {
	rootDir, _ := moduleRoot(mod)
	key := rootDir + "\x00" + path.Dir(mod.Rel) + "\x00" + name
	templateCacheMu.Lock()
	defer templateCacheMu.Unlock()
	if vars, ok := templateCache[key]; ok {
		return vars
	}
	vars := map[string]bool{}
	if b := findTemplate(mod, name); b != nil {
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
	templateCache[key] = vars
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
