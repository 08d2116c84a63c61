package dnstest

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

const childText = `
@        A     192.0.2.1
@        TXT   "v=spf1 -all"
www      CNAME @
alias    CNAME www.other.test.
loop1    CNAME loop2
loop2    CNAME loop1
a.b.c    A     192.0.2.3
*.wild   A     192.0.2.4
sub      NS    ns.sub
ns.sub   A     192.0.2.53
`

func exchange(t *testing.T, srv *Server, network, name string, qtype uint16, do bool) *dns.Msg {
	t.Helper()
	q := new(dns.Msg)
	q.SetQuestion(name, qtype)
	q.RecursionDesired = true
	if do {
		q.SetEdns0(4096, true)
	}
	c := &dns.Client{Net: network, Timeout: 2 * time.Second}
	m, _, err := c.Exchange(q, srv.Addr())
	if err != nil {
		t.Fatalf("%s %s %s: %v", network, name, dns.TypeToString[qtype], err)
	}
	return m
}

func count(rrs []dns.RR, t uint16) int {
	n := 0
	for _, rr := range rrs {
		if rr.Header().Rrtype == t {
			n++
		}
	}
	return n
}

func TestAuthoritativeAnswers(t *testing.T) {
	other := &Zone{Origin: "other.test", Text: "www A 192.0.2.2"}
	child := &Zone{Origin: "example.test.", Text: childText}
	srv := Start(t, child, other)
	if !strings.HasPrefix(srv.Addr(), "127.0.0.1:") {
		t.Fatalf("Addr() = %q", srv.Addr())
	}
	for _, network := range []string{"udp", "tcp"} {
		m := exchange(t, srv, network, "example.test.", dns.TypeA, false)
		if !m.Authoritative || m.Rcode != dns.RcodeSuccess || count(m.Answer, dns.TypeA) != 1 || !m.RecursionAvailable {
			t.Errorf("%s A: %v", network, m)
		}
	}
	cases := []struct {
		name  string
		qtype uint16
		rcode int
		types []uint16 // answer types in order
		soa   bool     // SOA in authority
	}{
		{"example.test.", dns.TypeMX, dns.RcodeSuccess, nil, true},                                      // NODATA
		{"nope.example.test.", dns.TypeA, dns.RcodeNameError, nil, true},                                // NXDOMAIN
		{"b.c.example.test.", dns.TypeA, dns.RcodeSuccess, nil, true},                                   // empty non-terminal
		{"WWW.Example.TEST.", dns.TypeA, dns.RcodeSuccess, []uint16{dns.TypeCNAME, dns.TypeA}, false},   // case, CNAME
		{"alias.example.test.", dns.TypeA, dns.RcodeSuccess, []uint16{dns.TypeCNAME, dns.TypeA}, false}, // across zones
		{"loop1.example.test.", dns.TypeA, dns.RcodeSuccess, []uint16{dns.TypeCNAME, dns.TypeCNAME}, false},
		{"x.wild.example.test.", dns.TypeA, dns.RcodeSuccess, []uint16{dns.TypeA}, false},
		{"www.example.test.", dns.TypeCNAME, dns.RcodeSuccess, []uint16{dns.TypeCNAME}, false},
		{"unserved.invalid.", dns.TypeA, dns.RcodeRefused, nil, false},
	}
	for _, c := range cases {
		m := exchange(t, srv, "udp", c.name, c.qtype, false)
		var got []uint16
		for _, rr := range m.Answer {
			got = append(got, rr.Header().Rrtype)
		}
		if m.Rcode != c.rcode || len(got) != len(c.types) || (count(m.Ns, dns.TypeSOA) == 1) != c.soa {
			t.Errorf("%s %s: rcode %s, answer %v, want %s %v soa=%v\n%v", c.name, dns.TypeToString[c.qtype],
				dns.RcodeToString[m.Rcode], got, dns.RcodeToString[c.rcode], c.types, c.soa, m)
			continue
		}
		for i := range got {
			if got[i] != c.types[i] {
				t.Errorf("%s: answer types %v, want %v", c.name, got, c.types)
			}
		}
	}
	// The wildcard answer carries the name asked.
	if m := exchange(t, srv, "udp", "x.wild.example.test.", dns.TypeA, false); m.Answer[0].Header().Name != "x.wild.example.test." {
		t.Errorf("wildcard owner %s", m.Answer[0].Header().Name)
	}
	// A delegation to a zone not served is a referral with glue.
	m := exchange(t, srv, "udp", "www.sub.example.test.", dns.TypeA, false)
	if m.Authoritative || count(m.Ns, dns.TypeNS) != 1 || count(m.Extra, dns.TypeA) != 1 {
		t.Errorf("referral: %v", m)
	}
	// Without DO no signatures, and no OPT without EDNS0.
	if m := exchange(t, srv, "udp", "example.test.", dns.TypeA, false); m.IsEdns0() != nil {
		t.Errorf("OPT in an answer to a query without EDNS0")
	}
}

