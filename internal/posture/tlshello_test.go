package posture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"testing"
)

func TestBuildClientHello(t *testing.T) {
	suites := []uint16{0x0002, 0xc02f, 0x000a}
	for _, v := range []uint16{versionSSL3, versionTLS10, versionTLS11, versionTLS12} {
		rec := buildClientHello(v, suites, "example.test")
		if rec[0] != 22 || int(binary.BigEndian.Uint16(rec[3:])) != len(rec)-5 {
			t.Fatalf("%s: bad record header % x", versionName(v), rec[:5])
		}
		if rv := binary.BigEndian.Uint16(rec[1:]); rv != min(v, versionTLS10) {
			t.Errorf("%s: record version %04x", versionName(v), rv)
		}
		if l := len(rec) - 5; l >= 256 && l < 512 {
			t.Errorf("%s: ClientHello of %d bytes, in the range some servers hang on", versionName(v), l)
		}
		vers, got, ok := webParseClientHello(rec[5:])
		if !ok || vers != v || !slices.Equal(got, append(slices.Clone(suites), 0x00ff)) {
			t.Errorf("%s: parsed %04x %x %v", versionName(v), vers, got, ok)
		}
		hasSNI := bytes.Contains(rec, []byte("example.test"))
		if hasSNI != (v >= versionTLS10) {
			t.Errorf("%s: server name sent = %v", versionName(v), hasSNI)
		}
	}
	// Padded past 511 bytes when it would fall in 256..511.
	many := make([]uint16, 110)
	for i := range many {
		many[i] = uint16(i + 1)
	}
	if l := len(buildClientHello(versionTLS12, many, "example.test")) - 5; l < 512 {
		t.Errorf("ClientHello of %d bytes not padded", l)
	}
	// No SNI for an IP address.
	if rec := buildClientHello(versionTLS12, suites, "127.0.0.1"); bytes.Contains(rec, []byte("127.0.0.1")) {
		t.Error("IP address sent as server name")
	}
	s2 := buildSSL2ClientHello()
	if s2[0]&0x80 == 0 || int(s2[0]&0x7f)<<8|int(s2[1]) != len(s2)-2 || s2[2] != 1 || binary.BigEndian.Uint16(s2[3:]) != versionSSL2 {
		t.Errorf("bad SSLv2 CLIENT-HELLO % x", s2[:5])
	}
}

// helloSeeds are answers a server may send to a ClientHello.
func helloSeeds() map[string][]byte {
	tls12 := webServerHello(versionTLS12, 0xc02f, nil)
	split := slices.Clone(tls12[:5+10])
	binary.BigEndian.PutUint16(split[3:], 10)
	rest := append([]byte{22, 3, 3, 0, byte(len(tls12) - 15)}, tls12[15:]...)
	sv := []byte{0, 43, 0, 2, 3, 4}
	return map[string][]byte{
		"tls12":       tls12,
		"ssl3":        webServerHello(versionSSL3, 0x000a, nil),
		"tls13":       webServerHello(versionTLS12, 0x1301, sv),
		"split":       append(split, rest...),
		"alert":       {21, 3, 1, 0, 2, 2, 70},
		"appdata":     {23, 3, 3, 0, 1, 0},
		"certificate": {22, 3, 3, 0, 4, 11, 0, 0, 0},
		"huge":        {22, 3, 3, 0xff, 0xff},
		"long-hello":  {22, 3, 3, 0, 4, 2, 0xff, 0xff, 0xff},
		"ssl2":        webSSL2ServerHello(0x0700c0, 0x010080),
		"ssl2-3byte":  ssl2ThreeByte(webSSL2ServerHello(0x060040)),
		"empty":       {},
	}
}

// ssl2ThreeByte rewrites an SSLv2 record with a three-byte header (no
// padding).
func ssl2ThreeByte(rec []byte) []byte {
	body := rec[2:]
	return append([]byte{byte(len(body)>>8) & 0x3f, byte(len(body)), 0}, body...)
}

