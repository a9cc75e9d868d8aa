package store

import (
	"context"
	"sync"
	"time"

	"github.com/plummock/plummock/fixtures"
)

// Memory is the default store: plain data behind one mutex. One lock for everything (dex's
// pattern) keeps check-and-rotate atomic without lock-ordering puzzles; operations touch a
// handful of entries, so the lock is held for microseconds.
//
// Its state is bounded by the subjects (the fixtures' users and companies), not by how many
// tokens were ever issued: issued access tokens have no record (their signed claims carry a
// generation and a position, checked against per-subject watermarks); refresh tokens are stored
// while live, and once used or revoked only in a per-subject tombstone ring.
type Memory struct {
	mu     sync.Mutex
	st     memState
	limits Limits
	writes int
}

// memState is everything the memory store holds. It is plain data, so the file store can
// snapshot it as JSON; every list is ordered, so replaying the same calls rebuilds it exactly.
type memState struct {
	Set      *fixtures.Set            `json:"fixtures"`
	Gen      string                   `json:"gen"`
	Seq      uint64                   `json:"seq"` // the last position handed out
	Refresh  map[string]*RefreshToken `json:"refresh"`
	Static   map[string]*AccessToken  `json:"static"`
	Families map[string]*family       `json:"families"` // families holding a stored token
	Subjects map[string]*subject      `json:"subjects"` // by subjectID
}

// family groups the stored tokens of one login chain.
type family struct {
	Grant   Grant     `json:"grant"`
	Seq     uint64    `json:"seq"` // position at creation: "oldest" even when the clock stands still
	Seeded  bool      `json:"seeded,omitempty"`
	Created time.Time `json:"created"`
	Refresh []string  `json:"refresh,omitempty"` // hashes, oldest first
	Static  []string  `json:"static,omitempty"`  // fixture access token ids
	Pinned  string    `json:"pinned,omitempty"`  // a refresh hash kept out of the tombstone ring
}

// Limits bound the memory store so no client can grow it without end.
type Limits struct {
	// MaxTokens caps stored refresh plus fixture access tokens; past it, expired records are
	// pruned and then the oldest families' refresh tokens dropped.
	MaxTokens int
	// PruneEvery runs a prune of expired entries after this many writes.
	PruneEvery int
	// Tombstones is how many used or revoked refresh tokens each subject keeps, so a replay
	// is still told "already used" (or the revocation's answer); past it the oldest is dropped
	// and its replay answers "unknown refresh token" (400 invalid_grant all the same).
	Tombstones int
	// RecentFamilies is how many families each subject remembers whose access token may still
	// work, for max_active_pairs and the state view (more are kept while the cap needs them).
	RecentFamilies int
	// RevokedFamilies is how many families revoked on reuse each subject lists by id; past it
	// the oldest is folded into a watermark that also kills the subject's older families.
	RevokedFamilies int
	// Watermarks is how many revocation watermarks of each scope a subject keeps; past it the
	// oldest is dropped (a later one covers its tokens, with its own reason).
	Watermarks int
}

// Defaults for Limits: they suit a laptop or a CI runner.
const (
	DefaultMaxTokens       = 500_000
	DefaultPruneEvery      = 4096
	DefaultTombstones      = 64
	DefaultRecentFamilies  = 64
	DefaultRevokedFamilies = 64
	DefaultWatermarks      = 16
)

// withDefaults fills unset limits.
func (l Limits) withDefaults() Limits {
	set := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	set(&l.MaxTokens, DefaultMaxTokens)
	set(&l.PruneEvery, DefaultPruneEvery)
	set(&l.Tombstones, DefaultTombstones)
	set(&l.RecentFamilies, DefaultRecentFamilies)
	set(&l.RevokedFamilies, DefaultRevokedFamilies)
	set(&l.Watermarks, DefaultWatermarks)
	return l
}

// NewMemory returns an empty memory store; call Reset to seed it.
func NewMemory(limits Limits) *Memory {
	m := &Memory{limits: limits.withDefaults()}
	m.clear()
	return m
}

func (m *Memory) clear() {
	m.st = memState{Refresh: map[string]*RefreshToken{}, Static: map[string]*AccessToken{},
		Families: map[string]*family{}, Subjects: map[string]*subject{}}
}

// next hands out the next position.
func (m *Memory) next() uint64 {
	m.st.Seq++
	return m.st.Seq
}

// Reset implements Store.
func (m *Memory) Reset(_ context.Context, set *fixtures.Set, seed Seed) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clear()
	m.st.Set, m.st.Gen = set, seed.Gen
	for _, r := range seed.Refresh {
		f := m.addFamily(r.Family, r.Grant, r.IssuedAt)
		f.Seeded = true
		m.putRefresh(f, r)
	}
	for _, a := range seed.Access {
		f := m.addFamily(a.Family, a.Grant, a.IssuedAt)
		f.Seeded = true
		m.st.Static[a.ID] = &a
		f.Static = append(f.Static, a.ID)
	}
	return nil
}

// Fixtures implements Store.
func (m *Memory) Fixtures(context.Context) (*fixtures.Set, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.st.Set == nil {
		return nil, ErrNotFound
	}
	return m.st.Set, nil
}

// addFamily stores a family (once) at the next position.
func (m *Memory) addFamily(id string, g Grant, at time.Time) *family {
	if f, ok := m.st.Families[id]; ok {
		return f
	}
	f := &family{Grant: g, Seq: m.next(), Created: at}
	m.st.Families[id] = f
	return f
}

