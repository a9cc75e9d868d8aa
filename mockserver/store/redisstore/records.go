package redisstore

import (
	"encoding/json"
	"fmt"
	"github.com/plummock/plummock/mockserver/store"
	"strconv"
	"time"

	"github.com/plummock/plummock/fixtures"
)

// redisRecord is a token as the Lua scripts store it: the Go JSON of its fixed part, plus the
// fields the scripts compare or change (expiry, first use, revocation, family), who it speaks
// for and the keys of its indexes.
type redisRecord struct {
	ID      string `json:"id"`
	J       string `json:"j"`
	Exp     string `json:"exp"`
	Used    string `json:"used"`
	Rev     string `json:"rev"`
	Fam     string `json:"fam"`
	Client  string `json:"client"`
	Kind    string `json:"kind"`
	Company string `json:"company"`
	Subject string `json:"subject"`
	IAT     string `json:"iat"` // when it was issued: a new family's creation
	TTL     string `json:"ttl"` // ms until Redis drops the record
	SK      string `json:"sk"`  // the subject's document
	CS      string `json:"cs"`  // the company's set of subject documents (for this kind)
}

// redisTTLMargin keeps a record in Redis this long past its expiry, so a token whose clock was
// set back a little is not lost before the mock considers it dead.
const redisTTLMargin = 24 * time.Hour

func newRedisRecord(id string, fixed any, g store.Grant, family string, now, iat, exp, used time.Time, rev store.Revocation) (redisRecord, error) {
	j, err := json.Marshal(fixed)
	if err != nil {
		return redisRecord{}, err
	}
	r := redisRecord{
		ID: id, J: string(j), Exp: timeKey(exp), Used: timeKey(used), Fam: family,
		Client: g.ClientID, Kind: string(g.Kind), Company: g.CompanyID, Subject: g.Subject, IAT: timeKey(iat),
		TTL: strconv.FormatInt((max(exp.Sub(now), 0) + redisTTLMargin).Milliseconds(), 10),
		SK:  redisSubjectList(g), CS: redisCompanySet(g.Kind, g.CompanyID),
	}
	if r.Rev, err = revocationJSON(rev); err != nil {
		return redisRecord{}, err
	}
	return r, nil
}

func refreshRecord(t store.RefreshToken, now time.Time) (redisRecord, error) {
	fixed := t
	fixed.UsedAt, fixed.Revoked = time.Time{}, store.Revocation{}
	return newRedisRecord(t.Hash, fixed, t.Grant, t.Family, now, t.IssuedAt, t.ExpiresAt, t.UsedAt, t.Revoked)
}

func accessRecord(t store.AccessToken, now time.Time) (redisRecord, error) {
	fixed := t
	fixed.Revoked = store.Revocation{}
	return newRedisRecord(t.ID, fixed, t.Grant, t.Family, now, t.IssuedAt, t.ExpiresAt, time.Time{}, t.Revoked)
}

// revocationJSON is "" for a live token.
func revocationJSON(r store.Revocation) (string, error) {
	if r.Alive() {
		return "", nil
	}
	b, err := json.Marshal(r)
	return string(b), err
}

// redisSubjectList names a subject's document. The company id is length-prefixed so no choice
// of ids can make two subjects share a key.
func redisSubjectList(g store.Grant) string {
	return fmt.Sprintf("s:%s:%d:%s:%s", g.Kind, len(g.CompanyID), g.CompanyID, g.Subject)
}

// redisCompanySet names the set of a company's subject documents of one kind.
func redisCompanySet(k store.Kind, company string) string { return fmt.Sprintf("c:%s:%s", k, company) }

// decodeRecord reads what lua/lib.lua's record() returns into a token of type T, whose fixed
// part is JSON and whose mutable fields are set by set.
func decodeRecord[T any](v any, set func(t *T, used time.Time, rev store.Revocation, family string)) (T, error) {
	var t T
	f, ok := v.([]any)
	if !ok || len(f) != 4 || f[0] == nil {
		return t, store.ErrNotFound
	}
	j, used, rev, fam := str(f[0]), str(f[1]), str(f[2]), str(f[3])
	if err := json.Unmarshal([]byte(j), &t); err != nil {
		return t, fmt.Errorf("redis store: record: %w", err)
	}
	usedAt, err := parseTimeKey(used)
	if err != nil {
		return t, err
	}
	why, err := decodeRevocation(rev)
	if err != nil {
		return t, err
	}
	set(&t, usedAt, why, fam)
	return t, nil
}

// decodeRevocation reads revocationJSON's form ("" for alive).
func decodeRevocation(rev string) (store.Revocation, error) {
	var why store.Revocation
	if rev != "" {
		if err := json.Unmarshal([]byte(rev), &why); err != nil {
			return why, fmt.Errorf("redis store: revocation: %w", err)
		}
	}
	return why, nil
}

func decodeRefresh(v any) (store.RefreshToken, error) {
	return decodeRecord(v, func(t *store.RefreshToken, used time.Time, rev store.Revocation, fam string) {
		t.UsedAt, t.Revoked, t.Family = used, rev, fam
	})
}

func decodeAccess(v any) (store.AccessToken, error) {
	return decodeRecord(v, func(t *store.AccessToken, _ time.Time, rev store.Revocation, fam string) {
		t.Revoked, t.Family = rev, fam
	})
}

// str is a script reply field as a string ("" for nil).
func str(v any) string {
	s, _ := v.(string)
	return s
}

func decodeFixtures(raw string) (*fixtures.Set, error) {
	var set *fixtures.Set
	if err := json.Unmarshal([]byte(raw), &set); err != nil {
		return nil, fmt.Errorf("redis store: fixtures: %w", err)
	}
	if set == nil {
		return nil, store.ErrNotFound
	}
	return set, nil
}
