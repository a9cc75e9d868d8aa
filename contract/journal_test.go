package contract_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/plummock/plummock/contract"
	"github.com/plummock/plummock/mockserver"
	"github.com/plummock/plummock/redact"
)

// journalScan sits in front of the fake for a whole contract run. It remembers every token the
// fake hands out (any access_token or refresh_token in any answer, the regenerate scenario's
// included) and, before anything empties the journal (a reset, DELETE /__admin/requests),
// copies the journal and the state view, so the scan sees every call of the run.
type journalScan struct {
	t    *testing.T
	next http.Handler

	mu        sync.Mutex
	issued    map[string]bool
	views     []string // raw GET /__admin/requests and GET /__admin/state answers
	apiCalls  int      // calls to the Plum API (under /chef) the fake answered
	journaled int      // journal entries in the copies
}

func (j *journalScan) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if (r.Method == http.MethodPost && r.URL.Path == "/__admin/reset") ||
		(r.Method == http.MethodDelete && r.URL.Path == "/__admin/requests") {
		j.snapshot()
	}
	c := capture(j.next, r)
	j.mu.Lock()
	if strings.HasPrefix(r.URL.Path, "/chef/") {
		j.apiCalls++
	}
	var body any
	if json.Unmarshal(c.body, &body) == nil {
		collectTokens(body, "", j.issued)
	}
	j.mu.Unlock()
	c.write(w)
}

// collectTokens adds the string value of every access_token and refresh_token, at any depth.
func collectTokens(v any, key string, into map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			collectTokens(child, k, into)
		}
	case []any:
		for _, child := range x {
			collectTokens(child, key, into)
		}
	case string:
		if (key == "access_token" || key == "refresh_token") && x != "" {
			into[x] = true
		}
	}
}

// snapshot copies the journal and the state view as the admin API answers them.
func (j *journalScan) snapshot() {
	requests, state := j.adminGet("/__admin/requests"), j.adminGet("/__admin/state")
	var l struct {
		Requests []json.RawMessage `json:"requests"`
	}
	if err := json.Unmarshal(requests, &l); err != nil {
		j.t.Errorf("GET /__admin/requests: not the journal JSON: %v", err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.journaled += len(l.Requests)
	j.views = append(j.views, string(requests), string(state))
}

func (j *journalScan) adminGet(path string) []byte {
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1"+path, nil)
	r.RemoteAddr = "127.0.0.1:1"
	c := capture(j.next, r)
	if c.status != http.StatusOK {
		j.t.Errorf("GET %s: %d", path, c.status)
	}
	return c.body
}

// demoSecrets are the fixture credentials, and the Basic credential a case builds from them.
func demoSecrets() []string {
	d := contract.DemoCredentials()
	basic := base64.StdEncoding.EncodeToString([]byte(d.ClientID + ":" + d.ClientSecret))
	return []string{d.CompanyToken, d.CompanyRefreshToken, d.ClientSecret, basic}
}

// leaks names (by fingerprint, never in clear) every secret found in text, and says so when
// text holds anything JWT-shaped.
func leaks(text string, secrets []string) []string {
	var out []string
	for _, s := range secrets {
		if strings.Contains(text, s) {
			out = append(out, redact.Fingerprint(s))
		}
	}
	if redact.LooksLikeJWT(text) {
		out = append(out, "a JWT-shaped string")
	}
	return out
}

// TestJournalHoldsNoSecret runs the whole suite against the fake, then scans every journal and
// state view taken during the run for the demo secrets, every token issued and anything
// JWT-shaped (issue 4: "the journal never holds a token or secret in clear").
func TestJournalHoldsNoSecret(t *testing.T) {
	scan := &journalScan{t: t, issued: map[string]bool{}}
	target := newFakeWith(t, mockserver.Options{Strict: true, JournalSize: 1 << 14}, func(next http.Handler) http.Handler {
		scan.next = next
		return scan
	}, 10)
	rep, err := contract.RunSuite(t.Context(), target, contract.Cases())
	if err != nil || rep.Failed() {
		t.Fatalf("the suite must pass for the scan to mean anything: err %v, %d failed", err, failedCount(rep))
	}
	scan.snapshot()
	secrets := demoSecrets()
	for tok := range scan.issued {
		secrets = append(secrets, tok)
	}
	for i, view := range scan.views {
		if found := leaks(view, secrets); len(found) > 0 {
			t.Errorf("%s view %d holds in clear: %s", []string{"journal", "state"}[i%2], i/2, strings.Join(found, ", "))
		}
	}
	if scan.journaled != scan.apiCalls || len(scan.issued) < 50 {
		t.Errorf("scan not complete: %d journal entries for %d API calls, %d tokens issued", scan.journaled, scan.apiCalls, len(scan.issued))
	}
	t.Logf("scanned %d journal entries in %d views against %d secrets", scan.journaled, len(scan.views), len(secrets))
}

// The scan itself can fail: a planted secret, token or JWT is found, fingerprints are not.
func TestLeakScanFindsPlantedSecrets(t *testing.T) {
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
	secrets := append(demoSecrets(), "refresh-abcdefghijklmnop")
	for _, planted := range append(secrets, jwt) {
		view := `{"requests":[{"request_body":{"refresh_token":"` + planted + `"}}]}`
		if len(leaks(view, secrets)) == 0 {
			t.Errorf("planted %s not found", redact.Fingerprint(planted))
		}
		clean := strings.ReplaceAll(view, planted, redact.Fingerprint(planted))
		if found := leaks(clean, secrets); len(found) > 0 {
			t.Errorf("fingerprint of %s flagged: %v", redact.Fingerprint(planted), found)
		}
	}
}
