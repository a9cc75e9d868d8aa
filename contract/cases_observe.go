package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// observationCases answer the open questions about Plum that only the real service can settle.
// They assert only what every reading of the docs agrees on; the answers go into the report, not
// into the verdict, and each answer that a knob of the fake's behaviour profile can express is
// recorded with that knob, so `--profile-out` turns a run into a profile (see derive_knobs.go).
func observationCases() []Case {
	return []Case{
		{Name: "observe/reuse-and-family", Doc: "what a rotated refresh token presented again does: grace period (measured on a clock), family revocation", Run: caseReuse},
		{Name: "observe/validate-expires-in", Doc: "what E4's expires_in means, observed after time has passed", Run: caseExpiresInMeaning},
		{Name: "observe/validate-expired", Doc: "how E4 answers a token past its expiry: 401, or 200 with expires_in <= 0", Run: caseValidateExpired},
		{Name: "observe/refresh-lifetime", Doc: "whether a rotated refresh token gets a fresh lifetime", Run: caseRefreshLifetime},
		{Name: "observe/user-token-refresh-path", Doc: "which refresh path (E2, E3) takes E1's user tokens", Run: caseRefreshPath},
		{Name: "observe/allowed-scopes", Doc: "which scopes E1 accepts", Run: caseAllowedScopes},
		{Name: "observe/expiry-types", Doc: "whether E1, E2 and E4 type the expiry fields as numbers or strings", Run: caseExpiryTypes},
		{Name: "observe/active-pairs", Doc: "how many token pairs of one user stay alive as E1 issues more", Run: caseActivePairs},
		{Name: "observe/error-answers", Doc: "the status and body of each error the fake decides itself", Run: caseErrorAnswers},
	}
}

// clocked reports whether the target has a clock the case may move (the fake's admin API).
func (c *C) clocked() bool {
	ok, _ := c.s.has(CapAdmin)
	return ok
}

// issue is E1 for the Super Admin, checked against the fake's clock when there is one.
func (c *C) issue() TokenSet {
	if c.clocked() {
		return c.userTokensNow()
	}
	return c.NewUserTokens()
}

// rotate is E2 with refresh, checked as issue is.
func (c *C) rotate(refresh string) TokenSet {
	if c.clocked() {
		return c.refreshNow(refresh)
	}
	return c.TokenSet(c.RefreshUser(refresh))
}

const (
	qGrace  = "Is a rotated refresh token rejected at once, or is there a grace period?"
	qFamily = "Does presenting a rotated refresh token revoke the whole token family?"
)

func caseReuse(c *C) {
	if c.clocked() {
		c.FreezeClock()
	}
	a := c.issue()
	b := c.rotate(a.RefreshToken)
	reuse := c.RefreshUser(a.RefreshToken)
	if reuse.Status != http.StatusOK {
		c.ObserveKnob("rotation.reuse_of_rotated_token", qGrace, "rejected at once ("+Outcome(reuse)+")", "", "refresh_grace", "0s")
	} else if b, reuse = c.reuseAfterGrace(); reuse == nil {
		return
	}
	succ := c.RefreshUser(b.RefreshToken)
	family, revoked := "no: the successor still refreshes", false
	if succ.Status != http.StatusOK {
		family, revoked = "yes: the successor refresh token was revoked ("+Outcome(succ)+")", true
	}
	c.ObserveKnob("rotation.family_revocation_on_reuse", qFamily, family, "reuse: "+Outcome(reuse), "revoke_family_on_reuse", revoked)
	acc := c.Validate(b.AccessToken)
	c.Observe("rotation.access_after_reuse", "Does the successor's access token survive a reuse of the rotated refresh token?", aliveOrNot(acc), Outcome(acc))
}

