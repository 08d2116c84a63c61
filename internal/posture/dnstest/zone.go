package dnstest

import (
	"crypto"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Zone is one zone the server is authoritative for, written as zone-file
// text. An SOA and an NS record at the apex are added when the text has
// none; a served parent zone gets the NS (and, for a signed child, the DS)
// of the delegation added when its text has none.
type Zone struct {
	// Origin is the zone's apex, such as "example.test." (a missing final
	// dot is added).
	Origin string
	// Text holds the records in zone-file syntax; names are relative to
	// Origin and the default TTL is 3600.
	Text string

	// Sign signs the zone with DNSSEC in the test: a KSK and a ZSK
	// (ECDSAP256SHA256), the DNSKEY RRset, an RRSIG over every
	// authoritative RRset and an NSEC (or NSEC3) chain for denial.
	Sign bool
	// NSEC3 denies names with NSEC3 (SHA-1, no salt, no extra iterations,
	// no opt-out, as RFC 9276 advises) instead of NSEC.
	NSEC3 bool
	// Bogus corrupts every signature over the zone's data; the signature
	// over the DNSKEY RRset stays good, so the keys validate and the data
	// does not.
	Bogus bool
	// NoDS leaves the DS of this signed zone out of its served parent: an
	// insecure delegation to a signed zone ("island of security").
	NoDS bool
	// WrongDS puts into the served parent a DS whose digest matches no key
	// of this zone.
	WrongDS bool
	// Inception and Expiration bound the signatures' validity; zero means
	// an hour ago and thirty days from now.
	Inception, Expiration time.Time

	keys *zoneKeys
}

type zoneKeys struct {
	ksk, zsk         *dns.DNSKEY
	kskPriv, zskPriv crypto.Signer
}

// ensureKeys generates the zone's keys once. Not safe for concurrent use:
// call DS and Start from one goroutine.
func (z *Zone) ensureKeys() error {
	if z.keys != nil {
		return nil
	}
	origin := canonical(z.Origin)
	ksk, kp, err := newKey(origin, dns.ZONE|dns.SEP)
	if err != nil {
		return err
	}
	zsk, zp, err := newKey(origin, dns.ZONE)
	if err != nil {
		return err
	}
	for zsk.KeyTag() == ksk.KeyTag() { // a clash would make the tests ambiguous
		if zsk, zp, err = newKey(origin, dns.ZONE); err != nil {
			return err
		}
	}
	z.keys = &zoneKeys{ksk: ksk, zsk: zsk, kskPriv: kp, zskPriv: zp}
	return nil
}

func newKey(origin string, flags uint16) (*dns.DNSKEY, crypto.Signer, error) {
	k := &dns.DNSKEY{
		Hdr:   dns.RR_Header{Name: origin, Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: 3600},
		Flags: flags, Protocol: 3, Algorithm: dns.ECDSAP256SHA256,
	}
	priv, err := k.Generate(256)
	if err != nil {
		return nil, nil, fmt.Errorf("generating a key for %s: %w", origin, err)
	}
	signer, ok := priv.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("generating a key for %s: %T is no crypto.Signer", origin, priv)
	}
	return k, signer, nil
}

// DS returns the DS record (SHA-256 digest) of the zone's key-signing key
// in zone-file text, for a parent zone or for posture.Options.TrustAnchors.
// It generates the keys on first use, so it may be called before Start. It
// returns "" for a zone without Sign.
func (z *Zone) DS() string {
	ds := z.ds()
	if ds == nil {
		return ""
	}
	return ds.String()
}

// DNSKEY returns the zone's key-signing key in zone-file text ("" without
// Sign), for tools that take a key as trust anchor.
func (z *Zone) DNSKEY() string {
	if !z.Sign || z.ensureKeys() != nil {
		return ""
	}
	return z.keys.ksk.String()
}

// KeyTags returns the key tags of the zone's KSK and ZSK (0, 0 without
// Sign).
func (z *Zone) KeyTags() (ksk, zsk uint16) {
	if !z.Sign || z.ensureKeys() != nil {
		return 0, 0
	}
	return z.keys.ksk.KeyTag(), z.keys.zsk.KeyTag()
}

func (z *Zone) ds() *dns.DS {
	if !z.Sign || z.ensureKeys() != nil {
		return nil
	}
	ds := z.keys.ksk.ToDS(dns.SHA256)
	ds.Digest = strings.ToUpper(ds.Digest)
	return ds
}

