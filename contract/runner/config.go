package runner

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/plummock/plummock/contract"
)

// ProductionHost is Plum's production API host; the suite rotates and invalidates tokens, so it
// refuses this host unless --allow-production is given.
const ProductionHost = "accounts.xoxoday.com"

// config is the parsed command line.
type config struct {
	baseURL, adminURL, jwksURL string
	adminToken                 string
	credPath                   string
	junitPath, jsonPath        string
	profilePath                string // --profile-out: the behaviour profile derived from the run
	only                       string
	comparePath                string
	compareWith                string // a second report: compare two files without running
	baseURLFlag                bool   // --base-url was on the command line (not just PLUM_BASE_URL)
	concurrency                int
	rate                       float64
	allowProduction            bool
	askDashboardPair           bool
}

// errUsage marks errors that exit 2 with the usage hint.
var errUsage = errors.New("usage")

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (*config, error) {
	var c config
	fs := flag.NewFlagSet("plummock contract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.baseURL, "base-url", getenv("PLUM_BASE_URL"), "base URL of the target, e.g. http://127.0.0.1:8080/chef (env PLUM_BASE_URL)")
	fs.StringVar(&c.adminURL, "admin-url", getenv("PLUM_ADMIN_URL"), "root of the fake's admin API and JWKS, e.g. http://127.0.0.1:8080 (env PLUM_ADMIN_URL)")
	fs.StringVar(&c.adminToken, "admin-token", "", "bearer token for the admin API (env PLUM_ADMIN_TOKEN)")
	fs.StringVar(&c.jwksURL, "jwks-url", "", "URL of the target's JWKS, if it publishes one elsewhere")
	fs.StringVar(&c.credPath, "credentials", getenv("PLUM_CREDENTIALS"), "JSON credentials file; rotated tokens are written back to it (env PLUM_CREDENTIALS)")
	fs.StringVar(&c.junitPath, "junit", "", "write a JUnit XML report to this file")
	fs.StringVar(&c.jsonPath, "json", "", "write the JSON report to this file")
	fs.StringVar(&c.profilePath, "profile-out", "", "write the behaviour profile the run observed (YAML for plummock serve --profile) to this file")
	fs.StringVar(&c.only, "only", "", "run only cases whose name matches this regular expression")
	fs.StringVar(&c.comparePath, "compare", "", "compare with this JSON report: after the run, or with a second report given as argument")
	fs.IntVar(&c.concurrency, "concurrency", 0, "N for the refresh race (default 20 on loopback, 5 elsewhere)")
	c.rate = -1 // unset: chosen by the host in finish
	fs.Func("rate", "requests per second (default unlimited on loopback, 2 elsewhere; 0 = unlimited)", func(v string) error {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < 0 {
			return fmt.Errorf("want a non-negative number")
		}
		c.rate = r
		return nil
	})
	fs.BoolVar(&c.allowProduction, "allow-production", false, "allow the production host "+ProductionHost)
	fs.BoolVar(&c.askDashboardPair, "ask-dashboard-pair", false, "show the company refresh token to E2 to learn whether it rotates the dashboard pair there (a refusal may cost the token)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: plummock contract --base-url URL [flags]   (see contract/README.md)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, errUsage
	}
	fs.Visit(func(f *flag.Flag) { c.baseURLFlag = c.baseURLFlag || f.Name == "base-url" })
	return &c, c.finish(fs.Args())
}

// finish checks the flags' combination and fills the defaults that depend on the target.
func (c *config) finish(rest []string) error {
	switch {
	case len(rest) == 1 && c.comparePath != "" && c.baseURLFlag:
		return fmt.Errorf("--compare with two reports runs nothing; drop --base-url, or give --compare one report to compare with the run")
	case len(rest) == 1 && c.comparePath != "":
		// Two reports: compare them and run nothing, whatever PLUM_BASE_URL says.
		c.compareWith = rest[0]
		return nil
	case len(rest) > 0:
		return fmt.Errorf("unexpected arguments %q", rest)
	case c.baseURL == "":
		return fmt.Errorf("--base-url is required (e.g. http://127.0.0.1:8080/chef)")
	case c.concurrency < 0:
		return fmt.Errorf("--concurrency must be positive")
	}
	u, err := url.Parse(c.baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--base-url %q is not an http(s) URL", c.baseURL)
	}
	if isProduction(u.Hostname()) && !c.allowProduction {
		return fmt.Errorf("refusing the production host %s: the suite rotates and invalidates tokens; use the sandbox, or pass --allow-production", u.Hostname())
	}
	if c.adminURL != "" && isXoxodayHost(u.Hostname()) {
		return fmt.Errorf("refusing --admin-url (or PLUM_ADMIN_URL) with the Xoxoday host %s: the admin API is the fake's, and admin-only cases would replay and reset the real service's company tokens; unset it", u.Hostname())
	}
	loop := isLoopback(u.Hostname())
	if c.rate < 0 {
		c.rate = map[bool]float64{true: 0, false: 2}[loop]
	}
	if c.concurrency == 0 {
		c.concurrency = map[bool]int{true: 20, false: 5}[loop]
	}
	return nil
}

func isProduction(host string) bool {
	return strings.EqualFold(strings.TrimSuffix(host, "."), ProductionHost)
}

// isXoxodayHost reports whether host is Xoxoday's (xoxoday.com or a subdomain): a real service,
// never a fake with an admin API.
func isXoxodayHost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	return h == "xoxoday.com" || strings.HasSuffix(h, ".xoxoday.com")
}

// isLoopback reports whether host is this machine, where pacing is pointless.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// target builds the contract.Target: defaults, then env, then the file (which wins, being
// where rotated tokens are saved), then --admin-token.
func (c *config) target(getenv func(string) string) (contract.Target, error) {
	creds := contract.DemoCredentials()
	applyEnv(&creds, getenv)
	t := contract.Target{BaseURL: c.baseURL, AdminURL: c.adminURL, JWKSURL: c.jwksURL,
		Rate: c.rate, Concurrency: c.concurrency, AskDashboardPair: c.askDashboardPair}
	if c.credPath != "" {
		bal, err := readCredFile(c.credPath, &creds)
		if err != nil {
			return t, err
		}
		t.ExpectedBalance = bal
		path := c.credPath
		t.Persist = func(cr contract.Credentials) error { return saveCompanyTokens(path, cr) }
	}
	if c.adminToken != "" {
		creds.AdminToken = c.adminToken
	}
	if t.ExpectedBalance == nil && creds.UserEmail == contract.DemoCredentials().UserEmail {
		b := contract.DemoBalance
		t.ExpectedBalance = &b
	}
	t.Credentials = creds
	return t, nil
}
