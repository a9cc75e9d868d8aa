package mockserver

import (
	"net/http"

	"github.com/plummock/plummock"
	"github.com/plummock/plummock/mockserver/adminui"
)

// uiBindings route the control page, its assets and the spec reference pages (admin.yaml's
// getAdminUI, getAdminUIAsset, getAdminDocs, getAdminDocsPage) to the UI handler, which receives
// the request with its full path. admin.yaml declares them public because a browser cannot send
// a Bearer header when it opens a page; guardPage applies the rule that fits a static page.
func (s *Server) uiBindings() map[string]adminOperation {
	ui := func(w http.ResponseWriter, r *http.Request, _ adminInput) {
		s.guardPage(s.ui).ServeHTTP(w, r)
	}
	return map[string]adminOperation{
		"getAdminUI": ui, "getAdminUIAsset": ui, "getAdminDocs": ui, "getAdminDocsPage": ui,
	}
}

// builtinUI is the embedded control page and the rendered reference of both specs, rendered on
// first use so start-up does not wait for it.
func (s *Server) builtinUI() http.Handler {
	return adminui.Lazy(plummock.OperationIDs(s.doc),
		adminui.Spec{Name: "openapi", Title: "Plum API", YAML: plummock.SpecYAML()},
		adminui.Spec{Name: "admin", Title: "Admin API", YAML: adminSpec})
}

// guardPage lets a static page through where the admin API would, or to anyone but another
// origin's script when an admin token protects the API (the page holds nothing secret; every
// call it makes needs the token, which it asks for).
func (s *Server) guardPage(page http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (s.opts.AdminToken != "" && !crossOrigin(r)) || s.adminAllowed(r) {
			page.ServeHTTP(w, r)
			return
		}
		writeError(w, s.adminRefusal())
	})
}
