// Package tokens is the mock's domain: it issues, rotates and validates Plum token sets over a
// store, a key set and a clock. It knows nothing of HTTP.
package tokens

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/keys"
	"github.com/plummock/plummock/mockserver/store"
)

// Clock is the only source of time the domain reads.
type Clock interface{ Now() time.Time }

// Service issues and checks tokens.
type Service struct {
	cfg    Config
	store  store.Store
	keys   *keys.Set
	clock  Clock
	policy atomic.Pointer[Policy]
	cache  *verifyCache
	blocks *blocks
	// wholesale orders E1 and refreshes against the operations that kill tokens wholesale
	// (Reset, RunScenario): an E1 that authenticated its company token before a password reset
	// must not store its new pair after it, and a refresh that read a fixture refresh token
	// before a reset must not consume the one the reset seeded again (with the old clock's
	// times). They share it; a kill waits for those in flight (each a signature, about a
	// millisecond).
	wholesale sync.RWMutex
	adopt     sync.Mutex  // serialises offline refresh-token adoption
	offline   offlineCuts // scenarios' revocations of offline tokens (offline_revoke.go)
}

// New returns a service; call Reset to load fixtures before serving.
func New(cfg Config, st store.Store, ks *keys.Set, clock Clock) (*Service, error) {
	if err := cfg.Lifetimes.Validate(); err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, store: st, keys: ks, clock: clock, cache: newVerifyCache(verifyCacheSize), blocks: newBlocks()}
	if err := s.SetPolicy(cfg.Policy); err != nil {
		return nil, err
	}
	return s, nil
}

// Policy returns the behaviour profile in force.
func (s *Service) Policy() Policy { return *s.policy.Load() }

// SetPolicy checks and changes the behaviour profile at run time; a bad profile changes nothing.
func (s *Service) SetPolicy(p Policy) error {
	if err := p.Normalize(); err != nil {
		return err
	}
	s.policy.Store(&p)
	return nil
}

// Lifetimes returns the configured token lifetimes.
func (s *Service) Lifetimes() Lifetimes { return s.cfg.Lifetimes }

// now is the mock's time, to the whole second: exp is in seconds and access_token_expiry must
// equal exp*1000 exactly.
func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Second) }

// Reset replaces all state with set: every token issued so far dies, scenario blocks are
// lifted, the fixture tokens live again with fresh lifetimes from the mock's current time.
func (s *Service) Reset(ctx context.Context, set *fixtures.Set) error {
	s.wholesale.Lock()
	defer s.wholesale.Unlock()
	if err := s.store.Reset(ctx, set, s.seed(set)); err != nil {
		return fmt.Errorf("tokens: reset: %w", err) // nothing changed
	}
	s.cache.clear()
	s.ClearBlocks()
	s.offline.clear()
	return nil
}

// Reseed seeds a store that lost its state with set, unless another replica or request has
// seeded it already (store.Reseeder); it reports whether this call did. A store that cannot
// tell is reset.
func (s *Service) Reseed(ctx context.Context, set *fixtures.Set) (bool, error) {
	r, ok := s.store.(store.Reseeder)
	if !ok {
		return true, s.Reset(ctx, set)
	}
	s.wholesale.Lock()
	defer s.wholesale.Unlock()
	seeded, err := r.ResetIfEmpty(ctx, set, s.seed(set))
	if err != nil {
		return false, fmt.Errorf("tokens: reseed: %w", err)
	}
	s.cache.clear()
	s.ClearBlocks() // whoever seeded shares cleared blocks, as a reset does
	return seeded, nil
}

// seed builds the fixture tokens as stored records.
func (s *Service) seed(set *fixtures.Set) store.Seed {
	now := s.now()
	seed := store.Seed{Gen: randomToken(12)} // random: a restarted mock must not accept old tokens
	for _, c := range set.Companies {
		grant := store.Grant{Kind: store.KindCompany, CompanyID: c.ID, Subject: c.ID, ClientID: c.ClientID}
		for _, t := range c.AccessTokens {
			seed.Access = append(seed.Access, store.AccessToken{
				ID: staticID(t), Family: "fixture-" + randomToken(12), Grant: grant,
				IssuedAt: now, ExpiresAt: now.Add(s.cfg.Lifetimes.CompanyAccess),
			})
		}
		for _, t := range c.RefreshTokens {
			seed.Refresh = append(seed.Refresh, store.RefreshToken{
				Hash: HashToken(t), Family: "fixture-" + randomToken(12), Grant: grant,
				IssuedAt: now, ExpiresAt: now.Add(s.cfg.Lifetimes.CompanyRefresh),
			})
		}
	}
	return seed
}

// Fixtures returns the fixture set in force.
func (s *Service) Fixtures(ctx context.Context) (*fixtures.Set, error) {
	return s.store.Fixtures(ctx)
}

// company returns the fixture company with id.
func (s *Service) company(ctx context.Context, id string) (*fixtures.Company, error) {
	set, err := s.store.Fixtures(ctx)
	if err != nil {
		return nil, err
	}
	c, ok := set.Company(id)
	if !ok {
		return nil, ErrInvalidToken
	}
	return c, nil
}

func (s *Service) scopeAllowed(scope string) bool {
	for _, allowed := range s.allowedScopes() {
		if scope == allowed {
			return true
		}
	}
	return false
}

// normalEmail is the subject key of a user: emails compare without case.
func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }
