package runner

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/plummock/plummock/contract"
)

func readReport(path string) (*contract.Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--compare: %w", err)
	}
	var r contract.Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("--compare %s: not a JSON report: %w", path, err)
	}
	return &r, nil
}

// compareFiles diffs two saved reports without running anything: exit 0 when they agree on
// every behaviour, 1 when some differ.
func compareFiles(a, b string, stdout, stderr io.Writer) int {
	ra, err := readReport(a)
	if err != nil {
		fmt.Fprintf(stderr, "plummock contract: %v\n", err)
		return ExitUsage
	}
	rb, err := readReport(b)
	if err != nil {
		fmt.Fprintf(stderr, "plummock contract: %v\n", err)
		return ExitUsage
	}
	diffs := contract.Compare(ra, rb)
	fmt.Fprint(stdout, differences(a+" ("+ra.Target+")", b+" ("+rb.Target+")", diffs))
	if len(diffs) > 0 {
		return ExitFail
	}
	return ExitPass
}

// compareWithRun diffs a saved report (A) with this run (B); the differences are information,
// the run's own verdicts decide the exit code.
func compareWithRun(path string, rep *contract.Report, out *redactor, stdout, stderr io.Writer) int {
	ra, err := readReport(path)
	if err != nil {
		fmt.Fprintf(stderr, "plummock contract: %v\n", err)
		return ExitUsage
	}
	out.print(stdout, differences(path+" ("+ra.Target+")", "this run ("+rep.Target+")", contract.Compare(ra, rep)))
	return ExitPass
}
