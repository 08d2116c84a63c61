package fastapi

import (
	"strings"
)

// maxIncludeDepth bounds include and mount chains (cycles in hostile code).
const maxIncludeDepth = 32

// resolveEndpoints walks every tree of includes and mounts from its root and
// records each route at the full path it is served on.
func (m *Model) resolveEndpoints() {
	for _, r := range m.Routers {
		if len(r.IncludedBy) > 0 || len(r.MountedBy) > 0 || r.variantCount > 0 {
			continue
		}
		app := r
		if !r.IsApp {
			app = nil
			if len(r.Routes) > 0 || len(r.Includes) > 0 {
				m.diag(r.Module, r.Node, "router %s is not included in any app found; its routes are listed with their own prefix", shortName(r.Name))
			}
		}
		m.visit(r, app, "", nil, nil, map[*Router]bool{}, 0)
	}
}

// visit records the routes of router r reached with the given path prefix,
// dependencies and include chain, then descends into its includes and mounts.
func (m *Model) visit(r *Router, app *Router, prefix string, deps []*Dependency, chain []*Include, onPath map[*Router]bool, depth int) {
	if onPath[r] || depth > maxIncludeDepth {
		m.diag(r.Module, r.Node, "router %s includes itself; the cycle is not followed", shortName(r.Name))
		return
	}
	onPath[r] = true
	defer delete(onPath, r)
	base := prefix + r.Prefix
	rdeps := append(append([]*Dependency(nil), deps...), r.Deps...)
	for _, src := range r.shared() {
		for _, rt := range src.Routes {
			m.addEndpoint(rt, app, base+rt.Path, rdeps, chain)
		}
		for _, inc := range src.Includes {
			next := append(append([]*Dependency(nil), rdeps...), inc.Deps...)
			m.visit(inc.Child, app, base+inc.Prefix, next, append(append([]*Include(nil), chain...), inc), onPath, depth+1)
		}
		for _, mt := range src.Mounts {
			// A mounted app is separate: the parent's dependencies do not apply.
			// Starlette drops a mount path's trailing slash: "/" adds nothing.
			m.visit(mt.Child, app, base+strings.TrimRight(mt.Path, "/"), nil, chain, onPath, depth+1)
		}
	}
}

func (m *Model) addEndpoint(rt *Route, app *Router, full string, deps []*Dependency, chain []*Include) {
	e := &Endpoint{Route: rt, App: app, FullPath: full, Chain: chain}
	e.Deps = append(append([]*Dependency(nil), deps...), rt.Deps...)
	if rt.Params == nil && rt.Handler != nil && rt.Starlette {
		rt.Params = m.starletteParams(rt)
	}
	if rt.Params == nil && rt.Handler != nil && !rt.Starlette {
		h := rt.Handler
		method := h.Class != nil && !h.Node.IsStaticMethod()
		rt.Params = m.params(h, method, pathParams(full), 0)
		if method {
			// A class-based view (fastapi-utils' @cbv and its kin): the
			// class's Depends attributes are dependencies of each endpoint.
			rt.Params = append(m.classDeps(h.Class, pathParams(full)), rt.Params...)
		}
	}
	for _, p := range rt.Params {
		if p.Dep != nil {
			e.Deps = append(e.Deps, p.Dep)
		}
	}
	for _, d := range e.Deps {
		if d.Authenticates() && (e.Auth == nil || e.Auth[0].Cond != "" && d.Cond == "") {
			e.Auth = authChain(d, 0) // the first, preferring one listed unconditionally
		}
		collectAuthz(d, &e.Authz, map[*Dependency]bool{}, 0)
		collectScopes(d, &e.Scopes, 0)
	}
	m.Endpoints = append(m.Endpoints, e)
}

// authChain follows an authenticating dependency down to where the
// authentication happens: the first dependency none of whose own
// dependencies authenticates.
func authChain(d *Dependency, depth int) []*Dependency {
	chain := []*Dependency{d}
	if depth > maxDepDepth {
		return chain
	}
	for _, sub := range d.Sub {
		if sub.Authenticates() {
			return append(chain, authChain(sub, depth+1)...)
		}
	}
	return chain
}

// collectAuthz lists the dependencies that perform an authorization check
// in their own body, or require scopes, once each.
func collectAuthz(d *Dependency, out *[]*Dependency, seen map[*Dependency]bool, depth int) {
	if seen[d] || depth > maxDepDepth || !d.Authorizes() {
		return
	}
	seen[d] = true
	if d.ChecksItself() || len(d.Scopes) > 0 {
		for _, have := range *out {
			if have.Callable == d.Callable && len(have.Scopes) == len(d.Scopes) {
				return
			}
		}
		*out = append(*out, d)
	}
	for _, sub := range d.Sub {
		collectAuthz(sub, out, seen, depth+1)
	}
}

func collectScopes(d *Dependency, out *[]string, depth int) {
	if depth > maxDepDepth {
		return
	}
	for _, s := range d.Scopes {
		if !contains(*out, s) {
			*out = append(*out, s)
		}
	}
	for _, sub := range d.Sub {
		collectScopes(sub, out, depth+1)
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// AuthText describes an endpoint's authentication for people:
// "CurrentUser > get_current_user > oauth2_scheme", or "none".
func (e *Endpoint) AuthText() string {
	if len(e.Auth) == 0 {
		return "none"
	}
	names := make([]string, len(e.Auth))
	for i, d := range e.Auth {
		names[i] = d.Label()
	}
	return strings.Join(names, " > ")
}

// AuthzText lists an endpoint's authorization checks, or "none".
func (e *Endpoint) AuthzText() string {
	if len(e.Authz) == 0 && len(e.Scopes) == 0 {
		return "none"
	}
	var parts []string
	for _, d := range e.Authz {
		parts = append(parts, d.Name())
	}
	if len(e.Scopes) > 0 {
		parts = append(parts, "scopes="+strings.Join(e.Scopes, ","))
	}
	return strings.Join(parts, ", ")
}
