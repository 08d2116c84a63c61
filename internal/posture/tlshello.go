package posture

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
)

// Hand-built handshakes for what crypto/tls cannot say: an SSLv3 or SSLv2
// ClientHello, and TLS 1.0-1.2 ClientHellos offering suites Go does not
// implement (NULL, EXPORT, anonymous Diffie-Hellman, DES, DHE). The
// server's ServerHello is enough to learn the version and suite it
// accepted; the handshake is never completed.

// Protocol versions on the wire.
const (
	versionSSL2  uint16 = 0x0002
	versionSSL3  uint16 = 0x0300
	versionTLS10 uint16 = 0x0301
	versionTLS11 uint16 = 0x0302
	versionTLS12 uint16 = 0x0303
	versionTLS13 uint16 = 0x0304
)

// Bounds on what is read of a server's answer.
const (
	maxRecordLen    = 16384 + 2048 // TLSCiphertext.length limit (RFC 5246 6.2.3)
	maxHelloLen     = 1 << 16      // a ServerHello larger than this is not one
	maxHelloRecords = 16           // records read looking for the ServerHello
	maxSSL2Record   = 1 << 15      // SSLv2 record length limit
)

// versionName names a protocol version.
func versionName(v uint16) string {
	switch v {
	case versionSSL2:
		return "SSLv2"
	case versionSSL3:
		return "SSLv3"
	case versionTLS10:
		return "TLS 1.0"
	case versionTLS11:
		return "TLS 1.1"
	case versionTLS12:
		return "TLS 1.2"
	case versionTLS13:
		return "TLS 1.3"
	}
	return fmt.Sprintf("version 0x%04x", v)
}

// serverHello is what a ServerHello says.
type serverHello struct {
	Version     uint16 // negotiated: supported_versions if present, else legacy_version
	Legacy      uint16 // legacy_version
	Suite       uint16
	Compression uint8
	// SSL2Ciphers are the cipher specs of an SSLv2 SERVER-HELLO.
	SSL2Ciphers []uint32
}

// alertError is a TLS alert the server sent instead of a ServerHello.
type alertError struct{ Level, Desc uint8 }

func (e *alertError) Error() string {
	return fmt.Sprintf("server sent alert %d (%s)", e.Desc, alertName(e.Desc))
}

func alertName(d uint8) string {
	switch d {
	case 10:
		return "unexpected_message"
	case 40:
		return "handshake_failure"
	case 47:
		return "illegal_parameter"
	case 50:
		return "decode_error"
	case 70:
		return "protocol_version"
	case 71:
		return "insufficient_security"
	case 80:
		return "internal_error"
	case 86:
		return "inappropriate_fallback"
	case 112:
		return "unrecognized_name"
	}
	return "alert"
}

// errNotHello is a well-formed answer that is not a ServerHello.
var errNotHello = errors.New("answer is not a ServerHello")

