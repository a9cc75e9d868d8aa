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
	e.rotate(r)
	why := store.Revocation{At: T0.Add(3 * time.Minute), Reason: "password_reset"}
	if _, err := e.s.Revoke(e.ctx, store.Filter{CompanyID: "demo", Subject: "admin@demo.example"}, why); err != nil {
		t.Fatal(err)
	}
	got, err := in.Inspect(e.ctx, "demo")
	if err != nil || len(got.Families) != 3 {
		t.Fatalf("Inspect = %d families, %v; want the two seed families and one issued", len(got.Families), err)
	}
	f := got.Families[2]
	if f.ID != p.Refresh.Family || f.Grant.Subject != "admin@demo.example" || len(f.Refresh) != 2 || len(f.Access) != 0 ||
		f.Refresh[0].UsedAt.IsZero() || f.Refresh[1].Hash != r.Next.Refresh.Hash || !sameRevocation(f.Refresh[1].Revoked, why) ||
		!f.AccessExpiry.Equal(r.Next.Access.ExpiresAt) || !sameRevocation(f.AccessRevoked, why) {
		t.Errorf("issued family = %+v", f)
	}
	if len(got.Families[1].Access) != 1 || got.Families[1].Access[0].ID != "seed-access" {
		t.Errorf("seed access family = %+v", got.Families[1])
	}
	if len(got.Watermarks) != 1 || got.Watermarks[0].Scope != "tokens" || !sameRevocation(got.Watermarks[0].Why, why) ||
		got.Watermarks[0].Grant.Subject != "admin@demo.example" {
		t.Errorf("watermarks = %+v, want the password reset", got.Watermarks)
	}
	if other, err := in.Inspect(e.ctx, "acme"); err != nil || len(other.Families) != 0 || len(other.Watermarks) != 0 {
		t.Errorf("Inspect(acme) = %+v, %v; want nothing", other, err)
	}
}
