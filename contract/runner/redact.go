package runner

import (
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/plummock/plummock"
	"github.com/plummock/plummock/contract"
)

// redactor is the runner's last line of defence: whatever the suite already hid, every byte the
// runner prints or writes is scrubbed again of the credentials it has seen (the initial ones
// and every rotated pair) and of anything JWT-shaped.
type redactor struct {
	mu      sync.Mutex
	secrets map[string]bool
}

func newRedactor(c contract.Credentials) *redactor {
	r := &redactor{secrets: map[string]bool{}}
	r.add(c)
	return r
}

func (r *redactor) add(c contract.Credentials) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range []string{c.CompanyToken, c.CompanyRefreshToken, c.ClientSecret, c.AdminToken} {
		if s != "" { // every credential, however short
			r.secrets[s] = true
		}
	}
}

func (r *redactor) clean(s string) string {
	r.mu.Lock()
	list := make([]string, 0, len(r.secrets))
	for k := range r.secrets {
		list = append(list, k)
	}
	r.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, k := range list {
		s = strings.ReplaceAll(s, k, plummock.Fingerprint(k))
	}
	return plummock.RedactJWTs(s)
}

func (r *redactor) print(w io.Writer, s string) { _, _ = io.WriteString(w, r.clean(s)) }
