package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fastapi-audit/fastapi-audit/internal/posture"
	"github.com/fastapi-audit/fastapi-audit/internal/probe"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

func newRulesCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rule catalog",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			switch format {
			case "json":
				type ruleJSON struct {
					ID          string   `json:"id"`
					Name        string   `json:"name"`
					Title       string   `json:"title"`
					Category    string   `json:"category"`
					Severity    string   `json:"severity"`
					Confidence  string   `json:"confidence"`
					CWE         []int    `json:"cwe"`
					OWASP       []string `json:"owasp"`
					Remediation string   `json:"remediation"`
					Command     string   `json:"command"`
				}
				var list []ruleJSON
				for _, r := range rules.All() {
					list = append(list, ruleJSON{r.ID, r.Name, r.Title, r.Category, r.Severity.String(), r.Confidence.String(), r.CWE, r.OWASP, r.Remediation, ruleCommand(r)})
				}
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(list)
			case "text":
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tSEVERITY\tCOMMAND\tCWE\tTITLE")
				for _, r := range rules.All() {
					var cwes []string
					for _, c := range r.CWE {
						cwes = append(cwes, fmt.Sprintf("CWE-%d", c))
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity, ruleCommand(r), strings.Join(cwes, ","), r.Title)
				}
				return tw.Flush()
			}
			return usageErrorf("unknown --format %q for rules (text, json)", format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

// ruleCommand names the command that reports a rule: scan for static
// rules (probe confirms some of them live), probe or posture for live ones.
func ruleCommand(r *rules.Rule) string {
	for _, c := range posture.Checks() {
		if slices.Contains(c.Rules, r.ID) {
			return "posture"
		}
	}
	if r.Live() {
		return "probe"
	}
	for _, c := range probe.Checks() {
		if slices.Contains(c.Rules, r.ID) {
			return "scan, probe"
		}
	}
	return "scan"
}

func newExplainCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "explain RULE",
		Short: "Print a rule's documentation: what it finds, why it matters, an example and the fix",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r := rules.Get(args[0])
			if r == nil {
				return usageErrorf("unknown rule id %q (see fastapi-audit rules)", args[0])
			}
			_, err := fmt.Fprint(cmd.OutOrStdout(), rules.Markdown(r))
			return err
		},
	}
}
