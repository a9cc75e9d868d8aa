package store

import (
	"context"
	"sort"
	"time"
)

// subject is what the memory store keeps per grant subject (kind, company, subject): every
// list is capped by Limits, so the store grows with the subjects, not with the tokens issued.
type subject struct {
	Grant Grant `json:"grant"` // subjectKey: no client or scope
	// Holders are the families holding stored refresh tokens, oldest first.
	Holders []string `json:"holders,omitempty"`
	// Recent are the families whose access token may still work, oldest first.
	Recent []recent `json:"recent,omitempty"`
	// Tombs are used or revoked refresh tokens, oldest first: the ring replays are told by.
	Tombs []string `json:"tombs,omitempty"`
	// TokenMarks kill the tokens issued before them; FamilyMarks the families created before
	// them. Each list rises in Below, so dropping its oldest entry kills nothing less.
	TokenMarks  []Mark `json:"token_marks,omitempty"`
	FamilyMarks []Mark `json:"family_marks,omitempty"`
	// Revoked are families revoked whole (a refresh token's reuse), oldest first.
	Revoked []RevokedFamily `json:"revoked,omitempty"`
	// LastEvent is the position of the subject's latest revocation: a new mark merges into the
	// previous one only when nothing else was revoked in between, so reasons stay exact.
	LastEvent uint64 `json:"last_event,omitempty"`
}

// recent is a family the subject remembers while its access token may work.
type recent struct {
	ID   string    `json:"id"`
	Seq  uint64    `json:"seq"`  // the family's position
	Last uint64    `json:"last"` // its latest access token's position
	Exp  time.Time `json:"exp"`  // its latest access token's expiry
}

// Mark is a watermark: positions below Below are revoked, for Why, since position Event.
type Mark struct {
	Below uint64     `json:"below"`
	Event uint64     `json:"event"`
	Why   Revocation `json:"why"`
}

// RevokedFamily is a family revoked whole, remembered until its tokens have all expired.
type RevokedFamily struct {
	ID    string     `json:"id"`
	Seq   uint64     `json:"seq"`
	Event uint64     `json:"event"`
	Why   Revocation `json:"why"`
	Until time.Time  `json:"until"`
}

// subjectKey is the grant with the per-issue fields blanked: one key per (company, subject, kind).
func subjectKey(g Grant) Grant {
	return Grant{Kind: g.Kind, CompanyID: g.CompanyID, Subject: g.Subject}
}

// subjectID is subjectKey as a map key (JSON needs string keys).
func subjectID(g Grant) string { return string(g.Kind) + "\x00" + g.CompanyID + "\x00" + g.Subject }

// subject returns the grant's subject, making it on first use.
func (m *Memory) subject(g Grant) *subject {
	id := subjectID(g)
	sub := m.st.Subjects[id]
	if sub == nil {
		sub = &subject{Grant: subjectKey(g)}
		m.st.Subjects[id] = sub
	}
	return sub
}

// revocation says why a token at position seq of family fam (created at fseq) is dead: the
// earliest revocation that covers it. An offline token answers only to its family's.
func (sub *subject) revocation(seq, fseq uint64, fam string, offline bool) Revocation {
	var best Revocation
	var at uint64
	take := func(ev uint64, why Revocation) {
		if best.Alive() || ev < at {
			best, at = why, ev
		}
	}
	if !offline {
		for _, mk := range sub.TokenMarks {
			if seq < mk.Below {
				take(mk.Event, mk.Why)
			}
		}
		for _, mk := range sub.FamilyMarks {
			if fseq < mk.Below {
				take(mk.Event, mk.Why)
			}
		}
	}
	for _, rf := range sub.Revoked {
		if rf.ID == fam {
			take(rf.Event, rf.Why)
		}
	}
	return best
}

