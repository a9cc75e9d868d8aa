// Package adminui serves the mock's pages for people: a control page at /__admin/ui that drives
// the admin API from the browser (clock, token families, scenarios, faults, journal, profile),
// and a readable reference of the OpenAPI documents at /__admin/docs. Everything is embedded
// and rendered once (Lazy: on the first request), so the pages work offline and load nothing
// from elsewhere.
package adminui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Prefix is where the admin API, and so these pages, live on the mock's listener.
const Prefix = "/__admin"

//go:embed assets
var assets embed.FS

// Spec is an OpenAPI document to publish: Name is its URL segment under /__admin/docs/
// ("openapi" serves /__admin/docs/openapi and the raw /__admin/docs/openapi.yaml).
type Spec struct {
	Name  string
	Title string // a short label for the index, e.g. "Plum API"
	YAML  []byte
}

// page is one answer, encoded once.
type page struct {
	body        []byte
	contentType string
	etag        string
	csp         string
}

// Handler answers GET and HEAD for the UI and docs paths; its pages never change once built,
// so it holds no mutable state.
type Handler struct {
	pages map[string]page
}

// Content-Security-Policy values: the control page may only talk to its own origin; the
// reference pages run no script at all.
const (
	cspUI   = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	cspDocs = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

// New renders every page. operations are the Plum API's operationIds, offered as fault targets.
func New(operations []string, specs ...Spec) (*Handler, error) {
	h := &Handler{pages: map[string]page{}}
	index, err := renderIndex(operations)
	if err != nil {
		return nil, err
	}
	h.add("/ui", index, "text/html; charset=utf-8", cspUI)
	h.pages[Prefix+"/ui/"] = h.pages[Prefix+"/ui"]
	for _, name := range []string{"app.js", "app.css"} {
		b, err := assets.ReadFile("assets/" + name)
		if err != nil {
			return nil, fmt.Errorf("adminui: %w", err)
		}
		h.add("/ui/"+name, b, contentType(name), cspUI)
	}
	if err := h.addDocs(specs); err != nil {
		return nil, err
	}
	return h, nil
}

func contentType(name string) string {
	if strings.HasSuffix(name, ".js") {
		return "text/javascript; charset=utf-8"
	}
	return "text/css; charset=utf-8"
}

func (h *Handler) add(path string, body []byte, contentType, csp string) {
	sum := sha256.Sum256(body)
	h.pages[Prefix+path] = page{body: body, contentType: contentType, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, csp: csp}
}

// addDocs renders each spec and the index that lists them.
func (h *Handler) addDocs(specs []Spec) error {
	for _, s := range specs {
		html, err := renderSpec(s, specs)
		if err != nil {
			return err
		}
		h.add("/docs/"+s.Name, html, "text/html; charset=utf-8", cspDocs)
		h.add("/docs/"+s.Name+".yaml", s.YAML, "application/yaml", cspDocs)
	}
	index, err := renderDocsIndex(specs)
	if err != nil {
		return err
	}
	h.add("/docs", index, "text/html; charset=utf-8", cspDocs)
	return nil
}

// paths lists every path the handler answers (a test holds it to the asset set).
func (h *Handler) paths() []string {
	out := make([]string, 0, len(h.pages))
	for p := range h.pages {
		out = append(out, p)
	}
	return out
}

// ServeHTTP answers a page. Pages revalidate on every load (no-cache with an ETag): they are
// small, and a newer binary on the same port must never be shadowed by a cached script.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed on this path")
		return
	}
	p, ok := h.pages[r.URL.Path]
	if !ok {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", p.contentType)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("ETag", p.etag)
	hd.Set("Content-Security-Policy", p.csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	if etagMatches(r.Header.Get("If-None-Match"), p.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Length", strconv.Itoa(len(p.body)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(p.body)
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		if t = strings.TrimSpace(t); t == etag || t == "*" || t == "W/"+etag {
			return true
		}
	}
	return false
}

// writeError answers in the mock's OAuth error shape, like every other path it serves.
func writeError(w http.ResponseWriter, status int, description string) {
	body, _ := json.Marshal(map[string]string{"error": "invalid_request", "error_description": description})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// renderIndex fills the control page's template with the fault targets.
func renderIndex(operations []string) ([]byte, error) {
	t, err := template.ParseFS(assets, "assets/index.html")
	if err != nil {
		return nil, fmt.Errorf("adminui: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, map[string]any{"Operations": slices.Sorted(slices.Values(operations))}); err != nil {
		return nil, fmt.Errorf("adminui: index: %w", err)
	}
	return b.Bytes(), nil
}

// Lazy is New run on the first request instead of at start-up: rendering both specs takes tens
// of milliseconds, which a mock that must start at once should not spend before it listens.
// The embedded documents are held to New by tests, so a build error here is not expected; if
// one happens, every page answers 500 naming it.
func Lazy(operations []string, specs ...Spec) http.Handler {
	var (
		once sync.Once
		h    *Handler
		err  error
	)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { h, err = New(operations, specs...) })
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
		h.ServeHTTP(w, r)
	})
}
