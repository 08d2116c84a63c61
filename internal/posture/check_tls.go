package posture

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The TLS check connects to the domain's HTTPS endpoint and reports old
// protocol versions (FA950), weak cipher suites (FA951), and the
// certificate's expiry (FA952), host name (FA953), chain (FA954), key and
// signature (FA955) and OCSP stapling (FA956).
func init() {
	tlsRefs := []string{
		"https://ssl-config.mozilla.org/",
		"https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html",
	}
	rules.Register(&rules.Rule{
		ID: "FA950", Name: "old-tls-protocol", Title: "Old TLS protocol version accepted",
		Category: "transport", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{327, 757}, OWASP: []string{"API8:2023", "A02:2021"},
		Remediation: "Accept TLS 1.2 and TLS 1.3 only: disable SSLv2, SSLv3, TLS 1.0 and TLS 1.1 in the server or proxy that terminates TLS.",
		Doc: rules.Doc{
			What: "The HTTPS endpoint of the domain completes a handshake with SSLv2, SSLv3, TLS 1.0 or TLS 1.1. " +
				"Each version is tried on its own; SSLv2 and SSLv3 with hand-built ClientHellos, since no current " +
				"library speaks them. Found by `posture`; high for SSLv2/SSLv3, medium for TLS 1.0/1.1.",
			Why: "SSLv3 is broken (POODLE) and SSLv2 worse (DROWN uses it to decrypt TLS sessions sharing the key). " +
				"TLS 1.0 and 1.1 lack modern cipher suites, rely on SHA-1 and MD5 in the handshake and were " +
				"deprecated by RFC 8996; PCI DSS forbids them. An endpoint that accepts them lets an attacker on the " +
				"path push old clients down to them.",
			ExampleLang: "nginx",
			Example:     "# nginx\nssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n",
			Fix: "Allow TLS 1.2 and 1.3 only.\n\n```\n# nginx\nssl_protocols TLSv1.2 TLSv1.3;\n\n" +
				"# Caddy, Traefik and Go servers default to TLS 1.2+; uvicorn with Python 3.10+ too\n" +
				"# (ssl.TLSVersion.TLSv1_2 is the default minimum of ssl.create_default_context).\n```\n",
			References: append([]string{"https://datatracker.ietf.org/doc/html/rfc8996", "https://cwe.mitre.org/data/definitions/327.html"}, tlsRefs...),
		},
	})
	rules.Register(&rules.Rule{
		ID: "FA951", Name: "weak-cipher-suites", Title: "Weak TLS cipher suites accepted",
		Category: "transport", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{327, 326}, OWASP: []string{"API8:2023", "A02:2021"},
		Remediation: "Offer only forward-secret AEAD suites (ECDHE with AES-GCM or ChaCha20-Poly1305) and TLS 1.3; remove RC4, 3DES, DES, NULL, EXPORT, anonymous and RSA-key-exchange suites.",
		Doc: rules.Doc{
			What: "The HTTPS endpoint accepts cipher suites that are broken or weak: NULL (no encryption), " +
				"anonymous Diffie-Hellman (no authentication), EXPORT (40/56-bit keys), RC4, 64-bit block ciphers " +
				"(3DES, DES, IDEA), RSA key exchange (no forward secrecy), or nothing but CBC suites. Each class is " +
				"offered alone on each TLS version the server accepts; suites Go does not implement are offered with " +
				"a hand-built ClientHello and read from the ServerHello. The suite the server picks when offered " +
				"everything is given as evidence. NULL, anonymous and EXPORT suites are high severity.",
			Why: "RC4 has exploitable biases (RFC 7465), 3DES leaks plaintext after a few hundred gigabytes " +
				"(Sweet32), EXPORT suites are broken in hours (FREAK, Logjam), NULL and anonymous suites give no " +
				"secrecy or authentication at all. Without forward secrecy, anyone who later obtains the server's " +
				"private key can decrypt every recorded session.",
			ExampleLang: "nginx",
			Example:     "# nginx\nssl_ciphers ALL:!aNULL;\nssl_prefer_server_ciphers off;\n",
			Fix: "Use Mozilla's intermediate configuration.\n\n```\n# nginx\nssl_protocols TLSv1.2 TLSv1.3;\n" +
				"ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:" +
				"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;\n" +
				"ssl_prefer_server_ciphers off;\n```\n",
			References: append([]string{"https://datatracker.ietf.org/doc/html/rfc7465", "https://sweet32.info/", "https://cwe.mitre.org/data/definitions/327.html"}, tlsRefs...),
		},
	})
	rules.Register(&rules.Rule{
		ID: "FA952", Name: "certificate-expiry", Title: "TLS certificate expired or expiring soon",
		Category: "transport", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{324}, OWASP: []string{"API8:2023", "A02:2021"},
		Remediation: "Renew the certificate, and automate renewal (ACME: certbot, Caddy, cert-manager) with monitoring that alerts 30 days before expiry.",
		Doc: rules.Doc{
			What: "The certificate the HTTPS endpoint serves has expired or is not yet valid (high), or expires " +
				"within 30 days (medium); or a certificate of its chain has. Found by `posture`.",
			Why: "Browsers and API clients refuse an expired certificate, so the service goes down for every " +
				"client that validates certificates, and users learn to click through warnings. A certificate a few " +
				"weeks from expiry with no renewal in place is an outage on a known date.",
			ExampleLang: "text",
			Example:     "Certificate:\n    Validity\n        Not Before: Jan  1 00:00:00 2024 GMT\n        Not After : Mar 31 00:00:00 2024 GMT\n",
			Fix: "Renew now and automate it.\n\n```\ncertbot renew --deploy-hook 'systemctl reload nginx'\n" +
				"# or let Caddy / cert-manager manage the certificate\n```\n",
			References: []string{"https://cwe.mitre.org/data/definitions/324.html", "https://letsencrypt.org/docs/integration-guide/"},
		},
	})
	rules.Register(&rules.Rule{
		ID: "FA953", Name: "certificate-host-mismatch", Title: "TLS certificate does not match the host name",
		Category: "transport", Severity: finding.High, Confidence: finding.HighConfidence,
		CWE: []int{297}, OWASP: []string{"API8:2023", "A02:2021"},
		Remediation: "Serve a certificate whose subjectAltName lists the domain (or a wildcard covering it).",
		Doc: rules.Doc{
			What: "The certificate served for the domain (with the domain as SNI) does not name it in its " +
				"subjectAltName: it belongs to another site, a default virtual host, or names the host only in the " +
				"Common Name, which clients ignore.",
			Why: "Every validating client refuses the connection; clients that are then configured to skip " +
				"verification can be intercepted by anyone.",
			ExampleLang: "text",
			Example:     "X509v3 Subject Alternative Name:\n    DNS:other.example.net\n",
			Fix: "Issue the certificate for the names served, and configure the virtual host to use it.\n\n```\n" +
				"certbot certonly --nginx -d example.com -d www.example.com\n# nginx\nserver_name example.com www.example.com;\n" +
				"ssl_certificate /etc/letsencrypt/live/example.com/fullchain.pem;\n```\n",
			References: []string{"https://cwe.mitre.org/data/definitions/297.html", "https://datatracker.ietf.org/doc/html/rfc6125"},
		},
	})
	rules.Register(&rules.Rule{
		ID: "FA954", Name: "certificate-untrusted", Title: "TLS certificate chain not trusted",
		Category: "transport", Severity: finding.High, Confidence: finding.HighConfidence,
		CWE: []int{295}, OWASP: []string{"API8:2023", "A02:2021"},
		Remediation: "Serve a certificate from a publicly trusted CA together with its intermediate certificates (the full chain).",
		Doc: rules.Doc{
			What: "The certificate chain the HTTPS endpoint serves does not verify against the trusted roots " +
				"(the system's, or those of --ca-file): a self-signed certificate, a private or unknown CA, a missing intermediate " +
				"certificate, or a CA not allowed to issue it.",
			Why: "Clients refuse the connection, or are configured to skip verification, which lets anyone on the " +
				"path impersonate the server. A missing intermediate is a trap: browsers that cached it work, " +
				"API clients, mobile apps and curl fail.",
			ExampleLang: "nginx",
			Example:     "# nginx serving the leaf certificate alone\nssl_certificate /etc/ssl/example.com.crt;\n",
			Fix: "Serve the full chain from a trusted CA.\n\n```\n# nginx\nssl_certificate /etc/letsencrypt/live/example.com/fullchain.pem;\n" +
				"ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;\n```\n",
			References: []string{"https://cwe.mitre.org/data/definitions/295.html", "https://whatsmychaincert.com/"},
		},
	})
	rules.Register(&rules.Rule{
		ID: "FA955", Name: "weak-certificate-key", Title: "Weak TLS certificate key or signature",
		Category: "transport", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{326, 328}, OWASP: []string{"API8:2023", "A02:2021"},
		Remediation: "Reissue the certificate with an RSA key of at least 2048 bits or an ECDSA P-256 key, signed with SHA-256 or better.",
		Doc: rules.Doc{
			What: "A certificate the HTTPS endpoint serves (leaf or intermediate) has an RSA key under 2048 bits, " +
				"an elliptic-curve key under 256 bits, a DSA key, or a signature using MD5 or SHA-1.",
			Why: "RSA-1024 is within reach of well-funded attackers and forbidden by the CA/Browser Forum since " +
				"2013; SHA-1 collisions are practical (SHAttered), so a SHA-1 signature can be forged onto another " +
				"certificate. Browsers reject both.",
			ExampleLang: "sh",
			Example:     "openssl req -new -newkey rsa:1024 -sha1 -keyout key.pem -out req.csr\n",
			Fix: "```\nopenssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -keyout key.pem -out req.csr\n" +
				"# or RSA: -newkey rsa:2048 (or 3072)\n```\n",
			References: []string{"https://cwe.mitre.org/data/definitions/326.html", "https://shattered.io/", "https://cabforum.org/baseline-requirements-documents/"},
		},
	})
	rules.Register(&rules.Rule{
		ID: "FA956", Name: "no-ocsp-stapling", Title: "No OCSP stapling",
		Category: "transport", Severity: finding.Info, Confidence: finding.HighConfidence,
		CWE: []int{299}, OWASP: []string{"API8:2023", "A02:2021"},
		Remediation: "Enable OCSP stapling in the server or proxy (nginx: ssl_stapling on; ssl_stapling_verify on).",
		Doc: rules.Doc{
			What: "The certificate names an OCSP responder but the HTTPS endpoint does not staple an OCSP response " +
				"in the handshake. Certificates without an OCSP URL (Let's Encrypt's since 2025) are not reported. " +
				"Medium when the certificate requires stapling (OCSP Must-Staple).",
			Why: "Without stapling, clients that check revocation ask the CA on every new connection, which is " +
				"slow and tells the CA who visits the site; most clients then skip the check, so a revoked " +
				"certificate keeps working. With Must-Staple and no staple, Firefox refuses the connection.",
			ExampleLang: "nginx",
			Example:     "# nginx without stapling\nssl_certificate /etc/ssl/fullchain.pem;\n",
			Fix:         "```\n# nginx\nssl_stapling on;\nssl_stapling_verify on;\nssl_trusted_certificate /etc/ssl/chain.pem;\nresolver 1.1.1.1;\n```\n",
			References:  []string{"https://cwe.mitre.org/data/definitions/299.html", "https://datatracker.ietf.org/doc/html/rfc6066#section-8"},
		},
	})
	register(&Check{Name: "tls", Rules: []string{"FA950", "FA951", "FA952", "FA953", "FA954", "FA955", "FA956"}, Order: 10, Web: true, Run: checkTLS})
}

