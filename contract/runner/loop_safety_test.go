package runner_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/plummock/plummock/contract"
	"github.com/plummock/plummock/contract/runner"
	"github.com/plummock/plummock/mockserver"
)

// refreshLog records which refresh tokens each refresh path was shown and which company
// refresh tokens E3 issued.
type refreshLog struct {
	mu       sync.Mutex
	company  map[string]bool     // every company refresh token: the first, then each E3 issued
	shown    map[string][]string // path -> refresh tokens presented
	presents map[string]int      // company refresh token -> times presented
}

func (l *refreshLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var in struct {
			RefreshToken string `json:"refresh_token"`
		}
		_ = json.Unmarshal(body, &in)
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var out struct {
			RefreshToken string `json:"refresh_token"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		l.mu.Lock()
		if in.RefreshToken != "" {
			l.shown[r.URL.Path] = append(l.shown[r.URL.Path], in.RefreshToken)
			l.presents[in.RefreshToken]++
		}
		if strings.HasSuffix(r.URL.Path, contract.PathRefreshCompany) && rec.Code == http.StatusOK {
			l.company[out.RefreshToken] = true
		}
		l.mu.Unlock()
		passOn(w, rec, rec.Body.Bytes())
	})
}

// Against a target without the admin API (as the sandbox is), the whole suite, observations
// included, shows a company refresh token only to E3 and each only once: none is risked on the
// user path or replayed, since a real server might revoke it.
func TestSandboxRunNeverRisksTheCompanyRefreshToken(t *testing.T) {
	l := &refreshLog{company: map[string]bool{contract.DemoCredentials().CompanyRefreshToken: true},
		shown: map[string][]string{}, presents: map[string]int{}}
	root, dir := fake(t, mockserver.Options{}, l.wrap), t.TempDir()
	r := run(t, nil, "--base-url", root+"/chef", "--credentials", writeCreds(t, dir))
	if r.code == runner.ExitUsage {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.shown["/chef"+contract.PathRefreshCompany]) == 0 {
		t.Fatal("the run never reached E3: the check below would prove nothing")
	}
	for path, toks := range l.shown {
		for _, tok := range toks {
			if l.company[tok] && !strings.HasSuffix(path, contract.PathRefreshCompany) {
				t.Errorf("a company refresh token was presented on %s", path)
			}
			if l.company[tok] && l.presents[tok] > 1 {
				t.Errorf("a company refresh token was presented %d times", l.presents[tok])
			}
		}
	}
}
