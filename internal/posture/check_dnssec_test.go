package posture

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/posture/dnstest"
)

// dnssecRun runs the DNSSEC check alone against a test server.
func dnssecRun(t *testing.T, srv *dnstest.Server, domain string, anchors []string, now time.Time) *Result {
	t.Helper()
	opts := Options{
		Resolver: srv.Addr(), TrustAnchors: anchors, SkipTLS: true, SkipEmail: true,
		Enabled: func(id string) bool { return id == "FA960" || id == "FA961" },
	}
	if !now.IsZero() {
		opts.Now = func() time.Time { return now }
	}
	res, err := Run(context.Background(), domain, opts)
	if err != nil {
		t.Fatalf("Run(%s): %v", domain, err)
	}
	return res
}

// dnssecScenario is a parent zone "test." signed with NSEC or NSEC3 and
// children in every state the check tells apart.
type dnssecScenario struct {
	srv    *dnstest.Server
	parent *dnstest.Zone
	anchor []string
}

const dnssecChildText = `
@        A     192.0.2.1
@        TXT   "v=spf1 -all"
www      CNAME @
api      A     192.0.2.2
`

func newDNSSECScenario(t *testing.T, nsec3 bool) *dnssecScenario {
	parent := &dnstest.Zone{Origin: "test.", Sign: true, NSEC3: nsec3}
	zone := func(origin string, edit func(z *dnstest.Zone)) *dnstest.Zone {
		z := &dnstest.Zone{Origin: origin, Sign: true, NSEC3: nsec3, Text: dnssecChildText}
		if edit != nil {
			edit(z)
		}
		return z
	}
	zones := []*dnstest.Zone{
		parent,
		zone("valid.test.", nil),
		zone("sub.valid.test.", nil), // a third level, signed
		zone("plain.test.", func(z *dnstest.Zone) { z.Sign = false }),
		zone("island.test.", func(z *dnstest.Zone) { z.NoDS = true }),
		zone("bogus.test.", func(z *dnstest.Zone) { z.Bogus = true }),
		zone("expired.test.", func(z *dnstest.Zone) {
			z.Inception, z.Expiration = time.Now().Add(-60*24*time.Hour), time.Now().Add(-24*time.Hour)
		}),
		zone("future.test.", func(z *dnstest.Zone) {
			z.Inception, z.Expiration = time.Now().Add(24*time.Hour), time.Now().Add(60*24*time.Hour)
		}),
		zone("wrongds.test.", func(z *dnstest.Zone) { z.WrongDS = true }),
		// Signed, under an unsigned zone: the chain stops above it.
		zone("signed.plain.test.", nil),
	}
	srv := dnstest.Start(t, zones...)
	return &dnssecScenario{srv: srv, parent: parent, anchor: []string{parent.DS()}}
}

// dnssecCases are the verdicts expected of the scenario: "" secure,
// else the rule and a part of its message.
var dnssecCases = []struct {
	domain, rule, msg, subject string
}{
	{"valid.test", "", "", ""},
	{"www.valid.test", "", "", ""},
	{"api.valid.test", "", "", ""},
	{"sub.valid.test", "", "", ""},
	{"api.sub.valid.test", "", "", ""},
	{"plain.test", "FA960", "plain.test is not signed with DNSSEC: its zone plain.test serves no DNSKEY record", "dns:plain.test DNSKEY"},
	{"api.plain.test", "FA960", "its zone plain.test serves no DNSKEY", "dns:plain.test DNSKEY"},
	{"island.test", "FA960", "the zone island.test is signed (it serves DNSKEY records) but test publishes no DS record for island.test,", "dns:island.test DS"},
	{"signed.plain.test", "FA960", "the zone signed.plain.test is signed (it serves DNSKEY records) but test publishes no DS record for plain.test,", "dns:plain.test DS"},
	{"bogus.test", "FA961", "DNSSEC validation of bogus.test fails: bogus.test A: the RRSIG by key", "dns:bogus.test A"},
	{"api.bogus.test", "FA961", "api.bogus.test A: the RRSIG by key", "dns:api.bogus.test A"},
	{"expired.test", "FA961", "the DNSKEY records of expired.test do not validate with the key its DS points to (the RRSIG by key", "dns:expired.test DNSKEY"},
	{"future.test", "FA961", "not valid before", "dns:future.test DNSKEY"},
	{"wrongds.test", "FA961", "no DNSKEY of wrongds.test matches the DS records its parent publishes (the DS for key", "dns:wrongds.test DS"},
}