// expiryWarning is how close to expiry a certificate is reported.
const expiryWarning = 30 * 24 * time.Hour

// errUnreachable wraps a failure to connect at all (DNS, TCP).
type errUnreachable struct{ err error }

func (e *errUnreachable) Error() string { return e.err.Error() }
func (e *errUnreachable) Unwrap() error { return e.err }

// tlsProbe is the state of the TLS check of one endpoint.
type tlsProbe struct {
	s       *Session
	host    string
	port    int
	subject string
	// chains are the certificate chains served, by SHA-256 of the leaf, in
	// the order first seen.
	chains map[string][]*x509.Certificate
	order  []string
	conns  int
	// noRoots is set when no roots are given and the system has none:
	// chain trust is not judged then.
	noRoots bool
}

// maxTLSConns bounds the connections of one TLS check.
const maxTLSConns = 120

var errConnBudget = errors.New("TLS check connection budget spent")

func checkTLS(ctx context.Context, s *Session) {
	p := &tlsProbe{s: s, host: s.Domain, port: s.Opts.HTTPSPort, chains: map[string][]*x509.Certificate{}}
	p.subject = fmt.Sprintf("https://%s:%d", p.host, p.port)
	if s.Opts.RootCAs == nil && s.Enabled("FA954") {
		if sys, err := x509.SystemCertPool(); err != nil || sys.Equal(x509.NewCertPool()) {
			p.noRoots = true
			s.Diag("tls", "no system root certificates (install ca-certificates, or give --ca-file): certificate chains (FA954) not checked")
		}
	}

	// The handshake a modern client makes: the certificate and the staple.
	main, err := p.handshake(ctx, tls.VersionTLS10, tls.VersionTLS13, allGoSuites())
	var unreachable *errUnreachable
	if errors.As(err, &unreachable) {
		s.Diag("tls", "%s not checked: %v", p.subject, err)
		return
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		// A server that never answers would cost a timeout per probe.
		s.Diag("tls", "%s not checked: no TLS answer within %s: %v", p.subject, s.Opts.Timeout, err)
		return
	}
	if err != nil {
		s.Diag("tls", "%s: TLS handshake failed: %v", p.subject, err)
	}

	if s.Enabled("FA950") || s.Enabled("FA951") {
		accepted, evidence, err := p.versions(ctx)
		if err != nil {
			s.Diag("tls", "%s: protocol versions not checked: %v", p.subject, err)
		} else {
			if s.Enabled("FA950") {
				p.reportVersions(accepted, evidence)
			}
			if s.Enabled("FA951") {
				if err := p.suites(ctx, accepted); err != nil {
					s.Diag("tls", "%s: cipher suites not fully checked: %v", p.subject, err)
				}
			}
		}
	}
	for _, fp := range p.order {
		p.checkCertificate(p.chains[fp], fp)
	}
	if main != nil && s.Enabled("FA956") {
		p.checkStapling(main)
	}
}