// reuseAfterGrace is for a target that accepted a reuse: it measures the grace period, then
// presents a fresh rotated token again just as its grace ends, returning the successor pair and
// that (refused) answer. Without a clock nothing can be measured or waited out: it records so
// and returns a nil answer.
func (c *C) reuseAfterGrace() (TokenSet, *Response) {
	if !c.clocked() {
		c.ObserveKnob("rotation.reuse_of_rotated_token", qGrace, "accepted again (a grace period)",
			"its length needs a clock to measure; 6h is the Token Management page's figure", "refresh_grace", "6h0m0s")
		c.ObserveUnmapped("rotation.family_revocation_on_reuse", qFamily, "not observed", "",
			"a reuse is only refused after the grace period, which cannot be waited out without a clock")
		return TokenSet{}, nil
	}
	grace := c.measureGrace()
	c.ObserveKnob("rotation.reuse_of_rotated_token", qGrace, "accepted again (a grace period)", "", "refresh_grace", grace.String())
	a := c.issue()
	b := c.rotate(a.RefreshToken)
	c.AdvanceClock(grace)
	return b, c.RefreshUser(a.RefreshToken)
}

// maxGrace is the longest grace period the fake's profile allows (720h), so the search ends.
const maxGrace = 720 * time.Hour

// measureGrace finds, to the second, how long after its rotation a refresh token is still
// accepted: a binary search on the fake's frozen clock, each probe with a fresh pair from the
// same instant (a probe's advance is undone before the next).
func (c *C) measureGrace() time.Duration {
	base := c.mockNow()
	lo, hi := time.Duration(0), maxGrace+time.Second // accepted at lo, refused at hi
	for hi-lo > time.Second {
		mid := (lo + (hi-lo)/2).Truncate(time.Second)
		c.SetClock(base)
		a := c.issue()
		c.rotate(a.RefreshToken)
		c.AdvanceClock(mid)
		if c.RefreshUser(a.RefreshToken).Status == http.StatusOK {
			lo = mid
		} else {
			hi = mid
		}
	}
	c.SetClock(base)
	return hi
}

func caseExpiresInMeaning(c *C) {
	a := c.NewUserTokens()
	const wait = 3 * time.Second
	c.elapse(wait)
	v := c.Validation(c.Validate(a.AccessToken), a.AccessToken)
	c.Observe("validate.expires_in_after_time", "Observed without the clock API: what is E4's expires_in after time passes?",
		expiresInMeaning(v.ExpiresIn, a.ExpiresIn, int64(wait/time.Second)), fmt.Sprintf("issued %d, validated %d", a.ExpiresIn, v.ExpiresIn))
}

// elapse lets time pass on the target: the fake's clock when it has one, else a short real wait
// (only against targets without a clock, where a few seconds are the price of an answer).
func (c *C) elapse(d time.Duration) {
	if c.clocked() {
		c.FreezeClock()
		c.AdvanceClock(d)
		return
	}
	select {
	case <-time.After(d):
	case <-c.ctx.Done():
		c.Fatalf("cancelled")
	}
}

func caseValidateExpired(c *C) {
	const key, q = "validate.expired_answer", "How does E4 answer an access token past its expiry?"
	if ok, why := c.s.has(CapAdmin); !ok {
		c.ObserveUnmapped(key, q, "not observed", "", "needs a token past its expiry (15 days for a user token) and a target without a clock cannot wait that long: "+why)
		return
	}
	a, _ := c.issueFrozen()
	c.SetClock(time.UnixMilli(a.AccessExpiryMS).Add(time.Second))
	v := c.Validate(a.AccessToken)
	switch {
	case v.Status == http.StatusOK:
		answer := "200 with expires_in <= 0"
		if c.Validation(v, a.AccessToken).ExpiresIn > 0 {
			answer = "200 with expires_in > 0"
		}
		c.ObserveKnob(key, q, answer, "", "validate_expired", "answer")
	case v.Status >= 400 && v.Status < 500:
		c.ObserveKnob(key, q, Outcome(v), "", "validate_expired", "reject")
	default:
		c.ObserveUnmapped(key, q, Outcome(v), "", "no setting answers an expired token with a status outside 4xx")
	}
}

func caseRefreshLifetime(c *C) {
	a := c.NewUserTokens()
	c.elapse(2 * time.Second)
	b := c.TokenSet(c.RefreshUser(a.RefreshToken))
	c.Observe("refresh.lifetime_after_rotation", "Does a rotated refresh token's expiry move forward?", slidingOrFixed(a, b),
		fmt.Sprintf("refresh_token_expiry moved by %d ms", b.RefreshExpiryMS-a.RefreshExpiryMS))
}

