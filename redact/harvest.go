package redact

import "encoding/json"

// Harvest registers (with Add) the string values of secret-named fields, at any depth, of a JSON
// body, so a token a server hands out is hidden wherever it shows up later. A body that is not
// JSON registers nothing.
func (s *Set) Harvest(body []byte) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	var found []string
	walkSecrets(v, "", &found)
	s.Add(found...)
}

func walkSecrets(v any, key string, found *[]string) {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			walkSecrets(child, k, found)
		}
	case []any:
		for _, child := range t {
			walkSecrets(child, key, found)
		}
	case string:
		if IsSecretField(key) {
			*found = append(*found, t)
		}
	}
}
