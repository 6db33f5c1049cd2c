// Command rtload runs the realtime load test; see loadtest.Main.
//
//	go run ./realtime/loadtest/rtload serve -addr 127.0.0.1:8091
//	go run ./realtime/loadtest/rtload room -url ws://127.0.0.1:8091/ws -clients 2000 -duration 60s
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"makerlink/realtime/loadtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := loadtest.Main(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "rtload:", err)
		os.Exit(1)
	}
}
