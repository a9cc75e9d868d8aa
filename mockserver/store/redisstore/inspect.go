package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/plummock/plummock/mockserver/store"
	"sort"
	"strconv"
	"strings"
)

// Inspect implements Inspector: a company's families ("" is not supported: a company is
// named), oldest first, and its subjects' watermarks, as lua/inspect.lua reads them.
func (r *Redis) Inspect(ctx context.Context, companyID string) (store.Inspection, error) {
	v, err := r.runJSON(ctx, "inspect", map[string]any{"css": []string{redisCompanySet(store.KindUser, companyID), redisCompanySet(store.KindCompany, companyID)}})
	if err != nil {
		return store.Inspection{}, err
	}
	reply, _ := v.([]any)
	if len(reply) != 2 {
		return store.Inspection{}, errors.New("redis store: inspect: unexpected reply")
	}
	out := store.Inspection{Families: []store.Family{}, Watermarks: []store.Watermark{}}
	byID, order := map[string]*store.Family{}, map[string]uint64{}
	rows, _ := reply[1].([]any)
	for _, row := range rows {
		f, seq, err := decodeFamily(row)
		if err != nil {
			return store.Inspection{}, err
		}
		byID[f.ID], order[f.ID] = &f, seq
	}
	subs, _ := reply[0].([]any)
	for _, raw := range subs {
		sub, err := decodeLuaSubject(str(raw))
		if err != nil {
			return store.Inspection{}, err
		}
		out.Watermarks = append(out.Watermarks, sub.inspect(byID, order)...)
	}
	for _, f := range byID {
		out.Families = append(out.Families, *f)
	}
	sort.Slice(out.Families, func(i, j int) bool { return order[out.Families[i].ID] < order[out.Families[j].ID] })
	sort.SliceStable(out.Watermarks, func(i, j int) bool { return out.Watermarks[i].Why.At.Before(out.Watermarks[j].Why.At) })
	return out, nil
}

// decodeFamily reads one family row of lua/inspect.lua: {id, position, created, refresh
// records, fixture access records}; records Redis dropped by TTL are left out.
func decodeFamily(row any) (store.Family, uint64, error) {
	cols, _ := row.([]any)
	if len(cols) != 5 {
		return store.Family{}, 0, errors.New("redis store: inspect: unexpected family")
	}
	seq, _ := strconv.ParseUint(str(cols[1]), 10, 64)
	created, err := parseTimeKey(str(cols[2]))
	if err != nil {
		return store.Family{}, 0, err
	}
	f := store.Family{ID: str(cols[0]), Created: created}
	if f.Refresh, err = decodeLive(cols[3], decodeRefresh); err != nil {
		return store.Family{}, 0, err
	}
	if f.Access, err = decodeLive(cols[4], decodeAccess); err != nil {
		return store.Family{}, 0, err
	}
	// The family's grant is its last record's: the last access token's where one is left.
	if n := len(f.Access); n > 0 {
		f.Grant = f.Access[n-1].Grant
	} else if n := len(f.Refresh); n > 0 {
		f.Grant = f.Refresh[n-1].Grant
	}
	return f, seq, nil
}

// decodeLive decodes a list of records, leaving out those Redis dropped by TTL. It answers an
// empty list, never nil, so the family's JSON shows [] for none.
func decodeLive[T any](list any, decode func(any) (T, error)) ([]T, error) {
	recs, _ := list.([]any)
	out := []T{}
	for _, rec := range recs {
		t, err := decode(rec)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// luaSubject is lua/lib.lua's subject document.
type luaSubject struct {
	Kind    store.Kind `json:"kind"`
	Company string     `json:"company"`
	Subject string     `json:"subject"`
	Recent  []struct {
		ID   string `json:"id"`
		Seq  uint64 `json:"seq"`
		Last uint64 `json:"last"`
		Exp  string `json:"exp"`
	} `json:"recent"`
	TMarks  []luaMark `json:"tmarks"`
	FMarks  []luaMark `json:"fmarks"`
	Revoked []struct {
		ID    string `json:"id"`
		Seq   uint64 `json:"seq"`
		Event uint64 `json:"event"`
		Why   string `json:"why"`
		Until string `json:"untl"`
	} `json:"revoked"`
}

type luaMark struct {
	Below uint64 `json:"below"`
	Event uint64 `json:"event"`
	Why   string `json:"why"`
}

// decodeLuaSubject reads a subject document. Lua's cjson writes an empty list as {}: no
// object of the document is empty, so every {} is read as [].
func decodeLuaSubject(raw string) (*luaSubject, error) {
	var s luaSubject
	if err := json.Unmarshal([]byte(strings.ReplaceAll(raw, "{}", "[]")), &s); err != nil {
		return nil, fmt.Errorf("redis store: subject: %w", err)
	}
	return &s, nil
}

// inspect notes the subject's remembered families in byID (adding those that hold no stored
// token) and returns its watermarks.
func (s *luaSubject) inspect(byID map[string]*store.Family, order map[string]uint64) []store.Watermark {
	g := store.Grant{Kind: s.Kind, CompanyID: s.Company, Subject: s.Subject}
	var tmarks, fmarks []store.Mark
	var revoked []store.RevokedFamily
	var out []store.Watermark
	for _, list := range []struct {
		marks []luaMark
		into  *[]store.Mark
		scope string
	}{{s.TMarks, &tmarks, "tokens"}, {s.FMarks, &fmarks, "families"}} {
		for _, m := range list.marks {
			why, _ := decodeRevocation(m.Why)
			*list.into = append(*list.into, store.Mark{Below: m.Below, Event: m.Event, Why: why})
			out = append(out, store.Watermark{Grant: g, Scope: list.scope, Why: why})
		}
	}
	for _, rf := range s.Revoked {
		why, _ := decodeRevocation(rf.Why)
		until, _ := parseTimeKey(rf.Until)
		revoked = append(revoked, store.RevokedFamily{ID: rf.ID, Seq: rf.Seq, Event: rf.Event, Why: why})
		out = append(out, store.Watermark{Grant: g, Scope: "family", Family: rf.ID, Why: why, Until: until})
	}
	for _, rc := range s.Recent {
		fam := byID[rc.ID]
		if fam == nil {
			fam = &store.Family{ID: rc.ID, Grant: g, Refresh: []store.RefreshToken{}, Access: []store.AccessToken{}}
			byID[rc.ID], order[rc.ID] = fam, rc.Seq
		}
		fam.AccessExpiry, _ = parseTimeKey(rc.Exp)
		fam.AccessRevoked = store.SubjectRevocation(tmarks, fmarks, revoked, rc.Last, rc.Seq, rc.ID)
	}
	return out
}
