package storetest

import (
	"testing"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/store"
)

// testShared: named documents round-trip with versions that rise on every save, and a token
// reset leaves them alone (control state is the mock's to reset, not the store's).
func testShared(t *testing.T, newStore NewStore) {
	s := newStore(t)
	sh, ok := s.(store.Shared)
	if !ok {
		t.Skip("store does not implement store.Shared")
	}
	ctx := t.Context()
	doc, v, err := sh.LoadShared(ctx, "clock")
	if doc != nil || v != 0 || err != nil {
		t.Fatalf("LoadShared(missing) = %q, %d, %v; want nil, 0, nil", doc, v, err)
	}
	v1, err := sh.SaveShared(ctx, "clock", []byte(`{"offset":1}`))
	if err != nil || v1 == 0 {
		t.Fatalf("SaveShared = %d, %v", v1, err)
	}
	v2, err := sh.SaveShared(ctx, "clock", []byte(`{"offset":2}`))
	if err != nil || v2 <= v1 {
		t.Fatalf("second SaveShared = %d, %v; want a version above %d", v2, err, v1)
	}
	if err := s.Reset(ctx, fixtures.Demo(), store.Seed{}); err != nil {
		t.Fatal(err)
	}
	doc, v, err = sh.LoadShared(ctx, "clock")
	if string(doc) != `{"offset":2}` || v != v2 || err != nil {
		t.Errorf("LoadShared = %q, %d, %v; want the second save, version %d", doc, v, err, v2)
	}
	vs, err := sh.SharedVersions(ctx, "clock", "profile")
	if err != nil || len(vs) != 2 || vs[0] != v2 || vs[1] != 0 {
		t.Errorf("SharedVersions = %v, %v; want [%d 0]", vs, err, v2)
	}
}
