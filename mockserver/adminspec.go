package mockserver

import (
	_ "embed"
	"net/http"
)

//go:embed admin.yaml
var adminSpec []byte

// adminSpec serves the admin API's own OpenAPI description (mock-only, so not in openapi.yaml).
func (s *Server) adminSpec(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(adminSpec)
}
