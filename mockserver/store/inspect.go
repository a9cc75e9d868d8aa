package store

import (
	"context"
	"sort"
)

// Inspect implements Inspector: a company's families ("" = all), oldest first, and the
// watermarks and revoked families of its subjects.
func (m *Memory) Inspect(_ context.Context, companyID string) (Inspection, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := Inspection{Families: []Family{}, Watermarks: []Watermark{}}
	byID := map[string]*Family{}
	order := map[string]uint64{}
	for id, f := range m.st.Families {
		if companyID == "" || f.Grant.CompanyID == companyID {
			byID[id] = m.inspectFamily(id, f)
			order[id] = f.Seq
		}
	}
	for _, sub := range m.st.Subjects {
		if companyID != "" && sub.Grant.CompanyID != companyID {
			continue
		}
		for _, rc := range sub.Recent {
			fam := byID[rc.ID]
			if fam == nil {
				fam = &Family{ID: rc.ID, Grant: sub.Grant, Refresh: []RefreshToken{}, Access: []AccessToken{}}
				byID[rc.ID], order[rc.ID] = fam, rc.Seq
			}
			fam.AccessExpiry, fam.AccessRevoked = rc.Exp, sub.revocation(rc.Last, rc.Seq, rc.ID, false)
		}
		out.Watermarks = append(out.Watermarks, sub.watermarks()...)
	}
	for _, f := range byID {
		out.Families = append(out.Families, *f)
	}
	sort.Slice(out.Families, func(i, j int) bool { return order[out.Families[i].ID] < order[out.Families[j].ID] })
	sort.SliceStable(out.Watermarks, func(i, j int) bool { return out.Watermarks[i].Why.At.Before(out.Watermarks[j].Why.At) })
	return out, nil
}

func (m *Memory) inspectFamily(id string, f *family) *Family {
	fam := &Family{ID: id, Grant: f.Grant, Created: f.Created, Refresh: []RefreshToken{}, Access: []AccessToken{}}
	for _, h := range f.Refresh {
		fam.Refresh = append(fam.Refresh, *m.st.Refresh[h])
	}
	for _, a := range f.Static {
		fam.Access = append(fam.Access, *m.st.Static[a])
	}
	return fam
}

// watermarks lists the subject's revocations for the state view.
func (sub *subject) watermarks() []Watermark {
	var out []Watermark
	for _, mk := range sub.TokenMarks {
		out = append(out, Watermark{Grant: sub.Grant, Scope: "tokens", Why: mk.Why})
	}
	for _, mk := range sub.FamilyMarks {
		out = append(out, Watermark{Grant: sub.Grant, Scope: "families", Why: mk.Why})
	}
	for _, rf := range sub.Revoked {
		out = append(out, Watermark{Grant: sub.Grant, Scope: "family", Family: rf.ID, Why: rf.Why, Until: rf.Until})
	}
	return out
}
