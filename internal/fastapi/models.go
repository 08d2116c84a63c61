package fastapi

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// DataModel is a Pydantic model (v1 or v2), a settings class, or an ORM
// model (SQLAlchemy declarative or SQLModel table).
type DataModel struct {
	Class    *semantic.Class
	Pydantic bool   // a Pydantic model (SQLModel classes included)
	Settings bool   // a BaseSettings subclass
	ORM      bool   // a SQLAlchemy mapped class or an SQLModel table
	GraphQL  bool   // a GraphQL object or input type (Strawberry, Graphene)
	V1       bool   // written for Pydantic v1 (class Config, @validator, orm_mode)
	Extra    string // "allow", "forbid" or "ignore" when set (inherited settings included)
	Fields   []*Field
}

// Field is a model field or ORM column.
type Field struct {
	Class       *semantic.Class // the class that declares it
	Name        string
	Node        syntax.Stmt // the class-body statement declaring it
	TypeExpr    syntax.Expr
	Type        string // qualified type, when known
	Default     syntax.Expr
	Constraints map[string]syntax.Expr // max_length, le, pattern, ... from Field(), Annotated metadata, constr() and friends
	Validated   bool                   // a validator names the field
}

// Constrained reports whether any of the named constraints is set.
func (f *Field) Constrained(names ...string) bool {
	for _, n := range names {
		if _, ok := f.Constraints[n]; ok {
			return true
		}
	}
	return false
}

var ormBases = []string{
	"sqlalchemy.orm.DeclarativeBase", "sqlalchemy.orm.decl_api.DeclarativeBase",
	"sqlalchemy.orm.DeclarativeBaseNoMeta", "sqlalchemy.orm.MappedAsDataclass",
}

var (
	declarativeFactories = map[string]bool{
		"sqlalchemy.orm.declarative_base": true, "sqlalchemy.ext.declarative.declarative_base": true,
		"sqlalchemy.orm.decl_api.declarative_base": true, "flask_sqlalchemy.SQLAlchemy": true,
	}
	settingsBases = []string{"pydantic_settings.BaseSettings", "pydantic.BaseSettings", "pydantic.v1.BaseSettings"}
	constraintRE  = namere.MustCompile(`^(min_length|max_length|min_items|max_items|gt|ge|lt|le|multiple_of|pattern|regex|max_digits|decimal_places|strict|allow_inf_nan)$`)
)

// Models returns every data model in the program, computed once (safe for
// concurrent use: every class's model is known once it returns).
func (m *Model) Models() []*DataModel {
	m.modelsOnce.Do(func() {
		m.models = []*DataModel{}
		for _, c := range m.Prog.AllClasses() {
			if dm := m.modelFor(c); dm != nil {
				m.models = append(m.models, dm)
			}
		}
	})
	return m.models
}

// ModelOf returns the data model of a class by qualified name, or nil.
func (m *Model) ModelOf(qual string) *DataModel {
	if c := m.Prog.Class(qual); c != nil {
		return m.modelOfClass(c)
	}
	return nil
}

// modelOfClass is a program class's data model once Models has run; after
// that the memo is only read, so rules may ask concurrently.
func (m *Model) modelOfClass(c *semantic.Class) *DataModel {
	m.Models()
	return m.modelByClass[c]
}

// modelFor memoises dataModel; a class under construction (a cycle in
// hostile code) reads as no model.
func (m *Model) modelFor(c *semantic.Class) *DataModel {
	if dm, done := m.modelByClass[c]; done {
		return dm
	}
	m.modelByClass[c] = nil
	dm := m.dataModel(c)
	m.modelByClass[c] = dm
	return dm
}

