package openapi

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"
)

// convert turns a libopenapi model into a Spec.
func convert(doc *v3.Document, o Options) (*Spec, error) {
	spec := &Spec{Version: doc.Version, SecuritySchemes: map[string]*SecurityScheme{}}
	if doc.Info != nil {
		spec.Title = doc.Info.Title
	}
	for _, srv := range doc.Servers {
		if srv != nil {
			spec.Servers = append(spec.Servers, serverURL(srv))
		}
	}
	if doc.Components != nil && doc.Components.SecuritySchemes != nil {
		for name, ss := range doc.Components.SecuritySchemes.FromOldest() {
			if ss != nil {
				spec.SecuritySchemes[name] = securityScheme(name, ss)
			}
		}
	}
	if doc.Paths == nil || doc.Paths.PathItems == nil {
		return spec, nil
	}

	count := 0
	for _, item := range doc.Paths.PathItems.FromOldest() {
		count += len(pathOperations(item))
	}
	if count > o.MaxOperations {
		return nil, fmt.Errorf("openapi: %w: %d operations, limit %d", ErrTooManyOperations, count, o.MaxOperations)
	}

	sc := newSchemaConverter(o.MaxSchemaNodes)
	for path, item := range doc.Paths.PathItems.FromOldest() {
		if item == nil {
			continue
		}
		for _, mo := range pathOperations(item) {
			spec.Operations = append(spec.Operations, operation(spec, sc, doc, path, item, mo.method, mo.op))
		}
	}
	spec.Warnings = append(spec.Warnings, sc.warnings...)
	return spec, nil
}

type methodOp struct {
	method string
	op     *v3.Operation
}

// pathOperations lists item's operations in a fixed method order.
func pathOperations(item *v3.PathItem) []methodOp {
	if item == nil {
		return nil
	}
	all := []methodOp{
		{"GET", item.Get}, {"PUT", item.Put}, {"POST", item.Post}, {"DELETE", item.Delete},
		{"OPTIONS", item.Options}, {"HEAD", item.Head}, {"PATCH", item.Patch}, {"TRACE", item.Trace},
	}
	out := all[:0]
	for _, m := range all {
		if m.op != nil {
			out = append(out, m)
		}
	}
	return out
}

func operation(spec *Spec, sc *schemaConverter, doc *v3.Document, path string, item *v3.PathItem, method string, op *v3.Operation) *Operation {
	out := &Operation{
		Method:  method,
		Path:    path,
		ID:      op.OperationId,
		Summary: op.Summary,
		Tags:    op.Tags,
	}
	if op.Deprecated != nil {
		out.Deprecated = *op.Deprecated
	}
	out.Params = params(sc, item.Parameters, op.Parameters)
	if op.RequestBody != nil {
		out.Body = body(sc, op.RequestBody)
	}
	reqs := doc.Security
	if op.Security != nil {
		reqs = op.Security
	}
	out.Security, out.Scopes = security(spec, reqs, op.Security != nil)
	return out
}

// params merges path-item and operation parameters; an operation parameter
// replaces a path-item one with the same name and location.
func params(sc *schemaConverter, shared, own []*v3.Parameter) []*Param {
	var out []*Param
	index := map[string]int{}
	add := func(p *v3.Parameter) {
		if p == nil || p.Name == "" {
			return
		}
		cp := &Param{Name: p.Name, In: strings.ToLower(p.In)}
		cp.Required = cp.In == "path" || (p.Required != nil && *p.Required)
		sp := p.Schema
		if sp == nil && p.Content != nil {
			if _, mt := pickMedia(p.Content); mt != nil {
				sp = mt.Schema
			}
		}
		cp.Schema = sc.convertOrEmpty(sp)
		if p.Example != nil {
			// FastAPI writes a parameter's example next to its schema
			// (Query(example=...)); schemas are shared, so give this
			// parameter its own copy with the example first.
			own := *cp.Schema
			own.Examples = append([]any{decode(p.Example)}, cp.Schema.Examples...)
			cp.Schema = &own
		}
		key := cp.In + "\x00" + cp.Name
		if i, ok := index[key]; ok {
			out[i] = cp
			return
		}
		index[key] = len(out)
		out = append(out, cp)
	}
	for _, p := range shared {
		add(p)
	}
	for _, p := range own {
		add(p)
	}
	return out
}

