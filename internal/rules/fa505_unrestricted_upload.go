package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

func init() {
	Register(&Rule{
		ID: "FA505", Name: "unrestricted-upload", Title: "Unrestricted file upload",
		Category: "input", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{434}, OWASP: []string{apiResources, webDesign},
		Remediation: "Cap the upload's size (read at most MAX+1 bytes, or stream in chunks and count), check its type against an allow-list (content type, extension, and the content itself with python-magic or Pillow), and store it under a name the server chooses.",
		Doc: Doc{
			What: "A route handler with an upload parameter (`UploadFile` or `bytes` with `File(...)`) that reads the whole " +
				"upload into memory (`await file.read()` or `file.file.read()` without a size, or a `bytes` upload) with no " +
				"size check, or that saves it (`shutil.copyfileobj(file.file, ...)`, `write(contents)`, `write_bytes`, " +
				"`upload_fileobj`) with no content-type or extension check. A size check is a bounded `read(n)`, a comparison " +
				"of `file.size`, `len(contents)` or a counter with a limit, a `Content-Length` check, `tell()` after a seek, a " +
				"size-checking helper, or a request-size-limiting middleware or dependency. A type check is a comparison or " +
				"membership test of `content_type`, the filename's extension or suffix, `endswith(...)`, content sniffing " +
				"(`imghdr`, `magic`, `filetype`, Pillow's `Image.open`/`verify`), re-encoding an image (`to_webp`, " +
				"`thumbnail`, `resize`), or a validating helper given the upload. " +
				"Uploads handed to other functions are not followed. Reported once per handler, at the first read or save.",
			Why: "Without a size limit, a single multi-gigabyte upload read with `await file.read()` exhausts the worker's " +
				"memory, and a few fill the disk. Without a type check, attackers store HTML, SVG or scripts that the " +
				"application later serves from its own origin (stored XSS), executables and polyglots that other users " +
				"download, or archives and images crafted to crash the parsers that process them; saved under the " +
				"client's filename, they also choose the extension the web server serves them with.",
			Example: "@router.post(\"/upload\")\nasync def upload(file: UploadFile = File(...)):\n" +
				"    contents = await file.read()\n" +
				"    with open(os.path.join(UPLOAD_DIR, file.filename), \"wb\") as out:\n        out.write(contents)\n",
			Fix: "```python\nALLOWED = {\"image/png\": \".png\", \"image/jpeg\": \".jpg\"}\nMAX_BYTES = 5 * 1024 * 1024\n\n" +
				"@router.post(\"/upload\")\nasync def upload(file: UploadFile = File(...)):\n" +
				"    if file.content_type not in ALLOWED:\n        raise HTTPException(415)\n" +
				"    contents = await file.read(MAX_BYTES + 1)\n" +
				"    if len(contents) > MAX_BYTES:\n        raise HTTPException(413)\n" +
				"    name = f\"{uuid.uuid4().hex}{ALLOWED[file.content_type]}\"\n" +
				"    (UPLOAD_DIR / name).write_bytes(contents)\n```\n\n" +
				"The content type is the client's claim: verify the bytes too (python-magic, or open images with Pillow) " +
				"when they are served back or processed.",
			References: []string{
				"https://owasp.org/www-community/vulnerabilities/Unrestricted_File_Upload",
				"https://cheatsheetseries.owasp.org/cheatsheets/File_Upload_Cheat_Sheet.html",
				"https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
			},
		},
		Check: checkUnrestrictedUpload,
	})
}

var (
	// uploadSaveCalls write an upload (or its contents) somewhere.
	uploadSaveCalls = map[string]bool{
		"copyfileobj": true, "upload_fileobj": true, "put_object": true, "write": true, "write_bytes": true,
		"writelines": true, "save": true, "upload": true, "upload_file": true, "put": true, "store": true,
		"save_upload": true, "save_file": true, "upload_blob": true, "fput_object": true, "move": true, "copy": true,
	}
	// uploadSniffCalls inspect a file's content to tell its type.
	uploadSniffCalls = map[string]bool{
		"what": true, "from_buffer": true, "from_file": true, "from_descriptor": true, "guess": true, "guess_mime": true,
		"guess_extension": true, "is_image": true, "is_archive": true, "verify": true, "is_zipfile": true, "is_tarfile": true,
	}
	// uploadSniffRecvRE are the content-sniffing libraries.
	uploadSniffRecvRE = namere.MustCompile(`(^|\.)(imghdr|magic|filetype|puremagic|Image|PIL\.Image)$`)
	// uploadTypeRE names what a type check compares: the content type, the
	// extension or suffix, the filename.
	uploadTypeRE = namere.MustCompile(`(?i)content_?type|mime|media_?type|suffix|ext(ension)?s?$|filename|file_name|(^|_)format$|(^|_)kind$`)
	// uploadSizeRE names what a size check compares.
	uploadSizeRE = namere.MustCompile(`(?i)size|length|(^|_)len$|bytes|total|max_|limit|content-length`)
	// uploadValidatorRE are helpers that check an upload they are given.
	uploadValidatorRE = namere.MustCompile(`(?i)valid|verify|check|allowed|sanitiz|ensure|guard|inspect|detect|scan|(^|_)is_`)
	// uploadReencodeRE are image conversions: re-encoding an image rejects
	// whatever is not one.
	uploadReencodeRE = namere.MustCompile(`(?i)to_(webp|jpe?g|png|avif)|thumbnail|resize|minif|convert_image|process_image|optimi[sz]e_image`)
	// uploadSizeHelperRE are helpers and middleware that limit a size.
	uploadSizeHelperRE = namere.MustCompile(`(?i)size|content_?length|max_?(upload|body|bytes)|(upload|body|request)_?(limit|max)|limit_?(upload|body|request)`)
)

