package store

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/plummock/plummock/fixtures"
)

// Memory is the default store: plain maps behind one mutex. One lock for everything (dex's
// pattern) keeps check-and-rotate atomic without lock-ordering puzzles; operations are map
// lookups, so the lock is held for microseconds.
type Memory struct {
	mu       sync.Mutex
	set      *fixtures.Set
	refresh  map[string]*RefreshToken
	access   map[string]*AccessToken
	families map[string]*family
	subjects subjectSets // every family of a grant subject
	// withRefresh are the families of a subject that may still hold an unused refresh token:
	// E1's supersede visits only these, so its cost does not grow with the subject's history.
	withRefresh subjectSets
	limits      Limits
	writes      int
	seq         uint64 // families stored so far
}

// family groups the tokens of one login chain.
type family struct {
	grant   Grant
	seq     uint64 // insertion order: "oldest" even when the clock stands still
	seeded  bool   // a fixture token's family: never evicted to make room
	created time.Time
	refresh []string // hashes, oldest first
	access  []string // ids
}

// Limits bound the memory store so no client can grow it without end.
type Limits struct {
	// MaxTokens caps refresh plus access records; past it, expired records are pruned and then
	// the oldest families evicted.
	MaxTokens int
	// PruneEvery runs a prune of expired records after this many writes.
	PruneEvery int
}

// Defaults for Limits: they suit a laptop or a CI runner (a few hundred MB at the cap).
const (
	DefaultMaxTokens  = 500_000
	DefaultPruneEvery = 4096
)

// NewMemory returns an empty memory store; call Reset to seed it.
func NewMemory(limits Limits) *Memory {
	if limits.MaxTokens <= 0 {
		limits.MaxTokens = DefaultMaxTokens
	}
	if limits.PruneEvery <= 0 {
		limits.PruneEvery = DefaultPruneEvery
	}
	m := &Memory{limits: limits}
	m.clear()
	return m
}

func (m *Memory) clear() {
	m.refresh = map[string]*RefreshToken{}
	m.access = map[string]*AccessToken{}
	m.families = map[string]*family{}
	m.subjects = subjectSets{}
	m.withRefresh = subjectSets{}
}

// subjectKey is the grant with the per-issue fields blanked: one key per (company, subject, kind).
func subjectKey(g Grant) Grant {
	return Grant{Kind: g.Kind, CompanyID: g.CompanyID, Subject: g.Subject}
}

// Reset implements Store.
func (m *Memory) Reset(_ context.Context, set *fixtures.Set, seed Seed) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clear()
	m.set = set
	for _, r := range seed.Refresh {
		m.addFamily(r.Family, r.Grant, r.IssuedAt).seeded = true
		m.putRefresh(r)
	}
	for _, a := range seed.Access {
		m.addFamily(a.Family, a.Grant, a.IssuedAt).seeded = true
		m.putAccess(a)
	}
	return nil
}

// Fixtures implements Store.
func (m *Memory) Fixtures(context.Context) (*fixtures.Set, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.set == nil {
		return nil, ErrNotFound
	}
	return m.set, nil
}

func (m *Memory) addFamily(id string, g Grant, at time.Time) *family {
	if f, ok := m.families[id]; ok {
		return f
	}
	m.seq++
	f := &family{grant: g, seq: m.seq, created: at}
	m.families[id] = f
	m.subjects.add(subjectKey(g), id)
	return f
}

func (m *Memory) putRefresh(r RefreshToken) {
	m.refresh[r.Hash] = &r
	f := m.families[r.Family]
	f.refresh = append(f.refresh, r.Hash)
	m.withRefresh.add(subjectKey(f.grant), r.Family)
	m.writes++
}

func (m *Memory) putAccess(a AccessToken) {
	m.access[a.ID] = &a
	f := m.families[a.Family]
	f.access = append(f.access, a.ID)
	m.writes++
}

// Issue implements Store.
func (m *Memory) Issue(_ context.Context, p Pair, opts IssueOptions) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.makeRoom(p.Refresh.IssuedAt)
	grant := p.Refresh.Grant
	m.supersede(subjectKey(grant), Revocation{At: p.Refresh.IssuedAt, Reason: "superseded"}, opts)
	m.addFamily(p.Refresh.Family, grant, p.Refresh.IssuedAt)
	m.putRefresh(p.Refresh)
	m.putAccess(p.Access)
	if opts.MaxFamilies > 0 {
		m.capFamilies(subjectKey(grant), opts.MaxFamilies, p.Refresh.IssuedAt)
	}
	return nil
}

// supersede applies E1's rules to a subject's earlier families. Killing refresh tokens only
// (the default) visits just the families that may hold one; killing access tokens too visits
// them all.
func (m *Memory) supersede(key Grant, why Revocation, opts IssueOptions) {
	switch {
	case opts.SupersedeAccess:
		for id := range m.subjects[key] {
			m.revokeFamily(id, why, opts.SupersedeRefresh, true)
		}
	case opts.SupersedeRefresh:
		for id := range m.withRefresh[key] {
			m.revokeFamily(id, why, true, false)
		}
	default:
		return
	}
	if opts.SupersedeRefresh {
		delete(m.withRefresh, key)
	}
}

// capFamilies revokes the oldest live families of a subject beyond max.
func (m *Memory) capFamilies(key Grant, max int, now time.Time) {
	var live []string
	for id := range m.subjects[key] {
		if m.familyAlive(id, now) {
			live = append(live, id)
		}
	}
	sort.Slice(live, func(i, j int) bool { return m.olderFamily(live[i], live[j]) })
	for i := 0; i < len(live)-max; i++ {
		m.revokeFamily(live[i], Revocation{At: now, Reason: "evicted"}, true, true)
	}
}