// buildClientHello returns a ClientHello record offering suites at
// version vers (SSLv3 to TLS 1.2). Extensions (server name, groups, point
// formats, signature algorithms) are sent from TLS 1.0 on, so that servers
// can choose ECDHE suites and the right virtual host; none is sent to
// SSLv3. The renegotiation SCSV is appended to the suites.
func buildClientHello(vers uint16, suites []uint16, serverName string) []byte {
	var body []byte
	body = binary.BigEndian.AppendUint16(body, vers)
	random := make([]byte, 32)
	_, _ = rand.Read(random)
	body = append(body, random...)
	body = append(body, 0) // session id
	body = binary.BigEndian.AppendUint16(body, uint16(2*len(suites)+2))
	for _, s := range suites {
		body = binary.BigEndian.AppendUint16(body, s)
	}
	body = binary.BigEndian.AppendUint16(body, 0x00ff) // TLS_EMPTY_RENEGOTIATION_INFO_SCSV
	body = append(body, 1, 0)                          // compression: null only
	if vers >= versionTLS10 {
		var ext []byte
		if serverName != "" && net.ParseIP(serverName) == nil && len(serverName) < 256 {
			n := len(serverName)
			ext = appendExt(ext, 0x0000, append([]byte{byte((n + 3) >> 8), byte(n + 3), 0, byte(n >> 8), byte(n)}, serverName...))
		}
		// supported_groups: x25519, secp256r1, secp384r1, secp521r1, ffdhe2048, ffdhe3072
		ext = appendExt(ext, 0x000a, []byte{0, 12, 0, 29, 0, 23, 0, 24, 0, 25, 1, 0, 1, 1})
		ext = appendExt(ext, 0x000b, []byte{1, 0}) // ec_point_formats: uncompressed
		if vers >= versionTLS12 {
			// signature_algorithms, SHA-1 and MD5 ones too: the point is to be accepted
			algs := []uint16{0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201, 0x0402, 0x0202, 0x0101}
			sa := binary.BigEndian.AppendUint16(nil, uint16(2*len(algs)))
			for _, a := range algs {
				sa = binary.BigEndian.AppendUint16(sa, a)
			}
			ext = appendExt(ext, 0x000d, sa)
		}
		ext = appendExt(ext, 0x0017, nil) // extended_master_secret
		// Some servers hang on a ClientHello of 256 to 511 bytes; pad past it.
		if l := 4 + len(body) + 2 + len(ext); l >= 256 && l < 512 {
			pad := 512 - l - 4
			if pad < 1 {
				pad = 1
			}
			ext = appendExt(ext, 0x0015, make([]byte, pad))
		}
		body = binary.BigEndian.AppendUint16(body, uint16(len(ext)))
		body = append(body, ext...)
	}
	hs := []byte{1, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}
	hs = append(hs, body...)
	recVers := vers
	if recVers > versionTLS10 {
		recVers = versionTLS10 // record layer version servers expect in a first hello
	}
	rec := []byte{22, byte(recVers >> 8), byte(recVers), byte(len(hs) >> 8), byte(len(hs))}
	return append(rec, hs...)
}

func appendExt(b []byte, typ uint16, data []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, typ)
	b = binary.BigEndian.AppendUint16(b, uint16(len(data)))
	return append(b, data...)
}

// SSLv2 cipher specs offered by buildSSL2ClientHello.
var ssl2Ciphers = []uint32{
	0x010080, // SSL_CK_RC4_128_WITH_MD5
	0x020080, // SSL_CK_RC4_128_EXPORT40_WITH_MD5
	0x030080, // SSL_CK_RC2_128_CBC_WITH_MD5
	0x040080, // SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5
	0x050080, // SSL_CK_IDEA_128_CBC_WITH_MD5
	0x060040, // SSL_CK_DES_64_CBC_WITH_MD5
	0x0700c0, // SSL_CK_DES_192_EDE3_CBC_WITH_MD5
}

// buildSSL2ClientHello returns an SSLv2 CLIENT-HELLO offering every SSLv2
// cipher kind.
func buildSSL2ClientHello() []byte {
	challenge := make([]byte, 16)
	_, _ = rand.Read(challenge)
	body := []byte{1, 0, 2} // CLIENT-HELLO, version 2
	body = binary.BigEndian.AppendUint16(body, uint16(3*len(ssl2Ciphers)))
	body = binary.BigEndian.AppendUint16(body, 0) // session id length
	body = binary.BigEndian.AppendUint16(body, uint16(len(challenge)))
	for _, c := range ssl2Ciphers {
		body = append(body, byte(c>>16), byte(c>>8), byte(c))
	}
	body = append(body, challenge...)
	return append([]byte{0x80 | byte(len(body)>>8), byte(len(body))}, body...)
}

