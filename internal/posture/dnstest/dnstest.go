// Package dnstest runs a real DNS server on 127.0.0.1 for tests: it is
// authoritative for zones written as zone-file text, signs them with
// DNSSEC on request, and also plays the resolver a posture session asks
// (it accepts recursion desired and answers from its own zones, chasing
// CNAMEs between them, never asking the Internet).
//
//	parent := &dnstest.Zone{Origin: "test.", Sign: true}
//	child := &dnstest.Zone{Origin: "example.test.", Sign: true, Text: "@ A 192.0.2.1"}
//	srv := dnstest.Start(t, parent, child)
//	// srv.Addr() is the resolver; parent.DS() the trust anchor for "test."
package dnstest

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// maxChase bounds the CNAMEs followed for one question.
const maxChase = 8

// Server is a running test DNS server, on one port for UDP and TCP.
type Server struct {
	addr    string
	zones   []*zone // longest origin first
	queries atomic.Int64
	udp     *dns.Server
	tcp     *dns.Server
}

// Start builds the zones (signing those with Sign, adding delegations and
// DS records to served parents) and serves them on 127.0.0.1 over UDP and
// TCP until the test ends. It fails the test on a zone that does not
// parse.
func Start(t testing.TB, zones ...*Zone) *Server {
	t.Helper()
	s, err := build(zones)
	if err != nil {
		t.Fatalf("dnstest: %v", err)
	}
	if err := s.listen(); err != nil {
		t.Fatalf("dnstest: %v", err)
	}
	t.Cleanup(s.close)
	return s
}

