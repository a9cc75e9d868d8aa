package mockserver

import (
	"net/http"

	"github.com/plummock/plummock/mockserver/apierr"
)

// uiBindings route the admin UI page, its assets and the spec reference pages to
// Options.AdminUI, which receives the request with its full path (/__admin/ui, /__admin/ui/x.js,
// /__admin/docs, /__admin/docs/{spec}). Its answers are held to admin.yaml like any other
// (in strict mode: text/html pages, a 404 in the JSON error shape with Cache-Control: no-store).
func (s *Server) uiBindings() map[string]adminOperation {
	ui := func(w http.ResponseWriter, r *http.Request, _ adminInput) {
		if s.opts.AdminUI == nil {
			writeError(w, apierr.New(http.StatusNotFound, "invalid_request", "admin UI not built in"))
			return
		}
		s.opts.AdminUI.ServeHTTP(w, r)
	}
	return map[string]adminOperation{
		"getAdminUI": ui, "getAdminUIAsset": ui, "getAdminDocs": ui, "getAdminDocsPage": ui,
	}
}