// putRefresh stores a live refresh token in its family and makes the family one of its
// subject's holders.
func (m *Memory) putRefresh(f *family, r RefreshToken) {
	m.st.Refresh[r.Hash] = &r
	if len(f.Refresh) == 0 {
		sub := m.subject(f.Grant)
		sub.Holders = append(sub.Holders, r.Family)
	}
	f.Refresh = append(f.Refresh, r.Hash)
	m.writes++
}

// Issue implements Store.
func (m *Memory) Issue(_ context.Context, p Pair, opts IssueOptions) (Issued, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := p.Refresh.IssuedAt
	m.makeRoom(now, "")
	sub := m.subject(p.Refresh.Grant)
	why := Revocation{At: now, Reason: "superseded"}
	if opts.SupersedeRefresh {
		m.killRefresh(sub, func(*family) bool { return true }, why)
	}
	var ev uint64
	if opts.SupersedeAccess {
		ev = m.next()
		ev = m.addMark(sub, false, Mark{Below: ev, Event: ev, Why: why})
	}
	f := m.addFamily(p.Refresh.Family, p.Refresh.Grant, now)
	if opts.KeepTombstone {
		f.Pinned = p.Refresh.Hash
	}
	m.putRefresh(f, p.Refresh)
	m.remember(sub, p.Refresh.Family, f.Seq, f.Seq, p.Access.ExpiresAt, opts.MaxFamilies)
	if opts.MaxFamilies > 0 {
		m.capFamilies(sub, opts.MaxFamilies, now, ev)
	}
	return Issued{Gen: m.st.Gen, Seq: f.Seq, FamilySeq: f.Seq}, nil
}

// Rotate implements Store.
func (m *Memory) Rotate(_ context.Context, r Rotation) (RefreshToken, Issued, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.st.Refresh[r.Hash]
	if !ok {
		return RefreshToken{}, Issued{}, ErrNotFound
	}
	if err := CheckRotation(*old, r); err != nil {
		if err == ErrUsed && r.RevokeFamilyOnReuse {
			m.revokeFamily(old.Family, Revocation{At: r.Now, Reason: "reuse"})
		}
		return *old, Issued{}, err // nothing else changed: the file store need not log it
	}
	m.makeRoom(r.Now, old.Family)
	f := m.st.Families[old.Family]
	sub := m.subject(f.Grant)
	if old.UsedAt.IsZero() {
		old.UsedAt = r.Now
		m.bury(sub, old.Hash)
	}
	next := r.Next.Refresh
	next.Family = old.Family
	m.putRefresh(f, next)
	seq := m.next()
	m.remember(sub, old.Family, f.Seq, seq, r.Next.Access.ExpiresAt, -1)
	return *old, Issued{Gen: m.st.Gen, Seq: seq, FamilySeq: f.Seq}, nil
}

// CheckRotation is the whole rule for whether a presented refresh token may rotate; every store
// applies it inside its atomic step, so they cannot disagree.
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
	case !old.UsedAt.IsZero() && !InGrace(old.UsedAt, r.Now, r.Grace):
		return ErrUsed
	}
	return nil
}

// InGrace reports whether a token first used at used may rotate again at now. "Used" is a fact
// of the token, not a distance in time: without a grace it never rotates again, and with one only
// while used <= now < used+grace, so a clock moved back before the use (or a request whose time
// was taken before the use committed) sees the token used.
func InGrace(used, now time.Time, grace time.Duration) bool {
	return grace > 0 && !now.Before(used) && now.Before(used.Add(grace))
}

// LookupRefresh implements Store.
func (m *Memory) LookupRefresh(_ context.Context, hash string) (RefreshToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.st.Refresh[hash]; ok {
		return *r, nil
	}
	return RefreshToken{}, ErrNotFound
}

// LookupAccess implements Store.
func (m *Memory) LookupAccess(_ context.Context, id string) (AccessToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if a, ok := m.st.Static[id]; ok {
		return *a, nil
	}
	return AccessToken{}, ErrNotFound
}

// CheckAccess implements Store.
func (m *Memory) CheckAccess(_ context.Context, c AccessClaim) (AccessState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := AccessState{Gen: m.st.Gen}
	if sub := m.st.Subjects[subjectID(c.Grant)]; sub != nil {
		out.Revoked = sub.revocation(c.Seq, c.FamilySeq, c.Family, c.Offline)
	}
	if r := m.familyRefresh(c.Family); r != nil {
		out.RefreshExpiry = r.ExpiresAt
	}
	return out, nil
}

// FamilyRefresh implements Store: the newest refresh token of the family that is still unused.
func (m *Memory) FamilyRefresh(_ context.Context, id string) (RefreshToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.familyRefresh(id); r != nil {
		return *r, nil
	}
	return RefreshToken{}, ErrNotFound
}

func (m *Memory) familyRefresh(id string) *RefreshToken {
	f, ok := m.st.Families[id]
	if !ok {
		return nil
	}
	for i := len(f.Refresh) - 1; i >= 0; i-- {
		if r := m.st.Refresh[f.Refresh[i]]; r != nil && r.UsedAt.IsZero() && r.Revoked.Alive() {
			return r
		}
	}
	return nil
}

// Stats implements Store.
func (m *Memory) Stats(context.Context) (Stats, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := Stats{RefreshTokens: len(m.st.Refresh), AccessTokens: len(m.st.Static), Families: len(m.st.Families)}
	for _, sub := range m.st.Subjects {
		st.Tombstones += len(sub.Tombs)
		st.Recent += len(sub.Recent)
		st.Revocations += len(sub.TokenMarks) + len(sub.FamilyMarks) + len(sub.Revoked)
	}
	return st, nil
}
