package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeResults writes lines in bench/lib.sh's results format to a temporary file.
func writeResults(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "results.tsv")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// readTable reads a results file as printReport does.
func readTable(t *testing.T, path string) table {
	t.Helper()
	samples, order, _, err := readResults(path)
	if err != nil {
		t.Fatal(err)
	}
	return table{samples, order}
}

// twoTools is a run where each tool measured every baseline, E4, E4-before and E8, with ratios
// chosen to be whole percentages that differ by tool; E8 has two rounds, so its median counts.
var twoTools = []string{
	"idle plain 7000",
	"plain go 1 40000 1 2 0 14000",
	"plain-e4 go 1 36000 1 2 0 14000",
	"plain-e8 go 1 32000 1 2 0 14000",
	"sign go 1 2000 1 2 0 14000",
	"E4 go 1 28000 1 2 0 20000",
	"E4-before go 1 18000 1 2 0 20000",
	"E8 go 1 23000 1 2 0 20000",
	"E8 go 2 25000 1 2 0 20000",
	"plain wrk 1 50000 1 2 0 14000",
	"plain-e4 wrk 1 45000 1 2 0 14000",
	"plain-e8 wrk 1 40000 1 2 0 14000",
	"sign wrk 1 2500 1 2 0 14000",
	"E4 wrk 1 36000 1 2 0 20000",
	"E8 wrk 1 30000 1 2 0 20000",
	"E1 wrk 1 2000 1 2 0 20000",
}

func TestRatiosLikeForLike(t *testing.T) {
	tab := readTable(t, writeResults(t, twoTools...))
	for _, c := range []struct {
		k    key
		want [3]string
	}{
		{key{"E4", "go"}, [3]string{"70%", "1400%", "78%*"}},
		{key{"E8", "go"}, [3]string{"60%", "1200%", "75%*"}},
		{key{"E4-before", "go"}, [3]string{"45%", "900%", "50%*"}},
		{key{"E4", "wrk"}, [3]string{"72%", "1440%", "80%*"}},
		{key{"E8", "wrk"}, [3]string{"60%", "1200%", "75%*"}},
		{key{"plain", "go"}, [3]string{"100%*", "2000%", ""}},
		{key{"plain-e8", "wrk"}, [3]string{"80%*", "1600%", ""}},
		{key{"E1", "wrk"}, [3]string{"4%", "80%*", ""}},
	} {
		if got := tab.ratios(c.k); got != c.want {
			t.Errorf("ratios(%v) = %q, want %q", c.k, got, c.want)
		}
	}
}

// Without plain-e8 (a results file from before the like-for-like rows, or a tool that missed it)
// E8's vs same req cell stays blank and E8 is judged by plain again.
func TestRatiosMissingSameReq(t *testing.T) {
	var lines []string
	for _, l := range twoTools {
		if !strings.HasPrefix(l, "plain-e8 wrk ") {
			lines = append(lines, l)
		}
	}
	tab := readTable(t, writeResults(t, lines...))
	if got, want := tab.ratios(key{"E8", "wrk"}), [3]string{"60%*", "1200%", ""}; got != want {
		t.Errorf("E8 wrk without plain-e8: ratios = %q, want %q", got, want)
	}
	if got, want := tab.ratios(key{"E8", "go"}), [3]string{"60%", "1200%", "75%*"}; got != want {
		t.Errorf("E8 go, whose plain-e8 is there: ratios = %q, want %q", got, want)
	}
}

// The printed table has the new column, the line that explains the columns, and no Inf or NaN
// where a baseline is missing.
func TestPrintReportColumns(t *testing.T) {
	path := writeResults(t, "plain go 1 40000 1 2 0 14000", "E8 go 1 30000 1 2 0 20000", "E4 wrk 1 30000 1 2 0 20000")
	var out bytes.Buffer
	if err := printReport(&out, path); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"vs same req", "vs same req, the plain handler's sent the row's own request", "75%*"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
	for _, bad := range []string{"Inf", "NaN"} {
		if strings.Contains(s, bad) {
			t.Errorf("report has %q:\n%s", bad, s)
		}
	}
}
