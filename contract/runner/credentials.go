package runner

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/plummock/plummock/contract"
)

// credFile is the JSON credentials file. Unknown keys are kept on write-back, so a file shared
// with other tools survives the suite rewriting it.
type credFile struct {
	contract.Credentials
	ExpectedBalance *float64 `json:"expected_balance,omitempty"`
}

// envVar is one PLUM_* variable and the credential it sets.
type envVar struct {
	name string
	set  func(c *contract.Credentials, v string)
}

// envVars lists the PLUM_* variables (README documents them).
func envVars() []envVar {
	return []envVar{
		{"PLUM_COMPANY_TOKEN", func(c *contract.Credentials, v string) { c.CompanyToken = v }},
		{"PLUM_COMPANY_REFRESH_TOKEN", func(c *contract.Credentials, v string) { c.CompanyRefreshToken = v }},
		{"PLUM_CLIENT_ID", func(c *contract.Credentials, v string) { c.ClientID = v }},
		{"PLUM_CLIENT_SECRET", func(c *contract.Credentials, v string) { c.ClientSecret = v }},
		{"PLUM_USER_EMAIL", func(c *contract.Credentials, v string) { c.UserEmail = v }},
		{"PLUM_NON_ADMIN_EMAIL", func(c *contract.Credentials, v string) { c.NonAdminEmail = v }},
		{"PLUM_ADMIN_TOKEN", func(c *contract.Credentials, v string) { c.AdminToken = v }},
	}
}

// applyEnv overlays the PLUM_* variables that are set.
func applyEnv(c *contract.Credentials, getenv func(string) string) {
	for _, e := range envVars() {
		if v := getenv(e.name); v != "" {
			e.set(c, v)
		}
	}
}

// readCredFile overlays the non-empty fields of the file on c. The file wins over the
// environment because it is where rotated tokens are saved.
func readCredFile(path string, c *contract.Credentials) (*float64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	var f credFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("credentials %s: not valid JSON: %w", path, err)
	}
	overlay(c, f.Credentials)
	return f.ExpectedBalance, nil
}

func overlay(dst *contract.Credentials, src contract.Credentials) {
	for _, p := range []struct {
		d *string
		s string
	}{
		{&dst.CompanyToken, src.CompanyToken}, {&dst.CompanyRefreshToken, src.CompanyRefreshToken},
		{&dst.ClientID, src.ClientID}, {&dst.ClientSecret, src.ClientSecret},
		{&dst.UserEmail, src.UserEmail}, {&dst.NonAdminEmail, src.NonAdminEmail},
		{&dst.AdminToken, src.AdminToken},
	} {
		if p.s != "" {
			*p.d = p.s
		}
	}
}

// saveCompanyTokens writes rotated company tokens into the credentials file atomically: a temp
// file in the same directory, fsynced, mode 0600, renamed over the original. Other keys are kept.
func saveCompanyTokens(path string, c contract.Credentials) error {
	doc := map[string]any{}
	if data, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(data, &doc)
	}
	doc["company_token"], doc["company_refresh_token"] = c.CompanyToken, c.CompanyRefreshToken
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(path, append(data, '\n'))
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("save credentials: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("save credentials: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save credentials: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	return nil
}
