package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/plummock/plummock/mockserver/clock"
	"github.com/plummock/plummock/mockserver/keys"
	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/tokens"
)

// runToken mints a token set offline and prints it as JSON: for a developer who needs a token in
// an .env file now. Any plummock with the same key and fixtures accepts it.
func runToken(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	company := fs.String("company", "demo", "fixture company id")
	user := fs.String("user", "admin@demo.example", `Super Admin email for a user token set; "" for a company token set`)
	scope := fs.String("scope", "user_session", "scope of a user token set")
	fixturesPath := fs.String("fixtures", "", "fixture file (YAML); default: the embedded demo data")
	keyPath := fs.String("key", "", "signing key PEM; default: the committed test key")
	issuer := fs.String("issuer", "plummock", "iss claim (must match the mock's --issuer)")
	if err := fs.Parse(args); err != nil {
		return map[bool]int{true: 0, false: 2}[errors.Is(err, flag.ErrHelp)]
	}
	if err := applyEnv(fs, "PLUMMOCK_", getenv); err != nil {
		fmt.Fprintln(stderr, "plummock token:", err)
		return 2
	}
	set, err := mintOffline(ctx, *fixturesPath, *keyPath, *issuer, tokens.OfflineRequest{Company: *company, User: *user, Scope: *scope})
	if err != nil {
		fmt.Fprintln(stderr, "plummock token:", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(map[string]any{
		"access_token": set.AccessToken, "token_type": "bearer", "expires_in": set.ExpiresIn,
		"refresh_token": set.RefreshToken, "access_token_expiry": set.AccessExpiry.UnixMilli(),
		"refresh_token_expiry": set.RefreshExpiry.UnixMilli(),
	})
	return 0
}

func mintOffline(ctx context.Context, fixturesPath, keyPath, issuer string, req tokens.OfflineRequest) (tokens.TokenSet, error) {
	set, err := loadFixtures(fixturesPath)
	if err != nil {
		return tokens.TokenSet{}, err
	}
	key, err := loadKey(keyPath, "")
	if err != nil {
		return tokens.TokenSet{}, err
	}
	cfg := tokens.DefaultConfig()
	cfg.Issuer = issuer
	svc, err := tokens.New(cfg, store.NewMemory(store.Limits{}), keys.NewSet(key), clock.New(time.Now))
	if err != nil {
		return tokens.TokenSet{}, err
	}
	if err := svc.Reset(ctx, set); err != nil {
		return tokens.TokenSet{}, err
	}
	return svc.MintOffline(ctx, req)
}
