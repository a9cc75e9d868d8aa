package mockserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// uiPaths are one path of each route the pages are mounted on.
var uiPaths = []string{"/__admin/ui", "/__admin/ui/app.js", "/__admin/docs", "/__admin/docs/openapi", "/__admin/docs/admin.yaml"}

// TestPagesFollowTheAdminRuleWithoutToken: with no admin token the pages answer a loopback
// caller with a loopback Host, and nobody else (as the admin API does).
func TestPagesFollowTheAdminRuleWithoutToken(t *testing.T) {
	_, srv := newTest(t)
	for _, p := range uiPaths {
		if rec := adminCall(srv, "GET", p, "127.0.0.1:5000", "127.0.0.1:8080", "", ""); rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s from loopback: %d %q", p, rec.Code, rec.Header().Get("Cache-Control"))
		}
		for _, peer := range [][2]string{{"192.0.2.7:5000", "127.0.0.1:8080"}, {"127.0.0.1:5000", "evil.example:8080"}} {
			rec := adminCall(srv, "GET", p, peer[0], peer[1], "", "")
			if rec.Code != 403 || !strings.Contains(rec.Body.String(), `"error":"access_denied"`) {
				t.Errorf("GET %s from %v: %d %s", p, peer, rec.Code, rec.Body)
			}
		}
	}
}

// TestPagesLoadWithoutTheAdminToken: a browser cannot send a Bearer header when it opens a
// page, so with an admin token the static pages load without it while the API stays shut.
func TestPagesLoadWithoutTheAdminToken(t *testing.T) {
	_, srv := newTest(t, func(o *Options) { o.AdminToken = "s3cret" })
	for _, p := range uiPaths {
		if rec := adminCall(srv, "GET", p, "192.0.2.7:5000", "mock.example:8080", "", ""); rec.Code != 200 {
			t.Errorf("GET %s without the token: %d %s", p, rec.Code, rec.Body)
		}
	}
	if rec := adminCall(srv, "GET", "/__admin/state", "192.0.2.7:5000", "mock.example:8080", "", ""); rec.Code != 401 {
		t.Errorf("the state the page shows needs the token: %d", rec.Code)
	}
	if rec := adminCall(srv, "GET", "/__admin/state", "192.0.2.7:5000", "mock.example:8080", "Bearer s3cret", ""); rec.Code != 200 {
		t.Errorf("the page's calls with the token: %d %s", rec.Code, rec.Body)
	}
	req := adminCall(srv, "POST", "/__admin/ui", "192.0.2.7:5000", "mock.example:8080", "", "")
	if req.Code != http.StatusMethodNotAllowed || !strings.Contains(req.Body.String(), `"error":"invalid_request"`) {
		t.Errorf("POST /__admin/ui: %d %s", req.Code, req.Body)
	}
}

// TestPagesRefuseAnotherOrigin: a page fetched by a script on another site is refused, token
// or not, like every admin call.
func TestPagesRefuseAnotherOrigin(t *testing.T) {
	for _, token := range []string{"", "s3cret"} {
		_, srv := newTest(t, func(o *Options) { o.AdminToken = token })
		req := httptest.NewRequest("GET", "/__admin/ui/app.js", nil)
		req.RemoteAddr, req.Host = "127.0.0.1:5000", "127.0.0.1:8080"
		req.Header.Set("Origin", "http://evil.example")
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code < 400 || !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("token %q: a foreign Origin got %d", token, rec.Code)
		}
	}
}

// TestPagesGoWithTheAdminAPI: --admin=false removes the pages too.
func TestPagesGoWithTheAdminAPI(t *testing.T) {
	_, srv := newTest(t, func(o *Options) { o.DisableAdmin = true })
	for _, p := range uiPaths {
		if rec := adminCall(srv, "GET", p, "127.0.0.1:5000", "127.0.0.1:8080", "", ""); rec.Code != 404 || !strings.Contains(rec.Body.String(), "no such endpoint") {
			t.Errorf("GET %s with the admin API off: %d %s", p, rec.Code, rec.Body)
		}
	}
}
