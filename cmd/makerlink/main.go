// Command makerlink runs the makerlink service and its tools.
//
//	makerlink serve [--addr :8080] [--data ./data] [--demo]
//	makerlink migrate
//	makerlink seed [--seed 1] [--total N]
//	makerlink reindex
//	makerlink rank --startups S.csv --investors I.csv --investments T.csv --queries Q.csv --k K
//	makerlink rank-eval [--data ../shared/data/crunchbase2013]
//	makerlink admin create --email E --name N [--password P]
//	makerlink loadtest http --url U [-c 64] [-d 30s]
//
// Configuration comes from flags, then environment variables
// (MAKERLINK_ADDR, MAKERLINK_DATA, DATABASE_URL, REDIS_URL, MAKERLINK_LOG_LEVEL),
// then defaults: with none set it runs on an embedded SQLite database under
// ./data and an in-process broker.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"makerlink/matching/crunchbase"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "makerlink:", err)
		}
		os.Exit(1)
	}
}

// command is one subcommand of the makerlink binary.
type command struct {
	name, usage string
	run         func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the HTTP API, the web app and live rooms", runServe},
		{"migrate", "apply database migrations and exit", runMigrate},
		{"seed", "load demo data into the database", runSeed},
		{"reindex", "rebuild the search index online; a running server adopts it", runReindex},
		{"rank", "rank investors for startups from Crunchbase-layout CSV files (see README)", noContext(crunchbase.RunRank)},
		{"rank-eval", "evaluate the ranker on a date split of the Crunchbase 2013 data", noContext(crunchbase.RunEval)},
		{"admin", "manage administrators: admin create --email E --name N", runAdmin},
		{"loadtest", "drive a running server: loadtest http --url U; live event room: loadtest room [-clients N]", runLoadtest},
	}
}

// noContext adapts a command that does not take a context.
func noContext(f func(args []string, stdout, stderr io.Writer) error) func(context.Context, []string, io.Writer, io.Writer) error {
	return func(_ context.Context, args []string, stdout, stderr io.Writer) error { return f(args, stdout, stderr) }
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: makerlink <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.usage)
	}
}

// newLogger returns a JSON slog logger at the level named by
// MAKERLINK_LOG_LEVEL (debug, info, warn, error; default info). Durations
// are written as text ("1.5s"), not as nanoseconds, whichever package logs
// them.
func newLogger(w io.Writer) *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(envOr("MAKERLINK_LOG_LEVEL", "info"))); err != nil {
		lvl = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lvl, ReplaceAttr: durationText}))
}

// durationText renders time.Duration attributes as their String form.
func durationText(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}
