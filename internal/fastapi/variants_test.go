package fastapi

import (
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/testfs"
)

// TestFactoryConditionalDependencies checks a router made by a factory
// whose dependencies= is a conditional expression on one of the factory's
// parameters: each call site's router keeps the dependencies, with their
// condition, and a call site that passes an empty list gets none.
func TestFactoryConditionalDependencies(t *testing.T) {
	dir := t.TempDir()
	testfs.WriteTree(t, dir, map[string]string{"main.py": `from fastapi import APIRouter, Depends, FastAPI, HTTPException, Header

app = FastAPI()


def signed_in(authorization: str = Header("")):
    if not authorization:
        raise HTTPException(401)


def make_router(auth_enabled: bool, prefix: str) -> APIRouter:
    router = APIRouter(prefix=prefix, dependencies=[Depends(signed_in)] if auth_enabled else [])

    @router.post("/run")
    def run():
        return {}

    return router


def make_open(prefix: str, deps: list) -> APIRouter:
    router = APIRouter(prefix=prefix, dependencies=deps)

    @router.post("/run")
    def run_open():
        return {}

    return router


app.include_router(make_router(True, "/a"))
app.include_router(make_open("/b", []))
`})
	m := loadModel(t, dir)
	got := map[string]string{}
	for _, e := range m.Endpoints {
		names := m.AuthNames(e)
		got[e.FullPath] = ""
		if len(names) > 0 {
			got[e.FullPath] = names[0]
		}
	}
	if got["/a/run"] != "signed_in (if auth_enabled)" {
		t.Errorf("/a/run: auth %q, want the conditional signed_in", got["/a/run"])
	}
	if a, ok := got["/b/run"]; !ok || a != "" {
		t.Errorf("/b/run: auth %q (found %v), want none", a, ok)
	}
}
