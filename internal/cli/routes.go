package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/gcpolicy"
	"github.com/fastapi-audit/fastapi-audit/internal/report"
)

func newRoutesCmd() *cobra.Command {
	var o loadOptions
	var format string
	cmd := &cobra.Command{
		Use:   "routes [PATH...]",
		Short: "List every endpoint: method, full path, handler, auth, parameters, response model",
		Long: `Routes prints the attack-surface map of a FastAPI code base, read
statically: each endpoint with its full path through every include_router
and mount, the handler, the dependency chain that authenticates it (or
"none"), the authorization checks, the parameters by where FastAPI reads
them from, and the response model. What cannot be resolved statically is
reported as a diagnostic on stderr.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			switch format {
			case "text", "json", "csv":
			default:
				return usageErrorf("unknown --format %q for routes (text, json, csv)", format)
			}
			if o.jobs < 0 || o.jobs > maxJobs {
				return usageErrorf("--jobs %d: want 1 to %d workers", o.jobs, maxJobs)
			}
			// The scan's default memory ceiling bounds the inventory too.
			if os.Getenv("GOMEMLIMIT") == "" {
				ceiling := memoryCeiling()
				guard := newScanGuard(cmd.Context(), 0, ceiling, true, cmd.ErrOrStderr())
				defer guard.close()
				defer gcpolicy.FollowUnder(ceiling)()
				o.guard = guard
			}
			p, err := load(args, o)
			if err != nil {
				return err
			}
			rows := p.routes()
			// Redaction by value: the tree's secrets are masked in the
			// listing and its diagnostics, wherever they appear.
			rd := finding.NewRedactor(p.secrets())
			report.RedactRoutes(rows, rd)
			for _, d := range p.diags { // files skipped: the inventory may lack their routes
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s\n", report.Printable(rd.String(d.Path)), report.Printable(rd.String(d.Msg)))
			}
			for _, d := range p.model.Diagnostics {
				pos := d.Module.File.Position(d.Node.Pos())
				fmt.Fprintf(cmd.ErrOrStderr(), "%s:%d:%d: %s\n", report.Printable(rd.String(d.Module.Path)), pos.Line, pos.Column, report.Printable(rd.String(d.Msg)))
			}
			out := cmd.OutOrStdout()
			switch format {
			case "json":
				return writeRoutesJSON(out, rows)
			case "csv":
				return writeRoutesCSV(out, rows)
			}
			return writeRoutesText(out, rows)
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "text", "output format: text, json or csv")
	f.StringSliceVar(&o.exclude, "exclude", nil, "glob of paths to skip (repeatable)")
	f.StringSliceVar(&o.authDeps, "auth-dependency", nil, "extra callable that authenticates (repeatable)")
	f.IntVar(&o.jobs, "jobs", 0, "parallel workers (default: all cores)")
	f.Int64Var(&o.maxFileSize, "max-file-size", 5<<20, "skip files larger than this many bytes")
	return cmd
}

var paramOrder = []string{"path", "query", "header", "cookie", "body", "form", "file"}

func paramsText(params map[string][]string) string {
	var parts []string
	for _, k := range paramOrder {
		if v := params[k]; len(v) > 0 {
			parts = append(parts, k+": "+strings.Join(v, ", "))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "; ")
}

func orNone(l []string, sep string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, sep)
}

// writeRoutesText writes the routes as a table; every cell is
// report.Printable, so no name from the code acts on the terminal or
// breaks the table.
func writeRoutesText(w io.Writer, rows []report.Route) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "METHOD\tPATH\tHANDLER\tAUTH\tAUTHZ\tPARAMS\tRESPONSE")
	p := report.Printable
	for _, r := range rows {
		authz := orNone(r.Authz, ", ")
		if len(r.Scopes) > 0 {
			authz += " scopes=" + strings.Join(r.Scopes, ",")
		}
		resp := r.Response
		if resp == "" {
			resp = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s:%d %s\t%s\t%s\t%s\t%s\n", p(r.Method), p(r.Path), p(r.File), r.Line, p(r.Handler),
			p(orNone(r.Auth, " > ")), p(authz), p(paramsText(r.Params)), p(oneLine(resp)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d endpoints, %d without authentication\n", len(rows), countNoAuth(rows))
	return err
}

func countNoAuth(rows []report.Route) int {
	n := 0
	for _, r := range rows {
		if len(r.Auth) == 0 {
			n++
		}
	}
	return n
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func writeRoutesJSON(w io.Writer, rows []report.Route) error {
	if rows == nil {
		rows = []report.Route{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"schema": 1, "routes": rows})
}

// csvCell keeps a cell from being read as a formula by a spreadsheet: a
// route path or handler name from hostile code such as
// `=HYPERLINK("http://evil")` gets a leading quote, as OWASP advises for
// CSV injection.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeRoutesCSV writes the routes as CSV, every cell report.Printable
// and safe from formula injection.
func writeRoutesCSV(w io.Writer, rows []report.Route) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"method", "path", "file", "line", "handler", "auth", "authz", "params", "response_model"})
	for _, r := range rows {
		authz := orNone(r.Authz, " ")
		if len(r.Scopes) > 0 {
			authz += " scopes=" + strings.Join(r.Scopes, ",")
		}
		row := []string{r.Method, r.Path, r.File, fmt.Sprint(r.Line), r.Handler, orNone(r.Auth, " > "), authz, paramsText(r.Params), oneLine(r.Response)}
		for i := range row {
			row[i] = csvCell(report.Printable(row[i]))
		}
		_ = cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}