func TestReadServerHello(t *testing.T) {
	seeds := helloSeeds()
	for name, want := range map[string]*serverHello{
		"tls12": {Version: versionTLS12, Legacy: versionTLS12, Suite: 0xc02f},
		"ssl3":  {Version: versionSSL3, Legacy: versionSSL3, Suite: 0x000a},
		"tls13": {Version: versionTLS13, Legacy: versionTLS12, Suite: 0x1301},
		"split": {Version: versionTLS12, Legacy: versionTLS12, Suite: 0xc02f},
	} {
		h, err := readServerHello(bytes.NewReader(seeds[name]))
		if err != nil || h.Version != want.Version || h.Legacy != want.Legacy || h.Suite != want.Suite {
			t.Errorf("%s: got %+v, %v", name, h, err)
		}
	}
	var alert *alertError
	if _, err := readServerHello(bytes.NewReader(seeds["alert"])); !errors.As(err, &alert) || alert.Desc != 70 {
		t.Errorf("alert: %v", err)
	}
	for _, name := range []string{"appdata", "certificate", "huge", "long-hello", "ssl2"} {
		if _, err := readServerHello(bytes.NewReader(seeds[name])); !errors.Is(err, errNotHello) {
			t.Errorf("%s: want errNotHello, got %v", name, err)
		}
	}
	if _, err := readServerHello(bytes.NewReader(seeds["tls12"][:20])); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated: %v", err)
	}
	// A session id over 32 bytes, extensions that overrun.
	bad := slices.Clone(seeds["tls12"])
	bad[5+4+2+32] = 33
	if _, err := readServerHello(bytes.NewReader(bad)); !errors.Is(err, errNotHello) {
		t.Errorf("long session id: %v", err)
	}
	ext := webServerHello(versionTLS12, 0x1301, []byte{0, 43, 0, 9, 3, 4})
	if _, err := readServerHello(bytes.NewReader(ext)); !errors.Is(err, errNotHello) {
		t.Errorf("overrunning extension: %v", err)
	}
}

func TestReadSSL2ServerHello(t *testing.T) {
	seeds := helloSeeds()
	h, err := readSSL2ServerHello(bytes.NewReader(seeds["ssl2"]))
	if err != nil || h.Version != versionSSL2 || !slices.Equal(h.SSL2Ciphers, []uint32{0x0700c0, 0x010080}) {
		t.Errorf("ssl2: %+v %v", h, err)
	}
	if h, err := readSSL2ServerHello(bytes.NewReader(seeds["ssl2-3byte"])); err != nil || !slices.Equal(h.SSL2Ciphers, []uint32{0x060040}) {
		t.Errorf("ssl2 with a 3-byte header: %+v %v", h, err)
	}
	for _, name := range []string{"alert", "tls12", "empty"} {
		if _, err := readSSL2ServerHello(bytes.NewReader(seeds[name])); err == nil {
			t.Errorf("%s read as an SSLv2 SERVER-HELLO", name)
		}
	}
}

// FuzzServerHello feeds arbitrary server answers to both ServerHello
// readers: they must not panic, must stay within their read bounds, and
// what they accept must be self-consistent.
func FuzzServerHello(f *testing.F) {
	for _, s := range helloSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &countingReader{r: bytes.NewReader(data)}
		h, err := readServerHello(r)
		if r.n > maxHelloRecords*(5+maxRecordLen) {
			t.Fatalf("read %d bytes", r.n)
		}
		if err == nil && (h == nil || h.SSL2Ciphers != nil) {
			t.Fatalf("bad result %+v", h)
		}
		if err == nil && h.Version != h.Legacy && !bytes.Contains(data, []byte{0, 43, 0, 2}) {
			t.Fatalf("version %04x without supported_versions", h.Version)
		}
		h, err = readSSL2ServerHello(bytes.NewReader(data))
		if err == nil {
			off := 2
			if data[0]&0x80 == 0 {
				off = 3
			}
			if len(data) < off+11 || data[off] != 4 {
				t.Fatalf("accepted % x as an SSLv2 SERVER-HELLO", data[:min(len(data), 16)])
			}
		}
		if err == nil && len(h.SSL2Ciphers)*3 > len(data) {
			t.Fatalf("%d ciphers from %d bytes", len(h.SSL2Ciphers), len(data))
		}
	})
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
