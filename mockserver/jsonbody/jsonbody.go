// Package jsonbody reads request bodies within a size limit and checks them more strictly than
// encoding/json does: one object, no duplicate keys, no trailing data, valid UTF-8, no control
// characters in strings, bounded nesting. A body that passes decodes the same in every parser.
package jsonbody

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// ErrTooLarge is returned when a body exceeds the limit; the reader stops at limit+1 bytes.
var ErrTooLarge = errors.New("request body too large")

// MaxDepth bounds nesting; Plum's bodies are at most three levels deep.
const MaxDepth = 32

// Read reads the whole body, refusing one longer than limit bytes without reading it all.
func Read(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, ErrTooLarge
	}
	return b, nil
}

// Problem is a body that is not acceptable JSON, with the field it concerns when known.
type Problem struct {
	Field  string
	Reason string
}

func (p *Problem) Error() string {
	if p.Field == "" {
		return p.Reason
	}
	return p.Field + ": " + p.Reason
}

// Check verifies b is exactly one JSON object meeting the rules above.
func Check(b []byte) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return &Problem{Reason: "request body is empty"}
	}
	if !utf8.Valid(b) {
		return &Problem{Reason: "request body is not valid UTF-8"}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return syntaxProblem(err)
	}
	if tok != json.Delim('{') {
		return &Problem{Reason: "request body must be a JSON object"}
	}
	if err := checkObject(dec, "", 1); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return &Problem{Reason: "unexpected data after the JSON object"}
	}
	return nil
}

// checkObject walks an object whose '{' was just read.
func checkObject(dec *json.Decoder, at string, depth int) error {
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return syntaxProblem(err)
		}
		key, _ := tok.(string)
		field := join(at, key)
		if seen[key] {
			return &Problem{Field: field, Reason: "duplicate key"}
		}
		seen[key] = true
		if err := checkValue(dec, field, depth); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return syntaxProblem(err)
}

func checkArray(dec *json.Decoder, at string, depth int) error {
	for i := 0; dec.More(); i++ {
		if err := checkValue(dec, fmt.Sprintf("%s[%d]", at, i), depth); err != nil {
			return err
		}
	}
	_, err := dec.Token() // ']'
	return syntaxProblem(err)
}

func checkValue(dec *json.Decoder, field string, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return syntaxProblem(err)
	}
	switch v := tok.(type) {
	case json.Delim:
		if depth >= MaxDepth {
			return &Problem{Field: field, Reason: fmt.Sprintf("nested deeper than %d levels", MaxDepth)}
		}
		if v == '{' {
			return checkObject(dec, field, depth+1)
		}
		return checkArray(dec, field, depth+1)
	case string:
		if strings.IndexFunc(v, isControl) >= 0 {
			return &Problem{Field: field, Reason: "contains a control character"}
		}
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func join(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

func syntaxProblem(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &Problem{Reason: "request body is truncated JSON"}
	}
	return &Problem{Reason: "malformed JSON: " + err.Error()}
}
