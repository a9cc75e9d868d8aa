package tokens

import (
	"sync"
	"time"

	"github.com/plummock/plummock/mockserver/store"
)

// offlineCuts are the scenarios' revocations as they apply to offline tokens. The store kills
// issued tokens by their place in the subject's sequence; an offline token has no place there,
// so it dies by time instead: a scenario run at T kills the offline tokens it covers that were
// minted at or before T (an offline token minted in the same second counts as earlier). A reset
// forgets them, as it lifts every scenario.
type offlineCuts struct {
	mu   sync.RWMutex
	cuts []offlineCut
}

type offlineCut struct {
	filter store.Filter
	why    store.Revocation
}

// maxOfflineCuts bounds the list; scenarios are run by hand or by a test, a few at a time.
const maxOfflineCuts = 1000

func (o *offlineCuts) add(f store.Filter, why store.Revocation) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.cuts) >= maxOfflineCuts {
		o.cuts = o.cuts[1:]
	}
	o.cuts = append(o.cuts, offlineCut{f, why})
}

func (o *offlineCuts) clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.cuts = nil
}

// revocation is the earliest scenario that kills an offline token of grant g minted at iat.
func (o *offlineCuts) revocation(g store.Grant, iat time.Time) store.Revocation {
	o.mu.RLock()
	defer o.mu.RUnlock()
	for _, c := range o.cuts {
		f := c.filter
		if f.CompanyID == g.CompanyID && (f.Subject == "" || f.Subject == g.Subject) && (f.Kind == "" || f.Kind == g.Kind) &&
			!iat.After(c.why.At) {
			return c.why
		}
	}
	return store.Revocation{}
}
