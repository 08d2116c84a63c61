package posture

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// maxQueries bounds the DNS queries of one run, whatever the records say
// (SPF include chains, CNAME loops).
const maxQueries = 500

// ErrNXDomain is returned for a name that does not exist.
var ErrNXDomain = errors.New("no such name (NXDOMAIN)")

// Resolver asks one DNS server, caching answers for the run.
type Resolver struct {
	addr    string
	udp     *dns.Client
	tcp     *dns.Client
	queries atomic.Int64

	mu    sync.Mutex
	cache map[string]*dns.Msg
}

// NewResolver prepares a resolver for server (HOST:PORT, or a host, port 53);
// "" means the first nameserver of /etc/resolv.conf.
func NewResolver(server string, timeout time.Duration) (*Resolver, error) {
	if server == "" {
		conf, err := dns.ClientConfigFromFile("/etc/resolv.conf")
		if err != nil || len(conf.Servers) == 0 {
			return nil, fmt.Errorf("no DNS resolver: reading /etc/resolv.conf: %v (give --resolver HOST:PORT)", err)
		}
		server = net.JoinHostPort(conf.Servers[0], conf.Port)
	}
	if _, _, err := net.SplitHostPort(server); err != nil {
		server = net.JoinHostPort(server, "53")
	}
	return &Resolver{
		addr:  server,
		udp:   &dns.Client{Net: "udp", Timeout: timeout, UDPSize: 4096},
		tcp:   &dns.Client{Net: "tcp", Timeout: timeout},
		cache: map[string]*dns.Msg{},
	}, nil
}

// Server is the address of the DNS server asked.
func (r *Resolver) Server() string { return r.addr }

// Queries is the number of queries sent.
func (r *Resolver) Queries() int { return int(r.queries.Load()) }

// Query asks for name and type, recursion desired; with dnssec the DO bit
// is set and checking disabled (CD), so the records and signatures come
// back even when the resolver would call them bogus, and the check can
// validate them itself. A truncated answer is asked again over TCP.
func (r *Resolver) Query(ctx context.Context, name string, qtype uint16, dnssec bool) (*dns.Msg, error) {
	name = dns.Fqdn(strings.ToLower(name))
	key := fmt.Sprintf("%s/%d/%v", name, qtype, dnssec)
	r.mu.Lock()
	if m, ok := r.cache[key]; ok {
		r.mu.Unlock()
		return m, nil
	}
	r.mu.Unlock()
	if r.queries.Add(1) > maxQueries {
		return nil, fmt.Errorf("DNS query budget of %d spent", maxQueries)
	}
	q := new(dns.Msg)
	q.SetQuestion(name, qtype)
	q.RecursionDesired = true
	if dnssec {
		q.SetEdns0(4096, true)
		q.CheckingDisabled = true
	} else {
		q.SetEdns0(4096, false)
	}
	m, _, err := r.udp.ExchangeContext(ctx, q, r.addr)
	if err == nil && m.Truncated {
		m, _, err = r.tcp.ExchangeContext(ctx, q, r.addr)
	}
	if err != nil {
		return nil, fmt.Errorf("DNS %s %s: %w", name, dns.TypeToString[qtype], err)
	}
	r.mu.Lock()
	r.cache[key] = m
	r.mu.Unlock()
	return m, nil
}

// answers returns the records of a type in an answer, following no CNAME
// (the resolver already did), or ErrNXDomain.
func answers(m *dns.Msg, qtype uint16) ([]dns.RR, error) {
	switch m.Rcode {
	case dns.RcodeSuccess:
	case dns.RcodeNameError:
		return nil, ErrNXDomain
	default:
		return nil, fmt.Errorf("DNS answer %s", dns.RcodeToString[m.Rcode])
	}
	var out []dns.RR
	for _, rr := range m.Answer {
		if rr.Header().Rrtype == qtype {
			out = append(out, rr)
		}
	}
	return out, nil
}

// TXT returns the TXT records of a name, each joined from its strings.
func (r *Resolver) TXT(ctx context.Context, name string) ([]string, error) {
	m, err := r.Query(ctx, name, dns.TypeTXT, false)
	if err != nil {
		return nil, err
	}
	rrs, err := answers(m, dns.TypeTXT)
	var out []string
	for _, rr := range rrs {
		out = append(out, strings.Join(rr.(*dns.TXT).Txt, ""))
	}
	return out, err
}

// LookupIP returns the IPv4 and IPv6 addresses of a host (an IP literal is
// returned as is).
func (r *Resolver) LookupIP(ctx context.Context, host string) ([]net.IP, error) {
	if ip := net.ParseIP(host); ip != nil {
		return []net.IP{ip}, nil
	}
	var out []net.IP
	var firstErr error
	for _, t := range []uint16{dns.TypeA, dns.TypeAAAA} {
		m, err := r.Query(ctx, host, t, false)
		if err != nil {
			firstErr = err
			continue
		}
		rrs, err := answers(m, t)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		for _, rr := range rrs {
			switch a := rr.(type) {
			case *dns.A:
				out = append(out, a.A)
			case *dns.AAAA:
				out = append(out, a.AAAA)
			}
		}
	}
	if len(out) == 0 {
		if firstErr == nil {
			firstErr = fmt.Errorf("%s has no A or AAAA record", host)
		}
		return nil, firstErr
	}
	return out, nil
}

// MX returns the mail exchangers of a domain, lower-case without the
// trailing dot.
func (r *Resolver) MX(ctx context.Context, domain string) ([]string, error) {
	m, err := r.Query(ctx, domain, dns.TypeMX, false)
	if err != nil {
		return nil, err
	}
	rrs, err := answers(m, dns.TypeMX)
	var out []string
	for _, rr := range rrs {
		out = append(out, strings.TrimSuffix(strings.ToLower(rr.(*dns.MX).Mx), "."))
	}
	return out, err
}
