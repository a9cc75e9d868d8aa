package contract

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// credentials returns the credentials as they stand now (they rotate during a run).
func (s *session) credentials() Credentials {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creds
}

// rotateCompany adopts a new company token pair and saves it before anything else is sent: a run
// must never leave its user holding only a dead refresh token. If saving fails the session is
// aborted, so no further request can be made.
func (s *session) rotateCompany(access, refresh string) error {
	s.secrets.addCredentials(access, refresh)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds.CompanyToken, s.creds.CompanyRefreshToken = access, refresh
	return s.persistLocked()
}

// restoreInitial returns to the credentials the run started with; used after an admin reset,
// which brings the fake's fixtures (and so those credentials) back. Only a reset of the base
// target itself does that: when the admin URL is another host:port the credentials in hand are
// left alone, since writing the starting pair back would replace the live pair with a dead one.
func (s *session) restoreInitial() error {
	if !s.adminIsBase() {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.creds == s.initial {
		return nil
	}
	s.creds = s.initial
	return s.persistLocked()
}

func (s *session) persistLocked() error {
	if s.target.Persist == nil {
		return nil
	}
	if err := s.target.Persist(s.creds); err != nil {
		s.aborted = fmt.Errorf("could not save rotated credentials, stopping all requests: %w", err)
		return s.aborted
	}
	return nil
}

// canRestore tells whether rotating the company refresh token is safe: its successor can be
// saved (Persist) or the admin reset brings the original back (only when the admin API is the
// base target's own).
func (s *session) canRestore() bool {
	return s.target.Persist != nil || (s.caps.admin && s.adminIsBase())
}

// adminIsBase reports whether the admin URL and the base URL are the same host:port, so that an
// admin reset resets the target whose credentials the run holds.
func (s *session) adminIsBase() bool {
	a, errA := url.Parse(s.target.AdminURL)
	b, errB := url.Parse(s.target.BaseURL)
	return errA == nil && errB == nil && a.Host != "" && hostPort(a) == hostPort(b)
}

// hostPort is u's host and port, the port defaulted by scheme and the host case-folded.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return net.JoinHostPort(strings.ToLower(strings.TrimSuffix(u.Hostname(), ".")), port)
}