func TestDNSSEC(t *testing.T) {
	for _, nsec3 := range []bool{false, true} {
		t.Run(fmt.Sprintf("nsec3=%v", nsec3), func(t *testing.T) {
			sc := newDNSSECScenario(t, nsec3)
			for _, c := range dnssecCases {
				res := dnssecRun(t, sc.srv, c.domain, sc.anchor, time.Time{})
				if c.rule == "" {
					if len(res.Findings) != 0 || len(res.Diagnostics) != 0 {
						t.Errorf("%s: want no finding, got %v %v", c.domain, messages(res), diagnostics(res))
					}
					continue
				}
				if len(res.Findings) != 1 {
					t.Errorf("%s: want one %s, got %v %v", c.domain, c.rule, messages(res), diagnostics(res))
					continue
				}
				f := res.Findings[0]
				if f.RuleID != c.rule || !strings.Contains(f.Message, c.msg) || f.Location.URL != c.subject {
					t.Errorf("%s: %s at %s: %s\nwant %s at %s: %q", c.domain, f.RuleID, f.Location.URL, f.Message, c.rule, c.subject, c.msg)
				}
				if len(f.Evidence) == 0 || f.Remediation == "" {
					t.Errorf("%s: no evidence or remediation", c.domain)
				}
				if c.rule == "FA960" && !strings.Contains(evidence(f.Evidence), "proves with a signed NSEC") {
					t.Errorf("%s: the parent's signed denial of the DS is not in the evidence:\n%s", c.domain, evidence(f.Evidence))
				}
			}
		})
	}
}

func messages(res *Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.RuleID+" "+f.Message)
	}
	return out
}

func diagnostics(res *Result) []string {
	var out []string
	for _, d := range res.Diagnostics {
		out = append(out, d.Message)
	}
	return out
}

func evidence(steps []finding.Step) string {
	var b strings.Builder
	for _, s := range steps {
		b.WriteString(s.Message + "\n")
	}
	return b.String()
}

func TestDNSSECClockAndAnchors(t *testing.T) {
	sc := newDNSSECScenario(t, false)
	other := &dnstest.Zone{Origin: "other.example.", Text: "@ A 192.0.2.7"}
	otherSigned := &dnstest.Zone{Origin: "signed.example.", Sign: true, Text: "@ A 192.0.2.8"}
	srv2 := dnstest.Start(t, other, otherSigned)

	// Forty-five days on, every signature of the scenario has expired.
	res := dnssecRun(t, sc.srv, "valid.test", sc.anchor, time.Now().Add(45*24*time.Hour))
	if len(res.Findings) != 1 || res.Findings[0].RuleID != "FA961" || !strings.Contains(res.Findings[0].Message, "expired at") ||
		res.Findings[0].Location.URL != "dns:test DNSKEY" {
		t.Errorf("later clock: %v", messages(res))
	}
	// A DNSKEY record is accepted as a trust anchor.
	if res := dnssecRun(t, sc.srv, "valid.test", []string{sc.parent.DNSKEY()}, time.Time{}); len(res.Findings) != 0 || len(res.Diagnostics) != 0 {
		t.Errorf("DNSKEY anchor: %v %v", messages(res), diagnostics(res))
	}
	// An anchor that matches no key of the zone breaks the chain at the top.
	stranger := &dnstest.Zone{Origin: "test.", Sign: true}
	res = dnssecRun(t, sc.srv, "valid.test", []string{stranger.DS()}, time.Time{})
	if len(res.Findings) != 1 || res.Findings[0].RuleID != "FA961" || !strings.Contains(res.Findings[0].Message, "the trust anchor names") {
		t.Errorf("wrong anchor: %v", messages(res))
	}
	// The default anchors are the root's, which this server does not serve:
	// no conclusion, a diagnostic.
	res = dnssecRun(t, sc.srv, "valid.test", nil, time.Time{})
	if len(res.Findings) != 0 || len(res.Diagnostics) != 1 || !strings.Contains(res.Diagnostics[0].Message, "REFUSED") {
		t.Errorf("root anchors: %v %v", messages(res), diagnostics(res))
	}
	// No anchor covers the name: only "is it signed at all" can be told.
	res = dnssecRun(t, srv2, "www.other.example", sc.anchor, time.Time{})
	if len(res.Findings) != 1 || res.Findings[0].RuleID != "FA960" || res.Findings[0].Location.URL != "dns:other.example DNSKEY" {
		t.Errorf("unanchored unsigned: %v %v", messages(res), diagnostics(res))
	}
	res = dnssecRun(t, srv2, "signed.example", sc.anchor, time.Time{})
	if len(res.Findings) != 0 || len(res.Diagnostics) != 1 || !strings.Contains(res.Diagnostics[0].Message, "no trust anchor given covers it") {
		t.Errorf("unanchored signed: %v %v", messages(res), diagnostics(res))
	}
	// A malformed anchor is a diagnostic.
	res = dnssecRun(t, sc.srv, "valid.test", []string{"test. IN DS nonsense"}, time.Time{})
	if len(res.Findings) != 0 || len(res.Diagnostics) != 1 || !strings.Contains(res.Diagnostics[0].Message, "trust anchor") {
		t.Errorf("bad anchor: %v %v", messages(res), diagnostics(res))
	}
	// The walk is bounded in labels.
	deep := strings.Repeat("a.", 20) + "valid.test"
	res = dnssecRun(t, sc.srv, deep, sc.anchor, time.Time{})
	if len(res.Findings) != 0 || len(res.Diagnostics) != 1 || !strings.Contains(res.Diagnostics[0].Message, "more than the 16") {
		t.Errorf("deep name: %v %v", messages(res), diagnostics(res))
	}
	// A name that does not exist is not judged.
	res = dnssecRun(t, sc.srv, "nope.valid.test", sc.anchor, time.Time{})
	if len(res.Findings) != 0 || len(res.Diagnostics) != 1 || !strings.Contains(res.Diagnostics[0].Message, "NXDOMAIN") {
		t.Errorf("missing name: %v %v", messages(res), diagnostics(res))
	}
}

