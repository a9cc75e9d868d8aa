package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tree makes dir/plummock_v1_linux_amd64 with an executable, a plain file and a subdirectory.
func tree(t *testing.T) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "plummock_v1_linux_amd64")
	must(t, os.MkdirAll(filepath.Join(src, "docs"), 0o700))
	must(t, os.WriteFile(filepath.Join(src, "plummock"), []byte("#!/bin/sh\necho hi\n"), 0o700))
	must(t, os.WriteFile(filepath.Join(src, "README.md"), []byte("# plummock\n"), 0o600))
	must(t, os.WriteFile(filepath.Join(src, "docs", "ci.md"), []byte("ci\n"), 0o600))
	return src
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var mtime = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// want is what both formats must hold: name → mode and content ("" for a directory).
var want = map[string]struct {
	mode    fs.FileMode
	content string
}{
	"plummock_v1_linux_amd64/":           {fs.ModeDir | 0o755, ""},
	"plummock_v1_linux_amd64/README.md":  {0o644, "# plummock\n"},
	"plummock_v1_linux_amd64/docs/":      {fs.ModeDir | 0o755, ""},
	"plummock_v1_linux_amd64/docs/ci.md": {0o644, "ci\n"},
	"plummock_v1_linux_amd64/plummock":   {0o755, "#!/bin/sh\necho hi\n"},
}

func TestTarGzHoldsTheTreeOwnedByRootWithFixedTimesAndModes(t *testing.T) {
	out := filepath.Join(t.TempDir(), "a.tar.gz")
	must(t, writeArchive(out, tree(t), mtime))
	f, err := os.Open(out)
	must(t, err)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	must(t, err)
	tr := tar.NewReader(gz)
	seen := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		must(t, err)
		body, err := io.ReadAll(tr)
		must(t, err)
		check(t, h.Name, h.FileInfo().Mode(), string(body), h.ModTime)
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s: owner %d:%d %q:%q, want 0:0 and no names", h.Name, h.Uid, h.Gid, h.Uname, h.Gname)
		}
		seen[h.Name] = true
	}
	if len(seen) != len(want) {
		t.Errorf("archive holds %v, want %d entries", seen, len(want))
	}
}

func TestZipHoldsTheTreeWithUnixModes(t *testing.T) {
	out := filepath.Join(t.TempDir(), "a.zip")
	must(t, writeArchive(out, tree(t), mtime))
	zr, err := zip.OpenReader(out)
	must(t, err)
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		must(t, err)
		body, err := io.ReadAll(rc)
		must(t, err)
		rc.Close()
		check(t, f.Name, f.Mode(), string(body), f.Modified)
	}
	if len(zr.File) != len(want) {
		t.Errorf("zip holds %d entries, want %d", len(zr.File), len(want))
	}
}

func check(t *testing.T, name string, mode fs.FileMode, body string, mt time.Time) {
	t.Helper()
	w, ok := want[name]
	switch {
	case !ok:
		t.Errorf("unexpected entry %q", name)
	case mode != w.mode:
		t.Errorf("%s: mode %v, want %v", name, mode, w.mode)
	case body != w.content:
		t.Errorf("%s: content %q, want %q", name, body, w.content)
	case !mt.Equal(mtime):
		t.Errorf("%s: mtime %v, want %v", name, mt, mtime)
	}
}

// Two builds of the same tree, at different times and from different disk modes, are the
// same bytes: checksums published for a release can be reproduced.
func TestArchivesAreReproducible(t *testing.T) {
	for _, ext := range []string{".tar.gz", ".zip"} {
		a, b := tree(t), tree(t)
		must(t, os.Chmod(filepath.Join(b, "README.md"), 0o664))
		must(t, os.Chtimes(filepath.Join(b, "README.md"), time.Now(), time.Now().Add(-time.Hour)))
		outA, outB := filepath.Join(t.TempDir(), "a"+ext), filepath.Join(t.TempDir(), "b"+ext)
		must(t, writeArchive(outA, a, mtime))
		must(t, writeArchive(outB, b, mtime))
		ba, _ := os.ReadFile(outA)
		bb, _ := os.ReadFile(outB)
		if len(ba) == 0 || !bytes.Equal(ba, bb) {
			t.Errorf("%s: two archives of the same tree differ (%d and %d bytes)", ext, len(ba), len(bb))
		}
	}
}

func TestSumsListEveryArchiveAndSha256sumAgrees(t *testing.T) {
	dir := t.TempDir()
	must(t, writeArchive(filepath.Join(dir, "p_linux.tar.gz"), tree(t), mtime))
	must(t, writeArchive(filepath.Join(dir, "p_windows.zip"), tree(t), mtime))
	must(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an archive"), 0o644))
	must(t, writeSums(dir))
	sums, err := os.ReadFile(filepath.Join(dir, sumsFile))
	must(t, err)
	lines := strings.Split(strings.TrimSuffix(string(sums), "\n"), "\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[0], "  p_linux.tar.gz") || !strings.HasSuffix(lines[1], "  p_windows.zip") {
		t.Fatalf("SHA256SUMS:\n%s", sums)
	}
	for i, name := range []string{"p_linux.tar.gz", "p_windows.zip"} {
		sum, err := fileSHA256(filepath.Join(dir, name))
		must(t, err)
		if lines[i] != sum+"  "+name {
			t.Errorf("line %q, want %s  %s", lines[i], sum, name)
		}
	}
	if _, err := exec.LookPath("sha256sum"); err == nil {
		cmd := exec.Command("sha256sum", "-c", sumsFile)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("sha256sum -c: %v\n%s", err, out)
		}
	}
}

func TestBadUseIsRefused(t *testing.T) {
	dir := t.TempDir()
	cases := map[string][]string{
		"no arguments":    nil,
		"unknown command": {"unpack", dir},
		"bad mtime":       {"archive", "-mtime", "yesterday", filepath.Join(dir, "x.tar.gz"), tree(t)},
		"bad extension":   {"archive", "-mtime", "0", filepath.Join(dir, "x.rar"), tree(t)},
		"no such dir":     {"archive", "-mtime", "0", filepath.Join(dir, "x.zip"), filepath.Join(dir, "missing")},
		"nothing to sum":  {"sums", dir},
	}
	for name, args := range cases {
		var stderr bytes.Buffer
		if code := run(args, &stderr); code == 0 || stderr.Len() == 0 {
			t.Errorf("%s: exit %d, stderr %q; want a failure that says why", name, code, stderr.String())
		}
	}
}