// allGoSuites returns every TLS 1.0-1.2 suite crypto/tls implements.
func allGoSuites() []uint16 {
	var out []uint16
	for _, c := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		out = append(out, c.ID)
	}
	return out
}

// goSuiteClass classifies a suite crypto/tls implements.
func goSuiteClass(id uint16) suiteClass {
	name := tls.CipherSuiteName(id)
	switch {
	case strings.Contains(name, "_RC4_"):
		return suiteRC4
	case strings.Contains(name, "_3DES_"):
		return suite64Bit
	case strings.HasPrefix(name, "TLS_RSA_WITH_"):
		return suiteRSAKex
	}
	return suiteOK
}

// suiteName names a suite, Go's or one of rawSuites.
func suiteName(id uint16) string {
	for _, c := range rawSuites {
		if c.ID == id {
			return c.Name
		}
	}
	return tls.CipherSuiteName(id)
}

// suiteClassOf classifies any known suite.
func suiteClassOf(id uint16) suiteClass {
	for _, c := range rawSuites {
		if c.ID == id {
			return c.Class
		}
	}
	return goSuiteClass(id)
}

// goSuitesFor keeps the suites crypto/tls can offer at a version.
func goSuitesFor(vers uint16, ids []uint16) []uint16 {
	var out []uint16
	for _, c := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if slices.Contains(ids, c.ID) && slices.Contains(c.SupportedVersions, vers) {
			out = append(out, c.ID)
		}
	}
	return out
}