// zone is a Zone built for serving: its records by owner and type, their
// signatures and the denial chain.
type zone struct {
	cfg    *Zone
	origin string
	rrs    map[string]map[uint16][]dns.RR
	sigs   map[string]map[uint16][]dns.RR // owner -> covered type -> RRSIGs
	cuts   map[string]bool                // delegation points below the apex
	exists map[string]bool                // owner names and empty non-terminals, glue included
	soa    *dns.SOA

	// NSEC chain: authoritative names in canonical order.
	names []string
	nsec  map[string]*dns.NSEC
	// NSEC3 chain: hashes in order, and the records by hash.
	hashes []string
	nsec3  map[string]*dns.NSEC3
}

func canonical(name string) string { return dns.CanonicalName(dns.Fqdn(strings.TrimSpace(name))) }

// parse reads the zone's text and completes the apex.
func parse(cfg *Zone) (*zone, error) {
	z := &zone{
		cfg: cfg, origin: canonical(cfg.Origin),
		rrs: map[string]map[uint16][]dns.RR{}, sigs: map[string]map[uint16][]dns.RR{},
		cuts: map[string]bool{}, exists: map[string]bool{},
		nsec: map[string]*dns.NSEC{}, nsec3: map[string]*dns.NSEC3{},
	}
	if _, ok := dns.IsDomainName(z.origin); !ok {
		return nil, fmt.Errorf("zone origin %q is not a domain name", cfg.Origin)
	}
	zp := dns.NewZoneParser(strings.NewReader(cfg.Text), z.origin, "zone "+z.origin)
	zp.SetDefaultTTL(3600)
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		if err := z.add(rr); err != nil {
			return nil, err
		}
	}
	if err := zp.Err(); err != nil {
		return nil, fmt.Errorf("zone %s: %w", z.origin, err)
	}
	if len(z.rrs[z.origin][dns.TypeSOA]) == 0 {
		soa, _ := dns.NewRR(fmt.Sprintf("%s 3600 IN SOA ns1.%s hostmaster.%s 1 7200 3600 1209600 300", z.origin, z.origin, z.origin))
		if err := z.add(soa); err != nil {
			return nil, err
		}
	}
	if len(z.rrs[z.origin][dns.TypeSOA]) != 1 {
		return nil, fmt.Errorf("zone %s: want one SOA record at the apex", z.origin)
	}
	z.soa = z.rrs[z.origin][dns.TypeSOA][0].(*dns.SOA)
	if len(z.rrs[z.origin][dns.TypeNS]) == 0 {
		ns, _ := dns.NewRR(fmt.Sprintf("%s 3600 IN NS ns1.%s", z.origin, z.origin))
		if err := z.add(ns); err != nil {
			return nil, err
		}
	}
	return z, nil
}

// add puts a record in the zone (lower-casing its owner).
func (z *zone) add(rr dns.RR) error {
	h := rr.Header()
	h.Name = dns.CanonicalName(h.Name)
	if !dns.IsSubDomain(z.origin, h.Name) {
		return fmt.Errorf("zone %s: record %s is outside the zone", z.origin, h.Name)
	}
	if h.Rrtype == dns.TypeSOA && h.Name != z.origin {
		return fmt.Errorf("zone %s: SOA record at %s, not at the apex", z.origin, h.Name)
	}
	if z.rrs[h.Name] == nil {
		z.rrs[h.Name] = map[uint16][]dns.RR{}
	}
	for _, old := range z.rrs[h.Name][h.Rrtype] {
		if dns.IsDuplicate(old, rr) {
			return nil
		}
	}
	if set := z.rrs[h.Name][h.Rrtype]; len(set) > 0 {
		h.Ttl = set[0].Header().Ttl // one TTL per RRset (RFC 2181 5.2)
	}
	z.rrs[h.Name][h.Rrtype] = append(z.rrs[h.Name][h.Rrtype], rr)
	return nil
}

