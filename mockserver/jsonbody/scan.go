package jsonbody

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Check verifies b is exactly one JSON object meeting the package's rules. It is a single pass
// over the bytes with no reflection and no token allocations: it runs on every request with a
// body, where encoding/json's Decoder.Token cost more than the rest of the request.
func Check(b []byte) error {
	return (&scanner{b: b}).check()
}

// Strings is Check that also returns every string value of the body, decoded, by its dotted
// path ("variables.user_data.email"), from the same single pass, so a handler reads its fields
// without decoding the body a second time. Strings inside arrays are not collected.
func Strings(b []byte) (map[string]string, error) {
	// One copy of the body as a string: every escape-free key is a slice of it, so reading
	// the keys allocates once rather than once per key. Values are copied on their own.
	s := &scanner{b: b, text: string(b), strings: make(map[string]string, 4)}
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.strings, nil
}

func (s *scanner) check() error {
	b := s.b
	if len(bytes.TrimSpace(b)) == 0 {
		return &Problem{Reason: "request body is empty"}
	}
	if !utf8.Valid(b) {
		return &Problem{Reason: "request body is not valid UTF-8"}
	}
	s.space()
	if c := s.b[s.i]; c != '{' {
		if bytes.IndexByte([]byte(`["-0123456789tfn`), c) >= 0 {
			return &Problem{Reason: "request body must be a JSON object"}
		}
		return s.unexpected()
	}
	s.i++
	if err := s.object("", 1); err != nil {
		return err
	}
	s.space()
	if s.i < len(s.b) {
		return &Problem{Reason: "unexpected data after the JSON object"}
	}
	return nil
}

// scanner walks one body; i is the next byte to read. strings, when not nil, collects the
// string values by path, except those a path cannot name unambiguously: inside an array, or
// under a key that itself holds a dot.
type scanner struct {
	b       []byte
	text    string // b as a string, when strings are collected ("" otherwise)
	i       int
	strings map[string]string
	hidden  int // enclosing arrays and dotted keys of the value being read
}

func (s *scanner) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// unexpected reports the byte at i, or truncation at the end of the body.
func (s *scanner) unexpected() error {
	if s.i >= len(s.b) {
		return &Problem{Reason: "request body is truncated JSON"}
	}
	r, _ := utf8.DecodeRune(s.b[s.i:])
	return &Problem{Reason: fmt.Sprintf("malformed JSON: invalid character %s at offset %d", strconv.QuoteRune(r), s.i)}
}

// expect consumes c after optional white space.
func (s *scanner) expect(c byte) error {
	s.space()
	if s.i >= len(s.b) || s.b[s.i] != c {
		return s.unexpected()
	}
	s.i++
	return nil
}

// object reads members up to the closing brace; its '{' was just read.
func (s *scanner) object(at string, depth int) error {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return nil
	}
	var seen []string // Plum's bodies have a handful of keys: a slice beats a map
	for {
		if err := s.expect('"'); err != nil {
			return err
		}
		key, err := s.str(at, true)
		if err != nil {
			return err
		}
		field := join(at, key)
		for _, k := range seen {
			if k == key {
				return &Problem{Field: field, Reason: "duplicate key"}
			}
		}
		seen = append(seen, key)
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := s.member(key, field, depth); err != nil {
			return err
		}
		if done, err := s.next('}'); done || err != nil {
			return err
		}
	}
}

// member reads the value of key; a dotted key hides its strings from collection.
func (s *scanner) member(key, field string, depth int) error {
	if strings.Contains(key, ".") {
		s.hidden++
		defer func() { s.hidden-- }()
	}
	return s.value(field, depth)
}

// next consumes a ',' (more to come) or the closing byte (done).
func (s *scanner) next(closing byte) (done bool, err error) {
	s.space()
	switch {
	case s.i >= len(s.b):
		return false, s.unexpected()
	case s.b[s.i] == ',':
		s.i++
		return false, nil
	case s.b[s.i] == closing:
		s.i++
		return true, nil
	}
	return false, s.unexpected()
}

func (s *scanner) array(at string, depth int) error {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return nil
	}
	for n := 0; ; n++ {
		if err := s.value(fmt.Sprintf("%s[%d]", at, n), depth); err != nil {
			return err
		}
		if done, err := s.next(']'); done || err != nil {
			return err
		}
	}
}

// value reads one value inside a container at depth.
func (s *scanner) value(field string, depth int) error {
	s.space()
	if s.i >= len(s.b) {
		return s.unexpected()
	}
	switch c := s.b[s.i]; c {
	case '{', '[':
		if depth >= MaxDepth {
			return &Problem{Field: field, Reason: fmt.Sprintf("nested deeper than %d levels", MaxDepth)}
		}
		s.i++
		if c == '{' {
			return s.object(field, depth+1)
		}
		s.hidden++
		defer func() { s.hidden-- }()
		return s.array(field, depth+1)
	case '"':
		s.i++
		return s.stringValue(field)
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	return s.number()
}

func (s *scanner) literal(word string) error {
	for j := 0; j < len(word); j++ {
		if s.i >= len(s.b) || s.b[s.i] != word[j] {
			return s.unexpected()
		}
		s.i++
	}
	return nil
}

// number reads RFC 8259's -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() error {
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	if s.i < len(s.b) && s.b[s.i] == '0' {
		s.i++
	} else if err := s.digits(); err != nil {
		return err
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if err := s.digits(); err != nil {
			return err
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		return s.digits()
	}
	return nil
}

// digits reads one or more decimal digits.
func (s *scanner) digits() error {
	start := s.i
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		s.i++
	}
	if s.i == start {
		return s.unexpected()
	}
	return nil
}
