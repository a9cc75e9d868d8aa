package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/plummock/plummock/mockserver/journal"
)

// applyEnv sets every flag not given on the command line from PREFIX_NAME (upper case, dashes
// as underscores), so each flag is also an environment variable.
func applyEnv(fs *flag.FlagSet, prefix string, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		name := prefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(name); v != "" {
			if setErr := fs.Set(f.Name, v); setErr != nil {
				err = fmt.Errorf("%s=%q: %w", name, v, setErr)
			}
		}
	})
	return err
}

// checkJournalSize refuses a --journal-size (or PLUMMOCK_JOURNAL_SIZE) the journal cannot keep:
// its entries are preallocated, so a huge value would be a huge allocation at start.
func checkJournalSize(n int) error {
	if err := journal.CheckSize(n); err != nil {
		return fmt.Errorf("--journal-size %d: %w", n, err)
	}
	return nil
}