func body(sc *schemaConverter, rb *v3.RequestBody) *Body {
	ct, mt := pickMedia(rb.Content)
	if mt == nil {
		return nil
	}
	b := &Body{ContentType: ct, Schema: sc.convertOrEmpty(mt.Schema)}
	if rb.Required != nil {
		b.Required = *rb.Required
	}
	return b
}

// pickMedia chooses the media type a probe should send: application/json,
// then another JSON type, then the two form encodings, then the first.
func pickMedia(content *orderedmap.Map[string, *v3.MediaType]) (string, *v3.MediaType) {
	if content == nil || content.Len() == 0 {
		return "", nil
	}
	rank := func(ct string) int {
		ct = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
		switch {
		case ct == "application/json":
			return 0
		case strings.HasSuffix(ct, "+json") || strings.HasSuffix(ct, "/json"):
			return 1
		case ct == "application/x-www-form-urlencoded":
			return 2
		case ct == "multipart/form-data":
			return 3
		}
		return 4
	}
	best, bestRank := "", 5
	var bestMT *v3.MediaType
	for ct, mt := range content.FromOldest() {
		if mt == nil {
			continue
		}
		if r := rank(ct); r < bestRank {
			best, bestRank, bestMT = ct, r, mt
		}
	}
	return best, bestMT
}

// security flattens requirement objects into scheme-name sets plus the
// scopes per scheme. explicit marks an operation-level list, which stays
// non-nil even when empty.
func security(spec *Spec, reqs []*base.SecurityRequirement, explicit bool) ([][]string, map[string][]string) {
	if reqs == nil && !explicit {
		return nil, nil
	}
	sets := [][]string{}
	var scopes map[string][]string
	for _, r := range reqs {
		if r == nil {
			continue
		}
		set := []string{}
		if r.Requirements != nil {
			for name, sc := range r.Requirements.FromOldest() {
				set = append(set, name)
				if _, ok := spec.SecuritySchemes[name]; !ok {
					spec.Warnings = append(spec.Warnings, fmt.Sprintf("security requirement names undeclared scheme %q", name))
				}
				if len(sc) > 0 {
					if scopes == nil {
						scopes = map[string][]string{}
					}
					scopes[name] = mergeSorted(scopes[name], sc)
				}
			}
		}
		sets = append(sets, set)
	}
	return sets, scopes
}

func mergeSorted(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string{}, a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func securityScheme(name string, ss *v3.SecurityScheme) *SecurityScheme {
	out := &SecurityScheme{
		Name:             name,
		Type:             ss.Type,
		BearerFormat:     ss.BearerFormat,
		OpenIDConnectURL: ss.OpenIdConnectUrl,
	}
	switch ss.Type {
	case "http":
		out.Scheme = strings.ToLower(ss.Scheme)
	case "apiKey":
		out.In, out.ParamName = ss.In, ss.Name
	case "oauth2":
		if f := ss.Flows; f != nil {
			if f.Password != nil {
				out.TokenURL = f.Password.TokenUrl
			}
			var scopes []string
			for _, flow := range []*v3.OAuthFlow{f.Implicit, f.Password, f.ClientCredentials, f.AuthorizationCode, f.Device} {
				if flow != nil && flow.Scopes != nil {
					for s := range flow.Scopes.KeysFromOldest() {
						scopes = append(scopes, s)
					}
				}
			}
			out.Scopes = mergeSorted(nil, scopes)
		}
	}
	return out
}

// serverURL returns the server URL with {variables} replaced by defaults.
func serverURL(srv *v3.Server) string {
	u := srv.URL
	if srv.Variables != nil {
		for name, v := range srv.Variables.FromOldest() {
			if v != nil {
				u = strings.ReplaceAll(u, "{"+name+"}", v.Default)
			}
		}
	}
	return u
}
