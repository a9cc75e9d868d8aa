package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"debug/buildinfo"
	"debug/elf"
	"encoding/hex"
	"go/version"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// repoRoot is the checkout this test runs in.
const repoRoot = "../.."

// codeNeeds is the Go release the code itself needs, apart from its dependencies: ecdsa's
// PrivateKey.Bytes (the JWKS) and sync.WaitGroup.Go (tests) are Go 1.25.
const codeNeeds = "go1.25.0"

// TestGoLineIsTheFloorTheDependenciesSet keeps go.mod's go line at the least release that builds
// the module: the highest go line among the dependencies (the go command refuses a lower one),
// or what the code needs if that is higher. A patch release above it would make every user's
// toolchain download that patch.
func TestGoLineIsTheFloorTheDependenciesSet(t *testing.T) {
	mod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	line := goLine(t, string(mod))
	cmd := exec.Command("go", "list", "-m", "-f", "{{if not .Main}}{{.Path}} {{.GoVersion}}{{end}}", "all")
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -m all: %v", err)
	}
	want, why := codeNeeds, "the code itself"
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, gov, _ := strings.Cut(l, " ")
		if gov != "" && version.Compare(release(gov), want) > 0 {
			want, why = release(gov), path
		}
	}
	if line != want {
		t.Errorf("go.mod says go %s; the floor is %s (set by %s)", strings.TrimPrefix(line, "go"), strings.TrimPrefix(want, "go"), why)
	}
}

// goLine returns go.mod's go directive as a release ("go1.26.0").
func goLine(t *testing.T, mod string) string {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(mod))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "go "); ok {
			return release(v)
		}
	}
	t.Fatal("go.mod has no go line")
	return ""
}

// release turns a go line ("1.26" or "1.26.0") into a comparable release ("go1.26.0").
func release(v string) string {
	v = "go" + strings.TrimPrefix(v, "go")
	if version.Lang(v) == v {
		v += ".0"
	}
	return v
}

// TestGoInstallFromTheCheckout installs the command as a user would from a clone.
func TestGoInstallFromTheCheckout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	gobin := t.TempDir()
	cmd := exec.Command("go", "install", "./cmd/plummock")
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "GOBIN="+gobin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(gobin, "plummock"+exeSuffix()), "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "plummock ") {
		t.Fatalf("installed plummock version: %v %q", err, out)
	}
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

// releaseScript runs scripts/release.sh into out with the given targets.
func releaseScript(t *testing.T, out, targets string) (string, error) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not installed")
	}
	cmd := exec.Command("bash", "scripts/release.sh", out)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "TARGETS="+targets, "ALLOW_DIRTY=1")
	b, err := cmd.CombinedOutput()
	return string(b), err
}

// TestReleaseScriptBuildsAVerifiableArchive runs the release script for this machine's platform,
// checks SHA256SUMS against the archives, unpacks the archive and runs the binary in it.
func TestReleaseScriptBuildsAVerifiableArchive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a release archive")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the release script is bash; this checks the .tar.gz")
	}
	out := t.TempDir()
	log, err := releaseScript(t, out, runtime.GOOS+"/"+runtime.GOARCH)
	if err != nil {
		t.Fatalf("release.sh: %v\n%s", err, log)
	}
	names := checkSums(t, out)
	if len(names) != 1 || !strings.HasSuffix(names[0], "_"+runtime.GOOS+"_"+runtime.GOARCH+".tar.gz") {
		t.Fatalf("archives %v, want one plummock_VERSION_%s_%s.tar.gz", names, runtime.GOOS, runtime.GOARCH)
	}
	top := strings.TrimSuffix(names[0], ".tar.gz")
	dir := t.TempDir()
	unpack(t, filepath.Join(out, names[0]), dir)
	bin := filepath.Join(dir, top, "plummock")
	for _, f := range []string{"README.md", "docs"} {
		if _, err := os.Stat(filepath.Join(dir, top, f)); err != nil {
			t.Errorf("archive lacks %s: %v", f, err)
		}
	}
	checkBuild(t, bin)
	checkVersion(t, bin, strings.Split(top, "_")[1])
}