// uploadUse is what a handler does with its uploads.
type uploadUse struct {
	uploads   map[string]bool // upload parameters, and loop variables over them
	derived   map[string]bool // names bound to an upload's contents or file object
	named     map[string]bool // names bound to paths built from an upload's filename
	wholeRead syntax.Node     // the first read of a whole upload
	readName  string
	save      syntax.Node // the first write of an upload
	saveName  string
	clientFN  bool // a path built from an upload's filename
	sizeCheck bool
	typeCheck bool
}

func checkUnrestrictedUpload(p *Pass) {
	done := map[*semantic.Function]bool{}
	for _, e := range p.Model.Endpoints {
		h := e.Handler
		if h == nil || done[h] || isTestPath(h.Module.Rel) {
			continue
		}
		var uploads []*fastapi.Param
		for _, prm := range e.Params {
			if prm.Kind == fastapi.FileParam {
				uploads = append(uploads, prm)
			}
		}
		if len(uploads) == 0 {
			continue
		}
		done[h] = true
		if uploadSizeLimited(p, e) {
			continue // a middleware or dependency limits the request size: only the type is left to check
		}
		u := &uploadUse{uploads: map[string]bool{}, derived: map[string]bool{}, named: map[string]bool{}}
		var bytesParam *fastapi.Param
		for _, prm := range uploads {
			u.uploads[prm.Name] = true
			if prm.Type == "bytes" && bytesParam == nil {
				bytesParam = prm
			}
		}
		u.scan(h)
		if bytesParam != nil {
			u.derived[bytesParam.Name] = true
		}
		memory := u.wholeRead != nil && !u.sizeCheck
		unchecked := u.save != nil && !u.typeCheck
		bytesWhole := bytesParam != nil && !u.sizeCheck
		name := routeName(e)
		switch {
		case bytesWhole && unchecked:
			p.Report(h.Module, bytesParam.Arg, "%s takes the upload `%s` as bytes, which FastAPI reads whole into memory, with no size limit, and saves it%s with no content-type or extension check",
				name, bytesParam.Name, u.clientNameText())
		case bytesWhole:
			p.Report(h.Module, bytesParam.Arg, "%s takes the upload `%s` as bytes, which FastAPI reads whole into memory, with no size limit", name, bytesParam.Name)
		case memory && unchecked:
			at := u.wholeRead
			if u.save.Pos() < at.Pos() {
				at = u.save
			}
			p.Report(h.Module, at, "%s reads the whole upload `%s` into memory with no size limit, and saves it%s with no content-type or extension check",
				name, u.readName, u.clientNameText())
		case memory:
			p.Report(h.Module, u.wholeRead, "%s reads the whole upload `%s` into memory with no size limit", name, u.readName)
		case unchecked:
			f := p.Report(h.Module, u.save, "%s saves the upload `%s`%s with no content-type or extension check", name, u.saveName, u.clientNameText())
			if !u.clientFN {
				f.Confidence = finding.LowConfidence
			}
		}
	}
}

func (u *uploadUse) clientNameText() string {
	if u.clientFN {
		return " under the client's filename"
	}
	return ""
}

// uploadSizeLimited reports a request-size limit outside the handler: a
// middleware of the endpoint's app or a dependency named for it.
func uploadSizeLimited(p *Pass, e *fastapi.Endpoint) bool {
	if e.App != nil {
		for _, mw := range e.App.Middleware {
			name := shortQual(mw.Class)
			if mw.Class == "" && mw.Func != nil {
				name = mw.Func.Node.Name.Name
			}
			if uploadSizeHelperRE.MatchString(name) {
				return true
			}
		}
	}
	limited := false
	walkDeps(e.Deps, func(d *fastapi.Dependency) bool {
		limited = uploadSizeHelperRE.MatchString(d.Name())
		return !limited
	})
	return limited
}