// TestDNSSECAgreesWithDelv asks BIND's delv, an independent validator, to
// validate every name of the scenario against the same server and trust
// anchor, and compares its verdict with the check's: fully validated ->
// no finding, unsigned answer -> FA960, failed validation -> FA961.
func TestDNSSECAgreesWithDelv(t *testing.T) {
	delv, err := exec.LookPath("delv")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("delv (Debian bind9-dnsutils) is needed in CI: %v", err)
		}
		t.Skip("delv not installed (apt-get install bind9-dnsutils; CI=true makes this a failure)")
	}
	for _, nsec3 := range []bool{false, true} {
		sc := newDNSSECScenario(t, nsec3)
		rr, err := dns.NewRR(sc.anchor[0])
		if err != nil {
			t.Fatal(err)
		}
		ds := rr.(*dns.DS)
		anchors := filepath.Join(t.TempDir(), "anchors.conf")
		conf := fmt.Sprintf("trust-anchors {\n  \"test.\" static-ds %d %d %d \"%s\";\n};\n", ds.KeyTag, ds.Algorithm, ds.DigestType, ds.Digest)
		if err := os.WriteFile(anchors, []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
		host, port, _ := strings.Cut(sc.srv.Addr(), ":")
		outs := make([]string, len(dnssecCases))
		var wg sync.WaitGroup
		sem := make(chan struct{}, 4)
		for i, c := range dnssecCases {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				out, _ := exec.CommandContext(ctx, delv, "@"+host, "-p", port, "-a", anchors, "+root=test.", c.domain, "A").CombinedOutput()
				outs[i] = string(out)
			})
		}
		wg.Wait()
		for i, c := range dnssecCases {
			text := outs[i]
			var verdict string
			switch {
			case strings.Contains(text, "; fully validated"):
				verdict = ""
			case strings.Contains(text, "; unsigned answer"):
				verdict = "FA960"
			case strings.Contains(text, "resolution failed"):
				verdict = "FA961"
			default:
				t.Errorf("nsec3=%v %s: delv said\n%s", nsec3, c.domain, text)
				continue
			}
			if verdict != c.rule {
				t.Errorf("nsec3=%v %s: delv's verdict maps to %q, the check's case to %q; delv said\n%s", nsec3, c.domain, verdict, c.rule, text)
			}
		}
	}
}

// FuzzDNSSECAnswer feeds arbitrary DNS answers to the validator's record
// handling: signature checks, the DS denial proof and the negative-answer
// checks must neither panic nor exceed their budget.
func FuzzDNSSECAnswer(f *testing.F) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDNSSECAnswer")
	if _, err := os.Stat(dir); err != nil {
		f.Fatalf("seed corpus %s: %v", dir, err)
	}
	f.Fuzz(func(t *testing.T, wire []byte) {
		m := new(dns.Msg)
		if m.Unpack(wire) != nil {
			return
		}
		w := &dnssecWalk{now: time.Unix(1800000000, 0)}
		var keys []*dns.DNSKEY
		for _, sec := range [][]dns.RR{m.Answer, m.Ns} {
			for _, rr := range sec {
				if k, ok := rr.(*dns.DNSKEY); ok && len(keys) < dnssecMaxKeys {
					keys = append(keys, k)
				}
			}
		}
		zone := "test."
		if len(m.Question) == 1 {
			zone = dns.CanonicalName(m.Question[0].Name)
		}
		for _, rr := range m.Answer {
			set, sigs := dnssecRRset(m.Answer, rr.Header().Name, rr.Header().Rrtype)
			if len(set) > 0 {
				_ = w.verify(set, sigs, keys, zone)
			}
		}
		_, _ = w.noDSProof(m, zone, zone, keys)
		_ = w.denial(m, zone, keys)
		if w.verifies > dnssecMaxVerify {
			t.Fatalf("%d verifications, over the budget of %d", w.verifies, dnssecMaxVerify)
		}
	})
}