// dial connects to the endpoint with a deadline for the whole exchange.
func (p *tlsProbe) dial(ctx context.Context) (net.Conn, error) {
	if p.conns >= maxTLSConns {
		return nil, &errUnreachable{errConnBudget}
	}
	p.conns++
	conn, err := p.s.Dial(ctx, "tcp", p.host, p.port)
	if err != nil {
		return nil, &errUnreachable{err}
	}
	_ = conn.SetDeadline(time.Now().Add(p.s.Opts.Timeout))
	return conn, nil
}

// handshake completes a crypto/tls handshake between versions minV and
// maxV offering suites (TLS 1.3 suites are Go's own). Certificates are not
// verified here; the chain served is kept for the certificate checks,
// even when the handshake fails after the Certificate message.
func (p *tlsProbe) handshake(ctx context.Context, minV, maxV uint16, suites []uint16) (*tls.ConnectionState, error) {
	if maxV < tls.VersionTLS13 {
		if suites = goSuitesFor(maxV, suites); len(suites) == 0 {
			return nil, errors.New("no suite to offer")
		}
	}
	conn, err := p.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	cfg := &tls.Config{
		ServerName:         p.host,
		InsecureSkipVerify: true, // verified by checkCertificate, against Options.RootCAs
		MinVersion:         minV,
		MaxVersion:         maxV,
		CipherSuites:       suites,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			p.keepChain(raw)
			return nil
		},
	}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		if minV != maxV {
			return nil, fmt.Errorf("handshake: %w", err)
		}
		return nil, fmt.Errorf("%s handshake: %w", versionName(maxV), err)
	}
	cs := tc.ConnectionState()
	return &cs, nil
}

// keepChain records a certificate chain served (the first time its leaf is
// seen). At most 8 distinct chains of 10 certificates are kept.
func (p *tlsProbe) keepChain(raw [][]byte) {
	if len(raw) == 0 || len(p.order) >= 8 {
		return
	}
	sum := sha256.Sum256(raw[0])
	fp := hex.EncodeToString(sum[:])
	if _, ok := p.chains[fp]; ok {
		return
	}
	var chain []*x509.Certificate
	for _, b := range raw[:min(len(raw), 10)] {
		c, err := x509.ParseCertificate(b)
		if err != nil {
			p.s.Diag("tls", "%s: unreadable certificate: %v", p.subject, err)
			return
		}
		chain = append(chain, c)
	}
	p.chains[fp] = chain
	p.order = append(p.order, fp)
}

// rawHello sends a hand-built ClientHello and reads the ServerHello.
func (p *tlsProbe) rawHello(ctx context.Context, vers uint16, suites []uint16) (*serverHello, error) {
	conn, err := p.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	if vers == versionSSL2 {
		if _, err := conn.Write(buildSSL2ClientHello()); err != nil {
			return nil, fmt.Errorf("sending SSLv2 hello: %w", err)
		}
		return readSSL2ServerHello(io.LimitReader(conn, maxSSL2Record+3))
	}
	if _, err := conn.Write(buildClientHello(vers, suites, p.host)); err != nil {
		return nil, fmt.Errorf("sending %s hello: %w", versionName(vers), err)
	}
	return readServerHello(conn)
}

// rawSuiteIDs returns the ids of rawSuites, filtered.
func rawSuiteIDs(keep func(tlsSuite) bool) []uint16 {
	var out []uint16
	for _, c := range rawSuites {
		if keep(c) {
			out = append(out, c.ID)
		}
	}
	return out
}

// probeVersions are tried oldest last; the TLS ones with crypto/tls.
var probeVersions = []uint16{versionTLS13, versionTLS12, versionTLS11, versionTLS10, versionSSL3, versionSSL2}

// versions finds the protocol versions the endpoint accepts, with a line
// of evidence each. Only a failure to connect is an error.
func (p *tlsProbe) versions(ctx context.Context) (map[uint16]bool, map[uint16]string, error) {
	accepted := map[uint16]bool{}
	evidence := map[uint16]string{}
	var unreachable *errUnreachable
	for _, v := range probeVersions {
		if v >= versionTLS10 {
			cs, err := p.handshake(ctx, v, v, allGoSuites())
			if errors.As(err, &unreachable) {
				return nil, nil, err
			}
			if err == nil && cs.Version == v {
				accepted[v] = true
				evidence[v] = fmt.Sprintf("%s: handshake completed with %s", versionName(v), tls.CipherSuiteName(cs.CipherSuite))
				continue
			}
			if v == versionTLS13 {
				continue
			}
		}
		// Not with Go's suites: maybe with suites Go lacks (DHE, EXPORT), or SSL.
		suites := append(allGoSuites(), rawSuiteIDs(func(tlsSuite) bool { return true })...)
		h, err := p.rawHello(ctx, v, suites)
		if errors.As(err, &unreachable) {
			return nil, nil, err
		}
		if err != nil || h.Version != v {
			continue
		}
		accepted[v] = true
		if v == versionSSL2 {
			evidence[v] = fmt.Sprintf("SSLv2: SERVER-HELLO with %d cipher specs", len(h.SSL2Ciphers))
		} else {
			evidence[v] = fmt.Sprintf("%s: ServerHello chose %s (hand-built ClientHello)", versionName(v), suiteName(h.Suite))
		}
	}
	return accepted, evidence, nil
}

