// Package osvtest serves the osv.dev API (querybatch and vulns) from an
// advisory database on 127.0.0.1, for tests of the online lookup.
package osvtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/deps/osv"
)

// Server is a local OSV API answering from a database.
type Server struct {
	*httptest.Server
	DB   *osv.DB
	Hits atomic.Int64 // requests served
}

// New starts a server answering from db; Close stops it.
func New(db *osv.DB) *Server {
	s := &Server{DB: db}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/querybatch", s.querybatch)
	mux.HandleFunc("GET /v1/vulns/{id}", s.vuln)
	s.Server = httptest.NewServer(mux)
	return s
}

func (s *Server) querybatch(w http.ResponseWriter, r *http.Request) {
	s.Hits.Add(1)
	var req struct {
		Queries []struct {
			Package struct {
				Name string `json:"name"`
			} `json:"package"`
			Version string `json:"version"`
		} `json:"queries"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	type ref struct {
		ID       string `json:"id"`
		Modified string `json:"modified"`
	}
	type result struct {
		Vulns []ref `json:"vulns,omitempty"`
	}
	out := struct {
		Results []result `json:"results"`
	}{Results: []result{}}
	for _, q := range req.Queries {
		var res result
		var vs []*osv.Vuln
		if q.Version == "" {
			vs = s.DB.Vulns(q.Package.Name)
		} else {
			for _, m := range s.DB.Affecting(q.Package.Name, q.Version) {
				vs = append(vs, m.Vuln)
			}
		}
		for _, v := range vs {
			res.Vulns = append(res.Vulns, ref{ID: v.ID, Modified: v.Modified.UTC().Format(time.RFC3339)})
		}
		out.Results = append(out.Results, res)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func (s *Server) vuln(w http.ResponseWriter, r *http.Request) {
	s.Hits.Add(1)
	v := s.DB.Get(r.PathValue("id"))
	if v == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
