package mockserver

import (
	"net/http"

	"github.com/gorilla/mux"
	"github.com/plummock/plummock"
	"github.com/plummock/plummock/mockserver/adminui"
	"github.com/plummock/plummock/mockserver/apierr"
)

// uiRoutes mounts the control page (/__admin/ui) and the API reference (/__admin/docs). They
// are static, embedded pages: with an admin token they load without it (a browser cannot send
// a Bearer header when it opens a page, so the page asks for the token and sends it on every
// admin call); without one the loopback rule of the admin API applies to them too.
func (s *Server) uiRoutes(r *mux.Router) {
	h, err := adminui.New(plummock.OperationIDs(s.doc),
		adminui.Spec{Name: "openapi", Title: "Plum API", YAML: plummock.SpecYAML()},
		adminui.Spec{Name: "admin", Title: "Admin API", YAML: adminSpec})
	var page http.Handler = h
	if err != nil { // the embedded documents are checked by tests; never expected
		s.log.Error("admin UI unavailable", "err", err)
		page = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { writeError(w, apierr.Internal()) })
	}
	guarded := s.guardPage(page)
	for _, p := range []string{"/ui", "/ui/", "/ui/{asset}", "/docs", "/docs/{spec}"} {
		r.Handle(adminPrefix+p, guarded)
	}
}

// guardPage lets a static page through where the admin API would, or to anyone when an admin
// token protects the API (the page holds nothing secret; every call it makes needs the token).
func (s *Server) guardPage(page http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.AdminToken != "" && !crossOrigin(r) {
			page.ServeHTTP(w, r)
			return
		}
		s.guardAdmin(page).ServeHTTP(w, r)
	})
}