// opensslFlag is the s_client option selecting a version.
var opensslFlag = map[uint16]string{versionTLS10: "-tls1", versionTLS11: "-tls1_1", versionTLS12: "-tls1_2", versionTLS13: "-tls1_3"}

func (p *tlsProbe) reportVersions(accepted map[uint16]bool, evidence map[uint16]string) {
	var old, modern []string
	var lines []string
	sev := finding.Medium
	for _, v := range []uint16{versionSSL2, versionSSL3, versionTLS10, versionTLS11} {
		if !accepted[v] {
			continue
		}
		old = append(old, versionName(v))
		hostPort := net.JoinHostPort(p.host, fmt.Sprint(p.port))
		repro := fmt.Sprintf("reproduce: openssl s_client -connect %s -servername %s %s -cipher 'ALL:@SECLEVEL=0' </dev/null",
			hostPort, p.host, opensslFlag[v])
		if v <= versionSSL3 {
			sev = finding.High
			// Current OpenSSL builds cannot speak SSL at all.
			repro = "reproduce: testssl.sh --protocols " + hostPort
		}
		lines = append(lines, evidence[v], repro)
	}
	if len(old) == 0 {
		return
	}
	for _, v := range []uint16{versionTLS12, versionTLS13} {
		if accepted[v] {
			modern = append(modern, versionName(v))
		}
	}
	also := "and no TLS 1.2 or 1.3 at all"
	if len(modern) > 0 {
		also = "besides " + strings.Join(modern, " and ")
	}
	f := p.s.Report("FA950", p.subject, lines, "%s accepts %s (%s): old protocol versions with broken or deprecated cryptography that an attacker can push clients down to; accept TLS 1.2 and 1.3 only",
		p.subject, strings.Join(old, ", "), also)
	f.Severity = sev
	f.SetCode("FA950 " + p.subject + " " + strings.Join(old, ","))
}

// weakSuite is a weak suite found, and the versions it was accepted on.
type weakSuite struct {
	id       uint16
	versions []uint16
}

// suites reports the weak suites accepted (FA951).
func (p *tlsProbe) suites(ctx context.Context, accepted map[uint16]bool) error {
	found := map[uint16]*weakSuite{}
	var order []uint16
	add := func(id, v uint16) {
		w := found[id]
		if w == nil {
			w = &weakSuite{id: id}
			found[id] = w
			order = append(order, id)
		}
		if !slices.Contains(w.versions, v) {
			w.versions = append(w.versions, v)
		}
	}
	var unreachable *errUnreachable
	var goWeak []uint16
	for _, id := range allGoSuites() {
		if goSuiteClass(id) != suiteOK {
			goWeak = append(goWeak, id)
		}
	}
	rawWeak := rawSuiteIDs(func(c tlsSuite) bool { return c.Class != suiteOK })
	var best uint16 // highest TLS version up to 1.2 accepted
	for _, v := range []uint16{versionTLS12, versionTLS11, versionTLS10} {
		if !accepted[v] {
			continue
		}
		if best == 0 {
			best = v
		}
		// Weak suites Go speaks: full handshakes, dropping each suite chosen.
		offer := goSuitesFor(v, goWeak)
		for len(offer) > 0 {
			cs, err := p.handshake(ctx, v, v, offer)
			if errors.As(err, &unreachable) {
				return err
			}
			if err != nil || !slices.Contains(offer, cs.CipherSuite) {
				break
			}
			add(cs.CipherSuite, v)
			offer = slices.DeleteFunc(offer, func(id uint16) bool { return id == cs.CipherSuite })
		}
		// Weak suites Go lacks: the ServerHello's choice, dropping each one.
		offer = slices.Clone(rawWeak)
		for len(offer) > 0 {
			h, err := p.rawHello(ctx, v, offer)
			if errors.As(err, &unreachable) {
				return err
			}
			if err != nil || !slices.Contains(offer, h.Suite) {
				break
			}
			add(h.Suite, h.Version)
			offer = slices.DeleteFunc(offer, func(id uint16) bool { return id == h.Suite })
		}
	}

	var preferred []string
	var preferredID uint16
	if best != 0 {
		if cs, err := p.handshake(ctx, best, best, allGoSuites()); err == nil {
			preferredID = cs.CipherSuite
			preferred = append(preferred, fmt.Sprintf("suite chosen on %s when offered all of Go's suites: %s", versionName(best), tls.CipherSuiteName(cs.CipherSuite)))
		} else if errors.As(err, &unreachable) {
			return err
		}
	}
	if accepted[versionTLS13] {
		preferred = append(preferred, "TLS 1.3 is accepted (only AEAD, forward-secret suites)")
	}

	byClass := map[suiteClass][]*weakSuite{}
	for _, id := range order {
		c := suiteClassOf(id)
		byClass[c] = append(byClass[c], found[id])
	}
	classes := make([]suiteClass, 0, len(byClass))
	for c := range byClass {
		classes = append(classes, c)
	}
	sort.Slice(classes, func(i, j int) bool { return classes[i] < classes[j] })
	for _, c := range classes {
		var names, lines []string
		prefers := false
		for _, w := range byClass[c] {
			var vs []string
			for _, v := range w.versions {
				vs = append(vs, versionName(v))
			}
			names = append(names, suiteName(w.id))
			lines = append(lines, fmt.Sprintf("%s accepted on %s", suiteName(w.id), strings.Join(vs, ", ")))
			prefers = prefers || w.id == preferredID
		}
		lines = append(lines, preferred...)
		note := ""
		if prefers {
			note = " (and the server prefers one of them when offered everything)"
		}
		f := p.s.Report("FA951", p.subject, lines, "%s accepts %s cipher suites: %s%s; offer only ECDHE suites with AES-GCM or ChaCha20-Poly1305, and TLS 1.3",
			p.subject, suiteClassNames[c], strings.Join(names, ", "), note)
		if c == suiteNull || c == suiteAnon || c == suiteExport {
			f.Severity = finding.High
		}
		f.SetCode("FA951 " + p.subject + " " + suiteClassKeys[c])
	}

	// Nothing but CBC (and RC4): no AEAD suite on TLS 1.2, no TLS 1.3.
	if len(accepted) == 0 || accepted[versionTLS13] {
		return nil
	}
	if accepted[versionTLS12] {
		var aead []uint16
		for _, id := range allGoSuites() {
			if n := tls.CipherSuiteName(id); strings.Contains(n, "_GCM_") || strings.Contains(n, "CHACHA20") {
				aead = append(aead, id)
			}
		}
		if _, err := p.handshake(ctx, versionTLS12, versionTLS12, aead); err == nil {
			return nil
		} else if errors.As(err, &unreachable) {
			return err
		}
		h, err := p.rawHello(ctx, versionTLS12, rawSuiteIDs(func(c tlsSuite) bool { return rawAEAD[c.ID] }))
		if errors.As(err, &unreachable) {
			return err
		}
		if err == nil && rawAEAD[h.Suite] {
			return nil
		}
	}
	f := p.s.Report("FA951", p.subject, preferred, "%s offers no AEAD cipher suite (AES-GCM, ChaCha20-Poly1305) and no TLS 1.3: every connection uses CBC-mode or stream ciphers, open to padding-oracle and timing attacks (Lucky 13, POODLE-TLS); enable TLS 1.2 ECDHE-GCM suites and TLS 1.3",
		p.subject)
	f.Severity = finding.Low
	f.SetCode("FA951 " + p.subject + " cbc-only")
	return nil
}

