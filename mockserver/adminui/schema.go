package adminui

import (
	"encoding/json"
	"fmt"
	"html/template"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

const componentPrefix = "#/components/schemas/"

// schema flattens a schema for display. A reference to a component becomes a link, so a
// recursive or shared schema is shown once, under Schemas.
func schema(ref *openapi3.SchemaRef, depth int) *schemaView {
	if ref == nil {
		return nil
	}
	if strings.HasPrefix(ref.Ref, componentPrefix) {
		return &schemaView{Ref: strings.TrimPrefix(ref.Ref, componentPrefix)}
	}
	s := ref.Value
	if s == nil || depth > maxDepth {
		return &schemaView{Type: "…"}
	}
	v := &schemaView{Type: typeOf(ref), Description: s.Description, Notes: notes(s)}
	for _, name := range sortedKeys(s.Properties) {
		v.Props = append(v.Props, propView{Name: name, Required: contains(s.Required, name), Schema: schema(s.Properties[name], depth+1)})
	}
	if s.Items != nil {
		v.Items = schema(s.Items, depth+1)
	}
	for _, c := range []struct {
		label string
		parts openapi3.SchemaRefs
	}{{"one of", s.OneOf}, {"any of", s.AnyOf}, {"all of", s.AllOf}} {
		if len(c.parts) > 0 && v.Combine == "" {
			v.Combine = c.label
			for _, p := range c.parts {
				v.Parts = append(v.Parts, schema(p, depth+1))
			}
		}
	}
	return v
}

// typeOf is a schema's type and format in a few words ("integer int64", "string", "object").
func typeOf(ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Value == nil {
		return ""
	}
	if strings.HasPrefix(ref.Ref, componentPrefix) {
		return strings.TrimPrefix(ref.Ref, componentPrefix)
	}
	s := ref.Value
	t := strings.Join(s.Type.Slice(), " | ")
	if s.Format != "" {
		t += " (" + s.Format + ")"
	}
	if t == "" && len(s.Properties) > 0 {
		t = "object"
	}
	return t
}

// notes lists a schema's constraints and plummock's own annotations in words.
func notes(s *openapi3.Schema) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if len(s.Enum) > 0 {
		add("one of %s", compact(s.Enum))
	}
	if s.Nullable {
		add("may be null")
	}
	if s.Min != nil {
		add("minimum %v", *s.Min)
	}
	if s.Max != nil {
		add("maximum %v", *s.Max)
	}
	if s.MinLength > 0 {
		add("at least %d characters", s.MinLength)
	}
	if s.Pattern != "" {
		add("pattern %s", s.Pattern)
	}
	if s.MinItems > 0 {
		add("at least %d items", s.MinItems)
	}
	if ap := s.AdditionalProperties.Has; ap != nil && !*ap {
		add("no other fields")
	}
	if s.Example != nil {
		add("example %s", compact(s.Example))
	}
	for _, ext := range []string{"x-assumed", "x-assumed-values", "x-conflict"} {
		if x, ok := s.Extensions[ext]; ok {
			add("%s: %s", ext, strings.TrimSpace(fmt.Sprint(x)))
		}
	}
	return out
}

func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

var backticks = regexp.MustCompile("`([^`]+)`")

// text renders a description: escaped, with `code` spans kept; line breaks are kept by CSS.
func text(s string) template.HTML {
	escaped := template.HTMLEscapeString(strings.TrimSpace(s))
	return template.HTML(backticks.ReplaceAllString(escaped, "<code>$1</code>"))
}
