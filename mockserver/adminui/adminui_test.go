package adminui

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/plummock/plummock"
)

var testOps = []string{"validateToken", "createUserToken", "refreshUserToken"}

// newHandler builds the handler from the real documents: the embedded Plum contract and the
// admin API's description next to this package.
func newHandler(t *testing.T) *Handler {
	t.Helper()
	admin, err := os.ReadFile("../admin.yaml")
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(testOps, Spec{Name: "openapi", Title: "Plum API", YAML: plummock.SpecYAML()},
		Spec{Name: "admin", Title: "Admin API", YAML: admin})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

type answer struct {
	status int
	header http.Header
	body   string
}

func get(h http.Handler, method, path string, header ...string) answer {
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return answer{w.Code, w.Header(), w.Body.String()}
}

// TestPagesAnswerWithTypeAndCaching checks every page: status, type, revalidation, the
// security headers, and a piece of content that proves it is the right page.
func TestPagesAnswerWithTypeAndCaching(t *testing.T) {
	h := newHandler(t)
	for _, c := range []struct{ path, ctype, csp, want string }{
		{"/__admin/ui", "text/html; charset=utf-8", cspUI, `<script src="/__admin/ui/app.js" defer></script>`},
		{"/__admin/ui/", "text/html; charset=utf-8", cspUI, `id="journal"`},
		{"/__admin/ui/app.js", "text/javascript; charset=utf-8", cspUI, `"/__admin" + path`},
		{"/__admin/ui/app.css", "text/css; charset=utf-8", cspUI, `.journal`},
		{"/__admin/docs", "text/html; charset=utf-8", cspDocs, `<a href="/__admin/docs/admin.yaml">admin.yaml</a>`},
		{"/__admin/docs/openapi", "text/html; charset=utf-8", cspDocs, `operationId <code>createUserToken</code>`},
		{"/__admin/docs/admin", "text/html; charset=utf-8", cspDocs, `operationId <code>advanceClock</code>`},
		{"/__admin/docs/openapi.yaml", "application/yaml", cspDocs, "operationId: refreshUserToken"},
		{"/__admin/docs/admin.yaml", "application/yaml", cspDocs, "operationId: runScenario"},
	} {
		a := get(h, "GET", c.path)
		if a.status != 200 || a.header.Get("Content-Type") != c.ctype || !strings.Contains(a.body, c.want) {
			t.Errorf("GET %s: %d %q, body has %q: %v", c.path, a.status, a.header.Get("Content-Type"), c.want, strings.Contains(a.body, c.want))
		}
		for k, v := range map[string]string{"Cache-Control": "no-cache", "Content-Security-Policy": c.csp,
			"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"} {
			if got := a.header.Get(k); got != v {
				t.Errorf("GET %s: %s = %q, want %q", c.path, k, got, v)
			}
		}
		etag := a.header.Get("ETag")
		if len(etag) < 10 {
			t.Errorf("GET %s: ETag %q", c.path, etag)
		}
		if n := get(h, "GET", c.path, "If-None-Match", etag); n.status != http.StatusNotModified || n.body != "" {
			t.Errorf("GET %s with its ETag: %d %q, want 304 and no body", c.path, n.status, n.body)
		}
		if hd := get(h, "HEAD", c.path); hd.status != 200 || hd.body != "" || hd.header.Get("Content-Length") != a.header.Get("Content-Length") {
			t.Errorf("HEAD %s: %d, %d bytes, length %q", c.path, hd.status, len(hd.body), hd.header.Get("Content-Length"))
		}
	}
}

// TestUnknownPathsAndMethodsAnswerJSON: a miss is the mock's JSON error, never a page.
func TestUnknownPathsAndMethodsAnswerJSON(t *testing.T) {
	h := newHandler(t)
	for _, c := range []struct {
		method, path string
		status       int
		want         string
	}{
		{"GET", "/__admin/ui/index.html", 404, `{"error":"invalid_request","error_description":"no such endpoint: /__admin/ui/index.html"}`},
		{"GET", "/__admin/ui/../admin.yaml", 404, `"error":"invalid_request"`},
		{"GET", "/__admin/docs/nope", 404, `no such endpoint: /__admin/docs/nope`},
		{"GET", "/__admin/docs/docs.html", 404, `no such endpoint`},
		{"POST", "/__admin/ui", 405, `{"error":"invalid_request","error_description":"method POST is not allowed on this path"}`},
		{"DELETE", "/__admin/docs/openapi", 405, `method DELETE is not allowed`},
	} {
		a := get(h, c.method, c.path)
		if a.status != c.status || a.header.Get("Content-Type") != "application/json" || !strings.Contains(a.body, c.want) {
			t.Errorf("%s %s: %d %q %s, want %d with %s", c.method, c.path, a.status, a.header.Get("Content-Type"), a.body, c.status, c.want)
		}
		if c.status == 405 && a.header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s %s: Allow %q", c.method, c.path, a.header.Get("Allow"))
		}
	}
}