// caseRefreshPath maps to refresh_path_kind: "any" when a user pair also refreshes on E3 (the
// paths do not check the kind), "strict" when only E2 takes it. Company pairs are not spent on
// this question: their refresh token is the one credential a user cannot get back.
func caseRefreshPath(c *C) {
	const key, q = "refresh_path.user_tokens", "Which refresh path takes E1's user tokens?"
	viaE2 := c.RefreshUser(c.NewUserTokens().RefreshToken)
	viaE3 := c.RefreshCompany(c.NewUserTokens().RefreshToken)
	answer := fmt.Sprintf("E2 %s, E3 %s", Outcome(viaE2), Outcome(viaE3))
	switch {
	case viaE2.Status != http.StatusOK:
		c.ObserveUnmapped(key, q, answer, "", "no setting refuses user tokens on E2")
	case viaE3.Status == http.StatusOK:
		c.ObserveKnob(key, q, answer, "", "refresh_path_kind", "any")
	default:
		c.ObserveKnob(key, q, answer, "", "refresh_path_kind", "strict")
	}
	c.TokenSet(viaE2)
}

// companyObservationCases spend the company refresh token, so like companyCases they run last
// and only where the successor can be saved or an admin reset brings the original back.
func companyObservationCases() []Case {
	return []Case{{Name: "observe/company-pair-on-e2", Doc: "whether E2, the user refresh path, accepts a company refresh token (a real server only with --ask-dashboard-pair)",
		Needs: []Capability{CapRestore}, Run: caseCompanyPairOnE2}}
}

// caseCompanyPairOnE2 decides refresh_path_kind as the knob is defined: does E2 accept a
// company pair, as every public client assumes when it refreshes the dashboard's pair there? A
// pair it issues is saved before anything else is sent. A real server is asked only on request
// (CapRiskDashboardPair): it might revoke a company refresh token refused on the wrong path,
// the one credential a user cannot get back; otherwise refresh_path.user_tokens decides.
func caseCompanyPairOnE2(c *C) {
	const key, q = "refresh_path.company_pair_on_e2", "Does E2 (the user path) accept a company refresh token?"
	if ok, _ := c.s.has(CapRiskDashboardPair); !ok {
		c.ObserveUnmapped(key, q, "not asked", "", "asked of a real server only with --ask-dashboard-pair (it might revoke the company refresh token); refresh_path.user_tokens decides refresh_path_kind")
		return
	}
	if c.clocked() {
		c.Cleanup(c.ResetTarget)
	}
	old := c.Creds()
	resp := c.RefreshUser(old.CompanyRefreshToken)
	c.adoptCompanyPair(resp, old)
	kind := "strict"
	if resp.Status == http.StatusOK {
		kind = "any"
	}
	c.ObserveKnob(key, q, "E2 "+Outcome(resp), "", "refresh_path_kind", kind)
}

// noSuchScope is a scope no page names.
const noSuchScope = "plummock_contract_no_such_scope"

func caseAllowedScopes(c *C) {
	var allowed []string
	for _, sc := range []string{ScopeUserSession, ScopeStoreAdmin} {
		r := c.CreateUser(c.Creds().UserEmail, sc)
		c.Observe("scope."+sc, "Does E1 accept scope "+sc+"?", Outcome(r), "")
		if r.Status == http.StatusOK {
			c.TokenSet(r)
			allowed = append(allowed, sc)
		}
	}
	const key, q = "scope.allowed", "Which scopes does E1 accept?"
	probe := c.CreateUser(c.Creds().UserEmail, noSuchScope)
	switch {
	case probe.Status == http.StatusOK:
		c.ObserveUnmapped(key, q, "any scope", "", "allowed_scopes lists scopes; the target accepted one no page names")
	case len(allowed) == 0:
		c.ObserveUnmapped(key, q, "none of the documented scopes", "", "allowed_scopes needs at least one scope")
	default:
		c.ObserveKnob(key, q, strings.Join(allowed, " "), "", "allowed_scopes", strings.Join(allowed, " "))
	}
}