// checkSums verifies every line of out/SHA256SUMS and that it names every archive in out.
func checkSums(t *testing.T, out string) []string {
	t.Helper()
	sums, err := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range strings.Split(strings.TrimSuffix(string(sums), "\n"), "\n") {
		sum, name, ok := strings.Cut(l, "  ")
		b, err := os.ReadFile(filepath.Join(out, name))
		if !ok || err != nil {
			t.Fatalf("SHA256SUMS line %q: %v", l, err)
		}
		if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != sum {
			t.Errorf("%s: sha256 %x, SHA256SUMS says %s", name, got, sum)
		}
		names = append(names, name)
	}
	all, _ := filepath.Glob(filepath.Join(out, "plummock_*"))
	if len(all) != len(names) {
		t.Errorf("%d archives in %s, %d in SHA256SUMS", len(all), out, len(names))
	}
	return names
}

// unpack extracts a .tar.gz into dir (entries are checked to stay inside it).
func unpack(t *testing.T, archive, dir string) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, h.Name)
		if !strings.HasPrefix(p, dir+string(filepath.Separator)) {
			t.Fatalf("entry %q escapes the archive's directory", h.Name)
		}
		if h.Typeflag == tar.TypeDir {
			err = os.MkdirAll(p, 0o755)
		} else {
			err = writeEntry(p, tr, h.FileInfo().Mode())
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func writeEntry(p string, r io.Reader, mode os.FileMode) error {
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// checkBuild reads the binary's build settings: static, trimmed paths, stripped.
func checkBuild(t *testing.T, bin string) {
	t.Helper()
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"CGO_ENABLED": "0", "-trimpath": "true"} // -trimpath leaves -ldflags out
	for _, s := range info.Settings {
		if w, ok := want[s.Key]; ok {
			if s.Value != w {
				t.Errorf("build setting %s=%s, want %s", s.Key, s.Value, w)
			}
			delete(want, s.Key)
		}
	}
	if len(want) != 0 {
		t.Errorf("build settings lack %v", want)
	}
	if runtime.GOOS != "linux" {
		return
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Section(".symtab") != nil {
		t.Errorf("the binary keeps its symbol table (-ldflags=-s missing)")
	}
}

// checkVersion runs `plummock version` from the archive: it names the archive's version, the
// toolchain and, in a plain git clone (as in CI), the commit.
func checkVersion(t *testing.T, bin, archiveVersion string) {
	t.Helper()
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("plummock version: %v", err)
	}
	v := strings.TrimSpace(string(out))
	modVersion := archiveVersion
	if modVersion == "devel" {
		modVersion = "(devel)"
	}
	if !strings.HasPrefix(v, "plummock "+modVersion) || !strings.HasSuffix(v, " "+runtime.Version()) {
		t.Errorf("version %q, want plummock %s ... %s", v, modVersion, runtime.Version())
	}
	if fi, err := os.Stat(filepath.Join(repoRoot, ".git")); err == nil && fi.IsDir() {
		rev, err := exec.Command("git", "-C", repoRoot, "rev-parse", "--short=12", "HEAD").Output()
		if err != nil || !strings.Contains(v, "("+strings.TrimSpace(string(rev))) {
			t.Errorf("version %q does not name the commit %s (%v)", v, rev, err)
		}
	}
	t.Logf("%s", v)
}

// TestReleaseScriptRefusesBadUse: a non-empty output directory (stale archives would join
// SHA256SUMS) and a malformed target stop the script before it builds anything.
func TestReleaseScriptRefusesBadUse(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the release script")
	}
	stale := t.TempDir()
	if err := os.WriteFile(filepath.Join(stale, "plummock_old_linux_amd64.tar.gz"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, out, targets, want string }{
		{"stale output", stale, "linux/amd64", "is not empty"},
		{"bad target", t.TempDir(), "linux", "target linux is not GOOS/GOARCH"},
	}
	for _, c := range cases {
		log, err := releaseScript(t, c.out, c.targets)
		if err == nil || !strings.Contains(log, c.want) {
			t.Errorf("%s: %v, output %q; want a failure saying %q", c.name, err, log, c.want)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(stale, "plummock_old_linux_amd64.tar.gz")); string(b) != "old" {
		t.Errorf("the script touched the stale archive")
	}
}
