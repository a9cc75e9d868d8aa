package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/plummock/plummock/mockserver/store"
	"strconv"
	"time"

	"github.com/plummock/plummock/fixtures"
)

// payload encodes a script's request.
func payload(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// runJSON runs a script whose one argument is v as JSON (the scripts that take a record of
// arguments rather than a key or none).
func (r *Redis) runJSON(ctx context.Context, name string, v any) (any, error) {
	arg, err := payload(v)
	if err != nil {
		return nil, err
	}
	return r.run(ctx, name, arg)
}

// Reset implements Store: a new generation with the fixtures and the seed, then the old
// generation's keys are deleted (their TTLs would drop them anyway).
func (r *Redis) Reset(ctx context.Context, set *fixtures.Set, seed store.Seed) error {
	_, err := r.reset(ctx, set, seed, false)
	return err
}

// ResetIfEmpty implements Reseeder: lua/reset.lua checks for a generation and seeds in one
// step, so of every replica and request that found the state lost, one seeds it.
func (r *Redis) ResetIfEmpty(ctx context.Context, set *fixtures.Set, seed store.Seed) (bool, error) {
	return r.reset(ctx, set, seed, true)
}

func (r *Redis) reset(ctx context.Context, set *fixtures.Set, seed store.Seed, ifEmpty bool) (bool, error) {
	arg, err := resetPayload(set, seed, ifEmpty)
	if err != nil {
		return false, err
	}
	old, err := r.run(ctx, "reset", arg)
	if err != nil || old == nil {
		return false, err
	}
	return true, r.dropGeneration(ctx, str(old))
}

// resetPayload is the reset script's request: the fixtures and the seed as records.
func resetPayload(set *fixtures.Set, seed store.Seed, ifEmpty bool) (string, error) {
	fx, err := json.Marshal(set)
	if err != nil {
		return "", err
	}
	q := struct {
		Layout   string        `json:"layout"`
		Gen      string        `json:"gen"`
		Fixtures string        `json:"fixtures"`
		IfEmpty  bool          `json:"if_empty"`
		R        []redisRecord `json:"r"`
		A        []redisRecord `json:"a"`
	}{Layout: strconv.Itoa(store.StateLayout), Gen: seed.Gen, Fixtures: string(fx), IfEmpty: ifEmpty, R: []redisRecord{}, A: []redisRecord{}}
	for _, t := range seed.Refresh {
		rec, err := refreshRecord(t, t.IssuedAt)
		if err != nil {
			return "", err
		}
		q.R = append(q.R, rec)
	}
	for _, t := range seed.Access {
		rec, err := accessRecord(t, t.IssuedAt)
		if err != nil {
			return "", err
		}
		q.A = append(q.A, rec)
	}
	return payload(q)
}

// dropGeneration deletes the keys of a generation no script reads any more.
func (r *Redis) dropGeneration(ctx context.Context, gen string) error {
	iter := r.client.Scan(ctx, 0, r.prefix+gen+":*", 1000).Iterator()
	var batch []string
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == 1000 {
			if err := r.client.Unlink(ctx, batch...).Err(); err != nil {
				return r.failed(err)
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if err := r.client.Unlink(ctx, batch...).Err(); err != nil {
			return r.failed(err)
		}
	}
	return r.failed(iter.Err())
}

// Fixtures implements Store.
func (r *Redis) Fixtures(ctx context.Context) (*fixtures.Set, error) {
	v, err := r.run(ctx, "fixtures")
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, store.ErrNotFound
	}
	return r.cache.get(str(v))
}

// Issue implements Store.
func (r *Redis) Issue(ctx context.Context, p store.Pair, opts store.IssueOptions) (store.Issued, error) {
	now := p.Refresh.IssuedAt
	rr, err := refreshRecord(p.Refresh, now)
	if err != nil {
		return store.Issued{}, err
	}
	sup, _ := revocationJSON(store.Revocation{At: now, Reason: "superseded"})
	evict, _ := revocationJSON(store.Revocation{At: now, Reason: "evicted"})
	v, err := r.runJSON(ctx, "issue", map[string]any{
		"now": timeKey(now), "sup_r": opts.SupersedeRefresh, "sup_a": opts.SupersedeAccess, "keep": opts.KeepTombstone,
		"max": opts.MaxFamilies, "why_sup": sup, "why_evict": evict, "r": rr, "aexp": timeKey(p.Access.ExpiresAt),
	})
	if err != nil {
		return store.Issued{}, err
	}
	r.wrote(ctx, now)
	f, _ := v.([]any)
	return decodeIssued(f)
}

// decodeIssued reads a script's {generation id, position, family position}.
func decodeIssued(f []any) (store.Issued, error) {
	if len(f) != 3 {
		// Never the values: one is the generation secret.
		return store.Issued{}, fmt.Errorf("redis store: unexpected placement: %d fields", len(f))
	}
	seq, _ := f[1].(int64)
	fseq, _ := f[2].(int64)
	return store.Issued{Gen: str(f[0]), Seq: uint64(seq), FamilySeq: uint64(fseq)}, nil
}

// rotateOutcome maps the rotate script's verdict to CheckRotation's error.
func rotateOutcome(verdict string) (error, bool) {
	switch verdict {
	case "ok":
		return nil, true
	case "not_found":
		return store.ErrNotFound, true
	case "wrong_client":
		return store.ErrWrongClient, true
	case "wrong_kind":
		return store.ErrWrongKind, true
	case "revoked":
		return store.ErrRevoked, true
	case "expired":
		return store.ErrExpired, true
	case "used":
		return store.ErrUsed, true
	}
	return nil, false
}

// Rotate implements Store: lua/rotate.lua applies CheckRotation's rule atomically.
func (r *Redis) Rotate(ctx context.Context, rot store.Rotation) (store.RefreshToken, store.Issued, error) {
	rr, err := refreshRecord(rot.Next.Refresh, rot.Now)
	if err != nil {
		return store.RefreshToken{}, store.Issued{}, err
	}
	why, _ := revocationJSON(store.Revocation{At: rot.Now, Reason: "reuse"})
	v, err := r.runJSON(ctx, "rotate", map[string]any{
		"hash": rot.Hash, "client": rot.ClientID, "kind": string(rot.Kind), "now": timeKey(rot.Now),
		"grace": rot.Grace > 0, "cut": timeKey(rot.Now.Add(-rot.Grace)), "reuse": rot.RevokeFamilyOnReuse, "why_reuse": why, "r": rr,
		"aexp": timeKey(rot.Next.Access.ExpiresAt),
	})
	if err != nil {
		return store.RefreshToken{}, store.Issued{}, err
	}
	f, _ := v.([]any)
	outcome, known := rotateOutcome(str(firstOf(f)))
	if errors.Is(outcome, store.ErrNotFound) {
		return store.RefreshToken{}, store.Issued{}, outcome
	}
	if !known || len(f) < 2 {
		// Never the reply: it holds the generation secret.
		return store.RefreshToken{}, store.Issued{}, fmt.Errorf("redis store: rotate: unexpected reply of type %T", v)
	}
	old, err := decodeRefresh(f[1])
	if err != nil || outcome != nil {
		return old, store.Issued{}, errors.Join(err, outcome)
	}
	r.wrote(ctx, rot.Now)
	at, err := decodeIssued(f[2:])
	return old, at, err
}

func firstOf(f []any) any {
	if len(f) == 0 {
		return nil
	}
	return f[0]
}

// wrote counts a write and prunes every DefaultPruneEvery writes, so the indexes stay bounded
// even though Redis drops the records themselves by TTL.
func (r *Redis) wrote(ctx context.Context, now time.Time) {
	if r.writes.Add(1)%r.every == 0 {
		_, _ = r.Prune(ctx, now)
	}
}

// LookupRefresh implements Store.
func (r *Redis) LookupRefresh(ctx context.Context, hash string) (store.RefreshToken, error) {
	v, err := r.run(ctx, "read", "r", hash)
	if err != nil {
		return store.RefreshToken{}, err
	}
	return decodeRefresh(v)
}

// LookupAccess implements Store.
func (r *Redis) LookupAccess(ctx context.Context, id string) (store.AccessToken, error) {
	v, err := r.run(ctx, "read", "a", id)
	if err != nil {
		return store.AccessToken{}, err
	}
	return decodeAccess(v)
}

// CheckAccess implements Store.
func (r *Redis) CheckAccess(ctx context.Context, c store.AccessClaim) (store.AccessState, error) {
	v, err := r.runJSON(ctx, "check", map[string]any{"offline": c.Offline, "sk": redisSubjectList(c.Grant),
		"fam": c.Family, "seq": c.Seq, "fseq": c.FamilySeq})
	if err != nil {
		return store.AccessState{}, err
	}
	f, _ := v.([]any)
	if len(f) != 3 {
		// Never the reply: it holds the generation secret.
		return store.AccessState{}, fmt.Errorf("redis store: check: unexpected reply of type %T", v)
	}
	st := store.AccessState{Gen: str(f[2])}
	if st.Revoked, err = decodeRevocation(str(f[0])); err != nil {
		return store.AccessState{}, err
	}
	st.RefreshExpiry, err = parseTimeKey(str(f[1]))
	return st, err
}

// FamilyRefresh implements Store.
func (r *Redis) FamilyRefresh(ctx context.Context, family string) (store.RefreshToken, error) {
	v, err := r.run(ctx, "family", family)
	if err != nil {
		return store.RefreshToken{}, err
	}
	f, _ := v.([]any)
	if len(f) != 2 {
		return store.RefreshToken{}, store.ErrNotFound
	}
	return decodeRefresh(f[1])
}

// Revoke implements Store.
func (r *Redis) Revoke(ctx context.Context, f store.Filter, why store.Revocation) (int, error) {
	kinds := []store.Kind{store.KindUser, store.KindCompany}
	if f.Kind != "" {
		kinds = []store.Kind{f.Kind}
	}
	sks, css := []string{}, []string{}
	for _, k := range kinds {
		if f.Subject != "" {
			sks = append(sks, redisSubjectList(store.Grant{Kind: k, CompanyID: f.CompanyID, Subject: f.Subject}))
		} else {
			css = append(css, redisCompanySet(k, f.CompanyID))
		}
	}
	w, err := revocationJSON(why)
	if err != nil {
		return 0, err
	}
	v, err := r.runJSON(ctx, "revoke", map[string]any{"sks": sks, "css": css, "why": w, "now": timeKey(why.At)})
	n, _ := v.(int64)
	return int(n), err
}

// Prune implements Store.
func (r *Redis) Prune(ctx context.Context, now time.Time) (int, error) {
	v, err := r.runJSON(ctx, "prune", map[string]string{"now": timeKey(now)})
	n, _ := v.(int64)
	return int(n), err
}

// Stats implements Store. Records Redis dropped by TTL count until the next prune.
func (r *Redis) Stats(ctx context.Context) (store.Stats, error) {
	v, err := r.run(ctx, "stats")
	if err != nil {
		return store.Stats{}, err
	}
	f, _ := v.([]any)
	if len(f) != 6 {
		return store.Stats{}, fmt.Errorf("redis store: stats: unexpected reply %v", v)
	}
	n := func(x any) int { i, _ := x.(int64); return int(i) }
	return store.Stats{RefreshTokens: n(f[0]), AccessTokens: n(f[1]), Families: n(f[2]), Tombstones: n(f[3]),
		Recent: n(f[4]), Revocations: n(f[5])}, nil
}