// scan walks a handler's body, first binding the names that hold an
// upload's contents, then recording reads, saves and checks.
func (u *uploadUse) scan(h *semantic.Function) {
	file := h.Module.File
	// Names: loop variables over upload lists, contents read from uploads.
	for range 3 {
		for _, st := range h.Node.Body {
			syntax.Inspect(st, func(n syntax.Node) bool {
				switch x := n.(type) {
				case *syntax.For:
					if t, ok := x.Target.(*syntax.Name); ok && u.uploads[rootName(x.Iter)] {
						u.uploads[t.ID] = true
					}
				case *syntax.Assign:
					for _, t := range x.Targets {
						if nm, ok := t.(*syntax.Name); ok {
							if u.refersToUpload(x.Value) {
								u.derived[nm.ID] = true
							} else if u.clientFilename(x.Value) {
								u.named[nm.ID] = true
							}
						}
					}
				case *syntax.AnnAssign:
					if nm, ok := x.Target.(*syntax.Name); ok && x.Value != nil && u.refersToUpload(x.Value) {
						u.derived[nm.ID] = true
					}
				case *syntax.NamedExpr:
					if x.Target != nil && u.refersToUpload(x.Value) {
						u.derived[x.Target.ID] = true
					}
				case *syntax.WithItem:
					if nm, ok := x.OptionalVars.(*syntax.Name); ok && u.refersToUpload(x.ContextExpr) {
						u.derived[nm.ID] = true
					}
				}
				return true
			})
		}
	}
	for _, st := range h.Node.Body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			switch x := n.(type) {
			case *syntax.Call:
				u.call(file, x)
			case *syntax.Compare:
				u.compare(file, x)
			case *syntax.Constant:
				if x.Kind == syntax.ConstStr && strings.EqualFold(x.Value, "content-length") {
					u.sizeCheck = true
				}
			}
			return true
		})
	}
}

// refersToUpload reports an expression that reads from an upload or a
// name holding its contents.
func (u *uploadUse) refersToUpload(e syntax.Expr) bool {
	found := false
	syntax.Inspect(e, func(n syntax.Node) bool {
		if found {
			return false
		}
		switch x := n.(type) {
		case *syntax.Name:
			found = u.derived[x.ID]
		case *syntax.Attribute:
			if u.uploads[rootName(x)] && (x.Attr.Name == "file" || x.Attr.Name == "read") {
				found = true
			}
		case *syntax.Call:
			if a, ok := x.Func.(*syntax.Attribute); ok && a.Attr.Name == "read" && u.uploads[rootName(a.Value)] {
				found = true
			}
		case *syntax.Lambda:
			return false
		}
		return !found
	})
	return found
}

// mentionsUpload reports an expression naming an upload or its contents.
func (u *uploadUse) mentionsUpload(e syntax.Expr) (string, bool) {
	name := ""
	syntax.Inspect(e, func(n syntax.Node) bool {
		if name != "" {
			return false
		}
		if x, ok := n.(*syntax.Name); ok && (u.uploads[x.ID] || u.derived[x.ID]) {
			name = x.ID
		}
		if x, ok := n.(*syntax.Attribute); ok && x.Attr.Name == "filename" {
			return false // the name is not the content
		}
		return name == ""
	})
	return name, name != ""
}

// uploadOf names the upload an expression reads from: file for
// file.read() and file.file.read().
func (u *uploadUse) uploadOf(e syntax.Expr) string {
	switch x := e.(type) {
	case *syntax.Name:
		if u.uploads[x.ID] {
			return x.ID
		}
	case *syntax.Attribute:
		if nm, ok := x.Value.(*syntax.Name); ok && x.Attr.Name == "file" && u.uploads[nm.ID] {
			return nm.ID
		}
	}
	return ""
}

