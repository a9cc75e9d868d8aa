package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The release binary does not link package testing: the suite's `go test` entry point lives in
// contract/contracttest, which only tests import.
func TestBinaryDoesNotLinkTesting(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == "testing" {
			t.Fatal("cmd/plummock depends on package testing")
		}
	}
}
