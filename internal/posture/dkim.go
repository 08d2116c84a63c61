package posture

// A parser of DKIM key records (RFC 6376 3.6.1, RFC 8463 for ed25519).

import (
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
)

// dkimKey is a parsed DKIM key record.
type dkimKey struct {
	KeyType  string // "rsa" (the default) or "ed25519"
	Revoked  bool   // p= is empty
	Bits     int    // RSA modulus size; 256 for ed25519
	Testing  bool   // t=y
	Problems []string
}

// isDKIMKey reports a TXT record that looks like a DKIM key record: it
// starts with v=DKIM1 or has a p= tag (a wildcard TXT record at the name,
// such as an SPF record, is not one).
func isDKIMKey(txt string) bool {
	tags, _ := parseTagList(txt)
	if len(tags) > 0 && tags[0].Name == "v" && strings.EqualFold(tags[0].Value, "DKIM1") {
		return true
	}
	_, ok := emailTagValue(tags, "p")
	return ok && !isSPF(txt) && !isDMARC(txt)
}

// parseDKIMKey reads a DKIM key record and measures its key.
func parseDKIMKey(txt string) *dkimKey {
	k := &dkimKey{KeyType: "rsa"}
	tags, problems := parseTagList(txt)
	k.Problems = problems
	for i, t := range tags {
		switch t.Name {
		case "v":
			if i != 0 || t.Value != "DKIM1" {
				k.Problems = append(k.Problems, "v=DKIM1, when present, must be the first tag")
			}
		case "k":
			k.KeyType = strings.ToLower(t.Value)
			if k.KeyType != "rsa" && k.KeyType != "ed25519" {
				k.Problems = append(k.Problems, fmt.Sprintf("unknown key type k=%s (want rsa or ed25519)", mailClip(t.Value, 20)))
			}
		case "t":
			for _, f := range strings.Split(t.Value, ":") {
				if trimFWS(f) == "y" {
					k.Testing = true
				}
			}
		}
	}
	p, ok := emailTagValue(tags, "p")
	if !ok {
		k.Problems = append(k.Problems, "no p= tag (the public key)")
		return k
	}
	p = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, p)
	if p == "" {
		k.Revoked = true
		return k
	}
	der, err := base64.StdEncoding.DecodeString(p)
	if err != nil {
		der, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(p, "="))
	}
	if err != nil {
		k.Problems = append(k.Problems, "p= is not base64")
		return k
	}
	switch k.KeyType {
	case "ed25519":
		if len(der) == ed25519.PublicKeySize {
			k.Bits = 256
			return k
		}
		if pub, err := x509.ParsePKIXPublicKey(der); err == nil {
			if _, ok := pub.(ed25519.PublicKey); ok {
				k.Bits = 256
				return k
			}
		}
		k.Problems = append(k.Problems, fmt.Sprintf("p= is not a 32-byte ed25519 key (%d bytes)", len(der)))
	case "rsa":
		pub, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			rk, err2 := x509.ParsePKCS1PublicKey(der)
			if err2 != nil {
				k.Problems = append(k.Problems, "p= is not an RSA public key (neither a SubjectPublicKeyInfo nor a PKCS#1 key)")
				return k
			}
			pub = rk
		}
		rk, ok := pub.(*rsa.PublicKey)
		if !ok {
			k.Problems = append(k.Problems, fmt.Sprintf("p= holds a %T key, not RSA", pub))
			return k
		}
		k.Bits = rk.N.BitLen()
	}
	return k
}
