package mockserver

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

//go:embed admin.yaml
var adminSpec []byte

// adminAPI is the admin API as admin.yaml describes it: the document, its router and the
// handler bound to each operation.
type adminAPI struct {
	doc        *openapi3.T
	router     routers.Router
	operations map[string]adminOperation
}

// loadAdminSpec parses and validates admin.yaml and routes it; `servers` are cleared so paths
// match relative to /__admin, where routes mounts them.
func loadAdminSpec() (*openapi3.T, routers.Router, error) {
	doc, err := openapi3.NewLoader().LoadFromData(adminSpec)
	if err != nil {
		return nil, nil, fmt.Errorf("mockserver: parse admin.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, nil, fmt.Errorf("mockserver: validate admin.yaml: %w", err)
	}
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, nil, fmt.Errorf("mockserver: route admin.yaml: %w", err)
	}
	return doc, router, nil
}

// newAdminAPI binds handlers to admin.yaml's operations. Start-up fails on an operation without
// a handler and on a handler without an operation, so the served admin API is admin.yaml.
func newAdminAPI(handlers map[string]adminOperation) (*adminAPI, error) {
	doc, router, err := loadAdminSpec()
	if err != nil {
		return nil, err
	}
	var missing []string
	declared := map[string]bool{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			declared[op.OperationID] = true
			if handlers[op.OperationID] == nil {
				missing = append(missing, op.OperationID)
			}
		}
	}
	for id := range handlers {
		if !declared[id] {
			missing = append(missing, id+" (a handler admin.yaml does not declare)")
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("mockserver: no handler for admin operation(s) %s in admin.yaml", strings.Join(missing, ", "))
	}
	return &adminAPI{doc: doc, router: router, operations: handlers}, nil
}

// allowed lists the methods admin.yaml declares for a path (below /__admin), for Allow.
func (a *adminAPI) allowed(path string) string {
	var methods []string
	for tmpl, item := range a.doc.Paths.Map() {
		if matchTemplate(tmpl, path) {
			for m := range item.Operations() {
				methods = append(methods, m)
			}
		}
	}
	sort.Strings(methods)
	return strings.Join(methods, ", ")
}

// matchTemplate reports whether path fits an OpenAPI path template segment by segment.
func matchTemplate(tmpl, path string) bool {
	t, p := strings.Split(tmpl, "/"), strings.Split(path, "/")
	if len(t) != len(p) {
		return false
	}
	for i := range t {
		if strings.HasPrefix(t[i], "{") {
			if p[i] == "" {
				return false
			}
			continue
		}
		if t[i] != p[i] {
			return false
		}
	}
	return true
}

// adminSpec serves the admin API's own OpenAPI description (mock-only, so not in openapi.yaml).
func (s *Server) adminSpec(w http.ResponseWriter, _ *http.Request, _ adminInput) {
	w.Header().Set("Content-Type", "application/yaml")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(adminSpec)
}