// familyAlive reports whether any token of the family still works: an active pair is one whose
// access or refresh token could still be used.
func (m *Memory) familyAlive(id string, now time.Time) bool {
	f := m.families[id]
	for _, h := range f.refresh {
		if r := m.refresh[h]; r != nil && r.Revoked.Alive() && r.UsedAt.IsZero() && now.Before(r.ExpiresAt) {
			return true
		}
	}
	for _, a := range f.access {
		if t := m.access[a]; t != nil && t.Revoked.Alive() && now.Before(t.ExpiresAt) {
			return true
		}
	}
	return false
}

func (m *Memory) revokeFamily(id string, why Revocation, refresh, access bool) {
	f := m.families[id]
	if f == nil {
		return
	}
	if refresh {
		for _, h := range f.refresh {
			if r := m.refresh[h]; r != nil && r.Revoked.Alive() {
				r.Revoked = why
			}
		}
	}
	if access {
		for _, a := range f.access {
			if t := m.access[a]; t != nil && t.Revoked.Alive() {
				t.Revoked = why
			}
		}
	}
}

// Rotate implements Store.
func (m *Memory) Rotate(_ context.Context, r Rotation) (RefreshToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.refresh[r.Hash]
	if !ok {
		return RefreshToken{}, ErrNotFound
	}
	if err := CheckRotation(*old, r); err != nil {
		if err == ErrUsed && r.RevokeFamilyOnReuse {
			m.revokeFamily(old.Family, Revocation{At: r.Now, Reason: "reuse"}, true, true)
		}
		return *old, err
	}
	m.makeRoom(r.Now)
	if old.UsedAt.IsZero() {
		old.UsedAt = r.Now
	}
	next := r.Next
	next.Refresh.Family, next.Access.Family = old.Family, old.Family
	m.putRefresh(next.Refresh)
	m.putAccess(next.Access)
	return *old, nil
}

// CheckRotation is the whole rule for whether a presented refresh token may rotate; every store
// applies it, so they cannot disagree.
func CheckRotation(old RefreshToken, r Rotation) error {
	switch {
	case old.Grant.ClientID != r.ClientID:
		return ErrWrongClient
	case old.Grant.Kind != r.Kind:
		return ErrWrongKind
	case !old.Revoked.Alive():
		return ErrRevoked
	case !r.Now.Before(old.ExpiresAt):
		return ErrExpired
	case !old.UsedAt.IsZero() && r.Now.Sub(old.UsedAt) >= r.Grace:
		return ErrUsed
	}
	return nil
}

// Refresh implements Store.
func (m *Memory) Refresh(_ context.Context, hash string) (RefreshToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.refresh[hash]; ok {
		return *r, nil
	}
	return RefreshToken{}, ErrNotFound
}

// Access implements Store.
func (m *Memory) Access(_ context.Context, id string) (AccessToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if a, ok := m.access[id]; ok {
		return *a, nil
	}
	return AccessToken{}, ErrNotFound
}

// FamilyRefresh implements Store: the newest refresh token of the family that is still unused.
func (m *Memory) FamilyRefresh(_ context.Context, id string) (RefreshToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.families[id]
	if !ok {
		return RefreshToken{}, ErrNotFound
	}
	for i := len(f.refresh) - 1; i >= 0; i-- {
		if r := m.refresh[f.refresh[i]]; r != nil && r.UsedAt.IsZero() && r.Revoked.Alive() {
			return *r, nil
		}
	}
	return RefreshToken{}, ErrNotFound
}

// Revoke implements Store.
func (m *Memory) Revoke(_ context.Context, f Filter, why Revocation) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, r := range m.refresh {
		if matches(r.Grant, f) && r.Revoked.Alive() {
			r.Revoked = why
			n++
		}
	}
	for _, a := range m.access {
		if matches(a.Grant, f) && a.Revoked.Alive() {
			a.Revoked = why
			n++
		}
	}
	return n, nil
}

func matches(g Grant, f Filter) bool {
	return g.CompanyID == f.CompanyID && (f.Subject == "" || g.Subject == f.Subject) && (f.Kind == "" || g.Kind == f.Kind)
}

// Stats implements Store.
func (m *Memory) Stats(context.Context) (Stats, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return Stats{RefreshTokens: len(m.refresh), AccessTokens: len(m.access), Families: len(m.families)}, nil
}

// sortedFamilies returns family ids oldest first, for eviction.
func (m *Memory) sortedFamilies() []string {
	ids := make([]string, 0, len(m.families))
	for id := range m.families {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return m.olderFamily(ids[i], ids[j]) })
	return ids
}

// olderFamily orders families by when they were stored.
func (m *Memory) olderFamily(a, b string) bool { return m.families[a].seq < m.families[b].seq }

// set is a set of family ids.
type set map[string]struct{}

// subjectSets are family-id sets by grant subject.
type subjectSets map[Grant]set

// add puts id in the set under key, making the set if needed.
func (sets subjectSets) add(key Grant, id string) {
	if sets[key] == nil {
		sets[key] = set{}
	}
	sets[key][id] = struct{}{}
}

// remove takes id out of the set under key, dropping an emptied set.
func (sets subjectSets) remove(key Grant, id string) {
	delete(sets[key], id)
	if len(sets[key]) == 0 {
		delete(sets, key)
	}
}
