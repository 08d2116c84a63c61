package taint

import (
	"fmt"
	"strings"
	"testing"
)

var shellSink = &Sink{Class: Shell, What: "a shell command", Callees: []string{"subprocess.call"}, Args: []int{0}}

const shellHeader = "import subprocess\nfrom fastapi import FastAPI\napp = FastAPI()\n\n@app.get(\"/run\")\ndef run(q: str):\n"

// TestLargeHandlersAnalysed checks that a handler's own size never cuts its
// analysis: a 40,000-element literal, 40,000 statements and 40,000 rebindings
// of one name before the sink all end in the flow, with no cut.
func TestLargeHandlersAnalysed(t *testing.T) {
	nums := make([]string, 40_000)
	for i := range nums {
		nums[i] = fmt.Sprint(i)
	}
	var stmts, rebinds strings.Builder
	for i := range 40_000 {
		fmt.Fprintf(&stmts, "    v%d = q + \"%d\"\n", i, i)
		rebinds.WriteString("    x = x + \"a\"\n")
	}
	for name, body := range map[string]string{
		"list literal":    "    table = [" + strings.Join(nums, ", ") + "]\n    subprocess.call(q, shell=True)\n",
		"dict literal":    "    table = {" + strings.Join(nums, ": 1, ") + ": 1, 'k': q}\n    subprocess.call(table, shell=True)\n",
		"statements":      stmts.String() + "    subprocess.call(v39999, shell=True)\n",
		"rebinding names": "    x = q\n" + rebinds.String() + "    subprocess.call(x, shell=True)\n",
	} {
		t.Run(name, func(t *testing.T) {
			res := Run(modelOf(t, map[string]string{"main.py": shellHeader + body}), []*Sink{shellSink}, 0)
			if len(res.Flows) != 1 || len(res.Cuts) != 0 {
				t.Fatalf("%d flows, cuts %v; want the flow and no cut", len(res.Flows), res.Cuts)
			}
			if line := res.Flows[0].Module.File.Line(res.Flows[0].Node.Pos()); line != strings.Count(shellHeader+body, "\n") {
				t.Errorf("flow on line %d", line)
			}
		})
	}
}

// TestPerFunctionCut checks that a function whose analysis runs into its
// limit (loops nested 20 deep evaluate their body a million times) is
// named, with where the analysis stopped.
func TestPerFunctionCut(t *testing.T) {
	var b strings.Builder
	b.WriteString(shellHeader)
	indent := "    "
	for i := range 20 {
		fmt.Fprintf(&b, "%sfor i%d in range(2):\n", indent, i)
		indent += " "
	}
	b.WriteString(indent + "y = [q, q, q, q]\n")
	b.WriteString("    subprocess.call(q, shell=True)\n")
	res := Run(modelOf(t, map[string]string{"main.py": b.String()}), []*Sink{shellSink}, 0)
	if len(res.Cuts) != 1 {
		t.Fatalf("cuts %v, want one", res.Cuts)
	}
	c := res.Cuts[0]
	if c.Func.Node.Name.Name != "run" || c.Kind != EvaluationsCut {
		t.Errorf("cut %+v, want run's evaluations", c)
	}
	if line := c.Module.File.Line(c.Node.Pos()); line != 27 {
		t.Errorf("cut at line %d, want 27 (the loops' body)", line)
	}
	want := fmt.Sprintf("the taint analysis of run() stopped at line 27 after %d evaluations", c.Evaluations)
	if !strings.HasPrefix(c.Message(), want) || c.Evaluations < maxNodesPerFunc {
		t.Errorf("message %q, want it to start %q", c.Message(), want)
	}
}

// TestDepthCut checks that a call too many calls deep to be followed is
// named: f6 in the chain run -> f0 -> ... -> f6 -> sink.
func TestDepthCut(t *testing.T) {
	var b strings.Builder
	b.WriteString(shellHeader + "    f0(q)\n\n")
	for i := range 9 {
		fmt.Fprintf(&b, "def f%d(x):\n    return f%d(x)\n\n", i, i+1)
	}
	b.WriteString("def f9(x):\n    subprocess.call(x, shell=True)\n")
	res := Run(modelOf(t, map[string]string{"main.py": b.String()}), []*Sink{shellSink}, 0)
	if len(res.Cuts) != 1 || res.Cuts[0].Kind != CallDepthCut {
		t.Fatalf("cuts %v, want one for depth", res.Cuts)
	}
	c := res.Cuts[0]
	name := fmt.Sprintf("f%d", maxSummaryDepth)
	callLine := 10 + 3*(maxSummaryDepth-1) // the line in f5 that calls f6
	if c.Func.Node.Name.Name != name || c.Module.File.Line(c.Node.Pos()) != callLine {
		t.Errorf("cut of %s at line %d, want %s at %d", c.Func.Node.Name.Name, c.Module.File.Line(c.Node.Pos()), name, callLine)
	}
	if want := fmt.Sprintf("what %s() (main.py:%d) does with the arguments of the call on line %d was not analysed", name, callLine+2, callLine); !strings.Contains(c.Message(), want) {
		t.Errorf("message %q, want %q in it", c.Message(), want)
	}
}

// TestDependencyChain checks that a dependency met deeper than the
// dependencies followed from an endpoint, but analysed on another path,
// makes no cut, and that the request data it reads still reaches the sink.
func TestDependencyChain(t *testing.T) {
	var b strings.Builder
	b.WriteString("import subprocess\nfrom fastapi import FastAPI, Depends\napp = FastAPI()\n\n")
	const n = maxDependencyDepth + 2
	fmt.Fprintf(&b, "def dep%d(q: str):\n    return q\n\n", n)
	for i := n - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "def dep%d(x = Depends(dep%d)):\n    return x\n\n", i, i+1)
	}
	b.WriteString("@app.get(\"/run\")\ndef run(v = Depends(dep0)):\n    subprocess.call(v, shell=True)\n")
	res := Run(modelOf(t, map[string]string{"main.py": b.String()}), []*Sink{shellSink}, 0)
	if len(res.Flows) != 1 || len(res.Cuts) != 0 {
		t.Errorf("%d flows, cuts %v; want the flow and no cut", len(res.Flows), res.Cuts)
	}
}
