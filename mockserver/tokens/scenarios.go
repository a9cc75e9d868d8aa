package tokens

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/plummock/plummock/mockserver/store"
)

// Scenario names: Plum's documented ways for tokens to die or calls to be refused.
const (
	ScenarioPasswordReset   = "password_reset"
	ScenarioOtherSuperAdmin = "other_super_admin"
	ScenarioUserDisabled    = "user_disabled"
	ScenarioCompanyDisabled = "company_disabled"
	ScenarioIPNotAllowed    = "ip_not_allowed"
	ScenarioRegenerate      = "regenerate"
)

// Scenarios lists every scenario name, for errors and documentation.
func Scenarios() []string {
	return []string{ScenarioPasswordReset, ScenarioOtherSuperAdmin, ScenarioUserDisabled,
		ScenarioCompanyDisabled, ScenarioIPNotAllowed, ScenarioRegenerate}
}

// ScenarioRequest names the company (required) and, for some scenarios, the user.
type ScenarioRequest struct {
	Company string `json:"company"`
	User    string `json:"user,omitempty"`
}

// ScenarioResult says what a scenario did.
type ScenarioResult struct {
	Scenario string    `json:"scenario"`
	Revoked  int       `json:"revoked"`
	Blocked  bool      `json:"blocked"`
	Tokens   *TokenSet `json:"-"` // the fresh company pair of "regenerate"
}

// blocks are the refusals scenarios leave behind until cleared: disabled users and companies,
// and companies whose callers are not allow-listed.
type blocks struct {
	mu        sync.RWMutex
	companies map[string]string // company id -> reason
	users     map[string]string // company id + "/" + email -> reason
}

func newBlocks() *blocks {
	return &blocks{companies: map[string]string{}, users: map[string]string{}}
}

// check returns the refusal in force for a grant, if any.
func (b *blocks) check(companyID, email string) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if reason, ok := b.companies[companyID]; ok {
		return blockError(reason)
	}
	if reason, ok := b.users[companyID+"/"+email]; ok && email != "" {
		return blockError(reason)
	}
	return nil
}

// Block is one refusal in force, as the admin API lists it.
type Block struct {
	Company string `json:"company"`
	User    string `json:"user,omitempty"`
	Reason  string `json:"reason"`
}

// Blocks lists the refusals in force, sorted.
func (s *Service) Blocks() []Block {
	s.blocks.mu.RLock()
	defer s.blocks.mu.RUnlock()
	out := []Block{}
	for c, r := range s.blocks.companies {
		out = append(out, Block{Company: c, Reason: r})
	}
	for key, r := range s.blocks.users {
		for i := range key {
			if key[i] == '/' {
				out = append(out, Block{Company: key[:i], User: key[i+1:], Reason: r})
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Company+out[i].User < out[j].Company+out[j].User })
	return out
}

// ClearBlocks lifts every refusal; tokens already revoked stay dead.
func (s *Service) ClearBlocks() {
	s.blocks.mu.Lock()
	defer s.blocks.mu.Unlock()
	s.blocks.companies, s.blocks.users = map[string]string{}, map[string]string{}
}

// RunScenario reproduces one of Plum's documented invalidations.
func (s *Service) RunScenario(ctx context.Context, name string, req ScenarioRequest) (ScenarioResult, error) {
	s.wholesale.Lock()
	defer s.wholesale.Unlock()
	c, err := s.company(ctx, req.Company)
	if err != nil {
		return ScenarioResult{}, refuse(ErrInvalidRequest, "company: no company %q", req.Company)
	}
	email := normalEmail(req.User)
	if email != "" {
		if _, ok := c.User(email); !ok {
			return ScenarioResult{}, refuse(ErrInvalidRequest, "user: no user %q in company %q", req.User, c.ID)
		}
	}
	res := ScenarioResult{Scenario: name}
	now := s.now()
	revoke := func(f store.Filter, reason string) error {
		why := store.Revocation{At: now, Reason: reason}
		n, err := s.store.Revoke(ctx, f, why)
		res.Revoked += n
		if err == nil {
			s.offline.add(f, why)
		}
		return err
	}
	switch name {
	case ScenarioPasswordReset:
		err = revoke(store.Filter{CompanyID: c.ID, Subject: email}, ReasonPasswordReset)
	case ScenarioOtherSuperAdmin:
		err = revoke(store.Filter{CompanyID: c.ID, Subject: email, Kind: store.KindUser}, ReasonOtherSuperAdmin)
	case ScenarioUserDisabled:
		if email == "" {
			return res, refuse(ErrInvalidRequest, "user: required for user_disabled")
		}
		if err = revoke(store.Filter{CompanyID: c.ID, Subject: email, Kind: store.KindUser}, ReasonUserDisabled); err == nil {
			s.block(c.ID, email, ReasonUserDisabled)
			res.Blocked = true
		}
	case ScenarioCompanyDisabled:
		if err = revoke(store.Filter{CompanyID: c.ID}, ReasonCompanyDisabled); err == nil {
			s.block(c.ID, "", ReasonCompanyDisabled)
			res.Blocked = true
		}
	case ScenarioIPNotAllowed:
		s.block(c.ID, "", ReasonIPNotAllowed)
		res.Blocked = true
	case ScenarioRegenerate:
		err = s.regenerate(ctx, c.ID, c.ClientID, now, &res, revoke)
	default:
		return res, refuse(ErrInvalidRequest, "scenario %q: want one of %v", name, Scenarios())
	}
	return res, err
}

func (s *Service) block(companyID, email, reason string) {
	s.blocks.mu.Lock()
	defer s.blocks.mu.Unlock()
	if email == "" {
		s.blocks.companies[companyID] = reason
		return
	}
	s.blocks.users[companyID+"/"+email] = reason
}

// regenerate is "regenerate tokens from the dashboard": the company's tokens die and a fresh
// company pair is minted and returned.
func (s *Service) regenerate(ctx context.Context, companyID, clientID string, now time.Time, res *ScenarioResult,
	revoke func(store.Filter, string) error) error {
	if err := revoke(store.Filter{CompanyID: companyID, Kind: store.KindCompany}, ReasonRegenerated); err != nil {
		return err
	}
	grant := store.Grant{Kind: store.KindCompany, CompanyID: companyID, Subject: companyID, ClientID: clientID}
	pair, refresh := s.newPair(grant, "fam-"+randomToken(12), now, now.Add(s.cfg.Lifetimes.CompanyRefresh))
	at, err := s.store.Issue(ctx, pair, store.IssueOptions{})
	if err != nil {
		return err
	}
	set, err := s.sign(pair, refresh, at)
	if err != nil {
		return err
	}
	res.Tokens = &set
	return nil
}

// RestoreBlocks replaces the refusals in force, e.g. with those another replica set.
func (s *Service) RestoreBlocks(list []Block) {
	s.blocks.mu.Lock()
	defer s.blocks.mu.Unlock()
	s.blocks.companies, s.blocks.users = map[string]string{}, map[string]string{}
	for _, b := range list {
		if b.User == "" {
			s.blocks.companies[b.Company] = b.Reason
		} else {
			s.blocks.users[b.Company+"/"+b.User] = b.Reason
		}
	}
}
