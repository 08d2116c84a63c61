package semantic

import (
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// program parses files given as rel path -> source.
func program(t *testing.T, files map[string]string) *Program {
	t.Helper()
	var inputs []Input
	for rel, src := range files {
		f, err := syntax.ParseFile(rel, []byte(src), nil)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		inputs = append(inputs, Input{Path: rel, Rel: rel, File: f})
	}
	return New(inputs)
}

func TestModuleName(t *testing.T) {
	pkgs := map[string]bool{"proj/app": true, "proj/app/api": true, "src/lib": true}
	tests := []struct {
		rel, want string
		pkg       bool
	}{
		{"proj/app/api/users.py", "app.api.users", false},
		{"proj/app/__init__.py", "app", true},
		{"proj/app/api/__init__.py", "app.api", true},
		{"proj/main.py", "main", false},
		{"src/lib/core.py", "lib.core", false},
		{"scripts/my-tool.py", "my_tool", false},
		{"stubs/thing.pyi", "thing", false},
	}
	for _, tt := range tests {
		name, pkg := ModuleName(tt.rel, pkgs)
		if name != tt.want || pkg != tt.pkg {
			t.Errorf("ModuleName(%q) = %q, %v; want %q, %v", tt.rel, name, pkg, tt.want, tt.pkg)
		}
	}
	if name, _ := ModuleName("src/ns/mod.py", nil); name != "ns.mod" {
		t.Errorf("whole-path name = %q", name)
	}
}

// calls returns the qualified callee of every call in a module, in order.
func calls(p *Program, mod string) []string {
	m := p.Module(mod)
	var out []string
	var walk func(s *Scope, body []syntax.Stmt)
	funcs := map[*syntax.FunctionDef]*Function{}
	for _, f := range m.Funcs {
		funcs[f.Node] = f
	}
	walk = func(s *Scope, body []syntax.Stmt) {
		for _, st := range body {
			if fd, ok := st.(*syntax.FunctionDef); ok {
				walk(funcs[fd].Scope, fd.Body)
				continue
			}
			syntax.Inspect(st, func(n syntax.Node) bool {
				if c, ok := n.(*syntax.Call); ok {
					out = append(out, p.ResolveCall(s, c).Callee)
				}
				return true
			})
		}
	}
	walk(m.Scope, m.File.Body)
	return out
}

func TestQualifiedNames(t *testing.T) {
	p := program(t, map[string]string{
		"app/__init__.py": "from .core import make_app\n",
		"app/core.py": `from fastapi import FastAPI as F
import fastapi.security as sec
import os.path
from ..outside import thing

def make_app() -> F:
    return F()
`,
		"app/api/__init__.py": "",
		"app/api/routes.py": `from .. import make_app
from ..core import F, sec
from . import helpers
from .helpers import *

app = make_app()
scheme = sec.OAuth2PasswordBearer(tokenUrl="t")
F()
helpers.util()
util()
len([])

def handler(request, x: int):
    os = 1
    request.json()
    open("f")
`,
		"app/api/helpers.py": "def util(): pass\ndef _private(): pass\n",
	})
	got := calls(p, "app.api.routes")
	want := []string{"app.core.make_app", "fastapi.security.OAuth2PasswordBearer", "fastapi.FastAPI",
		"app.api.helpers.util", "app.api.helpers.util", "len", "", "open"}
	if len(got) != len(want) {
		t.Fatalf("calls = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("call %d: %q, want %q", i, got[i], want[i])
		}
	}
	if _, ok := p.Module("app.api.routes").Scope.Names["_private"]; ok {
		t.Error("star import bound a private name")
	}
	// Types flow through factories with return annotations.
	s := p.Module("app.api.routes").Scope
	if typ := p.TypeOf(s, &syntax.Name{ID: "app"}); typ != "fastapi.FastAPI" {
		t.Errorf("type of app = %q", typ)
	}
	if typ := p.TypeOf(s, &syntax.Name{ID: "scheme"}); typ != "fastapi.security.OAuth2PasswordBearer" {
		t.Errorf("type of scheme = %q", typ)
	}
}

func TestClassesAndMethods(t *testing.T) {
	p := program(t, map[string]string{
		"models/__init__.py": "",
		"models/base.py": `from pydantic import BaseModel
class Base(BaseModel):
    def describe(self):
        return self.name()
    def name(self):
        return "base"
`,
		"models/user.py": `from typing import Generic, TypeVar
from .base import Base
T = TypeVar("T")
class User(Base, Generic[T]):
    def greet(self) -> str:
        return self.describe()
class Loop(Loop2): pass
class Loop2(Loop): pass
`,
		"svc.py": `from models.user import User
def run(u: User):
    u.greet()
    User().describe()
`,
	})
	if !p.IsSubclass("models.user.User", "pydantic.BaseModel") {
		t.Error("User is not seen as a BaseModel")
	}
	if p.IsSubclass("models.user.Loop", "pydantic.BaseModel") {
		t.Error("cyclic classes")
	}
	if f := p.Method("models.user.User", "describe"); f == nil || f.Qual != "models.base.Base.describe" {
		t.Errorf("inherited method = %v", f)
	}
	run := p.Func("svc.run")
	cs := run.Calls(p)
	if len(cs) != 3 || cs[0].Func == nil || cs[0].Func.Qual != "models.user.User.greet" || cs[1].Func == nil || cs[1].Func.Qual != "models.base.Base.describe" {
		for _, c := range cs {
			t.Logf("call %s -> %v", c.Callee, c.Func)
		}
		t.Error("method calls not resolved through types")
	}
	greet := p.Func("models.user.User.greet")
	if cs := greet.Calls(p); len(cs) != 1 || cs[0].Func == nil || cs[0].Func.Qual != "models.base.Base.describe" {
		t.Error("self.describe() not resolved")
	}
	if callers := p.Callers(p.Func("models.base.Base.describe")); len(callers) != 2 {
		t.Errorf("callers of describe = %d, want 2", len(callers))
	}
}

func TestNamespaceAlias(t *testing.T) {
	// pkg has no __init__.py: the module is named from its package chain,
	// and the whole path stays usable for imports.
	p := program(t, map[string]string{
		"pkg/sub/__init__.py": "",
		"pkg/sub/mod.py":      "def f(): pass\n",
		"main.py":             "from pkg.sub.mod import f\nfrom sub.mod import f as g\nf()\ng()\n",
	})
	got := calls(p, "main")
	if len(got) != 2 || got[0] != "sub.mod.f" || got[1] != "sub.mod.f" {
		t.Errorf("calls = %q", got)
	}
}

func TestHostileImports(t *testing.T) {
	// Import cycles and self-references end.
	p := program(t, map[string]string{
		"a.py": "from b import x\nfrom a import y as x2\n",
		"b.py": "from a import x\n",
	})
	if q := p.Canonical("a.x"); q == "" {
		t.Error("empty canonical name")
	}
	p.Symbol("a.x")
}
