package jsonbody

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// stringValue reads a value string, keeping it decoded when the scanner collects strings.
func (s *scanner) stringValue(field string) error {
	keep := s.strings != nil && s.hidden == 0
	v, err := s.strDecoded(field, false, keep)
	if err == nil && keep {
		s.strings[field] = v
	}
	return err
}

// str reads a string whose opening quote was just read. In a value (key false) a decoded
// control character, raw DEL or escaped, is refused for the field; a key is returned decoded
// (for duplicate detection), a value is not, so values cost no allocation. Decoding follows
// encoding/json: an unpaired surrogate is U+FFFD.
func (s *scanner) str(field string, key bool) (string, error) {
	return s.strDecoded(field, key, key)
}

// strDecoded is str that returns the decoded string when want is set, key or value.
func (s *scanner) strDecoded(field string, key, want bool) (string, error) {
	start, plain := s.i, true
	var out []byte
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			switch {
			case !want:
				return "", nil
			case plain && key && s.text != "":
				// A key only names a value during this request; a value may be kept (a
				// scope lives as long as its token family), so it gets its own bytes
				// rather than holding the whole body alive.
				return s.text[start : s.i-1], nil
			case plain:
				return string(s.b[start : s.i-1]), nil
			}
			return string(out), nil
		case c < 0x20:
			return "", s.unexpected()
		case c == 0x7f && !key:
			return "", &Problem{Field: field, Reason: "contains a control character"}
		case c != '\\':
			if !plain && want {
				out = append(out, c)
			}
			s.i++
			continue
		}
		if plain && want {
			out = append(out, s.b[start:s.i]...)
		}
		plain = false
		r, err := s.escape()
		if err != nil {
			return "", err
		}
		if (r < 0x20 || r == 0x7f) && !key {
			return "", &Problem{Field: field, Reason: "contains a control character"}
		}
		if want {
			out = utf8.AppendRune(out, r)
		}
	}
	return "", s.unexpected()
}

// escape reads one escape sequence at i (the backslash) and returns the rune it stands for.
func (s *scanner) escape() (rune, error) {
	s.i++
	if s.i >= len(s.b) {
		return 0, s.unexpected()
	}
	c := s.b[s.i]
	if c != 'u' {
		s.i++
		switch c {
		case '"', '\\', '/':
			return rune(c), nil
		case 'b':
			return '\b', nil
		case 'f':
			return '\f', nil
		case 'n':
			return '\n', nil
		case 'r':
			return '\r', nil
		case 't':
			return '\t', nil
		}
		s.i--
		return 0, s.unexpected()
	}
	r, err := s.hex4()
	if err != nil || !utf16.IsSurrogate(r) {
		return r, err
	}
	// A high surrogate pairs with an immediately following \uDC00-\uDFFF escape.
	if s.i+1 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
		save := s.i
		s.i++
		r2, err := s.hex4()
		if err != nil {
			return 0, err
		}
		if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
			return pair, nil
		}
		s.i = save
	}
	return utf8.RuneError, nil
}

// hex4 reads "uXXXX" at i (the 'u').
func (s *scanner) hex4() (rune, error) {
	s.i++
	if s.i+4 > len(s.b) {
		s.i = len(s.b)
		return 0, s.unexpected()
	}
	for j := s.i; j < s.i+4; j++ {
		if !isHex(s.b[j]) {
			s.i = j
			return 0, s.unexpected()
		}
	}
	v, _ := strconv.ParseUint(string(s.b[s.i:s.i+4]), 16, 32)
	s.i += 4
	return rune(v), nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func join(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}
