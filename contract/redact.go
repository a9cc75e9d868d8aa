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

// minHarvested is the shortest value harvested from a body that is hidden: a very short value
// in a secret-named field is more likely ordinary text, and replacing it would mangle the output.
const minHarvested = 6

// add registers values harvested from bodies; very short ones are ignored (minHarvested).
func (s *secrets) add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if len(v) >= minHarvested {
			s.set[v] = true
		}
	}
}

// addCredentials registers credentials (given to the run, or issued to it as its company pair):
// every non-empty one is hidden, however short.
func (s *secrets) addCredentials(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if v != "" {
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
