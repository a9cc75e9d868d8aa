package tokens

import (
	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/store"
)

// rotationKind is the kind a refresh on the path for kind requires of the presented token.
// Every public client refreshes the company pair a company generates in the Plum dashboard on
// the user path (E2); by default (refresh_path_kind "any") either path rotates either kind and a
// pair stays of its own kind. "strict" holds each path to its own kind.
func (s *Service) rotationKind(path store.Kind, old store.RefreshToken) store.Kind {
	if s.Policy().RefreshPathKind == fixtures.RefreshPathStrict || old.Grant.Kind == "" {
		return path
	}
	return old.Grant.Kind
}
