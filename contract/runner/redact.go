package runner

import (
	"io"

	"github.com/plummock/plummock/contract"
	"github.com/plummock/plummock/redact"
)

// redactor is the runner's last line of defence: whatever the suite already hid, every byte the
// runner prints or writes is scrubbed again of the credentials it has seen (the initial ones
// and every rotated pair), wherever they appear, and of anything JWT-shaped.
type redactor struct{ set *redact.Set }

func newRedactor(c contract.Credentials) *redactor {
	r := &redactor{set: redact.NewSet(0)}
	r.add(c)
	return r
}

// add registers every credential, however short.
func (r *redactor) add(c contract.Credentials) {
	r.set.AddCredential(c.CompanyToken, c.CompanyRefreshToken, c.ClientSecret, c.AdminToken)
}

func (r *redactor) clean(s string) string { return r.set.Redact(s) }

func (r *redactor) print(w io.Writer, s string) { _, _ = io.WriteString(w, r.clean(s)) }
