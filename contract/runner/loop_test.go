package runner_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/plummock/plummock/contract/runner"
	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver"
)

// sandboxProfile is the behaviour a fake plays "the sandbox" with: every knob off its default,
// each value one the observations must measure, not guess (a grace of 2h, not the 6h a target
// without a clock is assumed to have).
func sandboxProfile(t *testing.T) fixtures.Profile {
	t.Helper()
	p := fixtures.Profile{
		RefreshGrace: fixtures.Duration(2*time.Hour + 17*time.Second), RevokeFamilyOnReuse: true, MaxActivePairs: 3,
		FixedRefreshExpiry: true, ExpiryFormat: fixtures.ExpiryString, ExpiryFormats: fixtures.ExpiryFormats{Validate: fixtures.ExpiryNumber},
		ValidateExpiresIn: fixtures.ExpiresInEpoch, ValidateExpired: fixtures.ExpiredAnswer, AllowedScopes: "user_session",
		ErrorAnswers: fixtures.ErrorAnswers{
			InvalidGrant: fixtures.ErrorAnswer{Status: 401, Body: `{"error":"invalid_token","error_description":"refresh token rejected"}`},
			UnknownUser:  fixtures.ErrorAnswer{Status: 401, Body: `{"error":"invalid_request","error_description":"user not found"}`},
		},
	}
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	return p
}

