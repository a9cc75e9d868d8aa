// Package contract is the contract suite for Xoxoday Plum's authentication API: one set of
// cases, written once, that runs unchanged against plummock's fake (in process, a binary, a
// container) or the real Plum sandbox, and says with evidence where the two differ.
//
// A Target names what to test: the base URL where the API's paths hang, credentials, and
// optionally the fake's admin URL. Cases that need a capability the target lacks (the fake's
// clock and reset, a published JWKS, a way to restore rotated company tokens) are skipped with
// the reason. Every response is validated against openapi.yaml, and every case checks status
// and body. Observation cases record how the target answers the questions Plum's pages leave
// open; ProfileYAML turns those answers into a behaviour profile that makes the fake behave the
// same, and Compare lists the behaviours on which two runs differ.
//
// Three ways in:
//
//   - the command line: `plummock contract --base-url URL [--admin-url URL] [--json FILE]
//     [--profile-out FILE] [--compare FILE]` (package contract/runner);
//   - Go tests: contracttest.Run(t, target) runs each case as a subtest (package
//     contract/contracttest, kept apart so the binary does not link package testing);
//   - a program: RunSuite(ctx, target, Cases()) returns the Report.
//
// Files by role:
//
//	target.go                  what to test: Target, Credentials
//	suite.go, case.go          running: Cases, Prepare/Runner, RunSuite; Case and its handle C
//	session.go, pacer.go       the HTTP session, capability state and request pacing
//	creds.go                   rotated company tokens saved first, restored after a reset
//	openapi.go                 every response checked against openapi.yaml
//	plumcalls.go, tokenset.go  C's calls to the Plum endpoints (E1-E8) and token set decoding
//	expect.go                  assertions on error answers and statuses
//	jwks.go                    the target's published keys, for the JWT checks
//	fake_*.go                  the fake's admin API: clock, reset, profile (CapAdmin only)
//	cases_*.go                 the cases, one file per group (case names are group/name)
//	report.go, compare.go      the Report and the diff of two reports
//	derive_*.go                observations to knobs, and the profile file (ProfileYAML)
//	redact.go                  secrets replaced by fingerprints in everything reported
//
// The package never imports the fake: it decodes answers into its own types, so a
// serialisation bug cannot hide on both sides.
package contract
