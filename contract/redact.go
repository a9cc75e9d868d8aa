package contract

import "github.com/plummock/plummock/redact"

// secretsCapacity bounds the values one run remembers: far more tokens than a run is issued,
// so nothing it has seen is forgotten before its report is written.
const secretsCapacity = 1 << 16

// secrets remembers every credential and token the run has handled, so any text bound for a
// report can be scrubbed of them wherever they appear. Tokens are added as soon as a response
// carries them.
type secrets struct{ set *redact.Set }

func newSecrets() *secrets { return &secrets{set: redact.NewSet(secretsCapacity)} }

// addCredentials registers credentials (given to the run, or issued to it as its company pair):
// every non-empty one is hidden, however short.
func (s *secrets) addCredentials(values ...string) { s.set.AddCredential(values...) }

// redact replaces every known secret by its fingerprint (a secret that contains another is
// hidden whole), then hides anything JWT-shaped.
func (s *secrets) redact(text string) string { return s.set.Redact(text) }

// harvest registers the values of secret-named fields in a JSON body (request or response), so
// tokens a server hands out are hidden even before a case decodes them; values shorter than
// redact.MinHarvested are more likely ordinary text and are left alone.
func (s *secrets) harvest(body []byte) { s.set.Harvest(body) }
