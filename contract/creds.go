package contract

import "fmt"

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
	s.secrets.add(access, refresh)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds.CompanyToken, s.creds.CompanyRefreshToken = access, refresh
	return s.persistLocked()
}

// restoreInitial returns to the credentials the run started with; used after an admin reset,
// which brings the fake's fixtures (and so those credentials) back.
func (s *session) restoreInitial() error {
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
// saved (Persist) or the admin reset brings the original back.
func (s *session) canRestore() bool {
	return s.target.Persist != nil || s.caps.admin
}