// readServerHello reads TLS records until a whole ServerHello has arrived
// and parses it. An alert comes back as *alertError; any other record or
// handshake message first is errNotHello. Records, handshake length and
// the number of records read are bounded.
func readServerHello(r io.Reader) (*serverHello, error) {
	var hs []byte
	hdr := make([]byte, 5)
	for i := 0; i < maxHelloRecords; i++ {
		if _, err := io.ReadFull(r, hdr); err != nil {
			return nil, fmt.Errorf("reading record header: %w", err)
		}
		typ, n := hdr[0], int(binary.BigEndian.Uint16(hdr[3:]))
		if hdr[1] != 3 && hdr[1] != 0 || n > maxRecordLen {
			return nil, fmt.Errorf("%w: record type %d version 0x%02x%02x length %d", errNotHello, typ, hdr[1], hdr[2], n)
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(r, payload); err != nil {
			return nil, fmt.Errorf("reading record: %w", err)
		}
		switch typ {
		case 21: // alert
			if n < 2 {
				return nil, fmt.Errorf("%w: short alert", errNotHello)
			}
			return nil, &alertError{Level: payload[0], Desc: payload[1]}
		case 22: // handshake
			hs = append(hs, payload...)
		default:
			return nil, fmt.Errorf("%w: record type %d", errNotHello, typ)
		}
		if len(hs) < 4 {
			continue
		}
		if hs[0] != 2 {
			return nil, fmt.Errorf("%w: handshake message type %d", errNotHello, hs[0])
		}
		l := int(hs[1])<<16 | int(hs[2])<<8 | int(hs[3])
		if l > maxHelloLen {
			return nil, fmt.Errorf("%w: ServerHello of %d bytes", errNotHello, l)
		}
		if len(hs) >= 4+l {
			return parseServerHello(hs[4 : 4+l])
		}
	}
	return nil, fmt.Errorf("%w: no ServerHello in %d records", errNotHello, maxHelloRecords)
}

// parseServerHello parses the body of a ServerHello message.
func parseServerHello(b []byte) (*serverHello, error) {
	bad := func(what string) error { return fmt.Errorf("%w: malformed ServerHello: %s", errNotHello, what) }
	if len(b) < 2+32+1 {
		return nil, bad("too short")
	}
	h := &serverHello{Legacy: binary.BigEndian.Uint16(b)}
	h.Version = h.Legacy
	b = b[34:]
	sid := int(b[0])
	if sid > 32 || len(b) < 1+sid+3 {
		return nil, bad("session id")
	}
	b = b[1+sid:]
	h.Suite = binary.BigEndian.Uint16(b)
	h.Compression = b[2]
	b = b[3:]
	if len(b) == 0 {
		return h, nil
	}
	if len(b) < 2 || int(binary.BigEndian.Uint16(b)) != len(b)-2 {
		return nil, bad("extensions length")
	}
	for b = b[2:]; len(b) > 0; {
		if len(b) < 4 {
			return nil, bad("extension header")
		}
		typ, l := binary.BigEndian.Uint16(b), int(binary.BigEndian.Uint16(b[2:]))
		if len(b) < 4+l {
			return nil, bad("extension length")
		}
		if typ == 43 { // supported_versions
			if l != 2 {
				return nil, bad("supported_versions")
			}
			h.Version = binary.BigEndian.Uint16(b[4:])
		}
		b = b[4+l:]
	}
	return h, nil
}

// readSSL2ServerHello reads an SSLv2 SERVER-HELLO. A TLS record in answer
// (an alert, usually) is errNotHello.
func readSSL2ServerHello(r io.Reader) (*serverHello, error) {
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("reading SSLv2 header: %w", err)
	}
	var n int
	switch {
	case hdr[0] >= 20 && hdr[0] <= 23 && hdr[1] == 3:
		return nil, fmt.Errorf("%w: TLS record type %d in answer to SSLv2", errNotHello, hdr[0])
	case hdr[0]&0x80 != 0:
		n = int(hdr[0]&0x7f)<<8 | int(hdr[1])
	default: // three-byte header: the third is the padding length
		n = int(hdr[0]&0x3f)<<8 | int(hdr[1])
		if _, err := io.ReadFull(r, make([]byte, 1)); err != nil {
			return nil, fmt.Errorf("reading SSLv2 header: %w", err)
		}
	}
	if n < 11 || n > maxSSL2Record {
		return nil, fmt.Errorf("%w: SSLv2 record of %d bytes", errNotHello, n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("reading SSLv2 record: %w", err)
	}
	if b[0] != 4 {
		return nil, fmt.Errorf("%w: SSLv2 message type %d", errNotHello, b[0])
	}
	vers := binary.BigEndian.Uint16(b[3:])
	certLen := int(binary.BigEndian.Uint16(b[5:]))
	specLen := int(binary.BigEndian.Uint16(b[7:]))
	if specLen%3 != 0 || 11+certLen+specLen > n {
		return nil, fmt.Errorf("%w: malformed SSLv2 SERVER-HELLO", errNotHello)
	}
	h := &serverHello{Version: vers, Legacy: vers}
	specs := b[11+certLen : 11+certLen+specLen]
	for i := 0; i+3 <= len(specs); i += 3 {
		h.SSL2Ciphers = append(h.SSL2Ciphers, uint32(specs[i])<<16|uint32(specs[i+1])<<8|uint32(specs[i+2]))
	}
	return h, nil
}

// suiteClass is why a cipher suite is weak.
type suiteClass int

// Weak suite classes, worst first.
const (
	suiteOK     suiteClass = iota
	suiteNull              // no encryption
	suiteAnon              // no server authentication
	suiteExport            // 40- or 56-bit export key
	suiteRC4               // RC4 stream cipher
	suite64Bit             // 64-bit block cipher: DES, 3DES, IDEA, RC2 (Sweet32)
	suiteRSAKex            // RSA key exchange: no forward secrecy
)

// suiteClassNames describe the classes in findings.
var suiteClassNames = map[suiteClass]string{
	suiteNull:   "NULL (no encryption)",
	suiteAnon:   "anonymous (no server authentication)",
	suiteExport: "EXPORT (40/56-bit keys)",
	suiteRC4:    "RC4",
	suite64Bit:  "64-bit block ciphers (3DES, DES, IDEA: Sweet32)",
	suiteRSAKex: "RSA key exchange (no forward secrecy)",
}

// suiteClassKeys name the classes in finding fingerprints.
var suiteClassKeys = map[suiteClass]string{
	suiteNull: "null", suiteAnon: "anon", suiteExport: "export", suiteRC4: "rc4", suite64Bit: "64bit", suiteRSAKex: "rsa-kex",
}

// tlsSuite is a TLS 1.0-1.2 cipher suite the raw ClientHello may offer.
type tlsSuite struct {
	ID    uint16
	Name  string
	Class suiteClass
}

// rawSuites are weak suites crypto/tls does not implement, offered with a
// hand-built ClientHello, and (class suiteOK) forward-secret DHE suites,
// offered to learn whether a server has anything but CBC or RSA key
// exchange, or speaks a version only with suites Go lacks.
var rawSuites = []tlsSuite{
	{0x0001, "TLS_RSA_WITH_NULL_MD5", suiteNull},
	{0x0002, "TLS_RSA_WITH_NULL_SHA", suiteNull},
	{0x003b, "TLS_RSA_WITH_NULL_SHA256", suiteNull},
	{0xc001, "TLS_ECDH_ECDSA_WITH_NULL_SHA", suiteNull},
	{0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", suiteNull},
	{0xc00b, "TLS_ECDH_RSA_WITH_NULL_SHA", suiteNull},
	{0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA", suiteNull},
	{0xc015, "TLS_ECDH_anon_WITH_NULL_SHA", suiteNull},
	{0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5", suiteAnon},
	{0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", suiteAnon},
	{0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA", suiteAnon},
	{0x001a, "TLS_DH_anon_WITH_DES_CBC_SHA", suiteAnon},
	{0x001b, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", suiteAnon},
	{0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", suiteAnon},
	{0x003a, "TLS_DH_anon_WITH_AES_256_CBC_SHA", suiteAnon},
	{0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", suiteAnon},
	{0x006c, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", suiteAnon},
	{0x006d, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", suiteAnon},
	{0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", suiteAnon},
	{0x009b, "TLS_DH_anon_WITH_SEED_CBC_SHA", suiteAnon},
	{0x00a6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", suiteAnon},
	{0x00a7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", suiteAnon},
	{0xc016, "TLS_ECDH_anon_WITH_RC4_128_SHA", suiteAnon},
	{0xc017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", suiteAnon},
	{0xc018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", suiteAnon},
	{0xc019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", suiteAnon},
	{0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", suiteExport},
	{0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", suiteExport},
	{0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", suiteExport},
	{0x000b, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA", suiteExport},
	{0x000e, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA", suiteExport},
	{0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", suiteExport},
	{0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", suiteExport},
	{0x0062, "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", suiteExport},
	{0x0063, "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA", suiteExport},
	{0x0064, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", suiteExport},
	{0x0065, "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA", suiteExport},
	{0x0004, "TLS_RSA_WITH_RC4_128_MD5", suiteRC4},
	{0xc002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", suiteRC4},
	{0xc00c, "TLS_ECDH_RSA_WITH_RC4_128_SHA", suiteRC4},
	{0x0066, "TLS_DHE_DSS_WITH_RC4_128_SHA", suiteRC4},
	{0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA", suite64Bit},
	{0x0009, "TLS_RSA_WITH_DES_CBC_SHA", suite64Bit},
	{0x000c, "TLS_DH_DSS_WITH_DES_CBC_SHA", suite64Bit},
	{0x000d, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA", suite64Bit},
	{0x000f, "TLS_DH_RSA_WITH_DES_CBC_SHA", suite64Bit},
	{0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA", suite64Bit},
	{0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA", suite64Bit},
	{0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", suite64Bit},
	{0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", suite64Bit},
	{0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", suite64Bit},
	{0xc003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA", suite64Bit},
	{0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", suite64Bit},
	{0xc00d, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA", suite64Bit},
	{0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", suiteRSAKex},
	{0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", suiteRSAKex},
	{0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", suiteRSAKex},
	{0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", suiteRSAKex},
	{0x00ba, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", suiteRSAKex},
	{0x00c0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", suiteRSAKex},
	{0xc09c, "TLS_RSA_WITH_AES_128_CCM", suiteRSAKex},
	{0xc09d, "TLS_RSA_WITH_AES_256_CCM", suiteRSAKex},
	{0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8", suiteRSAKex},
	{0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8", suiteRSAKex},
	// Forward-secret suites Go lacks (DHE, ECDHE with CCM or ARIA).
	{0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", suiteOK},
	{0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", suiteOK},
	{0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", suiteOK},
	{0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", suiteOK},
	{0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", suiteOK},
	{0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", suiteOK},
	{0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", suiteOK},
	{0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", suiteOK},
	{0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", suiteOK},
	{0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", suiteOK},
	{0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", suiteOK},
	{0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", suiteOK},
	{0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM", suiteOK},
	{0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM", suiteOK},
	{0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", suiteOK},
	{0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", suiteOK},
	{0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", suiteOK},
	{0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", suiteOK},
	{0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", suiteOK},
}

// rawAEAD are the raw suites with an AEAD cipher (GCM, CCM, ChaCha20).
var rawAEAD = map[uint16]bool{0x009e: true, 0x009f: true, 0x00a2: true, 0x00a3: true, 0xc09e: true, 0xc09f: true, 0xc0ac: true, 0xc0ad: true, 0xccaa: true}
