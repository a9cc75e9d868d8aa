package store

import (
	"context"
	"slices"
	"sort"
	"time"
)

// Prune implements Store.
func (m *Memory) Prune(_ context.Context, now time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pruneExpired(now), nil
}

// makeRoom keeps the store bounded: every PruneEvery writes, and whenever the cap is reached, it
// drops what expired; if the store is still full, it drops the refresh tokens of whole
// families, oldest first (never the fixture tokens, nor the family keep, being rotated, nor an
// adopted offline refresh token, pinned until its expiry). Their access tokens live on: they
// hold no record.
func (m *Memory) makeRoom(now time.Time, keep string) {
	full := m.records() >= m.limits.MaxTokens
	if m.writes < m.limits.PruneEvery && !full {
		return
	}
	m.writes = 0
	m.pruneExpired(now)
	if m.records() < m.limits.MaxTokens {
		return
	}
	for _, id := range m.familiesOldestFirst() {
		if m.records() < m.limits.MaxTokens*9/10 {
			break
		}
		if f := m.st.Families[id]; !f.Seeded && id != keep { // the fixture tokens must outlive any load
			for _, h := range slices.Clone(f.Refresh) {
				if h != f.Pinned { // an adopted offline token: dropped, it could be adopted again
					m.dropRefresh(h)
				}
			}
		}
	}
}

func (m *Memory) records() int { return len(m.st.Refresh) + len(m.st.Static) }

// pruneExpired drops refresh and fixture tokens that expired at or before now, remembered
// families whose tokens all did, and revoked families whose tokens all did. A dropped refresh
// token is past its expiry, so its replay answers "unknown" where it answered "expired".
func (m *Memory) pruneExpired(now time.Time) int {
	n := 0
	for _, h := range m.sortedRefresh() {
		if !now.Before(m.st.Refresh[h].ExpiresAt) {
			m.dropRefresh(h)
			n++
		}
	}
	for id, a := range m.st.Static {
		if !now.Before(a.ExpiresAt) {
			m.dropStatic(id)
			n++
		}
	}
	for _, sub := range m.st.Subjects {
		before := len(sub.Recent) + len(sub.Revoked)
		sub.Recent = slices.DeleteFunc(sub.Recent, func(rc recent) bool {
			return !now.Before(rc.Exp) && m.familyRefresh(rc.ID) == nil
		})
		sub.Revoked = slices.DeleteFunc(sub.Revoked, func(rf RevokedFamily) bool { return !now.Before(rf.Until) })
		n += before - len(sub.Recent) - len(sub.Revoked)
	}
	return n
}

// sortedRefresh lists refresh hashes in a fixed order, so a replay drops them in the same order.
func (m *Memory) sortedRefresh() []string {
	hs := make([]string, 0, len(m.st.Refresh))
	for h := range m.st.Refresh {
		hs = append(hs, h)
	}
	sort.Strings(hs)
	return hs
}

// dropRefresh forgets a refresh token: its record, its place in its family and in the ring.
func (m *Memory) dropRefresh(hash string) {
	r := m.st.Refresh[hash]
	if r == nil {
		return
	}
	delete(m.st.Refresh, hash)
	f := m.st.Families[r.Family]
	f.Refresh = slices.DeleteFunc(f.Refresh, func(h string) bool { return h == hash })
	sub := m.subject(f.Grant)
	sub.Tombs = slices.DeleteFunc(sub.Tombs, func(h string) bool { return h == hash })
	if len(f.Refresh) == 0 {
		sub.Holders = slices.DeleteFunc(sub.Holders, func(id string) bool { return id == r.Family })
		m.forgetEmpty(r.Family)
	}
}

func (m *Memory) dropStatic(id string) {
	a := m.st.Static[id]
	delete(m.st.Static, id)
	if f := m.st.Families[a.Family]; f != nil {
		f.Static = slices.DeleteFunc(f.Static, func(s string) bool { return s == id })
		m.forgetEmpty(a.Family)
	}
}

// forgetEmpty drops a family that holds no stored token (a subject may still remember it in
// its recent families, by id, while its access token works).
func (m *Memory) forgetEmpty(id string) {
	if f := m.st.Families[id]; f != nil && len(f.Refresh) == 0 && len(f.Static) == 0 {
		delete(m.st.Families, id)
	}
}

// familiesOldestFirst returns family ids by position, for eviction.
func (m *Memory) familiesOldestFirst() []string {
	ids := make([]string, 0, len(m.st.Families))
	for id := range m.st.Families {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return m.st.Families[ids[i]].Seq < m.st.Families[ids[j]].Seq })
	return ids
}