// addMark records a watermark; one with the same reason as the previous, with nothing revoked
// in between, just raises it (E1's supersession adds one per call). It returns the event the
// watermark is recorded under: a merged one keeps its first.
func (m *Memory) addMark(sub *subject, byFamily bool, mk Mark) uint64 {
	list := &sub.TokenMarks
	if byFamily {
		list = &sub.FamilyMarks
	}
	n := len(*list)
	switch {
	case n > 0 && (*list)[n-1].Below >= mk.Below:
		return mk.Event // already covered: nothing more dies
	case n > 0 && (*list)[n-1].Why.Reason == mk.Why.Reason && (*list)[n-1].Event == sub.LastEvent:
		(*list)[n-1].Below = mk.Below // it stays the subject's latest revocation
		return sub.LastEvent
	}
	*list = append(*list, mk)
	if len(*list) > m.limits.Watermarks {
		*list = append((*list)[:0], (*list)[1:]...)
	}
	sub.LastEvent = mk.Event
	return mk.Event
}

// bury puts a newly dead refresh token in its subject's tombstone ring, dropping the oldest
// past the limit (a pinned one stays stored, out of the ring, until it expires).
func (m *Memory) bury(sub *subject, hash string) {
	sub.Tombs = append(sub.Tombs, hash)
	for len(sub.Tombs) > m.limits.Tombstones {
		old := sub.Tombs[0]
		sub.Tombs = append(sub.Tombs[:0], sub.Tombs[1:]...)
		if r := m.st.Refresh[old]; r != nil && m.st.Families[r.Family].Pinned != old {
			m.dropRefresh(old)
		}
	}
}

// killRefresh revokes the stored refresh tokens of the subject's families that match; newly
// dead ones go to the tombstone ring. It returns how many it killed.
func (m *Memory) killRefresh(sub *subject, match func(*family) bool, why Revocation) int {
	n := 0
	for _, id := range append([]string(nil), sub.Holders...) {
		f := m.st.Families[id]
		if f == nil || !match(f) {
			continue
		}
		for _, h := range append([]string(nil), f.Refresh...) {
			r := m.st.Refresh[h]
			if r == nil || !r.Revoked.Alive() {
				continue
			}
			r.Revoked = why
			if r.UsedAt.IsZero() {
				n++
				m.bury(sub, h)
			}
		}
	}
	return n
}

// remember notes a family's latest access token among the subject's recent families. An issue
// keeps at most RecentFamilies (or the cap on active pairs, whichever is more); a rotation
// (maxFamilies -1) trims nothing, so it cannot forget a family the cap still counts.
func (m *Memory) remember(sub *subject, id string, fseq, seq uint64, exp time.Time, maxFamilies int) {
	i := sort.Search(len(sub.Recent), func(i int) bool { return sub.Recent[i].Seq >= fseq })
	if i < len(sub.Recent) && sub.Recent[i].Seq == fseq {
		sub.Recent[i].Last, sub.Recent[i].Exp = seq, exp
		return
	}
	sub.Recent = append(sub.Recent, recent{})
	copy(sub.Recent[i+1:], sub.Recent[i:])
	sub.Recent[i] = recent{ID: id, Seq: fseq, Last: seq, Exp: exp}
	if keep := max(m.limits.RecentFamilies, maxFamilies+1); maxFamilies >= 0 && len(sub.Recent) > keep {
		sub.Recent = append(sub.Recent[:0], sub.Recent[len(sub.Recent)-keep:]...)
	}
}

// alive reports whether a remembered family still has a token that works: an active pair.
func (m *Memory) alive(sub *subject, rc recent, now time.Time) bool {
	if r := m.familyRefresh(rc.ID); r != nil && now.Before(r.ExpiresAt) {
		return true
	}
	return now.Before(rc.Exp) && sub.revocation(rc.Last, rc.Seq, rc.ID, false).Alive()
}

