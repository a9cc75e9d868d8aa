// Package mockserver is plummock's fake of the Plum authentication API: the HTTP layer built
// from openapi.yaml, the admin API that tests drive it with, and the JWKS. The domain lives in
// the packages below it.
package mockserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/plummock/plummock"
	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/clock"
	"github.com/plummock/plummock/mockserver/faults"
	"github.com/plummock/plummock/mockserver/journal"
	"github.com/plummock/plummock/mockserver/keys"
	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/tokens"
)

// DefaultMaxBodyBytes bounds a request body; Plum's bodies are well under 1 KiB.
const DefaultMaxBodyBytes = 64 << 10

// Options configure a Server. The zero value is the demo mock: embedded fixtures, the committed
// test key, Plum's lifetimes, the memory store, real time, admin API for loopback callers.
type Options struct {
	Fixtures     *fixtures.Set    // nil: the embedded demo data
	Key          *keys.Key        // nil: the committed test key
	Issuer       string           // "" : "plummock"
	Lifetimes    tokens.Lifetimes // zero: Plum's
	Policy       tokens.Policy
	Store        store.Store  // nil: a memory store
	Clock        *clock.Clock // nil: real time
	Strict       bool         // validate every response against openapi.yaml
	AdminToken   string       // if set, every admin call but health needs it as a Bearer token
	DisableAdmin bool
	MaxBodyBytes int64
	Logger       *slog.Logger // nil: discard
	JournalSize  int          // calls the request journal keeps (0: journal.DefaultSize)
	// CORSOrigins are the browser origins allowed to call the API: exact origins, patterns with
	// a port wildcard ("http://localhost:*") or "*". nil: DefaultCORSOrigins.
	CORSOrigins []string
	// AdminUI serves GET /__admin/ui, /__admin/ui/{asset}, /__admin/docs and
	// /__admin/docs/{spec} (admin.yaml). nil: the embedded control page and spec reference.
	AdminUI http.Handler
}

// Server is one mock instance.
type Server struct {
	opts        Options
	log         *slog.Logger
	clock       *clock.Clock
	keys        *keys.Set
	tokens      *tokens.Service
	base        *fixtures.Set
	doc         *openapi3.T
	router      routers.Router
	fixedRoutes fixedRoutes
	operations  map[string]operation
	handler     http.Handler
	faults      *faults.Set
	journal     *journal.Journal
	requestIDs  *requestIDs
	validBodies *validBodies // request bodies that passed the spec, by hash
	cors        *corsPolicy
	profile     tokens.Policy // the start-up profile, restored by a reset
	admin       *adminAPI     // the admin API, routed and validated from admin.yaml
	ui          http.Handler  // the control page and spec reference under /__admin
	shared      *sharedState  // nil unless the store is a store.Shared (shared.go)
	e8          *apiState     // E8's ledger and per-query limits (apistate.go)
}

// New builds a server and loads its fixtures.
func New(opts Options) (*Server, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	doc, err := plummock.LoadSpec()
	if err != nil {
		return nil, err
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("mockserver: route openapi.yaml: %w", err)
	}
	fixed, err := newFixedRoutes(doc, router)
	if err != nil {
		return nil, fmt.Errorf("mockserver: route openapi.yaml: %w", err)
	}
	s := &Server{opts: opts, log: opts.Logger, clock: opts.Clock, keys: keys.NewSet(opts.Key), base: opts.Fixtures,
		doc: doc, router: router, fixedRoutes: fixed, faults: faults.NewSet(nil), journal: journal.New(opts.JournalSize),
		requestIDs: newRequestIDs(), validBodies: newValidBodies(validBodiesSize), e8: newAPIState()}
	if s.cors, err = newCORSPolicy(opts.CORSOrigins); err != nil {
		return nil, err
	}
	cfg := tokens.DefaultConfig()
	cfg.Issuer, cfg.Lifetimes, cfg.Policy = opts.Issuer, opts.Lifetimes, opts.Policy
	if s.tokens, err = tokens.New(cfg, opts.Store, s.keys, s.clock); err != nil {
		return nil, err
	}
	s.profile = s.tokens.Policy()
	s.rememberSecrets(opts.Fixtures)
	s.operations = s.bindings()
	if err := bindOperations(doc, s.operations); err != nil {
		return nil, err
	}
	if s.ui = opts.AdminUI; s.ui == nil {
		s.ui = s.builtinUI()
	}
	if s.admin, err = newAdminAPI(s.adminBindings()); err != nil {
		return nil, err
	}
	if err := s.startState(context.Background()); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	return s, nil
}

// fill supplies the defaults documented on Options.
func (o *Options) fill() error {
	if o.AdminToken != "" && !isToken68(o.AdminToken) { // no client could ever send it
		return errors.New("mockserver: admin token (--admin-token): use only letters, digits and -._~+/= (it is sent as a Bearer token)")
	}
	if o.Fixtures == nil {
		o.Fixtures = fixtures.Demo()
	}
	if o.Fixtures.Profile != nil && o.Policy == (tokens.Policy{}) {
		o.Policy = *o.Fixtures.Profile
	}
	if o.Key == nil {
		k, err := keys.FromPEM(fixtures.TestKeyPEM())
		if err != nil {
			return err
		}
		o.Key = k
	}
	if o.Issuer == "" {
		o.Issuer = "plummock"
	}
	if o.Lifetimes == (tokens.Lifetimes{}) {
		o.Lifetimes = tokens.DefaultLifetimes()
	}
	if o.Store == nil {
		o.Store = store.NewMemory(store.Limits{})
	}
	if o.Clock == nil {
		o.Clock = clock.New(time.Now)
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return nil
}

// Handler is the whole mock: /chef (the real API), /__admin, /.well-known/jwks.json.
func (s *Server) Handler() http.Handler { return s.handler }

// Clock is the mock's clock, for in-process callers.
func (s *Server) Clock() *clock.Clock { return s.clock }

// Reset returns the mock to its start-up state: start-up fixtures and profile, every token
// dead, scenario blocks lifted, faults, rate limits and journal cleared, clock reset.
// The store is reset first (it is the step that can fail, e.g. Redis down); only then is the
// rest cleared, so a failed reset changes nothing.
func (s *Server) Reset(ctx context.Context) error {
	clockBefore := s.clock.State()
	s.clock.Reset() // before the store: the fixture tokens are seeded at the reset clock's time
	if err := s.tokens.Reset(ctx, s.base); err != nil {
		s.clock.Restore(clockBefore)
		return err
	}
	s.faults.Clear()
	s.e8.reset()
	s.journal.Clear()
	if err := s.tokens.SetPolicy(s.profile); err != nil {
		return err
	}
	return s.pushShared(ctx, false)
}

// Close releases the server's resources.
func (s *Server) Close() error { return nil }