// certName names a certificate in messages.
func certName(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return fmt.Sprintf("%q", c.Subject.CommonName)
	}
	if len(c.DNSNames) > 0 {
		return fmt.Sprintf("%q", c.DNSNames[0])
	}
	return fmt.Sprintf("%q", c.Subject.String())
}

// certEvidence describes a certificate in one line.
func certEvidence(c *x509.Certificate, fp string) string {
	names := c.DNSNames
	if len(names) > 8 {
		names = append(slices.Clone(names[:8]), fmt.Sprintf("(%d more)", len(c.DNSNames)-8))
	}
	return fmt.Sprintf("certificate subject %q issuer %q, valid %s to %s, names [%s], key %s, signature %s, SHA-256 %s",
		c.Subject.String(), c.Issuer.String(), c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339),
		strings.Join(names, " "), keyDescription(c), c.SignatureAlgorithm, fp)
}

// keyDescription names a certificate's key type and size.
func keyDescription(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d bits", k.N.BitLen())
	case *ecdsa.PublicKey:
		return fmt.Sprintf("ECDSA %s", k.Curve.Params().Name)
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return c.PublicKeyAlgorithm.String()
}

// selfSigned reports a certificate whose issuer is its subject.
func selfSigned(c *x509.Certificate) bool { return bytes.Equal(c.RawIssuer, c.RawSubject) }