func caseExpiryTypes(c *C) {
	q := func(ep string) string {
		return "Are " + ep + "'s access_token_expiry and refresh_token_expiry numbers or strings?"
	}
	a := c.NewUserTokens()
	c.ObserveKnob("expiry_type.create_user", q("E1"), a.ExpiryEncoding, "", "expiry_format", a.ExpiryEncoding)
	b := c.TokenSet(c.RefreshUser(a.RefreshToken))
	c.ObserveKnob("expiry_type.refresh_user", q("E2"), b.ExpiryEncoding, "", "expiry_formats.refresh_user", b.ExpiryEncoding)
	v := c.Validation(c.Validate(b.AccessToken), b.AccessToken)
	if v.ExpiryEncoding == "" {
		c.ObserveUnmapped("expiry_type.validate", q("E4"), "absent", "", "E4 answered without expiry fields; the fake always sends them")
		return
	}
	c.ObserveKnob("expiry_type.validate", q("E4"), v.ExpiryEncoding, "", "expiry_formats.validate", v.ExpiryEncoding)
}

// mostPairs is how many pairs caseActivePairs issues before it concludes there is no cap.
const mostPairs = 8

func caseActivePairs(c *C) {
	const key, q = "e1.active_pair_cap", "How many token pairs of one user stay alive as E1 issues more?"
	var sets []TokenSet
	for k := 1; k <= mostPairs; k++ {
		sets = append(sets, c.NewUserTokens())
		alive := 0
		for _, s := range sets {
			if c.Validate(s.AccessToken).Status == http.StatusOK {
				alive++
			}
		}
		switch {
		case alive == k:
			continue
		case k == 2 && alive == 1:
			c.ObserveUnmapped(key, q, "only the newest", "", "a new E1 kills the earlier access token: kill_old_access_on_create (e1.old_access_after_new_e1), which a cap of 1 cannot be told from")
		default:
			c.ObserveKnob(key, q, fmt.Sprintf("at most %d; the oldest dies", alive), "", "max_active_pairs", alive)
		}
		return
	}
	c.ObserveKnob(key, q, fmt.Sprintf("no cap seen up to %d", mostPairs), "a cap above that is read as none", "max_active_pairs", 0)
}

// errorProbe provokes one error the fake decides in its domain (error_answers names it).
type errorProbe struct {
	kind, doc string
	send      func(c *C) *Response
}

func errorProbes() []errorProbe {
	return []errorProbe{
		{"invalid_token", "E4 gets an unknown bearer token", func(c *C) *Response { return c.Validate(unknownToken) }},
		{"invalid_grant", "E2 gets an unknown refresh token", func(c *C) *Response {
			return c.RefreshUser("plummock-contract-unknown-refresh-0000000000")
		}},
		{"invalid_client", "E2 gets a live refresh token with a wrong client_secret", func(c *C) *Response {
			body := c.refreshBody(c.NewUserTokens().RefreshToken)
			body["client_secret"] = "plummock-contract-wrong-secret"
			return c.Do(Request{Method: http.MethodPost, Path: PathRefreshUser, JSON: body})
		}},
		{"invalid_scope", "E1 asks for a scope no page names", func(c *C) *Response { return c.CreateUser(c.Creds().UserEmail, noSuchScope) }},
		{"unknown_user", "E1 names an email that is no user of the company", func(c *C) *Response {
			return c.CreateUser("nobody@plummock-contract.invalid", ScopeUserSession)
		}},
	}
}

func caseErrorAnswers(c *C) {
	for _, p := range errorProbes() {
		key, q := "error_answer."+p.kind, "What does the target answer when "+p.doc+"?"
		resp := p.send(c)
		body, ok := jsonObject(resp.Body)
		switch {
		case resp.Status < 400 || resp.Status > 499:
			c.ObserveUnmapped(key, q, Outcome(resp), "", "error_answers hold client errors (4xx) only")
		case !ok:
			c.ObserveUnmapped(key, q, Outcome(resp), "", "the body is not a JSON object, which error_answers require")
		default:
			c.ObserveKnob(key, q, Outcome(resp), "", "error_answers."+p.kind, map[string]any{"status": resp.Status, "body": body})
		}
	}
}

// jsonObject decodes a JSON object body into a value that marshals canonically (sorted keys),
// so two targets that order their fields differently still agree.
func jsonObject(b []byte) (map[string]any, bool) {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if dec.Decode(&m) != nil || m == nil {
		return nil, false
	}
	return m, true
}
