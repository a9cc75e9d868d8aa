package jsonbody

// The first implementation of Check, on encoding/json's Decoder.Token, kept as the oracle the
// hand-written scanner is fuzzed against: both must accept and refuse exactly the same bodies.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

func referenceCheck(b []byte) error {
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
		return refSyntax(err)
	}
	if tok != json.Delim('{') {
		return &Problem{Reason: "request body must be a JSON object"}
	}
	if err := refObject(dec, "", 1); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return &Problem{Reason: "unexpected data after the JSON object"}
	}
	return nil
}

// refObject walks an object whose '{' was just read.
func refObject(dec *json.Decoder, at string, depth int) error {
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return refSyntax(err)
		}
		key, _ := tok.(string)
		field := refJoin(at, key)
		if seen[key] {
			return &Problem{Field: field, Reason: "duplicate key"}
		}
		seen[key] = true
		if err := refValue(dec, field, depth); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return refSyntax(err)
}

func refArray(dec *json.Decoder, at string, depth int) error {
	for i := 0; dec.More(); i++ {
		if err := refValue(dec, fmt.Sprintf("%s[%d]", at, i), depth); err != nil {
			return err
		}
	}
	_, err := dec.Token() // ']'
	return refSyntax(err)
}

func refValue(dec *json.Decoder, field string, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return refSyntax(err)
	}
	switch v := tok.(type) {
	case json.Delim:
		if depth >= MaxDepth {
			return &Problem{Field: field, Reason: fmt.Sprintf("nested deeper than %d levels", MaxDepth)}
		}
		if v == '{' {
			return refObject(dec, field, depth+1)
		}
		return refArray(dec, field, depth+1)
	case string:
		if strings.IndexFunc(v, refControl) >= 0 {
			return &Problem{Field: field, Reason: "contains a control character"}
		}
	}
	return nil
}

func refControl(r rune) bool { return r < 0x20 || r == 0x7f }

func refJoin(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

func refSyntax(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &Problem{Reason: "request body is truncated JSON"}
	}
	return &Problem{Reason: "malformed JSON: " + err.Error()}
}
