package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Shell variables that stand for the user's credentials in evidence.
const (
	tokenVar    = "FASTAPI_AUDIT_TOKEN"
	headerVar   = "FASTAPI_AUDIT_HEADER"
	passwordVar = "FASTAPI_AUDIT_PASSWORD"
)

// authenticate turns --token, --header and --login into users.
func (s *Session) authenticate(ctx context.Context) {
	names := []string{"user A", "user B", "user C", "user D"}
	add := func(u *User) {
		if len(s.Users) < len(names) {
			u.Name = names[len(s.Users)] + u.Name
			s.Users = append(s.Users, u)
		}
	}
	suffix := func(i int) string {
		if i == 0 {
			return ""
		}
		return fmt.Sprintf("_%d", i+1)
	}
	for i, tok := range s.Opts.Tokens {
		tok = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(tok), "Bearer "))
		s.Client.Secret(tok, tokenVar+suffix(i))
		add(&User{Header: http.Header{"Authorization": {"Bearer " + tok}}, Token: tok})
	}
	for i, l := range s.Opts.Logins {
		s.Client.Secret(l.Password, passwordVar+suffix(i))
		tok, err := s.login(ctx, l)
		if err != nil {
			s.Diag("login", "logging in as %s: %v", l.User, err)
			continue
		}
		s.Client.Secret(tok, tokenVar+suffix(len(s.Opts.Tokens)+i))
		add(&User{Name: " (" + l.User + ")", Header: http.Header{"Authorization": {"Bearer " + tok}}, Token: tok})
	}
	if len(s.Opts.Headers) > 0 {
		h := http.Header{}
		for i, line := range s.Opts.Headers {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			v = strings.TrimSpace(v)
			h.Add(strings.TrimSpace(k), v)
			s.Client.Secret(v, headerVar+suffix(i))
		}
		if len(s.Users) == 0 {
			add(&User{Header: h})
		} else {
			for k, vs := range h {
				s.Users[0].Header[k] = vs
			}
		}
	}
}

// login runs the OAuth2 password flow and returns the access token.
func (s *Session) login(ctx context.Context, l Login) (string, error) {
	tokenURL := s.Opts.LoginURL
	if tokenURL == "" && s.Spec != nil {
		for _, sch := range s.Spec.SecuritySchemes {
			if sch.Type == "oauth2" && sch.TokenURL != "" {
				tokenURL = sch.TokenURL
				break
			}
		}
	}
	if tokenURL == "" {
		return "", fmt.Errorf("no token URL: the document declares no OAuth2 password flow (give --login-url)")
	}
	form := url.Values{"username": {l.User}, "password": {l.Password}, "grant_type": {"password"}}
	resp, err := s.Client.Do(ctx, &Request{Method: http.MethodPost, Path: tokenURL, Explicit: true,
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte(form.Encode())})
	if err != nil {
		return "", err
	}
	if resp.Status != http.StatusOK {
		return "", fmt.Errorf("%s answered %d", tokenURL, resp.Status)
	}
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil || body.AccessToken == "" {
		return "", fmt.Errorf("%s: no access_token in the answer", tokenURL)
	}
	return body.AccessToken, nil
}
