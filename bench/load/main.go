// Command load is bench/run.sh's Go load generator: c workers, each on its own keep-alive
// connection, send requests back to back for a fixed time and record every latency. It exists
// beside wrk because E2 needs state per connection (a refresh token is single use: each worker
// follows its own refresh chain, for a Super Admin of its own), and so every row of the table can
// be measured by one tool.
//
// It prints one line: requests/s, p50 ms, p99 ms, requests, errors.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

type config struct {
	base, tokens, mode, token, users string
	conns                            int
	duration                         time.Duration
}

func main() {
	var cfg config
	flag.StringVar(&cfg.base, "url", "http://127.0.0.1:8080", "server base URL")
	flag.StringVar(&cfg.mode, "mode", "plain", "plain (GET /), e1, e2, e4, e8 or mix (the soak: 10% E1, 30% E2, 60% E4)")
	flag.StringVar(&cfg.tokens, "token-url", "", "base URL the workers of e2/e4/e8/mix get their token set from (default: -url);\n"+
		"e4/e8 with -url the plain baseline and this the mock send the plain handler the mock rows' very requests")
	flag.StringVar(&cfg.token, "company-token", "bench-company-token", "company access token for E1")
	flag.StringVar(&cfg.users, "user-format", "admin%d@bench.example", "Super Admin email per worker (Sprintf of the worker index)")
	flag.IntVar(&cfg.conns, "c", 50, "connections (one worker each)")
	flag.DurationVar(&cfg.duration, "d", 10*time.Second, "how long to send")
	report := flag.String("report", "", "instead of loading: summarize this results file (see report.go)")
	startup := flag.String("startup", "", "instead of loading: time this plummock binary from exec to its first answer")
	flag.Parse()
	if cfg.tokens == "" {
		cfg.tokens = cfg.base
	}
	switch {
	case *report != "":
		if err := printReport(os.Stdout, *report); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		return
	case *startup != "":
		if err := printStartup(os.Stdout, *startup, 5); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		return
	}
	res, err := run(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	fmt.Println(res)
}

// result is what one run measured.
type result struct {
	requests, errors int
	elapsed          time.Duration
	p50, p99         time.Duration
}

func (r result) String() string {
	rps := float64(r.requests) / r.elapsed.Seconds()
	return fmt.Sprintf("%.0f %.2f %.2f %d %d", rps, ms(r.p50), ms(r.p99), r.requests, r.errors)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// run prepares one worker per connection, then lets them all send until the deadline.
func run(cfg config) (result, error) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: cfg.conns, MaxConnsPerHost: cfg.conns, DisableCompression: true,
	}}
	workers := make([]*worker, cfg.conns)
	for i := range workers {
		w, err := newWorker(client, cfg, i)
		if err != nil {
			return result{}, err
		}
		workers[i] = w
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() { defer wg.Done(); w.loop(ctx) }()
	}
	wg.Wait()
	return summarize(workers, time.Since(start)), nil
}

func summarize(workers []*worker, elapsed time.Duration) result {
	res := result{elapsed: elapsed}
	var all []time.Duration
	statuses := map[int]int{}
	for _, w := range workers {
		all = append(all, w.latencies...)
		res.errors += w.errors
		for s, n := range w.statuses {
			statuses[s] += n
		}
	}
	if len(statuses) > 0 {
		fmt.Fprintf(os.Stderr, "load: errors by status: %v\n", statuses)
	}
	res.requests = len(all)
	if len(all) == 0 {
		return res
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	res.p50, res.p99 = all[len(all)/2], all[len(all)*99/100]
	return res
}

// worker sends one kind of request in a loop; next builds each request from the last answer.
type worker struct {
	client    *http.Client
	next      func(prev []byte) (*http.Request, error)
	latencies []time.Duration
	errors    int
	statuses  map[int]int // of the errors: HTTP status, 0 for a transport error
	prev      []byte
}

func (w *worker) loop(ctx context.Context) {
	for ctx.Err() == nil {
		req, err := w.next(w.prev)
		if err != nil {
			w.errors++
			return // a broken refresh chain cannot go on
		}
		t0 := time.Now()
		body, status, err := do(w.client, req.WithContext(ctx))
		if ctx.Err() != nil {
			return // cut off by the deadline: not a measurement
		}
		w.latencies = append(w.latencies, time.Since(t0))
		if err != nil || status != http.StatusOK {
			w.errors++
			w.statuses[status]++
			continue
		}
		w.prev = body
	}
}

func do(c *http.Client, req *http.Request) ([]byte, int, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return body, resp.StatusCode, err
}

var errChain = errors.New("no refresh_token in the last answer")

// field pulls a string field out of a flat JSON answer without a full decode (the generator
// must stay cheap next to the server it measures).
func field(body []byte, name string) string {
	s := string(body)
	i := strings.Index(s, `"`+name+`":"`)
	if i < 0 {
		return ""
	}
	s = s[i+len(name)+4:]
	if j := strings.IndexByte(s, '"'); j >= 0 {
		return s[:j]
	}
	return ""
}
