// Package osvtest serves the osv.dev API (querybatch and vulns) from an
// advisory database on 127.0.0.1, for tests of the online lookup.
package osvtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/deps/osv"
)

// Server is a local OSV API answering from a database. The exported
// settings may be changed between requests under Lock/Unlock.
type Server struct {
	*httptest.Server
	DB *osv.DB

	Hits        atomic.Int64 // requests served
	BatchHits   atomic.Int64 // querybatch requests
	VulnHits    atomic.Int64 // vulns/{id} requests
	MaxInFlight atomic.Int64 // most vulns/{id} requests served at once

	sync.Mutex
	Paginate map[string]bool // package name -> answer in two pages
	Hostile  string          // when set, an id added to every batch answer
	Delay    time.Duration   // delay of each vulns/{id} answer

	inFlight atomic.Int64
}

// New starts a server answering from db; Close stops it.
func New(db *osv.DB) *Server {
	s := &Server{DB: db, Paginate: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/querybatch", s.querybatch)
	mux.HandleFunc("GET /v1/vulns/{id}", s.vuln)
	s.Server = httptest.NewServer(mux)
	return s
}

// querybatch answers like osv.dev: one result per query, in order, with the
// ids and modification times of the advisories affecting the version (every
// advisory of the package when no version is given). Queries for packages
// in Paginate get half their ids and a next_page_token.
func (s *Server) querybatch(w http.ResponseWriter, r *http.Request) {
	s.Hits.Add(1)
	s.BatchHits.Add(1)
	var req struct {
		Queries []struct {
			Package struct {
				Name      string `json:"name"`
				Ecosystem string `json:"ecosystem"`
			} `json:"package"`
			Version   string `json:"version"`
			PageToken string `json:"page_token"`
		} `json:"queries"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil || len(req.Queries) > 1000 {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	type ref struct {
		ID       string `json:"id"`
		Modified string `json:"modified"`
	}
	type result struct {
		Vulns         []ref  `json:"vulns,omitempty"`
		NextPageToken string `json:"next_page_token,omitempty"`
	}
	out := struct {
		Results []result `json:"results"`
	}{Results: []result{}}
	s.Lock()
	defer s.Unlock()
	for _, q := range req.Queries {
		if q.Package.Ecosystem != "PyPI" {
			http.Error(w, "bad ecosystem", http.StatusBadRequest)
			return
		}
		var vs []*osv.Vuln
		if q.Version == "" {
			vs = s.DB.Vulns(q.Package.Name)
		} else {
			for _, m := range s.DB.Affecting(q.Package.Name, q.Version) {
				vs = append(vs, m.Vuln)
			}
		}
		var refs []ref
		for _, v := range vs {
			refs = append(refs, ref{ID: v.ID, Modified: v.Modified.UTC().Format(time.RFC3339Nano)})
		}
		if s.Hostile != "" {
			refs = append(refs, ref{ID: s.Hostile, Modified: "2024-01-01T00:00:00Z"})
		}
		var res result
		switch {
		case q.PageToken == "page2":
			res.Vulns = refs[len(refs)/2:]
		case q.PageToken != "":
			http.Error(w, "bad token", http.StatusBadRequest)
			return
		case s.Paginate[q.Package.Name] && len(refs) > 1:
			res.Vulns, res.NextPageToken = refs[:len(refs)/2], "page2"
		default:
			res.Vulns = refs
		}
		out.Results = append(out.Results, res)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// vuln answers one advisory document by id, after Delay.
func (s *Server) vuln(w http.ResponseWriter, r *http.Request) {
	s.Hits.Add(1)
	s.VulnHits.Add(1)
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		m := s.MaxInFlight.Load()
		if n <= m || s.MaxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	s.Lock()
	delay := s.Delay
	s.Unlock()
	time.Sleep(delay)
	v := s.DB.Get(r.PathValue("id"))
	if v == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
