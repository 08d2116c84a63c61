package openapi

import (
	"fmt"

	yaml "github.com/pb33f/go-yaml"
)

// checkNesting rejects documents whose objects and arrays nest deeper than
// max, before libopenapi sees them: its cost grows with depth times size
// (a 110 KB document nested 3,000 deep takes it over a second).
//
// JSON (and flow-style YAML made only of JSON tokens) is measured by a byte
// scan. Anything else is parsed to a YAML node tree, whose parser caps
// depth at 10,000, and the tree is measured without following aliases.
func checkNesting(data []byte, max int) error {
	depth, ok := jsonDepth(data, max)
	if !ok {
		var root yaml.Node
		if err := yaml.Unmarshal(data, &root); err != nil {
			return fmt.Errorf("document is neither JSON nor YAML: %w", err)
		}
		depth = nodeDepth(&root, max)
	}
	if depth > max {
		return fmt.Errorf("%w: more than %d levels", ErrTooDeep, max)
	}
	return nil
}

// jsonDepth returns the deepest bracket nesting of data, stopping once past
// max. ok is false when data holds a byte outside strings that JSON does
// not allow there (a YAML document), in which case depth means nothing.
func jsonDepth(data []byte, max int) (depth int, ok bool) {
	cur, inString, escaped := 0, false, false
	for _, c := range data {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			cur++
			if cur > depth {
				depth = cur
				if depth > max {
					return depth, true
				}
			}
		case '}', ']':
			cur--
			if cur < 0 {
				return 0, false
			}
		case ' ', '\t', '\r', '\n', ',', ':', '-', '+', '.',
			'0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
			'e', 'E', 't', 'r', 'u', 'f', 'a', 'l', 's', 'n':
		default:
			return 0, false
		}
	}
	return depth, true
}

// nodeDepth returns the deepest mapping/sequence nesting under n, stopping
// once past max. Aliases count as leaves.
func nodeDepth(n *yaml.Node, max int) int {
	type item struct {
		n *yaml.Node
		d int
	}
	deepest := 0
	stack := []item{{n, 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		d := it.d
		if it.n.Kind == yaml.MappingNode || it.n.Kind == yaml.SequenceNode {
			d++
		}
		if d > deepest {
			deepest = d
			if deepest > max {
				return deepest
			}
		}
		for _, c := range it.n.Content {
			if c != nil {
				stack = append(stack, item{c, d})
			}
		}
	}
	return deepest
}
