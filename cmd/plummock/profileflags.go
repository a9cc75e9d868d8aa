package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver"
)

// profileFlags are the behaviour-profile flags; one given on the command line (or by env)
// overrides the fixture file's profile field by field.
type profileFlags struct {
	grace                                        time.Duration
	revokeFamily, killOldAccess, fixedRefresh    bool
	maxPairs                                     int
	expiryFormat, validateExpiresIn, corsOrigins string
	validateExpired, allowedScopes               string
	// file is the profile read from --profile (a file `plummock contract --profile-out` wrote).
	file *fixtures.Profile
}

func (p *profileFlags) register(fs *flag.FlagSet) {
	fs.DurationVar(&p.grace, "refresh-grace", 0, "a rotated refresh token stays usable this long (profile)")
	fs.BoolVar(&p.revokeFamily, "revoke-family-on-reuse", false, "a rotated refresh token presented again kills its family (profile)")
	fs.IntVar(&p.maxPairs, "max-active-pairs", 0, "live token pairs per user, oldest evicted; 0 = no cap (profile)")
	fs.BoolVar(&p.killOldAccess, "kill-old-access-on-create", false, "a new E1 also kills the user's earlier access tokens (profile)")
	fs.BoolVar(&p.fixedRefresh, "fixed-refresh-expiry", false, "a refresh keeps the family's first refresh expiry (profile)")
	fs.StringVar(&p.expiryFormat, "expiry-format", "number", "expiry fields as number or string (profile)")
	fs.StringVar(&p.validateExpiresIn, "validate-expires-in", "remaining", "E4 expires_in: remaining or lifetime (profile)")
	fs.StringVar(&p.validateExpired, "validate-expired", "reject", "E4 on an expired token: reject (401) or answer (200, expires_in <= 0) (profile)")
	fs.StringVar(&p.allowedScopes, "allowed-scopes", "", "scopes E1 accepts, space-separated; empty = user_session store_admin_manage (profile)")
	fs.Func("profile", "behaviour profile file (as `plummock contract --profile-out` writes it); replaces the fixture file's profile, flags override it", p.load)
	fs.StringVar(&p.corsOrigins, "cors-origins", strings.Join(mockserver.DefaultCORSOrigins(), ","), `browser origins allowed to call the API, comma-separated ("*" = any, "" or "none" = none)`)
}

// apply overlays the flags that were set onto base (the fixture file's profile, if any).
func (p *profileFlags) apply(fs *flag.FlagSet, base *fixtures.Profile) fixtures.Profile {
	var out fixtures.Profile
	if p.file != nil {
		base = p.file
	}
	if base != nil {
		out = *base
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "refresh-grace":
			out.RefreshGrace = fixtures.Duration(p.grace)
		case "revoke-family-on-reuse":
			out.RevokeFamilyOnReuse = p.revokeFamily
		case "max-active-pairs":
			out.MaxActivePairs = p.maxPairs
		case "kill-old-access-on-create":
			out.KillOldAccessOnCreate = p.killOldAccess
		case "fixed-refresh-expiry":
			out.FixedRefreshExpiry = p.fixedRefresh
		case "expiry-format":
			out.ExpiryFormat = p.expiryFormat
		case "validate-expires-in":
			out.ValidateExpiresIn = p.validateExpiresIn
		case "validate-expired":
			out.ValidateExpired = p.validateExpired
		case "allowed-scopes":
			out.AllowedScopes = p.allowedScopes
		}
	})
	return out
}

// load reads --profile's file.
func (p *profileFlags) load(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	pf, err := fixtures.ParseProfileFile(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	p.file = &pf.Profile
	return nil
}

// origins splits --cors-origins; an empty value (or "none", which an environment variable can
// carry) allows no cross-origin caller.
func (p *profileFlags) origins() []string {
	out := []string{}
	if strings.TrimSpace(p.corsOrigins) == "none" {
		return out
	}
	for _, o := range strings.Split(p.corsOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}
