package adminui

import (
	"os"
	"strings"
	"testing"

	"github.com/plummock/plummock"
)

// TestReferenceShowsTheContract: the Plum reference names each operation with its method,
// path, parameters, bodies, response statuses, schemas and examples.
func TestReferenceShowsTheContract(t *testing.T) {
	body := get(newHandler(t), "GET", "/__admin/docs/openapi").body
	for _, want := range []string{
		`<h2>Xoxoday Plum authentication API <small>1.0.0</small></h2>`,
		`<section class="op" id="op-createUserToken">`,
		`<span class="method m-post">POST</span> <code>/v1/oauth/token/create/user</code>`,
		`<span class="method m-get">GET</span> <code>/v1/oauth/token</code>`,
		`authentication: <code>companyBearer</code>`,
		`authentication: <code>none</code>`,                   // E2: security: []
		`<a class="ref" href="#schema-TokenSet">TokenSet</a>`, // a response schema links to its component
		`<section class="schema-def" id="schema-TokenSet">`,
		`<code>refresh_token_expiry</code> <span class="req">required</span>`,
		`<li>one of [&#34;bearer&#34;]</li>`,                 // token_type's enum
		`one of:<ul>`,                                        // EpochMillis
		`&#34;user_input&#34;: &#34;admin@demo.example&#34;`, // the request example
		`<span class="status s4">401</span>`,
		`<code>WWW-Authenticate</code>`,
		`https://stagingstores.xoxoday.com/chef Sandbox`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("Plum reference lacks %s", want)
		}
	}
	if strings.Index(body, `id="op-createUserToken"`) > strings.Index(body, `id="op-refreshUserToken"`) {
		t.Error("operations are not in the document's order (E1 before E2)")
	}
}

// TestAdminReferenceShowsParametersAndNamedExamples covers what only the admin document has:
// path and query parameters, several named examples, a YAML example body.
func TestAdminReferenceShowsParametersAndNamedExamples(t *testing.T) {
	body := get(newHandler(t), "GET", "/__admin/docs/admin").body
	for _, want := range []string{
		`<td><code>scenario</code> <span class="req">required</span></td><td>path</td>`,
		`<td><code>limit</code></td><td>query</td><td>integer</td>`,
		`example <b>rateLimited</b>`,
		`authentication: <code>none</code>`, // health
		`authentication: <code>adminBearer</code>`,
		"acme-client",                 // the fixtures example body
		`<code>password_reset</code>`, // backticks in a description become code
	} {
		if !strings.Contains(body, want) {
			t.Errorf("admin reference lacks %q", want)
		}
	}
}

// TestDescriptionsAreEscaped: a document's text cannot inject markup into the page.
func TestDescriptionsAreEscaped(t *testing.T) {
	spec := Spec{Name: "x", Title: "X", YAML: []byte(`openapi: 3.0.3
info: {title: "<b>t</b>", version: "1", description: "a <script>alert(1)</script> and ` + "`<i>`" + `"}
paths:
  /p:
    get:
      summary: "<img src=x onerror=alert(1)>"
      responses:
        "200": {description: ok, content: {application/json: {example: {"k": "</pre><script>"}}}}
`)}
	h, err := New(nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	body := get(h, "GET", "/__admin/docs/x").body
	for _, bad := range []string{"<script>", "<img", "<b>t</b>", "<i>"} {
		if strings.Contains(body, bad) {
			t.Errorf("page contains %q unescaped", bad)
		}
	}
	if !strings.Contains(body, "<code>&lt;i&gt;</code>") {
		t.Error("a code span with markup is not escaped inside <code>")
	}
}

// TestNewRefusesABrokenDocument: a document that does not parse or validate stops start-up
// with its name, instead of serving half a reference.
func TestNewRefusesABrokenDocument(t *testing.T) {
	for name, yaml := range map[string]string{
		"unparsable": "openapi: [",
		"invalid":    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /p:\n    get:\n      responses: {}\n",
	} {
		_, err := New(nil, Spec{Name: name, Title: name, YAML: []byte(yaml)})
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v, want one naming the document", name, err)
		}
	}
}

// TestLazyServesWhatNewRenders: the server's handler renders on first use; it answers the same
// pages as New, and a document that does not render makes every page a 500 that names it.
func TestLazyServesWhatNewRenders(t *testing.T) {
	admin, err := os.ReadFile("../admin.yaml")
	if err != nil {
		t.Fatal(err)
	}
	specs := []Spec{{Name: "openapi", Title: "Plum API", YAML: plummock.SpecYAML()}, {Name: "admin", Title: "Admin API", YAML: admin}}
	eager, lazy := newHandler(t), Lazy(testOps, specs...)
	for _, p := range []string{"/__admin/ui", "/__admin/ui/app.js", "/__admin/docs", "/__admin/docs/admin", "/__admin/docs/openapi.yaml", "/__admin/nope"} {
		a, b := get(eager, "GET", p), get(lazy, "GET", p)
		if a.status != b.status || a.body != b.body || a.header.Get("ETag") != b.header.Get("ETag") {
			t.Errorf("%s: New %d (%d bytes), Lazy %d (%d bytes)", p, a.status, len(a.body), b.status, len(b.body))
		}
	}
	broken := Lazy(nil, Spec{Name: "unparsable", Title: "x", YAML: []byte("openapi: [")})
	for range 2 {
		if a := get(broken, "GET", "/__admin/ui"); a.status != 500 || !strings.Contains(a.body, "unparsable") {
			t.Errorf("broken document: %d %s", a.status, a.body)
		}
	}
}