// delegate adds to z the NS and DS of a served child zone when z's text
// has none.
func (z *zone) delegate(child *Zone) error {
	name := canonical(child.Origin)
	if len(z.rrs[name][dns.TypeNS]) == 0 {
		ns, _ := dns.NewRR(fmt.Sprintf("%s 3600 IN NS ns1.%s", name, name))
		if err := z.add(ns); err != nil {
			return err
		}
	}
	if !child.Sign || child.NoDS || len(z.rrs[name][dns.TypeDS]) > 0 {
		return nil
	}
	ds := child.ds()
	if ds == nil {
		return fmt.Errorf("zone %s: no DS for the child %s", z.origin, name)
	}
	if child.WrongDS {
		d := []byte(ds.Digest)
		if d[0] == '0' {
			d[0] = '1'
		} else {
			d[0] = '0'
		}
		ds.Digest = string(d)
	}
	return z.add(ds)
}

// index finds the delegation points and the names that exist.
func (z *zone) index() {
	for name := range z.rrs {
		if name != z.origin && len(z.rrs[name][dns.TypeNS]) > 0 {
			z.cuts[name] = true
		}
	}
	for name := range z.rrs {
		for n := name; ; {
			z.exists[n] = true
			if n == z.origin {
				break
			}
			n = parent(n)
		}
	}
}

// parent is the name one label up ("." stays ".").
func parent(name string) string {
	if name == "." {
		return "."
	}
	i, end := dns.NextLabel(name, 0)
	if end {
		return "."
	}
	return name[i:]
}

// cutAbove returns the delegation point at or above name (below the
// apex), or "".
func (z *zone) cutAbove(name string) string {
	cut := ""
	for n := name; n != z.origin && dns.IsSubDomain(z.origin, n); n = parent(n) {
		if z.cuts[n] {
			cut = n // keep climbing: the highest cut wins
		}
		if n == "." {
			break
		}
	}
	return cut
}

// authoritative reports whether the zone's data at name is authoritative
// (not glue below a delegation; the delegation point itself counts for
// its DS and denial records).
func (z *zone) authoritative(name string) bool {
	cut := z.cutAbove(name)
	return cut == "" || cut == name
}

// sign adds the DNSKEY RRset, the denial chain and the signatures.
func (z *zone) sign() error {
	cfg := z.cfg
	if err := cfg.ensureKeys(); err != nil {
		return err
	}
	k := cfg.keys
	for _, key := range []*dns.DNSKEY{k.ksk, k.zsk} {
		if err := z.add(dns.Copy(key)); err != nil {
			return err
		}
	}
	if cfg.NSEC3 {
		param := &dns.NSEC3PARAM{Hdr: dns.RR_Header{Name: z.origin, Rrtype: dns.TypeNSEC3PARAM, Class: dns.ClassINET}, Hash: dns.SHA1}
		if err := z.add(param); err != nil {
			return err
		}
	}
	z.index()
	negTTL := min(z.soa.Hdr.Ttl, z.soa.Minttl)
	if cfg.NSEC3 {
		z.buildNSEC3(negTTL)
	} else {
		z.buildNSEC(negTTL)
	}

	inception, expiration := cfg.Inception, cfg.Expiration
	if inception.IsZero() {
		inception = time.Now().Add(-time.Hour)
	}
	if expiration.IsZero() {
		expiration = time.Now().Add(30 * 24 * time.Hour)
	}
	for name, sets := range z.rrs {
		if !z.authoritative(name) {
			continue
		}
		for t, set := range sets {
			if z.cuts[name] && t != dns.TypeDS && t != dns.TypeNSEC {
				continue // the delegation's NS is the child's, unsigned here
			}
			key, priv := k.zsk, k.zskPriv
			if t == dns.TypeDNSKEY {
				key, priv = k.ksk, k.kskPriv
			}
			sig := &dns.RRSIG{
				Hdr:        dns.RR_Header{Ttl: set[0].Header().Ttl},
				Algorithm:  key.Algorithm,
				Inception:  uint32(inception.Unix()),
				Expiration: uint32(expiration.Unix()),
				KeyTag:     key.KeyTag(),
				SignerName: z.origin,
			}
			if err := sig.Sign(priv, set); err != nil {
				return fmt.Errorf("signing %s %s: %w", name, dns.TypeToString[t], err)
			}
			if cfg.Bogus && t != dns.TypeDNSKEY {
				corrupt(sig)
			}
			if z.sigs[name] == nil {
				z.sigs[name] = map[uint16][]dns.RR{}
			}
			z.sigs[name][t] = append(z.sigs[name][t], sig)
		}
	}
	return nil
}

