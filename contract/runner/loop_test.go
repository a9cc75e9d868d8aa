package runner_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/plummock/plummock/mockserver"
)

func TestScratchProfileOut(t *testing.T) {
	root, dir := fake(t, mockserver.Options{}, nil), t.TempDir()
	prof := filepath.Join(dir, "p.yaml")
	r := run(t, nil, "--base-url", root+"/chef", "--admin-url", root, "--profile-out", prof)
	b, _ := os.ReadFile(prof)
	t.Logf("exit %d\n%s\n%s\n%s", r.code, r.stdout, r.stderr, b)
}
