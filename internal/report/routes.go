package report

import (
	"cmp"
	"slices"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
)

// Route is one endpoint of the route inventory.
type Route struct {
	Method   string              `json:"method"`
	Path     string              `json:"path"`
	Handler  string              `json:"handler"`
	File     string              `json:"file"`
	Line     int                 `json:"line"`
	App      string              `json:"app,omitempty"`
	Auth     []string            `json:"auth"`
	Authz    []string            `json:"authz"`
	Scopes   []string            `json:"scopes,omitempty"`
	Params   map[string][]string `json:"params"`
	Response string              `json:"response_model,omitempty"`
	// Guards are a GraphQL field's own guards: its permission classes and
	// "context-check" when its resolver checks the caller in info.context.
	Guards []string `json:"guards,omitempty"`
}

// Routes lists the endpoints of a model, sorted by path and method.
func Routes(m *fastapi.Model) []Route {
	n := 0
	for _, e := range m.Endpoints {
		n += len(e.Methods)
	}
	rows := make([]Route, 0, n)
	for _, e := range m.Endpoints {
		for _, method := range e.Methods {
			r := Route{Method: method, Path: e.FullPath, Auth: []string{}, Authz: []string{}, Params: map[string][]string{}, Scopes: e.Scopes}
			mod := e.Module
			if e.Handler != nil {
				mod = e.Handler.Module
				r.Handler = e.Handler.Node.Name.Name
				r.Line = mod.File.Position(e.Handler.Node.Name.Pos()).Line
			} else {
				r.Handler = "?"
				r.Line = mod.File.Position(e.Node.Pos()).Line
			}
			r.File = mod.Rel
			if e.App != nil {
				r.App = e.App.Name
			}
			r.Auth = append(r.Auth, m.AuthNames(e)...)
			for _, d := range e.Authz {
				r.Authz = append(r.Authz, d.Label())
			}
			for _, d := range e.Deps {
				for _, prm := range d.Params {
					collectParams(prm, r.Params, 0)
				}
			}
			for _, prm := range e.Params {
				collectParams(prm, r.Params, 0)
			}
			r.Response = responseModel(e)
			if f := e.GraphQL; f != nil {
				for _, d := range f.Permissions {
					r.Guards = append(r.Guards, d.Name())
				}
				if f.ContextCheck != nil {
					r.Guards = append(r.Guards, "context-check")
				}
			}
			rows = append(rows, r)
		}
	}
	// Sorted through an index: moving the rows themselves, a few hundred
	// bytes each, was most of the cost on large programs.
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(rows[a].Path, rows[b].Path); c != 0 {
			return c
		}
		return cmp.Compare(rows[a].Method, rows[b].Method)
	})
	sorted := make([]Route, len(rows))
	for i, k := range order {
		sorted[i] = rows[k]
	}
	return sorted
}

// collectParams lists the request parameters of a handler, including those
// its dependencies read from the request.
func collectParams(p *fastapi.Param, out map[string][]string, depth int) {
	if p.Kind.FromRequest() {
		kind := p.Kind.String()
		for _, have := range out[kind] {
			if have == p.Name {
				return
			}
		}
		out[kind] = append(out[kind], p.Name)
		return
	}
	if p.Dep == nil || depth > 8 {
		return
	}
	for _, sub := range p.Dep.Params {
		collectParams(sub, out, depth+1)
	}
}

// responseModel is response_model=, else the handler's return annotation.
func responseModel(e *fastapi.Endpoint) string {
	if e.ResponseModel != nil {
		return e.Module.File.Text(e.ResponseModel)
	}
	if e.Handler != nil && e.Handler.Node.Returns != nil {
		return e.Handler.Module.File.Text(e.Handler.Node.Returns)
	}
	return ""
}