func (m *Model) dataModel(c *semantic.Class) *DataModel {
	dm := &DataModel{Class: c}
	dm.Pydantic = m.Prog.IsSubclass(c.Qual, baseModelClasses...)
	dm.Settings = m.Prog.IsSubclass(c.Qual, settingsBases...)
	dm.ORM = m.isORM(c)
	dm.GraphQL = m.isGraphQLType(c)
	if !dm.Pydantic && !dm.ORM && !dm.GraphQL {
		return nil
	}
	for _, kw := range c.Node.Keywords {
		if kw.Arg != nil && kw.Arg.Name == "extra" {
			dm.Extra = extraValue(kw.Value)
		}
	}
	validated := map[string]bool{}
	for _, st := range c.Node.Body {
		switch n := st.(type) {
		case *syntax.ClassDef:
			if n.Name.Name == "Config" {
				dm.V1 = true
				for _, cst := range n.Body {
					if a, ok := cst.(*syntax.Assign); ok && len(a.Targets) == 1 {
						if t, ok := a.Targets[0].(*syntax.Name); ok && t.ID == "extra" {
							dm.Extra = extraValue(a.Value)
						}
					}
				}
			}
		case *syntax.Assign:
			if t, ok := n.Targets[0].(*syntax.Name); ok && t.ID == "model_config" {
				if e := configExtra(n.Value); e != "" {
					dm.Extra = e
				}
				continue
			}
			if dm.ORM || dm.GraphQL && m.isGrapheneField(c, n.Value) {
				for _, t := range n.Targets {
					if name, ok := t.(*syntax.Name); ok && !strings.HasPrefix(name.ID, "__") {
						dm.Fields = append(dm.Fields, m.field(c, name.ID, n, nil, n.Value))
					}
				}
			}
		case *syntax.AnnAssign:
			name, ok := n.Target.(*syntax.Name)
			if !ok {
				continue
			}
			if name.ID == "model_config" {
				if e := configExtra(n.Value); e != "" {
					dm.Extra = e
				}
				continue
			}
			if sub, ok := n.Annotation.(*syntax.Subscript); ok && shortName(m.Prog.Qualify(c.Scope, sub.Value)) == "ClassVar" {
				continue
			}
			dm.Fields = append(dm.Fields, m.field(c, name.ID, n, n.Annotation, n.Value))
		case *syntax.FunctionDef:
			for _, d := range n.Decorators {
				call, ok := d.(*syntax.Call)
				if !ok {
					continue
				}
				switch shortName(m.Prog.Qualify(c.Scope, call.Func)) {
				case "validator", "root_validator":
					dm.V1 = true
					fallthrough
				case "field_validator":
					for _, a := range call.Args {
						if s, ok := a.(*syntax.Constant); ok && s.Kind == syntax.ConstStr {
							validated[s.Value] = true
						}
					}
				}
			}
		}
	}
	for _, f := range dm.Fields {
		f.Validated = validated[f.Name] || validated["*"]
	}
	if dm.Extra == "" {
		// Inherited from a program base model.
		for _, a := range m.Prog.Ancestors(c.Qual) {
			if base := m.Prog.Class(a); base != nil && base != c {
				if bm := m.modelFor(base); bm != nil && bm.Extra != "" {
					dm.Extra = bm.Extra
					break
				}
			}
		}
	}
	return dm
}

// isORM reports SQLAlchemy mapped classes and SQLModel tables.
func (m *Model) isORM(c *semantic.Class) bool {
	if m.Prog.IsSubclass(c.Qual, "sqlmodel.SQLModel") {
		for _, kw := range c.Node.Keywords {
			if kw.Arg != nil && kw.Arg.Name == "table" {
				if k, ok := kw.Value.(*syntax.Constant); ok && k.Kind == syntax.ConstTrue {
					return true
				}
			}
		}
		return false
	}
	if m.Prog.IsSubclass(c.Qual, ormBases...) {
		return !isAbstractBase(c)
	}
	// class User(Base) where Base = declarative_base().
	for _, a := range append([]string{c.Qual}, m.Prog.Ancestors(c.Qual)...) {
		sym, mod := m.Prog.Symbol(a)
		if sym == nil || sym.Kind != semantic.VarSym || mod == nil {
			continue
		}
		if call, ok := sym.Value().(*syntax.Call); ok && declarativeFactories[m.Prog.Qualify(mod.Scope, call.Func)] {
			return true
		}
	}
	return false
}

// isAbstractBase reports the DeclarativeBase subclass that only configures
// the mapping (class Base(DeclarativeBase): pass).
func isAbstractBase(c *semantic.Class) bool {
	for _, st := range c.Node.Body {
		if a, ok := st.(*syntax.Assign); ok {
			if t, ok := a.Targets[0].(*syntax.Name); ok && (t.ID == "__tablename__" || t.ID == "__table__") {
				return false
			}
		}
		if a, ok := st.(*syntax.AnnAssign); ok {
			if t, ok := a.Target.(*syntax.Name); ok && t.ID != "metadata" && t.ID != "type_annotation_map" {
				return false
			}
		}
	}
	return true
}

