package store

import (
	"context"
	"sort"
)

// Families implements Inspector: a company's families ("" = all), oldest first.
func (m *Memory) Families(_ context.Context, companyID string) ([]Family, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []Family{}
	for id, f := range m.families {
		if companyID != "" && f.grant.CompanyID != companyID {
			continue
		}
		fam := Family{ID: id, Grant: f.grant, Created: f.created, Refresh: []RefreshToken{}, Access: []AccessToken{}}
		for _, h := range f.refresh {
			if r := m.refresh[h]; r != nil {
				fam.Refresh = append(fam.Refresh, *r)
			}
		}
		for _, a := range f.access {
			if t := m.access[a]; t != nil {
				fam.Access = append(fam.Access, *t)
			}
		}
		out = append(out, fam)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}