// build prepares the zones: keys first (a parent needs its children's DS),
// then records, delegations and signatures, children before parents.
func build(cfgs []*Zone) (*Server, error) {
	s := &Server{}
	seen := map[string]bool{}
	for _, c := range cfgs {
		if c == nil {
			return nil, fmt.Errorf("nil zone")
		}
		o := canonical(c.Origin)
		if seen[o] {
			return nil, fmt.Errorf("zone %s given twice", o)
		}
		seen[o] = true
		if c.Sign {
			if err := c.ensureKeys(); err != nil {
				return nil, err
			}
		}
		z, err := parse(c)
		if err != nil {
			return nil, err
		}
		s.zones = append(s.zones, z)
	}
	sort.SliceStable(s.zones, func(i, j int) bool {
		return dns.CountLabel(s.zones[i].origin) > dns.CountLabel(s.zones[j].origin)
	})
	for _, z := range s.zones {
		if p := s.parentOf(z); p != nil {
			if err := p.delegate(z.cfg); err != nil {
				return nil, err
			}
		}
	}
	for _, z := range s.zones {
		z.index()
		if z.cfg.Sign {
			if err := z.sign(); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// parentOf returns the closest served zone above z.
func (s *Server) parentOf(z *zone) *zone {
	for _, p := range s.zones { // longest first: the first match is the closest
		if p != z && p.origin != z.origin && dns.IsSubDomain(p.origin, z.origin) {
			return p
		}
	}
	return nil
}

// listen binds UDP and TCP on one free port of 127.0.0.1 and serves.
func (s *Server) listen() error {
	var pc net.PacketConn
	var ln net.Listener
	var err error
	for range 20 {
		pc, err = net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("listening on UDP: %w", err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err = net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			break
		}
		pc.Close()
		pc = nil
	}
	if pc == nil {
		return fmt.Errorf("no port free for both UDP and TCP: %w", err)
	}
	s.addr = pc.LocalAddr().String()
	started := make(chan struct{}, 2)
	notify := func() { started <- struct{}{} }
	s.udp = &dns.Server{PacketConn: pc, Handler: s, NotifyStartedFunc: notify}
	s.tcp = &dns.Server{Listener: ln, Handler: s, NotifyStartedFunc: notify,
		ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second}
	for _, srv := range []*dns.Server{s.udp, s.tcp} {
		go func() { _ = srv.ActivateAndServe() }()
	}
	timeout := time.After(5 * time.Second)
	for range 2 {
		select {
		case <-started:
		case <-timeout:
			s.close()
			return fmt.Errorf("server did not start")
		}
	}
	return nil
}

func (s *Server) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if s.udp != nil {
		_ = s.udp.ShutdownContext(ctx)
	}
	if s.tcp != nil {
		_ = s.tcp.ShutdownContext(ctx)
	}
}

// Addr is the server's address, "127.0.0.1:PORT", the same for UDP and
// TCP.
func (s *Server) Addr() string { return s.addr }

// Queries is the number of queries answered so far.
func (s *Server) Queries() int { return int(s.queries.Load()) }

// ServeDNS answers one query; it implements dns.Handler.
func (s *Server) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	s.queries.Add(1)
	_, udp := w.LocalAddr().(*net.UDPAddr)
	_ = w.WriteMsg(s.Answer(req, udp))
}

// Answer builds the response to a query; over UDP it is truncated to the
// size the query allows (512 bytes without EDNS0).
func (s *Server) Answer(req *dns.Msg, udp bool) *dns.Msg {
	m := new(dns.Msg)
	if len(req.Question) != 1 {
		m.SetRcodeFormatError(req)
		return m
	}
	m.SetReply(req)
	m.RecursionAvailable = true
	if req.Opcode != dns.OpcodeQuery {
		m.Rcode = dns.RcodeNotImplemented
		return m
	}
	opt := req.IsEdns0()
	do, size := false, dns.MinMsgSize
	if opt != nil {
		if opt.Version() != 0 {
			m.SetEdns0(4096, false)
			m.Rcode = dns.RcodeBadVers // SetExtendedRcode happens on packing
			return m
		}
		do = opt.Do()
		size = max(int(opt.UDPSize()), dns.MinMsgSize)
	}
	q := req.Question[0]
	if q.Qclass != dns.ClassINET {
		m.Rcode = dns.RcodeRefused
	} else {
		s.resolve(m, canonical(q.Name), q.Qtype, do)
	}
	if opt != nil {
		m.SetEdns0(4096, do)
	}
	if udp {
		m.Truncate(size)
	}
	return m
}

// zoneFor picks the served zone that answers for name: the one with the
// longest origin, except that a DS at a zone's apex is the parent's.
func (s *Server) zoneFor(name string, qtype uint16) *zone {
	for _, z := range s.zones {
		if !dns.IsSubDomain(z.origin, name) {
			continue
		}
		if qtype == dns.TypeDS && name == z.origin {
			if p := s.parentOf(z); p != nil {
				return p
			}
		}
		return z
	}
	return nil
}

// resolve fills the response, chasing CNAMEs through the served zones.
func (s *Server) resolve(m *dns.Msg, qname string, qtype uint16, do bool) {
	name := qname
	seen := map[string]bool{name: true}
	for hop := 0; hop < maxChase; hop++ {
		z := s.zoneFor(name, qtype)
		if z == nil {
			if hop == 0 {
				m.Rcode = dns.RcodeRefused
			}
			return // a CNAME out of the served zones: the chain so far
		}
		if hop == 0 {
			m.Authoritative = true
		}
		target := z.lookup(m, name, qtype, do)
		if target == "" || seen[target] {
			return
		}
		seen[target] = true
		name = target
	}
}

// lookup answers name and type from the zone; it returns the target of a
// CNAME to follow, or "".
func (z *zone) lookup(m *dns.Msg, name string, qtype uint16, do bool) string {
	if cut := z.cutAbove(name); cut != "" && !(cut == name && qtype == dns.TypeDS) {
		z.referral(m, cut, do)
		return ""
	}
	if sets, ok := z.rrs[name]; ok && z.exists[name] {
		if qtype == dns.TypeANY {
			types := make([]uint16, 0, len(sets))
			for t := range sets {
				types = append(types, t)
			}
			sort.Slice(types, func(i, j int) bool { return types[i] < types[j] })
			for _, t := range types {
				z.addSet(&m.Answer, name, t, name, do)
			}
			return ""
		}
		if qtype == dns.TypeRRSIG {
			for _, sigs := range z.sigs[name] {
				m.Answer = append(m.Answer, sigs...)
			}
			return ""
		}
		if len(sets[qtype]) > 0 {
			z.addSet(&m.Answer, name, qtype, name, do)
			return ""
		}
		if c := sets[dns.TypeCNAME]; len(c) > 0 {
			z.addSet(&m.Answer, name, dns.TypeCNAME, name, do)
			return canonical(c[0].(*dns.CNAME).Target)
		}
		z.noData(m, name, do)
		return ""
	}
	if z.exists[name] { // an empty non-terminal
		z.noData(m, name, do)
		return ""
	}
	ce := z.closestEncloser(name)
	wild := "*." + ce
	if ce == "." {
		wild = "*."
	}
	if sets, ok := z.rrs[wild]; ok && z.authoritative(wild) {
		return z.wildcard(m, name, qtype, ce, wild, sets, do)
	}
	m.Rcode = dns.RcodeNameError
	z.addSOA(m, do)
	if do {
		if z.cfg.NSEC3 {
			z.addNSEC3(m, ce, nextCloser(name, ce), wild)
		} else {
			z.addNSEC(m, name, wild)
		}
	}
	return ""
}

// wildcard synthesizes the answer from a wildcard owner; the signatures
// keep their label count, which tells the validator about the expansion.
func (z *zone) wildcard(m *dns.Msg, name string, qtype uint16, ce, wild string, sets map[uint16][]dns.RR, do bool) string {
	t := qtype
	if len(sets[t]) == 0 && len(sets[dns.TypeCNAME]) > 0 {
		t = dns.TypeCNAME
	}
	if len(sets[t]) == 0 {
		z.noData(m, wild, do)
		if do {
			if z.cfg.NSEC3 {
				z.addNSEC3(m, "", nextCloser(name, ce), "")
			} else {
				z.addNSEC(m, name, "")
			}
		}
		return ""
	}
	z.addSet(&m.Answer, wild, t, name, do)
	if do { // prove that no closer name exists
		if z.cfg.NSEC3 {
			z.addNSEC3(m, "", nextCloser(name, ce), "")
		} else {
			z.addNSEC(m, name, "")
		}
	}
	if t == dns.TypeCNAME {
		return canonical(sets[t][0].(*dns.CNAME).Target)
	}
	return ""
}

// closestEncloser is the longest existing ancestor of name in the zone.
func (z *zone) closestEncloser(name string) string {
	n := name
	for n != z.origin && !z.exists[n] {
		n = parent(n)
	}
	return n
}

// nextCloser is the name one label longer than the closest encloser on
// the way to name.
func nextCloser(name, ce string) string {
	labels := dns.SplitDomainName(name)
	keep := dns.CountLabel(ce) + 1
	if keep > len(labels) {
		return name
	}
	return dns.Fqdn(strings.Join(labels[len(labels)-keep:], "."))
}

// addSet appends an RRset (copied under owner, for wildcard expansion)
// and, with do, its signatures.
func (z *zone) addSet(sec *[]dns.RR, name string, t uint16, owner string, do bool) {
	for _, rr := range z.rrs[name][t] {
		c := dns.Copy(rr)
		c.Header().Name = owner
		*sec = append(*sec, c)
	}
	if do {
		for _, sig := range z.sigs[name][t] {
			c := dns.Copy(sig)
			c.Header().Name = owner
			*sec = append(*sec, c)
		}
	}
}

// addSOA puts the negative-caching SOA in the authority section.
func (z *zone) addSOA(m *dns.Msg, do bool) {
	before := len(m.Ns)
	z.addSet(&m.Ns, z.origin, dns.TypeSOA, z.origin, do)
	ttl := min(z.soa.Hdr.Ttl, z.soa.Minttl)
	for _, rr := range m.Ns[before:] {
		rr.Header().Ttl = ttl
	}
}

// noData answers "the name exists, not with this type".
func (z *zone) noData(m *dns.Msg, name string, do bool) {
	z.addSOA(m, do)
	if !do {
		return
	}
	if z.cfg.NSEC3 {
		z.addNSEC3(m, name, "", "")
		return
	}
	if n := z.nsec[name]; n != nil {
		z.addSet(&m.Ns, name, dns.TypeNSEC, name, true)
	} else {
		z.addNSEC(m, name, "") // an empty non-terminal: the covering NSEC
	}
}

// addNSEC adds the NSEC records covering the names given ("" skipped),
// each once.
func (z *zone) addNSEC(m *dns.Msg, names ...string) {
	for _, name := range names {
		if name == "" {
			continue
		}
		n := z.covering(name)
		if n == nil || hasRR(m.Ns, n) {
			continue
		}
		z.addSet(&m.Ns, n.Hdr.Name, dns.TypeNSEC, n.Hdr.Name, true)
	}
}

// addNSEC3 adds the NSEC3 records matching or covering the names given
// ("" skipped), each once.
func (z *zone) addNSEC3(m *dns.Msg, names ...string) {
	for _, name := range names {
		if name == "" {
			continue
		}
		n := z.nsec3For(name)
		if n == nil || hasRR(m.Ns, n) {
			continue
		}
		z.addSet(&m.Ns, n.Hdr.Name, dns.TypeNSEC3, n.Hdr.Name, true)
	}
}

func hasRR(sec []dns.RR, rr dns.RR) bool {
	for _, x := range sec {
		if x.Header().Rrtype == rr.Header().Rrtype && x.Header().Name == rr.Header().Name {
			return true
		}
	}
	return false
}

// referral answers for a name at or below a delegation to a zone this
// server does not serve: the NS records, the DS or its denial, and glue.
func (z *zone) referral(m *dns.Msg, cut string, do bool) {
	if len(m.Answer) == 0 {
		m.Authoritative = false
	}
	z.addSet(&m.Ns, cut, dns.TypeNS, cut, false)
	if do {
		if len(z.rrs[cut][dns.TypeDS]) > 0 {
			z.addSet(&m.Ns, cut, dns.TypeDS, cut, true)
		} else if z.cfg.NSEC3 {
			z.addNSEC3(m, cut)
		} else if z.nsec[cut] != nil {
			z.addSet(&m.Ns, cut, dns.TypeNSEC, cut, true)
		}
	}
	for _, rr := range z.rrs[cut][dns.TypeNS] {
		host := canonical(rr.(*dns.NS).Ns)
		for _, t := range []uint16{dns.TypeA, dns.TypeAAAA} {
			z.addSet(&m.Extra, host, t, host, false)
		}
	}
}
