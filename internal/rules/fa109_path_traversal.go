package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

func init() {
	Register(&Rule{
		ID: "FA109", Name: "path-traversal", Title: "Path traversal",
		Category: "injection", Severity: finding.High, Confidence: finding.HighConfidence,
		CWE: []int{22}, OWASP: []string{apiUnsafeConsume, webAccess},
		Remediation: "Never use request data as a path: name files yourself (uuid4), or resolve the path and check it is_relative_to the base directory before use.",
		Doc: Doc{
			What: "Request data (a path parameter, an upload's filename, a body field) that reaches a file system call: " +
				"`open`, `aiofiles.open`, `os` and `shutil` functions, `FileResponse`, `pathlib.Path` methods that read, " +
				"write or delete, and archive extraction (`extractall`). `os.path.basename`, `secure_filename`, uuid names " +
				"and a `resolve()` plus `is_relative_to`/`commonpath` check followed by a refusal count as safe.",
			Why: "`../` sequences and absolute paths walk out of the intended directory: the client reads `/etc/passwd` or " +
				"the service's secrets, or overwrites code and configuration. An upload's filename is chosen by the client " +
				"and a zip's member names too (zip slip).",
			Example: "@app.get(\"/files/{name:path}\")\ndef download(name: str):\n    return FileResponse(f\"/srv/files/{name}\")\n",
			Fix: "```python\nBASE = Path(\"/srv/files\").resolve()\n\n@app.get(\"/files/{name:path}\")\ndef download(name: str):\n" +
				"    target = (BASE / name).resolve()\n    if not target.is_relative_to(BASE):\n        raise HTTPException(404)\n" +
				"    return FileResponse(target)\n```",
			References: []string{
				"https://owasp.org/www-community/attacks/Path_Traversal",
				"https://cwe.mitre.org/data/definitions/22.html",
			},
		},
		Check: func(p *Pass) { reportFlows(p) },
	})
	RegisterSinks("FA109",
		&taint.Sink{Class: taint.Path, What: "a file path", Args: []int{0}, Kwargs: []string{"file", "path", "filename", "src", "dst"},
			Callees: []string{"open", "builtins.open", "io.open", "codecs.open", "aiofiles.open", "os.open", "os.remove", "os.unlink",
				"os.rmdir", "os.removedirs", "os.rename", "os.replace", "os.makedirs", "os.mkdir", "os.listdir", "os.scandir",
				"os.chmod", "os.chown", "os.truncate", "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree",
				"shutil.move", "shutil.rmtree", "shutil.unpack_archive", "os.path.getsize"}},
		// FileResponse reads its path; filename= is only the name offered
		// for the download.
		&taint.Sink{Class: taint.Path, What: "a file path", Args: []int{0}, Kwargs: []string{"path"},
			Callees: []string{"fastapi.responses.FileResponse", "starlette.responses.FileResponse", "fastapi.FileResponse"}},
		&taint.Sink{Class: taint.Path, What: "a file path", Args: []int{1}, Kwargs: []string{"dst"},
			Callees: []string{"os.rename", "os.replace", "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree", "shutil.move"}},
		&taint.Sink{Class: taint.Path, What: "a file path", Receiver: true,
			Methods: []string{"read_text", "read_bytes", "write_text", "write_bytes", "unlink", "rmdir", "touch",
				"mkdir", "iterdir", "rename", "replace", "open", "extractall", "extract", "symlink_to", "chmod"}},
	)
}