// checkCertificate reports a served chain's expiry, host name, trust, key
// and signature problems (FA952-FA955).
func (p *tlsProbe) checkCertificate(chain []*x509.Certificate, fp string) {
	s := p.s
	leaf := chain[0]
	now := s.Opts.Now()
	ev := []string{certEvidence(leaf, fp)}
	for _, c := range chain[1:] {
		ev = append(ev, "chain: "+certEvidence(c, certSum(c)))
	}
	ev = append(ev, fmt.Sprintf("reproduce: openssl s_client -connect %s -servername %s -showcerts </dev/null | openssl x509 -noout -text",
		net.JoinHostPort(p.host, fmt.Sprint(p.port)), p.host))
	// Fingerprints: an expiry is about one certificate (a renewed one that
	// expires again is news); the other problems are about the endpoint and
	// its key type (they survive a renewal that does not fix them).
	code := func(rule, what string) string {
		if rule == "FA952" {
			return rule + " " + p.subject + " " + fp + " " + what
		}
		return rule + " " + p.subject + " " + leaf.PublicKeyAlgorithm.String() + " " + what
	}

	leafValid := !now.Before(leaf.NotBefore) && !now.After(leaf.NotAfter)
	if s.Enabled("FA952") {
		switch {
		case now.After(leaf.NotAfter):
			f := s.Report("FA952", p.subject, ev, "the certificate of %s (%s) expired on %s, %d days ago: clients refuse the connection; renew it and automate renewal",
				p.subject, certName(leaf), leaf.NotAfter.UTC().Format("2006-01-02"), int(now.Sub(leaf.NotAfter).Hours()/24))
			f.Severity = finding.High
			f.SetCode(code("FA952", "expired"))
		case now.Before(leaf.NotBefore):
			f := s.Report("FA952", p.subject, ev, "the certificate of %s (%s) is not valid before %s: clients refuse it; check the server's clock and the certificate",
				p.subject, certName(leaf), leaf.NotBefore.UTC().Format(time.RFC3339))
			f.Severity = finding.High
			f.SetCode(code("FA952", "not-yet-valid"))
		case leaf.NotAfter.Sub(now) < expiryWarning:
			s.Report("FA952", p.subject, ev, "the certificate of %s (%s) expires on %s, in %d days: renew it now and automate renewal",
				p.subject, certName(leaf), leaf.NotAfter.UTC().Format("2006-01-02"), int(leaf.NotAfter.Sub(now).Hours()/24)).
				SetCode(code("FA952", "expiring"))
		}
	}

	if s.Enabled("FA953") {
		if err := leaf.VerifyHostname(p.host); err != nil {
			names := leaf.DNSNames
			for _, ip := range leaf.IPAddresses {
				names = append(names, ip.String())
			}
			covers := "no subjectAltName at all"
			if len(names) > 0 {
				if len(names) > 10 {
					names = append(slices.Clone(names[:10]), fmt.Sprintf("and %d more", len(names)-10))
				}
				covers = "names " + strings.Join(names, ", ")
			} else if leaf.Subject.CommonName != "" {
				covers = fmt.Sprintf("no subjectAltName, only the Common Name %q, which clients ignore", leaf.Subject.CommonName)
			}
			s.Report("FA953", p.subject, ev, "the certificate served for %s does not cover %s: it has %s; clients refuse the connection",
				p.subject, p.host, covers).SetCode(code("FA953", ""))
		}
	}

	if s.Enabled("FA954") || s.Enabled("FA952") {
		p.checkChain(chain, leafValid, ev, code)
	}
	if s.Enabled("FA955") {
		p.checkKeys(chain, ev, code)
	}
}

