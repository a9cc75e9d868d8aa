// Package jsonbody reads request bodies within a size limit and checks them more strictly than
// encoding/json does: one object, no duplicate keys, no trailing data, valid UTF-8, no control
// characters in strings, bounded nesting. A body that passes decodes the same in every parser.
package jsonbody

import (
	"errors"
	"fmt"
	"io"
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
