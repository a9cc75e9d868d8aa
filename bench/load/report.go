package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// A results file has one line per measurement, written by bench/lib.sh:
//
//	row tool round rps p50_ms p99_ms errors rss_kb
//
// and "idle server rss_kb" lines for each server's resident memory before any load.

// sample is one measurement.
type sample struct{ rps, p50, p99, errors, rssKB float64 }

// key names one row of the table: an endpoint measured by one tool.
type key struct{ row, tool string }

func readResults(path string) (map[key][]sample, []key, map[string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	samples, idle := map[key][]sample{}, map[string]float64{}
	var order []key
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 3 && fs[0] == "idle" {
			idle[fs[1]], _ = strconv.ParseFloat(fs[2], 64)
			continue
		}
		if len(fs) != 8 {
			continue
		}
		k := key{fs[0], fs[1]}
		if _, seen := samples[k]; !seen {
			order = append(order, k)
		}
		var v [5]float64
		for i, s := range fs[3:] {
			v[i], _ = strconv.ParseFloat(s, 64)
		}
		samples[k] = append(samples[k], sample{v[0], v[1], v[2], v[3], v[4]})
	}
	return samples, order, idle, sc.Err()
}

// median of one field over the rounds.
func median(ss []sample, get func(sample) float64) float64 {
	vs := make([]float64, len(ss))
	for i, s := range ss {
		vs[i] = get(s)
	}
	sort.Float64s(vs)
	if len(vs) == 0 {
		return 0
	}
	if len(vs)%2 == 1 {
		return vs[len(vs)/2]
	}
	return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
}

// baselineOf is the yardstick of a row: signing rows (and a peer's token endpoint) against the
// bare signing handler, the others against the plain handler.
func baselineOf(row string) string {
	if strings.HasPrefix(row, "E1") || strings.HasPrefix(row, "E2") || strings.HasPrefix(row, "peer") {
		return "sign"
	}
	return "plain"
}

// sameReqOf is the like-for-like yardstick of an E4/E8 row (E4-before too): the plain handler
// fed that row's very request, so the ratio leaves out what net/http and the kernel spend on a
// bigger request and keeps plummock's own cost. "" for the other rows.
func sameReqOf(row string) string {
	for _, e := range []string{"E4", "E8"} {
		if strings.HasPrefix(row, e) {
			return "plain-" + strings.ToLower(e)
		}
	}
	return ""
}

// table is a results file read for the report.
type table struct {
	samples map[key][]sample
	order   []key
}

// rps is a row's median requests/s by one tool; 0 when that tool did not measure it.
func (t table) rps(k key) float64 {
	return median(t.samples[k], func(s sample) float64 { return s.rps })
}

// judgedBy is the baseline a row's target is judged by: the like-for-like one when it was
// measured by the same tool, else the general one (so older results files read as before).
func (t table) judgedBy(k key) string {
	if same := sameReqOf(k.row); same != "" && t.rps(key{same, k.tool}) > 0 {
		return same
	}
	return baselineOf(k.row)
}

// ratio is the row's req/s over base's by the same tool, * when it is judged by base; "" when
// base is not named or was not measured by that tool (never a division by zero).
func (t table) ratio(k key, base string) string {
	if base == "" {
		return ""
	}
	b := t.rps(key{base, k.tool})
	if b == 0 {
		return ""
	}
	mark := ""
	if t.judgedBy(k) == base {
		mark = "*"
	}
	return fmt.Sprintf("%.0f%%%s", 100*t.rps(k)/b, mark)
}

// ratios are the row's cells under vs plain, vs sign and vs same req; the first two keep their
// "-" for a baseline the tool did not measure.
func (t table) ratios(k key) [3]string {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	return [3]string{dash(t.ratio(k, "plain")), dash(t.ratio(k, "sign")), t.ratio(k, sameReqOf(k.row))}
}

func printReport(w io.Writer, path string) error {
	samples, order, idle, err := readResults(path)
	if err != nil {
		return err
	}
	t := table{samples, order}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "endpoint\ttool\trounds\treq/s\tp50 ms\tp99 ms\terrors\tRSS MB\tvs plain\tvs sign\tvs same req\t")
	for _, k := range order {
		ss, r := samples[k], t.ratios(k)
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%.2f\t%.2f\t%.0f\t%.1f\t%s\t%s\t%s\t\n", k.row, k.tool, len(ss), t.rps(k),
			median(ss, func(s sample) float64 { return s.p50 }), median(ss, func(s sample) float64 { return s.p99 }),
			median(ss, func(s sample) float64 { return s.errors }), median(ss, func(s sample) float64 { return s.rssKB })/1024,
			r[0], r[1], r[2])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "(medians over the rounds; * marks the ratio each target is judged by; RSS after the load)")
	fmt.Fprintln(w, "(req/s over the same tool's: vs plain, the plain handler's for a bare GET /; vs sign, the signing"+
		" handler's; vs same req, the plain handler's sent the row's own request: plain-e4 for E4 and E4-before,"+
		" plain-e8 for E8 and E8-before, each judged by it where that tool measured it)")
	var names []string
	for n := range idle {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "idle RSS %-12s %.1f MB\n", n, idle[n]/1024)
	}
	return nil
}