// certSum is the hex SHA-256 of a certificate.
func certSum(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// checkChain verifies the chain against the trusted roots: at the run's
// time (an expired intermediate is FA952), then at a time inside the leaf's
// validity (so that trust, FA954, is judged apart from expiry).
func (p *tlsProbe) checkChain(chain []*x509.Certificate, leafValid bool, ev []string, code func(string, string) string) {
	s := p.s
	leaf := chain[0]
	now := s.Opts.Now()
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	verify := func(t time.Time) ([][]*x509.Certificate, error) {
		return leaf.Verify(x509.VerifyOptions{Roots: s.Opts.RootCAs, Intermediates: inter, CurrentTime: t,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	}
	chains, err := verify(now)
	var invalid x509.CertificateInvalidError
	if err == nil {
		// Trusted now; warn of an intermediate about to expire.
		if s.Enabled("FA952") && len(chains) > 0 {
			for _, c := range chains[0][1:] {
				if !selfSigned(c) && c.NotAfter.Sub(now) < expiryWarning {
					s.Report("FA952", p.subject, ev, "the intermediate certificate %s in the chain of %s expires on %s: serve the CA's current intermediate",
						certName(c), p.subject, c.NotAfter.UTC().Format("2006-01-02")).SetCode(code("FA952", "intermediate "+certSum(c)))
				}
			}
		}
		return
	}
	if errors.As(err, &invalid) && invalid.Reason == x509.Expired && leafValid {
		for _, c := range chain[1:] {
			if now.After(c.NotAfter) && s.Enabled("FA952") {
				f := s.Report("FA952", p.subject, ev, "the certificate %s in the chain of %s expired on %s: clients that build the chain through it refuse the connection; serve the CA's current intermediate",
					certName(c), p.subject, c.NotAfter.UTC().Format("2006-01-02"))
				f.Severity = finding.High
				f.SetCode(code("FA952", "intermediate "+certSum(c)))
			}
		}
	}
	if !leafValid || errors.As(err, &invalid) && invalid.Reason == x509.Expired {
		t := leaf.NotAfter.Add(-time.Minute)
		if now.Before(leaf.NotBefore) {
			t = leaf.NotBefore.Add(time.Minute)
		}
		if _, err = verify(t); err == nil {
			return
		}
		if errors.As(err, &invalid) && invalid.Reason == x509.Expired {
			return // an intermediate's validity does not overlap the leaf's: FA952
		}
	}
	if !s.Enabled("FA954") || p.noRoots {
		return
	}
	var unknown x509.UnknownAuthorityError
	var insecure x509.InsecureAlgorithmError
	var why string
	last := chain[len(chain)-1]
	var weakSig *x509.Certificate // Verify reports it as an unknown authority
	for i, c := range chain {
		if _, weak := weakSignature[c.SignatureAlgorithm]; weak && !(i > 0 && selfSigned(c)) && weakSig == nil {
			weakSig = c
		}
	}
	switch {
	case errors.As(err, &insecure) || weakSig != nil && errors.As(err, &unknown) && !(len(chain) == 1 && selfSigned(leaf)):
		if weakSig != nil {
			why = fmt.Sprintf("%s is signed with an algorithm clients reject (%s)", certName(weakSig), weakSig.SignatureAlgorithm)
		} else {
			why = fmt.Sprintf("a signature uses an algorithm clients reject (%v)", err)
		}
	case len(chain) == 1 && selfSigned(leaf) && errors.As(err, &unknown):
		why = "the certificate is self-signed"
	case errors.As(err, &unknown) && selfSigned(last):
		why = fmt.Sprintf("it chains to %s, a root that is not trusted (a private or unknown CA)", certName(last))
	case errors.As(err, &unknown):
		why = fmt.Sprintf("the issuer of the last certificate sent (%q) is not a trusted root: the server omits an intermediate certificate, or the CA is not trusted", last.Issuer.String())
		if len(last.IssuingCertificateURL) > 0 {
			why += fmt.Sprintf(" (the missing issuer is published at %s)", last.IssuingCertificateURL[0])
		}
	case errors.As(err, &invalid):
		why = fmt.Sprintf("the chain is invalid: %v", err)
	default:
		why = fmt.Sprintf("verification failed: %v", err)
	}
	s.Report("FA954", p.subject, ev, "the certificate chain of %s is not trusted: %s; serve a certificate from a publicly trusted CA with its full chain",
		p.subject, why).SetCode(code("FA954", ""))
}

// weakSignature are signature algorithms clients reject.
var weakSignature = map[x509.SignatureAlgorithm]string{
	x509.MD2WithRSA: "MD2", x509.MD5WithRSA: "MD5", x509.SHA1WithRSA: "SHA-1",
	x509.DSAWithSHA1: "SHA-1", x509.ECDSAWithSHA1: "SHA-1",
}

// checkKeys reports weak keys and signatures in the served chain (a root
// sent along is judged by its key only: its own signature is not checked
// by anyone).
func (p *tlsProbe) checkKeys(chain []*x509.Certificate, ev []string, code func(string, string) string) {
	var problems []string
	sev := finding.Medium
	for i, c := range chain {
		role := "the certificate"
		switch {
		case i > 0 && selfSigned(c):
			role = "the root " + certName(c) + " sent in the chain"
		case i > 0:
			role = "the intermediate " + certName(c)
		}
		switch k := c.PublicKey.(type) {
		case *rsa.PublicKey:
			if n := k.N.BitLen(); n < 2048 {
				problems = append(problems, fmt.Sprintf("%s has a %d-bit RSA key", role, n))
				if n < 1024 {
					sev = finding.High
				}
			}
		case *ecdsa.PublicKey:
			if n := k.Curve.Params().BitSize; n < 256 {
				problems = append(problems, fmt.Sprintf("%s has a %d-bit EC key (%s)", role, n, k.Curve.Params().Name))
			}
		}
		if c.PublicKeyAlgorithm == x509.DSA {
			problems = append(problems, role+" has a DSA key")
		}
		if h, weak := weakSignature[c.SignatureAlgorithm]; weak && !(i > 0 && selfSigned(c)) {
			problems = append(problems, fmt.Sprintf("%s is signed with %s (%s)", role, h, c.SignatureAlgorithm))
			if h != "SHA-1" {
				sev = finding.High
			}
		}
	}
	if len(problems) == 0 {
		return
	}
	f := p.s.Report("FA955", p.subject, ev, "weak certificate for %s: %s; reissue it with an RSA key of at least 2048 bits or ECDSA P-256, signed with SHA-256",
		p.subject, strings.Join(problems, "; "))
	f.Severity = sev
	f.SetCode(code("FA955", ""))
}

// oidMustStaple is the TLS Feature extension (RFC 7633).
var oidMustStaple = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 24}

// checkStapling reports a handshake without an OCSP staple for a
// certificate that names an OCSP responder (FA956).
func (p *tlsProbe) checkStapling(cs *tls.ConnectionState) {
	if len(cs.PeerCertificates) == 0 || len(cs.OCSPResponse) > 0 {
		return
	}
	leaf := cs.PeerCertificates[0]
	if len(leaf.OCSPServer) == 0 || selfSigned(leaf) {
		return // nothing to staple
	}
	mustStaple := slices.ContainsFunc(leaf.Extensions, func(e pkix.Extension) bool { return e.Id.Equal(oidMustStaple) })
	ev := []string{certEvidence(leaf, certSum(leaf)), "OCSP responder: " + strings.Join(leaf.OCSPServer, " "),
		fmt.Sprintf("%s handshake without a stapled OCSP response (status_request was sent)", versionName(cs.Version)),
		fmt.Sprintf("reproduce: openssl s_client -connect %s -servername %s -status </dev/null | grep -A2 'OCSP response'",
			net.JoinHostPort(p.host, fmt.Sprint(p.port)), p.host)}
	if mustStaple {
		f := p.s.Report("FA956", p.subject, ev, "%s staples no OCSP response although its certificate requires it (OCSP Must-Staple): Firefox refuses the connection; enable OCSP stapling",
			p.subject)
		f.Severity = finding.Medium
		f.SetCode("FA956 " + p.subject + " must-staple")
		return
	}
	p.s.Report("FA956", p.subject, ev, "%s staples no OCSP response: clients must ask the CA (%s) to check revocation, or skip the check; enable OCSP stapling",
		p.subject, leaf.OCSPServer[0]).SetCode("FA956 " + p.subject)
}
