package store

import (
	"context"
	"errors"
	"sort"
	"time"
)

// Families implements Inspector: a company's families ("" = all), oldest first. It reads every
// family of the current generation, which is fine for the admin API's state view.
func (r *Redis) Families(ctx context.Context, companyID string) ([]Family, error) {
	v, err := r.run(ctx, "families")
	if err != nil {
		return nil, err
	}
	rows, _ := v.([]any)
	out := []Family{}
	for _, row := range rows {
		f, ok, err := decodeFamily(row)
		if err != nil {
			return nil, err
		}
		if ok && (companyID == "" || f.Grant.CompanyID == companyID) {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// decodeFamily reads one row of lua/families.lua; ok is false for a family whose records Redis
// has all dropped by TTL.
func decodeFamily(row any) (Family, bool, error) {
	cols, _ := row.([]any)
	if len(cols) != 3 {
		return Family{}, false, errors.New("redis store: families: unexpected reply")
	}
	f := Family{ID: str(cols[0]), Refresh: []RefreshToken{}, Access: []AccessToken{}}
	refresh, _ := cols[1].([]any)
	for _, rec := range refresh {
		t, err := decodeRefresh(rec)
		if errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return Family{}, false, err
		}
		f.Refresh = append(f.Refresh, t)
		f.note(t.Grant, t.IssuedAt)
	}
	access, _ := cols[2].([]any)
	for _, rec := range access {
		t, err := decodeAccess(rec)
		if errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return Family{}, false, err
		}
		f.Access = append(f.Access, t)
		f.note(t.Grant, t.IssuedAt)
	}
	return f, len(f.Refresh)+len(f.Access) > 0, nil
}

// note takes the family's grant from its records and its creation from the earliest of them.
func (f *Family) note(g Grant, issued time.Time) {
	f.Grant = g
	if f.Created.IsZero() || issued.Before(f.Created) {
		f.Created = issued
	}
}
