package plummock

import (
	"slices"
	"strings"
	"testing"
)

func TestSpecLoadsAndValidates(t *testing.T) {
	doc, err := LoadSpec()
	if err != nil {
		t.Fatalf("LoadSpec: %v", err)
	}
	if len(doc.Servers) != 0 {
		t.Errorf("servers not cleared: %v", doc.Servers)
	}
	ids := OperationIDs(doc)
	slices.Sort(ids)
	want := []string{"callApi", "createUserToken", "refreshCompanyToken", "refreshUserToken", "validateToken"}
	if !slices.Equal(ids, want) {
		t.Errorf("operation ids = %v, want %v", ids, want)
	}
}

func TestSpecHasNoMockOnlyPaths(t *testing.T) {
	doc, err := LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	for path := range doc.Paths.Map() {
		if !strings.HasPrefix(path, "/v1/oauth/") {
			t.Errorf("path %q is not part of the real API", path)
		}
	}
}

func TestSpecKeepsRealServers(t *testing.T) {
	for _, host := range []string{"https://accounts.xoxoday.com/chef", "https://stagingstores.xoxoday.com/chef"} {
		if !strings.Contains(string(SpecYAML()), host) {
			t.Errorf("openapi.yaml lacks server %s", host)
		}
	}
}
