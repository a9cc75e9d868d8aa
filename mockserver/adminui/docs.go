package adminui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// docView is what the reference template shows of one document.
type docView struct {
	Spec        Spec
	All         []Spec
	Title       string
	Version     string
	Description string
	Servers     []string
	Security    []paramView // scheme name, type, description
	Ops         []opView
	Schemas     []namedSchema
}

type opView struct {
	Anchor, Method, Path, Summary, Description, OperationID string
	Security                                                []string
	Params                                                  []paramView
	Body                                                    []mediaView
	BodyRequired                                            bool
	Responses                                               []respView
}

type paramView struct {
	Name, In, Type, Description string
	Required                    bool
}

type mediaView struct {
	Type     string
	Schema   *schemaView
	Examples []exampleView
}

type exampleView struct{ Name, JSON string }

type respView struct {
	Status, Description string
	Headers             []paramView
	Media               []mediaView
}

type namedSchema struct {
	Name   string
	Schema *schemaView
}

// schemaView is a schema flattened for display: a reference to a component is shown as a link,
// anything inline is expanded.
type schemaView struct {
	Ref, Type, Description string
	Notes                  []string
	Props                  []propView
	Items                  *schemaView
	Combine                string // "one of", "any of", "all of"
	Parts                  []*schemaView
}

type propView struct {
	Name     string
	Required bool
	Schema   *schemaView
}

// maxDepth stops the expansion of inline schemas nested deeper than any real document needs.
const maxDepth = 8

// renderSpec parses and validates a document and renders its reference page.
func renderSpec(s Spec, all []Spec) ([]byte, error) {
	doc, err := openapi3.NewLoader().LoadFromData(s.YAML)
	if err != nil {
		return nil, fmt.Errorf("adminui: parse %s: %w", s.Name, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("adminui: validate %s: %w", s.Name, err)
	}
	v := docView{Spec: s, All: all, Title: doc.Info.Title, Version: doc.Info.Version, Description: doc.Info.Description}
	for _, srv := range doc.Servers {
		v.Servers = append(v.Servers, strings.TrimSpace(srv.URL+" "+srv.Description))
	}
	v.Security = securitySchemes(doc)
	v.Ops = operations(doc, string(s.YAML))
	v.Schemas = components(doc)
	return execute("spec", v)
}

func securitySchemes(doc *openapi3.T) []paramView {
	if doc.Components == nil {
		return nil
	}
	var out []paramView
	for _, name := range sortedKeys(doc.Components.SecuritySchemes) {
		s := doc.Components.SecuritySchemes[name].Value
		out = append(out, paramView{Name: name, Type: strings.TrimSpace(s.Type + " " + s.Scheme), Description: s.Description})
	}
	return out
}

// operations lists a document's operations in the order its author wrote the paths.
func operations(doc *openapi3.T, source string) []opView {
	var out []opView
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for _, method := range []string{"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"} {
			if op := item.GetOperation(method); op != nil {
				out = append(out, operation(doc, path, method, item, op))
			}
		}
	}
	at := func(path string) int { return strings.Index(source, "\n  "+path+":") }
	sort.SliceStable(out, func(i, j int) bool { return at(out[i].Path) < at(out[j].Path) })
	return out
}

func operation(doc *openapi3.T, path, method string, item *openapi3.PathItem, op *openapi3.Operation) opView {
	v := opView{Anchor: "op-" + op.OperationID, Method: method, Path: path, Summary: op.Summary,
		Description: op.Description, OperationID: op.OperationID}
	if v.OperationID == "" {
		v.Anchor = "op-" + strings.ToLower(method) + strings.NewReplacer("/", "-", "{", "", "}", "").Replace(path)
	}
	v.Security = security(doc, op)
	for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
		pv := p.Value
		v.Params = append(v.Params, paramView{Name: pv.Name, In: pv.In, Required: pv.Required,
			Type: typeOf(pv.Schema), Description: pv.Description})
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		v.BodyRequired = op.RequestBody.Value.Required
		v.Body = media(op.RequestBody.Value.Content)
	}
	if op.Responses != nil {
		v.Responses = responses(op.Responses)
	}
	return v
}

// responses lists an operation's answers by status, with their headers and bodies.
func responses(rs *openapi3.Responses) []respView {
	var out []respView
	for _, code := range sortedKeys(rs.Map()) {
		r := rs.Value(code).Value
		rv := respView{Status: code, Media: media(r.Content)}
		if r.Description != nil {
			rv.Description = *r.Description
		}
		for _, name := range sortedKeys(r.Headers) {
			h := r.Headers[name].Value
			rv.Headers = append(rv.Headers, paramView{Name: name, Type: typeOf(h.Schema), Description: h.Description})
		}
		out = append(out, rv)
	}
	return out
}

// security names the schemes an operation needs; "none" when it overrides the default with [].
func security(doc *openapi3.T, op *openapi3.Operation) []string {
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	var out []string
	for _, req := range reqs {
		out = append(out, sortedKeys(req)...)
	}
	if len(out) == 0 {
		return []string{"none"}
	}
	return out
}

func media(content openapi3.Content) []mediaView {
	var out []mediaView
	for _, ct := range sortedKeys(content) {
		m := content[ct]
		mv := mediaView{Type: ct, Schema: schema(m.Schema, 0)}
		if m.Example != nil {
			mv.Examples = append(mv.Examples, exampleView{JSON: pretty(m.Example)})
		}
		for _, name := range sortedKeys(m.Examples) {
			if ex := m.Examples[name].Value; ex != nil {
				mv.Examples = append(mv.Examples, exampleView{Name: name, JSON: pretty(ex.Value)})
			}
		}
		out = append(out, mv)
	}
	return out
}

func components(doc *openapi3.T) []namedSchema {
	if doc.Components == nil {
		return nil
	}
	var out []namedSchema
	for _, name := range sortedKeys(doc.Components.Schemas) {
		ref := *doc.Components.Schemas[name]
		ref.Ref = "" // the component itself is expanded; references inside it stay links
		out = append(out, namedSchema{Name: name, Schema: schema(&ref, 0)})
	}
	return out
}

// pretty shows an example as indented JSON, or as text when it is a string (a YAML body).
func pretty(v any) string {
	if s, ok := v.(string); ok && strings.Contains(s, "\n") {
		return s
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// execute renders one template of docs.html. It is parsed per call (three times at start-up)
// rather than held in a package variable.
func execute(name string, v any) ([]byte, error) {
	tmpl, err := template.New("").Funcs(template.FuncMap{
		"lower": strings.ToLower,
		"text":  text,
		"class": func(status string) string { return "s" + status[:1] },
	}).ParseFS(assets, "assets/docs.html")
	if err != nil {
		return nil, fmt.Errorf("adminui: %w", err)
	}
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, name, v); err != nil {
		return nil, fmt.Errorf("adminui: render %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// renderDocsIndex lists the published documents.
func renderDocsIndex(specs []Spec) ([]byte, error) {
	return execute("index", specs)
}