func (u *uploadUse) call(file *syntax.File, c *syntax.Call) {
	name := c.CalleeName()
	var recv syntax.Expr
	if a, ok := c.Func.(*syntax.Attribute); ok {
		recv = a.Value
	}
	switch {
	case (name == "read" || name == "readlines") && recv != nil:
		if up := u.uploadOf(recv); up != "" {
			if len(c.Args) == 0 && len(c.Keywords) == 0 || isMinusOne(arg(c, 0, "size")) {
				if u.wholeRead == nil {
					u.wholeRead, u.readName = c, up
				}
			}
		}
		return
	case name == "tell" || name == "fstat" || name == "getsize":
		u.sizeCheck = true
		return
	case name == "endswith" || name == "startswith":
		if recv != nil && uploadTypeRE.MatchString(file.Text(recv)) {
			u.typeCheck = true
		}
		return
	case uploadSniffCalls[name]:
		if recv == nil || uploadSniffRecvRE.MatchString(file.Text(recv)) || name == "verify" || name == "what" {
			u.typeCheck = true
		}
		return
	case uploadReencodeRE.MatchString(name):
		u.typeCheck = true
		return
	case name == "open" && recv != nil && uploadSniffRecvRE.MatchString(file.Text(recv)):
		u.typeCheck = true // PIL.Image.open rejects what is not an image
		return
	}
	if uploadSizeHelperRE.MatchString(name) && u.callGetsUpload(c) {
		u.sizeCheck = true
	}
	if uploadValidatorRE.MatchString(name) && u.callGetsUpload(c) {
		u.typeCheck = true
		if strings.Contains(strings.ToLower(name), "size") {
			u.sizeCheck = true
		}
		return
	}
	if uploadSaveCalls[name] && u.save == nil {
		args := append([]syntax.Expr(nil), c.Args...)
		for _, kw := range c.Keywords {
			args = append(args, kw.Value)
		}
		for _, a := range args {
			if up, ok := u.mentionsUpload(a); ok {
				u.save, u.saveName = c, up
				break
			}
		}
	}
	switch name {
	case "open", "join", "joinpath", "Path", "PurePath", "save", "copyfileobj", "upload_fileobj", "put_object", "upload_file":
		for _, a := range c.Args {
			if u.clientFilename(a) {
				u.clientFN = true
			}
		}
		if recv != nil && u.clientFilename(recv) {
			u.clientFN = true
		}
	}
}

// callGetsUpload reports a call given an upload (or its contents).
func (u *uploadUse) callGetsUpload(c *syntax.Call) bool {
	for _, a := range c.Args {
		if _, ok := u.mentionsUpload(a); ok {
			return true
		}
		if u.clientFilename(a) {
			return true
		}
	}
	for _, kw := range c.Keywords {
		if _, ok := u.mentionsUpload(kw.Value); ok {
			return true
		}
	}
	return false
}

// clientFilename reports an expression built from an upload's filename.
func (u *uploadUse) clientFilename(e syntax.Expr) bool {
	found := false
	syntax.Inspect(e, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.Attribute:
			found = x.Attr.Name == "filename" && u.uploads[rootName(x.Value)]
		case *syntax.Name:
			found = u.named[x.ID]
		}
		return !found
	})
	return found
}

func (u *uploadUse) compare(file *syntax.File, c *syntax.Compare) {
	operands := append([]syntax.Expr{c.Left}, c.Comparators...)
	for i, op := range c.Ops {
		left, right := operands[i], operands[i+1]
		lt, rt := file.Text(left), file.Text(right)
		switch op {
		case syntax.Lt, syntax.LtE, syntax.Gt, syntax.GtE:
			if uploadSizeRE.MatchString(lt) || uploadSizeRE.MatchString(rt) || isLenCall(left) || isLenCall(right) {
				u.sizeCheck = true
			}
		case syntax.In, syntax.NotIn:
			// the checked value is on the left: file.content_type in ALLOWED
			if uploadTypeRE.MatchString(lt) || isSuffixExpr(left) {
				u.typeCheck = true
			}
		case syntax.Eq, syntax.NotEq:
			if uploadTypeRE.MatchString(lt) || uploadTypeRE.MatchString(rt) || isSuffixExpr(left) || isSuffixExpr(right) {
				u.typeCheck = true
			}
		}
	}
}

// isLenCall reports len(...).
func isLenCall(e syntax.Expr) bool {
	c, ok := e.(*syntax.Call)
	return ok && c.CalleeName() == "len"
}

// isSuffixExpr reports the last part of a split name: x.split(".")[-1],
// os.path.splitext(x)[1].
func isSuffixExpr(e syntax.Expr) bool {
	s, ok := e.(*syntax.Subscript)
	if !ok {
		return false
	}
	c, ok := s.Value.(*syntax.Call)
	if !ok {
		return false
	}
	switch c.CalleeName() {
	case "split", "rsplit", "splitext", "rpartition", "partition":
		return true
	}
	return false
}

// isMinusOne reports the constant -1 (read everything).
func isMinusOne(e syntax.Expr) bool {
	if u, ok := e.(*syntax.UnaryOp); ok && u.Op == syntax.USub {
		if v, ok := constInt(u.Operand); ok && v == 1 {
			return true
		}
	}
	return false
}
