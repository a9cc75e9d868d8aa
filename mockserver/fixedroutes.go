package mockserver

import (
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// apiPrefix is where the spec's paths are mounted (Plum serves them under /chef).
const apiPrefix = "/chef"

// fixedRoutes maps the spec's template-free paths, per method, to the route kin-openapi's own
// router finds for them. A hot request is then one map lookup instead of a regexp walk (and
// two request copies) per call; paths with parameters, and every miss, still go to the router,
// so 404 and 405 answers come from one place.
type fixedRoutes map[string]map[string]*routers.Route

// newFixedRoutes asks the router once for each fixed path and method of the spec.
func newFixedRoutes(doc *openapi3.T, router routers.Router) (fixedRoutes, error) {
	table := fixedRoutes{}
	for path, item := range doc.Paths.Map() {
		if strings.Contains(path, "{") {
			continue
		}
		for method := range item.Operations() {
			req, err := http.NewRequest(method, path, nil)
			if err != nil {
				return nil, err
			}
			route, _, err := router.FindRoute(req)
			if err != nil {
				return nil, err
			}
			if table[path] == nil {
				table[path] = map[string]*routers.Route{}
			}
			table[path][method] = route
		}
	}
	return table, nil
}

// find returns the route of a fixed spec path (as the spec names it, without /chef).
func (t fixedRoutes) find(method, path string) (*routers.Route, bool) {
	route, ok := t[path][method]
	return route, ok
}

// has reports whether a request path (with /chef) is one of the spec's fixed paths, whatever
// the method.
func (t fixedRoutes) has(requestPath string) bool {
	path, ok := strings.CutPrefix(requestPath, apiPrefix)
	_, known := t[path]
	return ok && known
}
