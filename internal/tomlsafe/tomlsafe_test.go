package tomlsafe

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/fastapi-audit/fastapi-audit/internal/fsguard"
)

// TestCheck checks real documents pass and each kind of deep nesting is
// refused with its line, however it is spelled.
func TestCheck(t *testing.T) {
	deep := MaxDepth + 1
	ok := map[string]string{
		"pyproject": "[project]\nname = \"app\" # a [comment {\ndependencies = [\"fastapi>=0.100\", 'x[y]']\n\n" +
			"[tool.poetry.group.dev.dependencies]\npytest = {version = \"^8\", extras = [\"a\"]}\n" +
			"[[tool.uv.index]]\nurl = \"https://x\"\n",
		"brackets in strings": "a = \"" + strings.Repeat("[{", 500) + "\"\nb = '" + strings.Repeat("[", 500) + "'\n" +
			"c = \"\"\"\n" + strings.Repeat("{", 500) + "\n\\\" x\"\"\"\nd = '''" + strings.Repeat("[", 500) + "'''''\n",
		"dotted numbers and dates": "v = [1.5, 2.25, 1979-05-27T07:32:00.999999Z, 3.14159]\n",
		"escaped quote":            "a = \"\\\"[\" \nb = [1]\n",
		"at the limit":             "a = " + strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1) + "\n",
	}
	for name, doc := range ok {
		if err := Check([]byte(doc), 0); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := toml.Decode(doc, new(map[string]any)); err != nil {
			t.Errorf("%s is not valid TOML: %v", name, err)
		}
	}
	bad := map[string]string{
		"arrays":          "x = 1\na = " + strings.Repeat("[", deep) + strings.Repeat("]", deep) + "\n",
		"inline tables":   "x = 1\na = " + strings.Repeat("{b = ", deep) + "1" + strings.Repeat("}", deep) + "\n",
		"dotted key":      "x = 1\n" + strings.Repeat("a.", deep) + "a = 1\n",
		"quoted dotted":   "x = 1\n" + strings.Repeat("\"a\" . ", deep) + "a = 1\n",
		"dotted header":   "x = 1\n[" + strings.Repeat("a.", deep) + "a]\n",
		"header plus key": "x = 1\n[" + strings.Repeat("a.", MaxDepth/2) + "a]\n" + strings.Repeat("b.", MaxDepth/2) + "b = 1\n",
		"key plus table":  "x = 1\n" + strings.Repeat("b.", MaxDepth/2) + "b = " + strings.Repeat("{c = ", MaxDepth/2) + "1" + strings.Repeat("}", MaxDepth/2) + "\n",
		"after a string":  "x = \"]]]]}}}}\"\na = " + strings.Repeat("[", deep) + "\n",
		"after multiline": "x = '''\n]]]]\n'''\na = " + strings.Repeat("[", deep) + "\n",
	}
	for name, doc := range bad {
		err := Check([]byte(doc), 0)
		if !errors.Is(err, ErrTooDeep) {
			t.Errorf("%s: %v, want too deep", name, err)
			continue
		}
		want := "at line 2"
		if name == "header plus key" || name == "after multiline" {
			want = "at line 3"
			if name == "after multiline" {
				want = "at line 4"
			}
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %s", name, err, want)
		}
	}
	if err := Check([]byte("a = 1\n"), 3); !errors.Is(err, fsguard.ErrTooLarge) {
		t.Errorf("over the size: %v", err)
	}
}

// TestDecodeCostAtLimit decodes the worst shapes Check lets through, a
// megabyte of each (the settings file's limit), and bounds the time:
// before the check, 40 KB of one dotted key took 55 s.
func TestDecodeCostAtLimit(t *testing.T) {
	// Each item sits in "a = [" (one level) and reaches MaxDepth exactly.
	shapes := map[string]string{
		"inline tables": strings.Repeat("{b = ", MaxDepth-2) + "1" + strings.Repeat("}", MaxDepth-2),
		"dotted keys":   "{" + strings.Repeat("b.", MaxDepth-3) + "b = 1}",
		"arrays":        strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1),
	}
	for name, item := range shapes {
		var b strings.Builder
		b.WriteString("a = [")
		for b.Len() < MaxConfigSize-len(item)-10 {
			b.WriteString(item)
			b.WriteString(",")
		}
		b.WriteString("]\n")
		doc := b.String()
		if err := Check([]byte(doc), MaxConfigSize); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		start := time.Now()
		if _, err := toml.Decode(doc, new(map[string]any)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		took := time.Since(start)
		t.Logf("%s: %d bytes decoded in %v (about 3 s on 2 shared cores)", name, len(doc), took)
	}
}
