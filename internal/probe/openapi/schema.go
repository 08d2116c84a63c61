package openapi

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	yaml "github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi/datamodel/high/base"
)

const componentPrefix = "#/components/schemas/"

// schemaConverter builds Schemas from libopenapi schema proxies. A $ref is
// converted once per depth and shared, so the work stays proportional to
// the document even when one component is referenced everywhere; budget
// caps the nodes built in total.
type schemaConverter struct {
	budget   int
	memo     map[memoKey]*Schema
	warnings []string
	cut      bool
}

type memoKey struct {
	ref   string
	depth int
}

func newSchemaConverter(budget int) *schemaConverter {
	return &schemaConverter{budget: budget, memo: map[memoKey]*Schema{}}
}

func (c *schemaConverter) warn(format string, args ...any) {
	if len(c.warnings) < 100 {
		c.warnings = append(c.warnings, fmt.Sprintf(format, args...))
	}
}

// convertOrEmpty is convert that never returns nil.
func (c *schemaConverter) convertOrEmpty(sp *base.SchemaProxy) *Schema {
	if s := c.convert(sp, 0); s != nil {
		return s
	}
	return &Schema{}
}

// convert returns the Schema for sp at depth, nil when sp is nil.
func (c *schemaConverter) convert(sp *base.SchemaProxy, depth int) *Schema {
	if sp == nil {
		return nil
	}
	ref := ""
	if sp.IsReference() {
		ref = sp.GetReference()
	}
	key := memoKey{ref, depth}
	if ref != "" {
		if s, ok := c.memo[key]; ok {
			return s
		}
	}
	out := &Schema{Ref: refName(ref)}
	if c.budget <= 0 {
		if !c.cut {
			c.cut = true
			c.warn("schema node budget exhausted; remaining schemas are cut")
		}
		return out
	}
	c.budget--
	if ref != "" {
		c.memo[key] = out
	}
	s := sp.Schema()
	if s == nil {
		if err := sp.GetBuildError(); err != nil {
			c.warn("schema %s: %v", ref, err)
		}
		return out
	}
	c.fill(out, s, depth)
	return out
}

func refName(ref string) string {
	if strings.HasPrefix(ref, componentPrefix) {
		return strings.TrimPrefix(ref, componentPrefix)
	}
	return ref
}

// fill sets out from s: its own keywords first, then (above the depth
// limit) properties, items and the allOf/anyOf/oneOf merges.
func (c *schemaConverter) fill(out *Schema, s *base.Schema, depth int) {
	for _, t := range s.Type {
		if t == "null" {
			out.Nullable = true
		} else if out.Type == "" {
			out.Type = t
		}
	}
	if s.Nullable != nil && *s.Nullable {
		out.Nullable = true
	}
	out.Format = s.Format
	if out.Format == "" && s.ContentMediaType != "" && s.ContentEncoding == "" {
		out.Format = "binary"
	}
	out.Pattern = s.Pattern
	for _, n := range s.Enum {
		out.Enum = append(out.Enum, decode(n))
	}
	out.Default = decode(s.Default)
	if s.Example != nil {
		out.Examples = append(out.Examples, decode(s.Example))
	}
	for _, n := range s.Examples {
		out.Examples = append(out.Examples, decode(n))
	}
	out.Minimum, out.Maximum = copyFloat(s.Minimum), copyFloat(s.Maximum)
	var rawMin, rawMax *yaml.Node
	if l := s.GoLow(); l != nil {
		rawMin, rawMax = l.ExclusiveMinimum.ValueNode, l.ExclusiveMaximum.ValueNode
	}
	out.Minimum, out.ExclusiveMinimum = exclusive(out.Minimum, rawMin, s.ExclusiveMinimum, false)
	out.Maximum, out.ExclusiveMaximum = exclusive(out.Maximum, rawMax, s.ExclusiveMaximum, true)
	out.MinLength, out.MaxLength = toInt(s.MinLength), toInt(s.MaxLength)
	out.MinItems, out.MaxItems = toInt(s.MinItems), toInt(s.MaxItems)
	out.Required = append([]string(nil), s.Required...)
	if s.ReadOnly != nil {
		out.ReadOnly = *s.ReadOnly
	}
	if out.Type == "" {
		switch {
		case s.Properties != nil && s.Properties.Len() > 0:
			out.Type = "object"
		case s.Items != nil:
			out.Type = "array"
		}
	}
	if depth >= MaxSchemaDepth {
		return
	}

	if s.Properties != nil && s.Properties.Len() > 0 {
		out.Properties = make(map[string]*Schema, s.Properties.Len())
		for name, p := range s.Properties.FromOldest() {
			if ps := c.convert(p, depth+1); ps != nil {
				out.Properties[name] = ps
			}
		}
	}
	if s.Items != nil && s.Items.IsA() {
		out.Items = c.convert(s.Items.A, depth+1)
	}

	for _, part := range s.AllOf {
		if ps := c.convert(part, depth+1); ps != nil {
			merge(out, ps)
			if len(s.AllOf) == 1 && out.Ref == "" {
				out.Ref = ps.Ref
			}
		}
	}
	c.mergeAlternatives(out, s.AnyOf, depth)
	c.mergeAlternatives(out, s.OneOf, depth)
}

