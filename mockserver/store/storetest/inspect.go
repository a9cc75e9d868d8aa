package storetest

import (
	"testing"
	"time"

	"github.com/plummock/plummock/mockserver/store"
)

// testInspector: a store that can list families shows a company's families, oldest first, each
// with its tokens as stored.
func testInspector(t *testing.T, newStore NewStore) {
	e := start(t, newStore)
	in, ok := e.s.(store.Inspector)
	if !ok {
		t.Skip("store is not an Inspector")
	}
	p := e.issue(User("admin@demo.example"), T0.Add(time.Minute), store.IssueOptions{})
	r := e.rotation(p.Refresh.Hash, T0.Add(2*time.Minute))
	if _, err := e.s.Rotate(e.ctx, r); err != nil {
		t.Fatal(err)
	}
	fams, err := in.Families(e.ctx, "demo")
	if err != nil || len(fams) != 3 {
		t.Fatalf("Families = %d families, %v; want the two seed families and one issued", len(fams), err)
	}
	f := fams[2]
	if f.ID != p.Refresh.Family || f.Grant != p.Refresh.Grant || !f.Created.Equal(p.Refresh.IssuedAt) ||
		len(f.Refresh) != 2 || len(f.Access) != 2 || f.Refresh[0].UsedAt.IsZero() || f.Refresh[1].Hash != r.Next.Refresh.Hash {
		t.Errorf("issued family = %+v", f)
	}
	if other, err := in.Families(e.ctx, "acme"); err != nil || len(other) != 0 {
		t.Errorf("Families(acme) = %v, %v; want none", other, err)
	}
}
