package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The SARIF 2.1.0 subset fastapi-audit writes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Results     []sarifResult     `json:"results"`
		ColumnKind  string            `json:"columnKind"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name"`
		ShortDescription     sarifText      `json:"shortDescription"`
		FullDescription      sarifText      `json:"fullDescription"`
		Help                 sarifMarkdown  `json:"help"`
		HelpURI              string         `json:"helpUri,omitempty"`
		DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
		Properties           sarifRuleProps `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifMarkdown struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifRuleProps struct {
		Tags             []string `json:"tags"`
		SecuritySeverity string   `json:"security-severity"`
		Precision        string   `json:"precision"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool                  `json:"executionSuccessful"`
		Notifications       []sarifNotification   `json:"toolExecutionNotifications"`
		Properties          *sarifInvocationProps `json:"properties,omitempty"`
	}
	// sarifInvocationProps carry what the settings took out of the audit.
	sarifInvocationProps struct {
		Settings *Settings `json:"settings"`
		Note     string    `json:"note"`
	}
	sarifNotification struct {
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations,omitempty"`
	}
	sarifResult struct {
		RuleID              string             `json:"ruleId"`
		RuleIndex           int                `json:"ruleIndex"`
		Level               string             `json:"level"`
		Message             sarifText          `json:"message"`
		Locations           []sarifLocation    `json:"locations"`
		PartialFingerprints map[string]string  `json:"partialFingerprints"`
		CodeFlows           []sarifCodeFlow    `json:"codeFlows,omitempty"`
		Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
		WebRequest          *sarifWebRequest   `json:"webRequest,omitempty"`
		WebResponse         *sarifWebResponse  `json:"webResponse,omitempty"`
		Properties          map[string]any     `json:"properties"`
	}
	sarifWebRequest struct {
		Method  string            `json:"method"`
		Target  string            `json:"target"`
		Headers map[string]string `json:"headers,omitempty"`
		Body    *sarifText        `json:"body,omitempty"`
	}
	sarifWebResponse struct {
		StatusCode int               `json:"statusCode"`
		Headers    map[string]string `json:"headers,omitempty"`
		Body       *sarifText        `json:"body,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
		Message          *sarifText    `json:"message,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifRegion struct {
		StartLine   int        `json:"startLine"`
		StartColumn int        `json:"startColumn,omitempty"`
		EndLine     int        `json:"endLine,omitempty"`
		EndColumn   int        `json:"endColumn,omitempty"`
		Snippet     *sarifText `json:"snippet,omitempty"`
	}
	sarifCodeFlow struct {
		ThreadFlows []sarifThreadFlow `json:"threadFlows"`
	}
	sarifThreadFlow struct {
		Locations []sarifFlowLocation `json:"locations"`
	}
	sarifFlowLocation struct {
		Location sarifLocation `json:"location"`
	}
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Justification string `json:"justification,omitempty"`
	}
)

// FingerprintKey names fastapi-audit's fingerprint in partialFingerprints.
const FingerprintKey = "fastapiAudit/v1"

func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Critical, finding.High:
		return "error"
	case finding.Medium:
		return "warning"
	}
	return "note"
}

func precision(c finding.Confidence) string {
	return [...]string{"low", "medium", "high"}[c]
}

func location(l finding.Location, snippet string, msg string) sarifLocation {
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: uriEscape(l.File), URIBaseID: "%SRCROOT%"}}}
	if l.File == "" && l.URL != "" {
		loc.PhysicalLocation.ArtifactLocation = sarifArtifact{URI: l.URL} // a live finding: the absolute URL
	}
	if l.Line > 0 {
		r := &sarifRegion{StartLine: l.Line, StartColumn: l.Column}
		if l.EndLine >= l.Line && (l.EndLine > l.Line || l.EndColumn > l.Column) {
			r.EndLine, r.EndColumn = l.EndLine, l.EndColumn
		}
		if snippet != "" {
			r.Snippet = &sarifText{Text: snippet}
		}
		loc.PhysicalLocation.Region = r
	}
	if msg != "" {
		loc.Message = &sarifText{Text: msg}
	}
	return loc
}

// headerMap turns "Name: value" lines into SARIF's header object, joining
// repeated names with ", ".
func headerMap(lines []string) map[string]string {
	if len(lines) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, l := range lines {
		k, v, _ := strings.Cut(l, ":")
		v = strings.TrimSpace(v)
		if prev, ok := out[k]; ok {
			v = prev + ", " + v
		}
		out[k] = v
	}
	return out
}

