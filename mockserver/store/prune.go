package store

import (
	"context"
	"time"
)

// Prune implements Store.
func (m *Memory) Prune(_ context.Context, now time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pruneExpired(now), nil
}

// makeRoom keeps the store bounded: every PruneEvery writes, and whenever the cap is reached, it
// drops expired records; if the store is still full, it evicts whole families, oldest first.
// A dropped refresh token is past its expiry, so a replay of it answers "expired or unknown"
// exactly as before: reuse detection needs no tombstone beyond the token's own lifetime.
func (m *Memory) makeRoom(now time.Time) {
	full := len(m.refresh)+len(m.access) >= m.limits.MaxTokens
	if m.writes < m.limits.PruneEvery && !full {
		return
	}
	m.writes = 0
	m.pruneExpired(now)
	if len(m.refresh)+len(m.access) < m.limits.MaxTokens {
		return
	}
	for _, id := range m.sortedFamilies() {
		if len(m.refresh)+len(m.access) < m.limits.MaxTokens*9/10 {
			break
		}
		if !m.families[id].seeded { // the fixture tokens must outlive any load
			m.dropFamily(id)
		}
	}
}

func (m *Memory) pruneExpired(now time.Time) int {
	n := 0
	for id, f := range m.families {
		f.refresh = keep(f.refresh, func(h string) bool {
			r := m.refresh[h]
			if r != nil && !now.Before(r.ExpiresAt) {
				delete(m.refresh, h)
				n++
				return false
			}
			return r != nil
		})
		f.access = keep(f.access, func(a string) bool {
			t := m.access[a]
			if t != nil && !now.Before(t.ExpiresAt) {
				delete(m.access, a)
				n++
				return false
			}
			return t != nil
		})
		if len(f.refresh) == 0 && len(f.access) == 0 {
			m.forgetFamily(id)
		}
	}
	return n
}

func (m *Memory) dropFamily(id string) {
	f := m.families[id]
	for _, h := range f.refresh {
		delete(m.refresh, h)
	}
	for _, a := range f.access {
		delete(m.access, a)
	}
	m.forgetFamily(id)
}

func (m *Memory) forgetFamily(id string) {
	f := m.families[id]
	delete(m.families, id)
	key := subjectKey(f.grant)
	m.subjects.remove(key, id)
	m.withRefresh.remove(key, id)
}

// keep filters a slice in place.
func keep(xs []string, ok func(string) bool) []string {
	out := xs[:0]
	for _, x := range xs {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}