// capFamilies evicts the subject's oldest live families beyond max: one family watermark at
// the oldest family kept, and their refresh tokens revoked. ev is the event of the issue's own
// supersession, if any (0: none): both happen in one step, so they share it, and a run of
// issues keeps one watermark of each kind.
func (m *Memory) capFamilies(sub *subject, max int, now time.Time, ev uint64) {
	var live []recent
	for _, rc := range sub.Recent {
		if m.alive(sub, rc, now) {
			live = append(live, rc)
		}
	}
	if len(live) <= max {
		return
	}
	cut := live[len(live)-max].Seq
	why := Revocation{At: now, Reason: "evicted"}
	m.killRefresh(sub, func(f *family) bool { return f.Seq < cut }, why)
	if ev == 0 {
		ev = m.next()
	}
	m.addMark(sub, true, Mark{Below: cut, Event: ev, Why: why})
}

// revokeFamily kills a whole family (a refresh token's reuse): its refresh tokens, and its
// access tokens through the subject's list of revoked families.
func (m *Memory) revokeFamily(id string, why Revocation) {
	f := m.st.Families[id]
	if f == nil {
		return
	}
	sub := m.subject(f.Grant)
	m.killRefresh(sub, func(g *family) bool { return g == f }, why)
	if !sub.revocation(^uint64(0), f.Seq, id, true).Alive() {
		return // already revoked whole
	}
	until := time.Time{}
	for _, h := range f.Refresh {
		until = later(until, m.st.Refresh[h].ExpiresAt)
	}
	for _, rc := range sub.Recent {
		if rc.ID == id {
			until = later(until, rc.Exp)
		}
	}
	ev := m.next()
	sub.Revoked = append(sub.Revoked, RevokedFamily{ID: id, Seq: f.Seq, Event: ev, Why: why, Until: until})
	sub.LastEvent = ev
	if len(sub.Revoked) > m.limits.RevokedFamilies {
		m.foldOldestRevoked(sub)
	}
}

// foldOldestRevoked makes room in the subject's list of revoked families: the oldest becomes a
// family watermark, so it stays dead, and with it every older family of the subject (their
// refresh tokens too). Past the cap the mock errs on the side of killing, never of reviving.
func (m *Memory) foldOldestRevoked(sub *subject) {
	oldest := sub.Revoked[0]
	sub.Revoked = append(sub.Revoked[:0], sub.Revoked[1:]...)
	m.killRefresh(sub, func(f *family) bool { return f.Seq <= oldest.Seq }, oldest.Why)
	m.addMark(sub, true, Mark{Below: oldest.Seq + 1, Event: oldest.Event, Why: oldest.Why})
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Revoke implements Store: a watermark on every matching subject (its access tokens issued so
// far die), their stored refresh tokens and the matching fixture access tokens revoked.
func (m *Memory) Revoke(_ context.Context, f Filter, why Revocation) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	ids := make([]string, 0, len(m.st.Subjects))
	for id, sub := range m.st.Subjects {
		if matches(sub.Grant, f) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		sub := m.st.Subjects[id]
		for _, rc := range sub.Recent {
			if why.At.Before(rc.Exp) && sub.revocation(rc.Last, rc.Seq, rc.ID, false).Alive() {
				n++
			}
		}
		n += m.killRefresh(sub, func(*family) bool { return true }, why)
		ev := m.next()
		m.addMark(sub, false, Mark{Below: ev, Event: ev, Why: why})
	}
	for _, a := range m.st.Static {
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

// SubjectRevocation is the revocation covering a token at position seq of family fam (created
// at fseq), by the memory store's rule, given a subject's watermarks and revoked families as
// another backend stored them (the Redis store's inspector reads them from its scripts' state).
func SubjectRevocation(tokenMarks, familyMarks []Mark, revoked []RevokedFamily, seq, fseq uint64, fam string) Revocation {
	sub := subject{TokenMarks: tokenMarks, FamilyMarks: familyMarks, Revoked: revoked}
	return sub.revocation(seq, fseq, fam, false)
}
