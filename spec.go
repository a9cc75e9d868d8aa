// Package plummock holds what the fake and the contract suite share: the embedded OpenAPI
// contract of the real Plum authentication API, and the redaction of secrets for logs and reports.
package plummock

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed openapi.yaml
var specYAML []byte

// SpecYAML returns a copy of the embedded openapi.yaml, e.g. to serve it or write it out.
func SpecYAML() []byte { return append([]byte(nil), specYAML...) }

// LoadSpec parses and validates the embedded contract. It returns a fresh document each call so
// no caller can change another's; `servers` are cleared so a router matches paths relative to
// whatever base the spec is mounted on (the mock serves them under /chef, a target under its URL).
func LoadSpec() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(specYAML)
	if err != nil {
		return nil, fmt.Errorf("parse openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate openapi.yaml: %w", err)
	}
	doc.Servers = nil
	return doc, nil
}

// OperationIDs lists every operationId the contract declares, so a server can prove at start-up
// that it binds a handler to each.
func OperationIDs(doc *openapi3.T) []string {
	var ids []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ids = append(ids, op.OperationID)
		}
	}
	return ids
}