// mergeAlternatives folds anyOf/oneOf into out: a {"type": "null"}
// alternative makes out nullable, and the first other alternative supplies
// the shape (its Ref too when it is the only one).
func (c *schemaConverter) mergeAlternatives(out *Schema, alts []*base.SchemaProxy, depth int) {
	var first *base.SchemaProxy
	others := 0
	for _, a := range alts {
		if a == nil {
			continue
		}
		if isNullSchema(a) {
			out.Nullable = true
			continue
		}
		if first == nil {
			first = a
		}
		others++
	}
	if first == nil {
		return
	}
	if ps := c.convert(first, depth+1); ps != nil {
		merge(out, ps)
		if others == 1 && out.Ref == "" {
			out.Ref = ps.Ref
		}
	}
}

func isNullSchema(sp *base.SchemaProxy) bool {
	if sp.IsReference() {
		return false
	}
	s := sp.Schema()
	return s != nil && len(s.Type) == 1 && s.Type[0] == "null"
}

// merge fills the unset fields of dst from src. src may be shared, so it
// is only read; maps and slices taken from it are copied.
func merge(dst, src *Schema) {
	if dst.Type == "" {
		dst.Type = src.Type
	}
	if dst.Format == "" {
		dst.Format = src.Format
	}
	if dst.Enum == nil && src.Enum != nil {
		dst.Enum = append([]any(nil), src.Enum...)
	}
	dst.Nullable = dst.Nullable || src.Nullable
	if dst.Minimum == nil && src.Minimum != nil {
		dst.Minimum, dst.ExclusiveMinimum = copyFloat(src.Minimum), src.ExclusiveMinimum
	}
	if dst.Maximum == nil && src.Maximum != nil {
		dst.Maximum, dst.ExclusiveMaximum = copyFloat(src.Maximum), src.ExclusiveMaximum
	}
	if dst.MinLength == nil {
		dst.MinLength = src.MinLength
	}
	if dst.MaxLength == nil {
		dst.MaxLength = src.MaxLength
	}
	if dst.MinItems == nil {
		dst.MinItems = src.MinItems
	}
	if dst.MaxItems == nil {
		dst.MaxItems = src.MaxItems
	}
	if dst.Pattern == "" {
		dst.Pattern = src.Pattern
	}
	if dst.Default == nil {
		dst.Default = src.Default
	}
	if len(dst.Examples) == 0 && len(src.Examples) > 0 {
		dst.Examples = append([]any(nil), src.Examples...)
	}
	if len(src.Properties) > 0 {
		props := make(map[string]*Schema, len(dst.Properties)+len(src.Properties))
		for k, v := range src.Properties {
			props[k] = v
		}
		for k, v := range dst.Properties {
			props[k] = v
		}
		dst.Properties = props
	}
	for _, r := range src.Required {
		if !contains(dst.Required, r) {
			dst.Required = append(dst.Required, r)
		}
	}
	if dst.Items == nil {
		dst.Items = src.Items
	}
	dst.ReadOnly = dst.ReadOnly || src.ReadOnly
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// exclusive folds an exclusiveMinimum/Maximum keyword into bound: the 3.0
// boolean form flags bound, the 3.1 numeric form replaces it when tighter.
// FastAPI with Pydantic 1 writes the numeric form into 3.0 documents
// (Path(gt=0) gives "exclusiveMinimum": 0.0), which libopenapi reads as
// the boolean false for a 3.0 document, so the raw node decides.
func exclusive(bound *float64, raw *yaml.Node, dv *base.DynamicValue[bool, float64], upper bool) (*float64, bool) {
	if raw != nil && raw.Kind == yaml.ScalarNode && raw.Tag != "!!bool" {
		v, err := strconv.ParseFloat(raw.Value, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return bound, false
		}
		if bound == nil || (!upper && v >= *bound) || (upper && v <= *bound) {
			return &v, true
		}
		return bound, false
	}
	if dv != nil && dv.IsA() {
		return bound, dv.A && bound != nil
	}
	return bound, false
}

func copyFloat(f *float64) *float64 {
	if f == nil {
		return nil
	}
	v := *f
	return &v
}

func toInt(n *int64) *int {
	if n == nil {
		return nil
	}
	v := *n
	if v > math.MaxInt32 {
		v = math.MaxInt32
	}
	if v < 0 {
		v = 0
	}
	i := int(v)
	return &i
}

// decode turns a YAML value node into plain Go values; nil on failure.
func decode(n *yaml.Node) any {
	if n == nil {
		return nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil
	}
	return v
}