func TestTruncationAndTCP(t *testing.T) {
	var b strings.Builder
	for i := range 40 {
		b.WriteString("big TXT \"" + strings.Repeat("x", 60) + strconv.Itoa(i) + "\"\n")
	}
	srv := Start(t, &Zone{Origin: "example.test.", Text: b.String()})
	q := new(dns.Msg)
	q.SetQuestion("big.example.test.", dns.TypeTXT)
	c := &dns.Client{Net: "udp", Timeout: 2 * time.Second}
	m, _, err := c.Exchange(q, srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if !m.Truncated {
		t.Errorf("a 2.6 kB answer over UDP without EDNS0 is not truncated")
	}
	m = exchange(t, srv, "tcp", "big.example.test.", dns.TypeTXT, false)
	if m.Truncated || count(m.Answer, dns.TypeTXT) != 40 {
		t.Errorf("TCP: truncated %v, %d TXT", m.Truncated, count(m.Answer, dns.TypeTXT))
	}
}

func TestEDNSVersion(t *testing.T) {
	srv := Start(t, &Zone{Origin: "example.test."})
	q := new(dns.Msg)
	q.SetQuestion("example.test.", dns.TypeSOA)
	q.SetEdns0(1232, false)
	q.IsEdns0().SetVersion(1)
	c := &dns.Client{Timeout: 2 * time.Second}
	m, _, err := c.Exchange(q, srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if m.Rcode != dns.RcodeBadVers {
		t.Errorf("EDNS version 1: rcode %s, want BADVERS", dns.RcodeToString[m.Rcode])
	}
}

// keysOf fetches and checks a zone's DNSKEY RRset against its DS.
func keysOf(t *testing.T, srv *Server, z *Zone) []*dns.DNSKEY {
	t.Helper()
	m := exchange(t, srv, "udp", canonical(z.Origin), dns.TypeDNSKEY, true)
	var keys []*dns.DNSKEY
	var sigs []*dns.RRSIG
	for _, rr := range m.Answer {
		switch x := rr.(type) {
		case *dns.DNSKEY:
			keys = append(keys, x)
		case *dns.RRSIG:
			sigs = append(sigs, x)
		}
	}
	if len(keys) != 2 || len(sigs) != 1 {
		t.Fatalf("DNSKEY answer: %v", m)
	}
	ds, err := dns.NewRR(z.DS())
	if err != nil {
		t.Fatal(err)
	}
	matched := false
	for _, k := range keys {
		if d := k.ToDS(dns.SHA256); strings.EqualFold(d.Digest, ds.(*dns.DS).Digest) {
			matched = true
			if err := sigs[0].Verify(k, []dns.RR{keys[0], keys[1]}); err != nil {
				t.Fatalf("DNSKEY RRSIG: %v", err)
			}
		}
	}
	if !matched {
		t.Fatalf("no DNSKEY matches the DS %s", z.DS())
	}
	return keys
}

// verifyAll checks every signed RRset of a section with the keys.
func verifyAll(t *testing.T, what string, sec []dns.RR, keys []*dns.DNSKEY) int {
	t.Helper()
	sets := map[string][]dns.RR{}
	var sigs []*dns.RRSIG
	for _, rr := range sec {
		if s, ok := rr.(*dns.RRSIG); ok {
			sigs = append(sigs, s)
			continue
		}
		k := rr.Header().Name + "/" + dns.TypeToString[rr.Header().Rrtype]
		sets[k] = append(sets[k], rr)
	}
	n := 0
	for _, s := range sigs {
		set := sets[s.Hdr.Name+"/"+dns.TypeToString[s.TypeCovered]]
		ok := false
		for _, k := range keys {
			if k.KeyTag() == s.KeyTag && s.Verify(k, set) == nil && s.ValidityPeriod(time.Now()) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%s: RRSIG over %s %s does not verify", what, s.Hdr.Name, dns.TypeToString[s.TypeCovered])
		}
		n++
	}
	return n
}

func TestSignedZone(t *testing.T) {
	for _, nsec3 := range []bool{false, true} {
		parent := &Zone{Origin: "test.", Sign: true, NSEC3: nsec3}
		child := &Zone{Origin: "example.test.", Sign: true, NSEC3: nsec3, Text: childText}
		unsigned := &Zone{Origin: "plain.test.", Text: "@ A 192.0.2.9"}
		srv := Start(t, parent, child, unsigned)
		pkeys := keysOf(t, srv, parent)
		ckeys := keysOf(t, srv, child)

		// The parent holds the child's DS, signed by the parent.
		m := exchange(t, srv, "udp", "example.test.", dns.TypeDS, true)
		if count(m.Answer, dns.TypeDS) != 1 || verifyAll(t, "DS", m.Answer, pkeys) != 1 {
			t.Errorf("DS answer: %v", m)
		} else if m.Answer[0].String() != child.DS() {
			t.Errorf("DS served %v, want %s", m.Answer[0], child.DS())
		}
		// The unsigned child has no DS; the parent proves it.
		m = exchange(t, srv, "udp", "plain.test.", dns.TypeDS, true)
		if len(m.Answer) != 0 || m.Rcode != dns.RcodeSuccess || verifyAll(t, "no DS", m.Ns, pkeys) < 2 {
			t.Errorf("no-DS answer: %v", m)
		}
		want := dns.TypeNSEC
		if nsec3 {
			want = dns.TypeNSEC3
		}
		if count(m.Ns, want) != 1 {
			t.Errorf("no-DS answer without %s: %v", dns.TypeToString[want], m)
		}
		for _, name := range []string{"example.test.", "www.example.test.", "x.wild.example.test."} {
			m := exchange(t, srv, "udp", name, dns.TypeA, true)
			if opt := m.IsEdns0(); opt == nil || !opt.Do() {
				t.Errorf("%s: DO not echoed", name)
			}
			if verifyAll(t, name, m.Answer, ckeys) == 0 {
				t.Errorf("%s: no RRSIG in %v", name, m)
			}
			verifyAll(t, name, m.Ns, ckeys)
		}
		// Denial: NXDOMAIN and NODATA with signed proofs.
		m = exchange(t, srv, "udp", "nope.example.test.", dns.TypeA, true)
		if m.Rcode != dns.RcodeNameError || count(m.Ns, want) < 1 || verifyAll(t, "NXDOMAIN", m.Ns, ckeys) < 2 {
			t.Errorf("NXDOMAIN: %v", m)
		}
		if nsec3 && count(m.Ns, want) != 3 {
			t.Errorf("NSEC3 NXDOMAIN wants the closest encloser, next closer and wildcard records: %v", m)
		}
		m = exchange(t, srv, "udp", "example.test.", dns.TypeMX, true)
		if m.Rcode != dns.RcodeSuccess || count(m.Ns, want) != 1 || verifyAll(t, "NODATA", m.Ns, ckeys) != 2 {
			t.Errorf("NODATA: %v", m)
		}
	}
}

func TestBogusExpiredWrongDS(t *testing.T) {
	parent := &Zone{Origin: "test.", Sign: true}
	bogus := &Zone{Origin: "bogus.test.", Sign: true, Bogus: true, Text: "@ A 192.0.2.1"}
	expired := &Zone{Origin: "expired.test.", Sign: true, Text: "@ A 192.0.2.1",
		Inception: time.Now().Add(-60 * 24 * time.Hour), Expiration: time.Now().Add(-24 * time.Hour)}
	wrong := &Zone{Origin: "wrong.test.", Sign: true, WrongDS: true}
	island := &Zone{Origin: "island.test.", Sign: true, NoDS: true}
	srv := Start(t, parent, bogus, expired, wrong, island)

	bkeys := keysOf(t, srv, bogus) // the DNSKEY RRset stays good
	m := exchange(t, srv, "udp", "bogus.test.", dns.TypeA, true)
	for _, rr := range m.Answer {
		if s, ok := rr.(*dns.RRSIG); ok {
			for _, k := range bkeys {
				if k.KeyTag() == s.KeyTag && s.Verify(k, m.Answer[:1]) == nil {
					t.Errorf("a Bogus zone's A RRSIG verifies")
				}
			}
		}
	}
	m = exchange(t, srv, "udp", "expired.test.", dns.TypeA, true)
	for _, rr := range m.Answer {
		if s, ok := rr.(*dns.RRSIG); ok && s.ValidityPeriod(time.Now()) {
			t.Errorf("an expired signature is valid now")
		}
	}
	m = exchange(t, srv, "udp", "wrong.test.", dns.TypeDS, true)
	if len(m.Answer) == 0 || m.Answer[0].String() == wrong.DS() {
		t.Errorf("WrongDS: the parent serves %v", m.Answer)
	}
	m = exchange(t, srv, "udp", "island.test.", dns.TypeDS, true)
	if count(m.Answer, dns.TypeDS) != 0 {
		t.Errorf("NoDS: the parent serves %v", m.Answer)
	}
}
