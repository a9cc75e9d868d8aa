package contract

import (
	"encoding/json"
	"sort"
	"strings"
	"sync"

	"github.com/plummock/plummock"
)

// secrets remembers every credential and token the run has handled, so any text bound for a
// report can be scrubbed of them. Tokens are added as soon as a response carries them.
type secrets struct {
	mu  sync.Mutex
	set map[string]bool
}

func newSecrets() *secrets { return &secrets{set: map[string]bool{}} }

// add registers values to hide; very short values are ignored, as replacing them would mangle
// ordinary text without protecting anything.
func (s *secrets) add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if len(v) >= 6 {
			s.set[v] = true
		}
	}
}

// redact replaces every known secret by its fingerprint, longest first so a secret that
// contains another is hidden whole, then hides anything JWT-shaped.
func (s *secrets) redact(text string) string {
	s.mu.Lock()
	list := make([]string, 0, len(s.set))
	for v := range s.set {
		list = append(list, v)
	}
	s.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, v := range list {
		if strings.Contains(text, v) { // fingerprinting every secret for every text is the run's hot spot
			text = strings.ReplaceAll(text, v, plummock.Fingerprint(v))
		}
	}
	return plummock.RedactJWTs(text)
}

// isSecretKey names JSON fields whose values are credentials wherever they appear
// (access_token, refresh_token, client_secret, ...; not token_type or *_expiry).
func isSecretKey(k string) bool {
	k = strings.ToLower(k)
	return strings.HasSuffix(k, "token") || strings.Contains(k, "secret") ||
		strings.Contains(k, "password") || k == "code"
}

// harvest registers the string values of secret-named fields in a JSON body (request or
// response), so tokens a server hands out are hidden even before a case decodes them.
func (s *secrets) harvest(body []byte) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	walkSecrets(v, "", s.add)
}

func walkSecrets(v any, key string, add func(...string)) {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			walkSecrets(child, k, add)
		}
	case []any:
		for _, child := range t {
			walkSecrets(child, key, add)
		}
	case string:
		if isSecretKey(key) {
			add(t)
		}
	}
}
