// Package loadtest drives a running makerlink server over HTTP on loopback
// and reports throughput and latency percentiles. It backs the
// `makerlink loadtest http` command whose figures go into docs/benchmarks.md.
package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// HTTPConfig configures [RunHTTP].
type HTTPConfig struct {
	URL         string        // base URL of the server, e.g. http://127.0.0.1:8080
	Concurrency int           // concurrent clients (default 64)
	Duration    time.Duration // per scenario (default 30s)
	Scenarios   []string      // names from [Scenarios]; empty = all
	ServerPID   int           // when set, the server's peak RSS is read from /proc
}

// Scenarios lists the scenarios RunHTTP knows, in the order it runs them.
var Scenarios = []string{"healthz", "startup", "list", "create"}

// Result is the outcome of one scenario.
type Result struct {
	Scenario string
	Requests int64
	Errors   int64
	Locked   int64 // replies mentioning "database is locked"
	PerSec   float64
	P50, P99 time.Duration
	Max      time.Duration
	FirstErr string
}

// Report is the outcome of a run.
type Report struct {
	Results     []Result
	PeakRSSKiB  int64 // server's VmHWM when ServerPID was given
	Concurrency int
	Duration    time.Duration
}

// Markdown renders the report as a table.
func (r Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "concurrency %d, %s per scenario\n\n", r.Concurrency, r.Duration)
	b.WriteString("| scenario | requests | req/s | p50 | p99 | max | errors |\n|---|---|---|---|---|---|---|\n")
	for _, x := range r.Results {
		fmt.Fprintf(&b, "| %s | %d | %.0f | %s | %s | %s | %d |\n", x.Scenario, x.Requests, x.PerSec,
			x.P50.Round(time.Microsecond), x.P99.Round(time.Microsecond), x.Max.Round(time.Microsecond), x.Errors)
	}
	if r.PeakRSSKiB > 0 {
		fmt.Fprintf(&b, "\nserver peak RSS: %.1f MiB\n", float64(r.PeakRSSKiB)/1024)
	}
	return b.String()
}

// RunHTTP runs the scenarios one after another against cfg.URL.
func RunHTTP(ctx context.Context, cfg HTTPConfig) (Report, error) {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 64
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 30 * time.Second
	}
	if len(cfg.Scenarios) == 0 {
		cfg.Scenarios = Scenarios
	}
	base := strings.TrimRight(cfg.URL, "/")
	client := &fasthttp.Client{MaxConnsPerHost: cfg.Concurrency * 2, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	rep := Report{Concurrency: cfg.Concurrency, Duration: cfg.Duration}

	for _, name := range cfg.Scenarios {
		var next func(w int) (method, path string, body []byte, token string)
		switch name {
		case "healthz":
			next = func(int) (string, string, []byte, string) { return "GET", "/healthz", nil, "" }
		case "startup":
			ids, err := startupIDs(client, base)
			if err != nil {
				return rep, err
			}
			next = func(int) (string, string, []byte, string) {
				return "GET", "/api/v1/startups/" + ids[rand.IntN(len(ids))], nil, ""
			}
		case "list":
			sectors := []string{"new_energy", "biotech", "modern_agriculture", "electronic_info", "new_materials"}
			next = func(int) (string, string, []byte, string) {
				return "GET", "/api/v1/startups?limit=20&sector=" + sectors[rand.IntN(len(sectors))], nil, ""
			}
		case "create":
			tokens := make([]string, cfg.Concurrency)
			for i := range tokens {
				t, err := register(client, base)
				if err != nil {
					return rep, err
				}
				tokens[i] = t
			}
			var n atomic.Int64
			next = func(w int) (string, string, []byte, string) {
				i := n.Add(1)
				body := fmt.Sprintf(`{"name":"负载测试科技 %d","tagline":"load test","description":"宁夏银川的新能源储能初创企业 %d","sectors":["new_energy"],"stage":"seed","city":"银川","funding_ask_cny":2000000,"team_size":5,"needs":["寻找天使投资"]}`, i, i)
				return "POST", "/api/v1/startups", []byte(body), tokens[w]
			}
		default:
			return rep, fmt.Errorf("unknown scenario %q (known: %s)", name, strings.Join(Scenarios, ", "))
		}
		res, err := drive(ctx, client, base, name, cfg, next)
		if err != nil {
			return rep, err
		}
		rep.Results = append(rep.Results, res)
	}
	if cfg.ServerPID > 0 {
		rep.PeakRSSKiB = peakRSS(cfg.ServerPID)
	}
	return rep, nil
}

