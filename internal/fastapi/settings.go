package fastapi

import (
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// SettingDefault follows an expression that reads a settings field
// (`settings.debug`, `get_settings().debug`, where the class is a
// BaseSettings subclass or any class with the field declared at class
// level) to the field's default value, with the scope it is written in.
// It returns nil when the expression is no such read or the field has no
// default. Names bound once are followed first.
func SettingDefault(p *semantic.Program, s *semantic.Scope, e syntax.Expr) (syntax.Expr, *semantic.Scope) {
	for range 8 {
		switch v := e.(type) {
		case *syntax.Name:
			sym, sc := p.ResolveScope(s, v)
			if sym == nil || sc == nil || sym.Kind != semantic.VarSym || sym.Value() == nil {
				return nil, nil
			}
			e, s = sym.Value(), sc
			continue
		case *syntax.Attribute:
			if sym, sc := p.ResolveScope(s, v); sym != nil && sc != nil && sym.Kind == semantic.VarSym && sym.Value() != nil {
				e, s = sym.Value(), sc
				continue
			}
			cls := p.Class(p.TypeOf(s, v.Value))
			if cls == nil {
				return nil, nil
			}
			for _, c := range append([]*semantic.Class{cls}, ancestorClasses(p, cls)...) {
				if f := c.Scope.Names[v.Attr.Name]; f != nil && f.Kind == semantic.VarSym && f.Value() != nil {
					return settingValue(p, c.Scope, f.Value())
				}
			}
		}
		return nil, nil
	}
	return nil, nil
}

// settingValue unwraps Field(default) and Field(default=...) of a field
// declaration.
func settingValue(p *semantic.Program, s *semantic.Scope, e syntax.Expr) (syntax.Expr, *semantic.Scope) {
	if call, ok := e.(*syntax.Call); ok {
		switch shortName(p.Qualify(s, call.Func)) {
		case "Field":
			if d := arg(call, 0, "default"); d != nil {
				return d, s
			}
			return nil, nil
		}
	}
	return e, s
}

// ancestorClasses returns a class's program base classes, nearest first.
func ancestorClasses(p *semantic.Program, c *semantic.Class) []*semantic.Class {
	var out []*semantic.Class
	for _, q := range p.Ancestors(c.Qual) {
		if a := p.Class(q); a != nil {
			out = append(out, a)
		}
	}
	return out
}
