package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver"
	"github.com/plummock/plummock/mockserver/keys"
	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/tokens"
)

// serveConfig is what the serve flags say.
type serveConfig struct {
	addr, fixtures, key, alg, logFormat, logLevel, store string
	opts                                                 mockserver.Options
	admin                                                bool
	profile                                              profileFlags
	maxTokens                                            int
}

func serveFlags(cfg *serveConfig) *flag.FlagSet {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	lt := tokens.DefaultLifetimes()
	cfg.opts.Lifetimes = lt
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&cfg.fixtures, "fixtures", "", "fixture file (YAML); default: the embedded demo data")
	fs.StringVar(&cfg.key, "key", "", `signing key: a PEM file, or "generate" for a fresh one; default: the committed test key`)
	fs.StringVar(&cfg.alg, "alg", "RS256", "algorithm for --key generate: RS256, ES256 or EdDSA")
	fs.StringVar(&cfg.opts.Issuer, "issuer", "plummock", "iss claim of issued tokens")
	fs.DurationVar(&cfg.opts.Lifetimes.UserAccess, "user-access-ttl", lt.UserAccess, "user access token lifetime")
	fs.DurationVar(&cfg.opts.Lifetimes.UserRefresh, "user-refresh-ttl", lt.UserRefresh, "user refresh token lifetime")
	fs.DurationVar(&cfg.opts.Lifetimes.CompanyAccess, "company-access-ttl", lt.CompanyAccess, "company access token lifetime")
	fs.DurationVar(&cfg.opts.Lifetimes.CompanyRefresh, "company-refresh-ttl", lt.CompanyRefresh, "company refresh token lifetime")
	fs.BoolVar(&cfg.opts.Strict, "strict", false, "validate every response against openapi.yaml (a violation answers 500 and is logged)")
	fs.StringVar(&cfg.opts.AdminToken, "admin-token", "", "require this Bearer token on the admin API (else: loopback callers only)")
	fs.BoolVar(&cfg.admin, "admin", true, "serve the admin API under /__admin")
	fs.Int64Var(&cfg.opts.MaxBodyBytes, "max-body", mockserver.DefaultMaxBodyBytes, "request body limit in bytes")
	fs.StringVar(&cfg.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&cfg.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&cfg.store, "store", "memory", storeUsage)
	fs.IntVar(&cfg.opts.JournalSize, "journal-size", 1000, "API calls the request journal keeps")
	fs.IntVar(&cfg.maxTokens, "max-tokens", store.DefaultMaxTokens, "memory and file stores: a safety cap on stored refresh and fixture tokens (state is bounded per user anyway); past it expired ones are pruned, then the oldest issued families dropped")
	cfg.profile.register(fs)
	return fs
}

// parseServe parses flags and environment (PLUMMOCK_*) into mock options.
func parseServe(args []string, getenv func(string) string, stderr io.Writer) (*serveConfig, error) {
	cfg := &serveConfig{}
	fs := serveFlags(cfg)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := applyEnv(fs, "PLUMMOCK_", getenv); err != nil {
		return nil, err
	}
	cfg.opts.DisableAdmin = !cfg.admin
	if err := checkJournalSize(cfg.opts.JournalSize); err != nil {
		return nil, err
	}
	if err := checkStore(cfg.store, cfg.key); err != nil {
		return nil, err
	}
	logger, err := newLogger(cfg.logFormat, cfg.logLevel, stderr)
	if err != nil {
		return nil, err
	}
	cfg.opts.Logger = logger
	if cfg.opts.Fixtures, err = loadFixtures(cfg.fixtures); err != nil {
		return nil, err
	}
	cfg.opts.Policy = cfg.profile.apply(fs, cfg.opts.Fixtures.Profile)
	if err := cfg.opts.Policy.Normalize(); err != nil {
		return nil, err
	}
	cfg.opts.CORSOrigins = cfg.profile.origins()
	cfg.opts.Key, err = loadKey(cfg.key, cfg.alg)
	return cfg, err
}

func newLogger(format, level string, w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	default:
		return nil, fmt.Errorf("--log-format %q: want text or json", format)
	}
}

func loadFixtures(path string) (*fixtures.Set, error) {
	if path == "" {
		return fixtures.Demo(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--fixtures: %w", err)
	}
	defer f.Close()
	set, err := fixtures.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("--fixtures %s: %w", path, err)
	}
	return set, nil
}

func loadKey(spec, alg string) (*keys.Key, error) {
	switch spec {
	case "":
		return keys.FromPEM(fixtures.TestKeyPEM())
	case "generate":
		return keys.Generate(alg)
	}
	data, err := os.ReadFile(spec)
	if err != nil {
		return nil, fmt.Errorf("--key: %w", err)
	}
	k, err := keys.FromPEM(data)
	if err != nil {
		return nil, fmt.Errorf("--key %s: %w", spec, err)
	}
	return k, nil
}

// runServe starts the mock and serves until ctx is done (SIGINT/SIGTERM).
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := parseServe(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "plummock:", err)
		return 2
	}
	tuneGC(getenv)
	st, closeStore, err := openStore(ctx, cfg.store, store.Limits{MaxTokens: cfg.maxTokens}, cfg.opts.Logger)
	if err != nil {
		fmt.Fprintln(stderr, "plummock:", err)
		return 1
	}
	defer closeStore()
	cfg.opts.Store = st
	srv, err := mockserver.New(cfg.opts)
	if err != nil {
		fmt.Fprintln(stderr, "plummock:", err)
		return 1
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		fmt.Fprintln(stderr, "plummock:", err)
		return 1
	}
	printBanner(stdout, ln.Addr().String(), srv.Clock().Now(), cfg)
	srv.WarnAdminExposure(ln.Addr())
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintln(stderr, "plummock:", err)
		return 1
	}
	cfg.opts.Logger.Info("shut down cleanly")
	return 0
}

// printBanner tells a new user where the mock listens and what to call it with. The demo
// credentials are public; a custom fixture file's secrets are never printed.
func printBanner(w io.Writer, addr string, now time.Time, cfg *serveConfig) {
	base := "http://" + addr
	fmt.Fprintf(w, "plummock listening on %s (mock time %s)\n", base, now.UTC().Format(time.RFC3339))
	fmt.Fprintf(w, "  API:   %s/chef/v1/oauth/...\n  JWKS:  %s/.well-known/jwks.json\n", base, base)
	if !cfg.opts.DisableAdmin {
		fmt.Fprintf(w, "  admin: %s/__admin/health\n", base)
	}
	if cfg.fixtures == "" {
		fmt.Fprintln(w, "  demo credentials: company token demo-company-token, company refresh demo-company-refresh,")
		fmt.Fprintln(w, "    client demo-client / demo-secret, Super Admin admin@demo.example, user employee@demo.example")
		return
	}
	var ids []string
	for _, c := range cfg.opts.Fixtures.Companies {
		ids = append(ids, c.ID+" (client "+c.ClientID+")")
	}
	fmt.Fprintf(w, "  fixtures %s: companies %s\n", cfg.fixtures, strings.Join(ids, ", "))
}