func drive(ctx context.Context, client *fasthttp.Client, base, name string, cfg HTTPConfig,
	next func(w int) (method, path string, body []byte, token string)) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		all      []time.Duration
		errs     atomic.Int64
		locked   atomic.Int64
		firstErr atomic.Value
	)
	start := time.Now()
	for w := 0; w < cfg.Concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			lat := make([]time.Duration, 0, 1<<16)
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			for ctx.Err() == nil {
				method, path, body, token := next(w)
				req.Reset()
				req.Header.SetMethod(method)
				req.SetRequestURI(base + path)
				if body != nil {
					req.Header.SetContentType("application/json")
					req.SetBody(body)
				}
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				t0 := time.Now()
				err := client.Do(req, resp)
				lat = append(lat, time.Since(t0))
				if err != nil || resp.StatusCode() >= 400 {
					errs.Add(1)
					msg := ""
					if err != nil {
						msg = err.Error()
					} else {
						msg = strconv.Itoa(resp.StatusCode()) + " " + string(resp.Body())
						if strings.Contains(msg, "database is locked") {
							locked.Add(1)
						}
					}
					firstErr.CompareAndSwap(nil, msg)
				}
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	if len(all) == 0 {
		return Result{}, errors.New("no requests completed")
	}
	slices.Sort(all)
	res := Result{
		Scenario: name, Requests: int64(len(all)), Errors: errs.Load(), Locked: locked.Load(),
		PerSec: float64(len(all)) / elapsed.Seconds(),
		P50:    all[len(all)/2], P99: all[len(all)*99/100], Max: all[len(all)-1],
	}
	if v, ok := firstErr.Load().(string); ok {
		res.FirstErr = v
	}
	return res, nil
}

func startupIDs(client *fasthttp.Client, base string) ([]string, error) {
	var ids []string
	cursor := ""
	for len(ids) < 2000 {
		url := base + "/api/v1/startups?limit=100"
		if cursor != "" {
			url += "&cursor=" + cursor
		}
		status, body, err := client.Get(nil, url)
		if err != nil || status != 200 {
			return nil, fmt.Errorf("list startups: status %d: %v %s", status, err, body)
		}
		var page struct {
			Items      []struct{ ID string } `json:"items"`
			NextCursor string                `json:"next_cursor"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, fmt.Errorf("list startups: %w", err)
		}
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(ids) == 0 {
		return nil, errors.New("the server has no public startups: start it with --demo")
	}
	return ids, nil
}

func register(client *fasthttp.Client, base string) (string, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.Header.SetMethod("POST")
	req.SetRequestURI(base + "/api/v1/auth/register")
	req.Header.SetContentType("application/json")
	req.SetBodyString(fmt.Sprintf(`{"email":"load-%d-%d@example.com","password":"load-test-pass","name":"Load","roles":["founder"]}`, time.Now().UnixNano(), rand.Int64()))
	if err := client.Do(req, resp); err != nil {
		return "", fmt.Errorf("register: %w", err)
	}
	if resp.StatusCode() != 201 {
		return "", fmt.Errorf("register: status %d: %s", resp.StatusCode(), resp.Body())
	}
	var out struct{ Token string }
	if err := json.Unmarshal(resp.Body(), &out); err != nil || out.Token == "" {
		return "", fmt.Errorf("register: no token in %s", resp.Body())
	}
	return out.Token, nil
}

// peakRSS returns VmHWM of a process in KiB, or 0.
func peakRSS(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n
		}
	}
	return 0
}
