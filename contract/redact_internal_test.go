package contract

import (
	"strings"
	"testing"
)

// Every credential the run is given is hidden whatever its length; the length floor is only for
// values harvested from bodies, where a short one is more likely ordinary text than a secret.
func TestShortCredentialsRedacted(t *testing.T) {
	creds := DemoCredentials()
	creds.ClientSecret, creds.AdminToken, creds.CompanyToken, creds.CompanyRefreshToken = "s3c", "adm1", "ct9", "rf7"
	s, err := newSession(Target{BaseURL: "http://127.0.0.1:1/chef", Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.rotateCompany("nc5", "nr5"); err != nil {
		t.Fatal(err)
	}
	out := s.secrets.redact(`{"client_secret":"s3c","admin":"adm1","company":"ct9","refresh":"rf7","new":"nc5","newr":"nr5"}`)
	for _, v := range []string{"s3c", "adm1", "ct9", "rf7", "nc5", "nr5"} {
		if strings.Contains(out, `"`+v+`"`) {
			t.Errorf("short credential %q printed in clear: %s", v, out)
		}
	}
	s.secrets.harvest([]byte(`{"code":"ok"}`))
	if out := s.secrets.redact("ok"); out != "ok" {
		t.Errorf("a short harvested value was redacted: %q", out)
	}
}