// contractRun runs the suite against a fake started with profile p, writing the JSON report
// (and the derived profile when profileOut is set); a failing case is fine (the suite asserts
// the documented defaults), an unusable run is not.
func contractRun(t *testing.T, p fixtures.Profile, report, profileOut string) {
	t.Helper()
	root := fake(t, mockserver.Options{Policy: p}, nil)
	args := []string{"--base-url", root + "/chef", "--admin-url", root, "--json", report}
	if profileOut != "" {
		args = append(args, "--profile-out", profileOut)
	}
	if r := run(t, nil, args...); r.code == runner.ExitUsage {
		t.Fatalf("contract run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// loadProfile reads a derived profile file as `plummock serve --profile` does. A knob this build
// does not know yet (refresh_path_kind, added on another branch) is dropped with a note.
func loadProfile(t *testing.T, path string) fixtures.Profile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fixtures.ParseProfileFile(strings.NewReader("profile:\n  refresh_path_kind: \"strict\"\n")); err != nil {
		t.Logf("this build has no refresh_path_kind knob: dropped from the derived profile")
		data = regexp.MustCompile(`(?m)^  refresh_path_kind: .*\n`).ReplaceAll(data, nil)
	}
	f, err := fixtures.ParseProfileFile(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("the derived profile does not load: %v\n%s", err, data)
	}
	return f.Profile
}

// effective resolves the settings that have several spellings: expiry types per endpoint, and
// error answers the profile leaves to the fake (filled from defaults, a default fake's derived
// profile).
func effective(p, defaults fixtures.Profile) fixtures.Profile {
	p.ExpiryFormats = fixtures.ExpiryFormats{CreateUser: p.ExpiryFormatFor(fixtures.OpCreateUser),
		RefreshUser: p.ExpiryFormatFor(fixtures.OpRefreshUser), RefreshCompany: p.ExpiryFormatFor(fixtures.OpRefreshCompany),
		Validate: p.ExpiryFormatFor(fixtures.OpValidate)}
	p.ExpiryFormat = ""
	e, d := &p.ErrorAnswers, defaults.ErrorAnswers
	for _, pair := range []struct{ mine, def *fixtures.ErrorAnswer }{{&e.InvalidToken, &d.InvalidToken},
		{&e.InvalidGrant, &d.InvalidGrant}, {&e.InvalidClient, &d.InvalidClient}, {&e.InvalidScope, &d.InvalidScope},
		{&e.UnknownUser, &d.UnknownUser}} {
		if pair.mine.IsZero() {
			*pair.mine = *pair.def
		}
	}
	return p
}

// TestClosedLoop is the loop from a run against the sandbox to a faithful fake, offline: a fake
// with a non-default profile plays the sandbox, the suite derives a profile from it, a fresh fake
// started from that profile behaves the same in every case and observation, and a fake that
// differs in one knob is caught by --compare.
func TestClosedLoop(t *testing.T) {
	dir := t.TempDir()
	path := func(n string) string { return filepath.Join(dir, n) }
	contractRun(t, fixtures.Profile{}, path("default.json"), path("default.yaml"))
	defaults := loadProfile(t, path("default.yaml"))

	want := sandboxProfile(t)
	contractRun(t, want, path("sandbox.json"), path("derived.yaml"))
	got := loadProfile(t, path("derived.yaml"))
	if g, w := effective(got, defaults), effective(want, defaults); g != w {
		t.Fatalf("derived profile differs from the sandbox's:\n got %+v\nwant %+v", g, w)
	}

	contractRun(t, got, path("faithful.json"), "")
	if r := run(t, nil, "--compare", path("sandbox.json"), path("faithful.json")); r.code != runner.ExitPass {
		t.Fatalf("the fake started from the derived profile differs from the sandbox: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	for _, v := range oneKnobOff(got) {
		t.Run(v.name, func(t *testing.T) {
			report := filepath.Join(t.TempDir(), "off.json")
			contractRun(t, v.profile, report, "")
			r := run(t, nil, "--compare", path("sandbox.json"), report)
			if r.code != runner.ExitFail || !strings.Contains(r.stdout, "obs:"+v.observation) {
				t.Fatalf("%s changed: want exit 1 and obs:%s among the differences, got exit %d\n%s%s", v.name, v.observation, r.code, r.stdout, r.stderr)
			}
		})
	}
}

type variant struct {
	name, observation string
	profile           fixtures.Profile
}

// oneKnobOff returns p with one knob changed, for several knobs, and the observation that
// must tell each apart.
func oneKnobOff(p fixtures.Profile) []variant {
	grace, fixed, expired, body, pairs := p, p, p, p, p
	grace.RefreshGrace -= fixtures.Duration(time.Second)
	fixed.FixedRefreshExpiry = !p.FixedRefreshExpiry
	expired.ValidateExpired = fixtures.ExpiredReject
	body.ErrorAnswers.InvalidGrant.Body = `{"error":"invalid_grant","error_description":"refresh token rejected"}`
	pairs.MaxActivePairs = 4
	return []variant{
		{"refresh_grace", "rotation.reuse_of_rotated_token", grace},
		{"fixed_refresh_expiry", "refresh.lifetime_after_rotation", fixed},
		{"validate_expired", "validate.expired_answer", expired},
		{"error_answers.invalid_grant", "error_answer.invalid_grant", body},
		{"max_active_pairs", "e1.active_pair_cap", pairs},
	}
}

// Against a target without a clock (as the sandbox is), what needs one is not guessed silently:
// a grace period's length is the documented 6h, said so, and the expired-token answer and the
// family revocation behind a grace are listed as not mapped, with why.
func TestProfileWithoutAClock(t *testing.T) {
	p := fixtures.Profile{RefreshGrace: fixtures.Duration(2 * time.Hour), RevokeFamilyOnReuse: true}
	root, dir := fake(t, mockserver.Options{Policy: p}, nil), t.TempDir()
	out := filepath.Join(dir, "p.yaml")
	if r := run(t, nil, "--base-url", root+"/chef", "--only", "^observe/", "--profile-out", out); r.code == runner.ExitUsage {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	got := loadProfile(t, out)
	if time.Duration(got.RefreshGrace) != 6*time.Hour || got.RevokeFamilyOnReuse || got.ValidateExpired != fixtures.ExpiredReject {
		t.Errorf("without a clock: want grace 6h (assumed), family and validate_expired left at their defaults, got %+v", got)
	}
	f, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`observation: "validate.expired_answer"`, `observation: "rotation.family_revocation_on_reuse"`,
		`why: "a reuse is only refused after the grace period`} {
		if !strings.Contains(string(f), want) {
			t.Errorf("profile file lacks %s:\n%s", want, f)
		}
	}
}