// corrupt flips a bit of a signature.
func corrupt(sig *dns.RRSIG) {
	b, err := base64.StdEncoding.DecodeString(sig.Signature)
	if err != nil || len(b) == 0 {
		return
	}
	b[len(b)/2] ^= 0x01
	sig.Signature = base64.StdEncoding.EncodeToString(b)
}

// buildNSEC links the authoritative names in canonical order.
func (z *zone) buildNSEC(ttl uint32) {
	for name := range z.rrs {
		if z.authoritative(name) {
			z.names = append(z.names, name)
		}
	}
	sort.Slice(z.names, func(i, j int) bool { return canonicalLess(z.names[i], z.names[j]) })
	for i, name := range z.names {
		next := z.names[(i+1)%len(z.names)]
		types := []uint16{dns.TypeNSEC, dns.TypeRRSIG}
		for t := range z.rrs[name] {
			types = append(types, t)
		}
		sort.Slice(types, func(a, b int) bool { return types[a] < types[b] })
		n := &dns.NSEC{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeNSEC, Class: dns.ClassINET, Ttl: ttl}, NextDomain: next, TypeBitMap: types}
		z.nsec[name] = n
		z.rrs[name][dns.TypeNSEC] = []dns.RR{n}
	}
}

// buildNSEC3 hashes the authoritative names and the empty non-terminals
// and links the hashes in order.
func (z *zone) buildNSEC3(ttl uint32) {
	owners := map[string]string{} // hash -> name
	for name := range z.exists {
		if !z.authoritative(name) {
			continue
		}
		owners[dns.HashName(name, dns.SHA1, 0, "")] = name
	}
	for h := range owners {
		z.hashes = append(z.hashes, h)
	}
	sort.Strings(z.hashes)
	for i, h := range z.hashes {
		name := owners[h]
		var types []uint16
		signed := false
		for t := range z.rrs[name] {
			types = append(types, t)
			if !z.cuts[name] || t == dns.TypeDS {
				signed = true
			}
		}
		if signed {
			types = append(types, dns.TypeRRSIG)
		}
		sort.Slice(types, func(a, b int) bool { return types[a] < types[b] })
		owner := strings.ToLower(h) + "." + z.origin
		n := &dns.NSEC3{
			Hdr:  dns.RR_Header{Name: owner, Rrtype: dns.TypeNSEC3, Class: dns.ClassINET, Ttl: ttl},
			Hash: dns.SHA1, NextDomain: z.hashes[(i+1)%len(z.hashes)], HashLength: 20, TypeBitMap: types,
		}
		z.nsec3[h] = n
		if z.rrs[owner] == nil {
			z.rrs[owner] = map[uint16][]dns.RR{}
		}
		z.rrs[owner][dns.TypeNSEC3] = []dns.RR{n}
	}
}

// canonicalLess orders names as RFC 4034 6.1 does: by their labels from
// the right, each compared as lower-case bytes.
func canonicalLess(a, b string) bool {
	la, lb := dns.SplitDomainName(strings.ToLower(a)), dns.SplitDomainName(strings.ToLower(b))
	for i, j := len(la)-1, len(lb)-1; i >= 0 && j >= 0; i, j = i-1, j-1 {
		if la[i] != lb[j] {
			return la[i] < lb[j]
		}
	}
	return len(la) < len(lb)
}

// covering returns the NSEC whose span holds name (the last owner before
// it, wrapping to the last name of the zone).
func (z *zone) covering(name string) *dns.NSEC {
	if len(z.names) == 0 {
		return nil
	}
	i := sort.Search(len(z.names), func(i int) bool { return !canonicalLess(z.names[i], name) })
	// z.names[i] is the first name >= name; the one before covers it.
	if i == 0 {
		i = len(z.names)
	}
	return z.nsec[z.names[i-1]]
}

// nsec3For returns the NSEC3 that matches name's hash, or else the one
// that covers it.
func (z *zone) nsec3For(name string) *dns.NSEC3 {
	if len(z.hashes) == 0 {
		return nil
	}
	h := dns.HashName(name, dns.SHA1, 0, "")
	i := sort.SearchStrings(z.hashes, h)
	if i < len(z.hashes) && z.hashes[i] == h {
		return z.nsec3[h]
	}
	if i == 0 {
		i = len(z.hashes)
	}
	return z.nsec3[z.hashes[i-1]]
}