// TestAssetSetIsExactly pins what is embedded and what is served, so nothing is served by
// accident (a template, a stray file) and nothing embedded is dead weight.
func TestAssetSetIsExactly(t *testing.T) {
	var files []string
	_ = fs.WalkDir(assets, "assets", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	slices.Sort(files)
	if want := []string{"assets/app.css", "assets/app.js", "assets/docs.html", "assets/index.html"}; !slices.Equal(files, want) {
		t.Errorf("embedded %v, want %v", files, want)
	}
	paths := newHandler(t).paths()
	slices.Sort(paths)
	want := []string{"/__admin/docs", "/__admin/docs/admin", "/__admin/docs/admin.yaml", "/__admin/docs/openapi",
		"/__admin/docs/openapi.yaml", "/__admin/ui", "/__admin/ui/", "/__admin/ui/app.css", "/__admin/ui/app.js"}
	if !slices.Equal(paths, want) {
		t.Errorf("served %v, want %v", paths, want)
	}
}

var (
	anyURL  = regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+`)
	linkRef = regexp.MustCompile(`(?i)\b(?:href|src|action)\s*=\s*"([^"]*)"`)
	cssURL  = regexp.MustCompile(`(?i)url\(|@import`)
)

// TestNothingLoadsFromElsewhere: the page works offline. The control page, its script and its
// style name no URL at all; the reference pages link only within the mock (the documents'
// server URLs appear as text, never as something a browser fetches or follows).
func TestNothingLoadsFromElsewhere(t *testing.T) {
	h := newHandler(t)
	for _, p := range []string{"/__admin/ui", "/__admin/ui/app.js", "/__admin/ui/app.css"} {
		body := get(h, "GET", p).body
		if m := anyURL.FindString(body); m != "" {
			t.Errorf("%s names %q", p, m)
		}
		if cssURL.MatchString(body) {
			t.Errorf("%s loads something through CSS", p)
		}
	}
	for _, p := range []string{"/__admin/ui", "/__admin/docs", "/__admin/docs/openapi", "/__admin/docs/admin"} {
		for _, m := range linkRef.FindAllStringSubmatch(get(h, "GET", p).body, -1) {
			if ref := m[1]; !(strings.HasPrefix(ref, "/__admin/") || strings.HasPrefix(ref, "#") || ref == "data:,") {
				t.Errorf("%s links to %q", p, ref)
			}
		}
	}
}

// TestFaultTargetsAreTheOperations: the fault form offers "*" and each operation, sorted.
func TestFaultTargetsAreTheOperations(t *testing.T) {
	body := get(newHandler(t), "GET", "/__admin/ui").body
	want := `<option value="*">* (every operation)</option><option>createUserToken</option><option>refreshUserToken</option><option>validateToken</option></select>`
	if !strings.Contains(body, want) {
		t.Errorf("fault targets: want %s in the page", want)
	}
}

// pageBudget bounds what the control page transfers on a first load (HTML, script, style,
// uncompressed): it is a tool page that must stay quick to load and to read.
const pageBudget = 32 << 10

func TestControlPageStaysSmall(t *testing.T) {
	h := newHandler(t)
	total := 0
	for _, p := range []string{"/__admin/ui", "/__admin/ui/app.js", "/__admin/ui/app.css"} {
		total += len(get(h, "GET", p).body)
	}
	t.Logf("control page: %d bytes", total)
	if total > pageBudget {
		t.Errorf("control page weighs %d bytes, budget %d", total, pageBudget)
	}
}
