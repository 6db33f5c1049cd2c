package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"makerlink/loadtest"
)

func runLoadtest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "room" {
		return runLoadtestRoom(ctx, args[1:], stdout, stderr) // loadtest_room.go
	}
	if len(args) == 0 || args[0] != "http" {
		return errors.New("usage: makerlink loadtest http --url http://127.0.0.1:8080 [-c 64] [-d 30s] [--scenarios healthz,startup,list,create] [--pid N]")
	}
	fs := flag.NewFlagSet("loadtest http", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg loadtest.HTTPConfig
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "server base URL")
	fs.IntVar(&cfg.Concurrency, "c", 64, "concurrent clients")
	fs.DurationVar(&cfg.Duration, "d", 30e9, "duration of each scenario")
	fs.IntVar(&cfg.ServerPID, "pid", 0, "server process id, to report its peak memory")
	scen := fs.String("scenarios", strings.Join(loadtest.Scenarios, ","), "comma-separated scenarios")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg.Scenarios = strings.Split(*scen, ",")
	rep, err := loadtest.RunHTTP(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, rep.Markdown())
	for _, r := range rep.Results {
		if r.FirstErr != "" {
			fmt.Fprintf(stdout, "\n%s: first error: %.300s\n", r.Scenario, r.FirstErr)
		}
		if r.Locked > 0 {
			fmt.Fprintf(stdout, "%s: %d replies said 'database is locked'\n", r.Scenario, r.Locked)
		}
	}
	return nil
}