func (m *Model) field(c *semantic.Class, name string, st syntax.Stmt, ann, value syntax.Expr) *Field {
	f := &Field{Class: c, Name: name, Node: st, Default: value, Constraints: map[string]syntax.Expr{}}
	typ, metas, tscope := m.unwrapAnnotated(c.Scope, ann)
	f.TypeExpr = typ
	if typ != nil {
		f.Type = m.Prog.AnnotationType(tscope, typ)
		// constr(max_length=...), conint(le=...) and friends.
		if call, ok := typ.(*syntax.Call); ok {
			m.addConstraints(f, call)
		}
	}
	for _, meta := range metas {
		if call, ok := meta.(*syntax.Call); ok {
			m.addConstraints(f, call)
		}
	}
	if call, ok := value.(*syntax.Call); ok {
		switch shortName(m.Prog.Qualify(c.Scope, call.Func)) {
		case "Field", "Query", "Body", "Path", "Form", "Column", "mapped_column":
			m.addConstraints(f, call)
			if d := keyword(call, "default"); d != nil {
				f.Default = d
			}
		}
	}
	return f
}

func (m *Model) addConstraints(f *Field, call *syntax.Call) {
	for _, kw := range call.Keywords {
		if kw.Arg != nil && constraintRE.MatchString(kw.Arg.Name) {
			f.Constraints[kw.Arg.Name] = kw.Value
		}
	}
}

// extraValue reads "allow", Extra.allow or extra="allow".
func extraValue(e syntax.Expr) string {
	switch v := e.(type) {
	case *syntax.Constant:
		if v.Kind == syntax.ConstStr {
			return v.Value
		}
	case *syntax.Attribute:
		return v.Attr.Name
	}
	return ""
}

// configExtra reads extra= from ConfigDict(...), SettingsConfigDict(...) or a
// dict literal.
func configExtra(e syntax.Expr) string {
	switch v := e.(type) {
	case *syntax.Call:
		if x := keyword(v, "extra"); x != nil {
			return extraValue(x)
		}
	case *syntax.Dict:
		for i, k := range v.Keys {
			if s, ok := k.(*syntax.Constant); ok && s.Kind == syntax.ConstStr && s.Value == "extra" {
				return extraValue(v.Values[i])
			}
		}
	}
	return ""
}

// AllFields returns a model's fields with those it inherits from program
// models; a subclass's field overrides its base's.
func (m *Model) AllFields(dm *DataModel) []*Field {
	out := append([]*Field(nil), dm.Fields...)
	seen := map[string]bool{}
	for _, f := range dm.Fields {
		seen[f.Name] = true
	}
	for _, a := range m.Prog.Ancestors(dm.Class.Qual) {
		base := m.Prog.Class(a)
		if base == nil || base == dm.Class {
			continue
		}
		bm := m.modelOfClass(base)
		if bm == nil {
			continue
		}
		for _, f := range bm.Fields {
			if !seen[f.Name] {
				seen[f.Name] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// ModelsIn returns the data models a type expression names:
// list[UserOut], Optional[Page[Item]], "User" and the like.
func (m *Model) ModelsIn(s *semantic.Scope, e syntax.Expr) []*DataModel {
	var out []*DataModel
	seen := map[*DataModel]bool{}
	syntax.Inspect(e, func(n syntax.Node) bool {
		var ref syntax.Expr
		switch v := n.(type) {
		case *syntax.Name:
			ref = v
		case *syntax.Attribute:
			ref = v
		case *syntax.Constant:
			if v.Kind == syntax.ConstStr { // a forward reference
				ref = &syntax.Name{ID: v.Value}
			}
		default:
			return true
		}
		if dm := m.ModelOf(m.Prog.Qualify(s, ref)); dm != nil && !seen[dm] {
			seen[dm] = true
			out = append(out, dm)
		}
		_, isAttr := n.(*syntax.Attribute)
		return !isAttr
	})
	return out
}

// FieldKeyword returns a keyword of the Field(...) call that declares a
// field (Field(exclude=True)), or nil.
func (f *Field) FieldKeyword(name string) syntax.Expr {
	var value syntax.Expr
	switch st := f.Node.(type) {
	case *syntax.AnnAssign:
		value = st.Value
	case *syntax.Assign:
		value = st.Value
	}
	if call, ok := value.(*syntax.Call); ok {
		return call.Keyword(name)
	}
	return nil
}
