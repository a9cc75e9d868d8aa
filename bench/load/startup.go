package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"sort"
	"time"
)

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// printStartup runs the binary n times and prints the median and worst time from exec to the
// first answered request (GET /__admin/health), with the default key and fixtures.
func printStartup(w io.Writer, bin string, n int) error {
	var ds []time.Duration
	for range n {
		d, err := startupOnce(bin)
		if err != nil {
			return err
		}
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	fmt.Fprintf(w, "start-up to first answer: median %.1f ms, worst %.1f ms (%d runs)\n",
		float64(ds[n/2].Microseconds())/1000, float64(ds[n-1].Microseconds())/1000, n)
	return nil
}

func startupOnce(bin string) (time.Duration, error) {
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		m := listening.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		resp, err := http.Get(m[1] + "/__admin/health")
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("health answered %d", resp.StatusCode)
		}
		return time.Since(begin), nil
	}
	return 0, fmt.Errorf("%s printed no listening line", bin)
}