// uriEscape makes a slash path relative to the scan root a relative URI
// reference that cannot be read as anything else: each segment
// percent-encoded as RFC 3986 path segments require (everything but
// unreserved characters, sub-delimiters, ":" and "@"), leading slashes
// dropped so that it is never an absolute path or a network-path reference,
// and "./" put before a first segment holding a colon, which would
// otherwise be read as a scheme ("javascript:alert(1).py", "C:/x.py").
func uriEscape(p string) string {
	p = strings.TrimLeft(p, "/")
	var b strings.Builder
	first, _, _ := strings.Cut(p, "/")
	if strings.Contains(first, ":") {
		b.WriteString("./")
	}
	for _, c := range []byte(p) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-._~!$&'()*+,;=:@/", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// ruleMarkdown is a rule's help in SARIF.
func ruleHelp(r *rules.Rule) sarifMarkdown {
	md := rules.Markdown(r)
	return sarifMarkdown{Text: r.Doc.What + "\n\n" + r.Doc.Why + "\n\nFix: " + r.Remediation, Markdown: md}
}

// WriteSARIF writes the report as SARIF 2.1.0, with rule metadata that
// GitHub code scanning understands (tags, security-severity), fingerprints,
// taint paths as code flows, and suppressions.
func WriteSARIF(w io.Writer, r *Report) error {
	r.Redact()
	driver := sarifDriver{Name: r.Tool.Name, Version: r.Tool.Version, InformationURI: "https://github.com/fastapi-audit/fastapi-audit", Rules: []sarifRule{}}
	index := map[string]int{}
	addRule := func(rule *rules.Rule) {
		if _, ok := index[rule.ID]; ok {
			return
		}
		tags := []string{"security", rule.Category}
		for _, cwe := range rule.CWE {
			tags = append(tags, fmt.Sprintf("external/cwe/cwe-%d", cwe))
		}
		index[rule.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRule{
			ID: rule.ID, Name: rule.Name,
			ShortDescription:     sarifText{Text: rule.Title},
			FullDescription:      sarifText{Text: rule.Doc.What},
			Help:                 ruleHelp(rule),
			DefaultConfiguration: sarifConfig{Level: sarifLevel(rule.Severity)},
			Properties: sarifRuleProps{Tags: tags, Precision: precision(rule.Confidence),
				SecuritySeverity: fmt.Sprintf("%.1f", rule.Severity.SecuritySeverity())},
		})
	}
	for _, rule := range r.Rules {
		addRule(rule)
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}, ColumnKind: "unicodeCodePoints"}
	for _, f := range r.Findings {
		if _, ok := index[f.RuleID]; !ok {
			if rule := rules.Get(f.RuleID); rule != nil {
				addRule(rule)
				run.Tool.Driver.Rules = driver.Rules
			}
		}
		res := sarifResult{
			RuleID: f.RuleID, RuleIndex: index[f.RuleID], Level: sarifLevel(f.Severity),
			Message:             sarifText{Text: f.Message},
			Locations:           []sarifLocation{location(f.Location, f.Snippet, "")},
			PartialFingerprints: map[string]string{FingerprintKey: f.Fingerprint},
			Properties: map[string]any{"severity": f.Severity.String(), "confidence": f.Confidence.String(),
				"security-severity": fmt.Sprintf("%.1f", f.Severity.SecuritySeverity()), "remediation": f.Remediation},
		}
		if x := f.HTTP; x != nil {
			res.WebRequest = &sarifWebRequest{Method: x.Request.Method, Target: x.Request.URL, Headers: headerMap(x.Request.Headers)}
			if x.Request.Body != "" {
				res.WebRequest.Body = &sarifText{Text: x.Request.Body}
			}
			res.WebResponse = &sarifWebResponse{StatusCode: x.Response.Status, Headers: headerMap(x.Response.Headers)}
			if x.Response.Body != "" {
				res.WebResponse.Body = &sarifText{Text: x.Response.Body}
			}
			res.Properties["curl"] = x.Curl
		}
		if f.Live != nil {
			res.Properties["live"] = f.Live
		}
		if len(f.Evidence) > 0 {
			var flow sarifThreadFlow
			for _, st := range f.Evidence {
				flow.Locations = append(flow.Locations, sarifFlowLocation{Location: location(st.Location, "", st.Message)})
			}
			res.CodeFlows = []sarifCodeFlow{{ThreadFlows: []sarifThreadFlow{flow}}}
		}
		if f.Suppressed != nil {
			kind := "inSource"
			if f.Suppressed.Kind == "baseline" {
				kind = "external"
			}
			res.Suppressions = []sarifSuppression{{Kind: kind, Justification: f.Suppressed.Justification}}
		}
		run.Results = append(run.Results, res)
	}
	run.Tool.Driver = driver
	inv := sarifInvocation{ExecutionSuccessful: true, Notifications: []sarifNotification{}}
	for _, d := range r.Diagnostics {
		n := sarifNotification{Level: "warning", Message: sarifText{Text: d.Kind + ": " + d.Message}}
		if d.Location.File != "" {
			n.Locations = []sarifLocation{location(d.Location, "", "")}
		}
		inv.Notifications = append(inv.Notifications, n)
	}
	if note := SettingsNote(r); note != "" {
		inv.Properties = &sarifInvocationProps{Settings: r.Settings, Note: note}
	}
	run.Invocations = []sarifInvocation{inv}
	log := sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}
