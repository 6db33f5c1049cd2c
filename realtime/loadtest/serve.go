package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"

	"makerlink"
	"makerlink/realtime"
)

// NewServer returns a Fiber app serving hub at GET /ws and a control
// endpoint for load tests: POST /debug/publish {"channel","type","data"}
// publishes through the hub, GET /debug/mem returns [MemStats] after a GC.
// It has no authentication: bind it to loopback only.
func NewServer(hub *realtime.Hub) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true, Concurrency: 1 << 20})
	hub.Mount(app)
	app.Post("/debug/publish", func(c *fiber.Ctx) error {
		var req struct {
			Channel string          `json:"channel"`
			Type    string          `json:"type"`
			Data    json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(c.Body(), &req); err != nil {
			return fiber.NewError(fiber.StatusBadRequest, err.Error())
		}
		seq, err := hub.Publish(c.UserContext(), req.Channel, req.Type, []byte(req.Data))
		if err != nil {
			status := fiber.StatusInternalServerError
			if makerlink.ErrorCode(err) == makerlink.EValidation {
				status = fiber.StatusBadRequest
			}
			return fiber.NewError(status, err.Error())
		}
		return c.JSON(fiber.Map{"seq": seq})
	})
	app.Get("/debug/mem", func(c *fiber.Ctx) error {
		ms := ReadMemStats()
		ms.Scope = "server process"
		ms.Connections = hub.Connections()
		return c.JSON(ms)
	})
	return app
}

// HTTPPublisher publishes through the control endpoint of [NewServer].
type HTTPPublisher struct {
	URL    string // e.g. http://127.0.0.1:8091
	Client *http.Client
}

// Publish implements [Publisher].
func (p HTTPPublisher) Publish(ctx context.Context, channel, typ string, data any) (int64, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return 0, err
	}
	body, _ := json.Marshal(map[string]any{"channel": channel, "type": typ, "data": json.RawMessage(raw)})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(p.URL, "/")+"/debug/publish", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	hc := p.Client
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("loadtest: publish: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("loadtest: publish: %s: %s", resp.Status, b)
	}
	var out struct{ Seq int64 }
	if err := json.Unmarshal(b, &out); err != nil {
		return 0, fmt.Errorf("loadtest: publish reply %q: %w", b, err)
	}
	return out.Seq, nil
}

// memSnapshot reads the server's memory from controlURL, or this process's.
func memSnapshot(ctx context.Context, controlURL string) (MemStats, error) {
	if controlURL == "" {
		return ReadMemStats(), nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(controlURL, "/")+"/debug/mem", nil)
	if err != nil {
		return MemStats{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return MemStats{}, fmt.Errorf("loadtest: server memory: %w", err)
	}
	defer resp.Body.Close()
	var ms MemStats
	if err := json.NewDecoder(resp.Body).Decode(&ms); err != nil {
		return MemStats{}, fmt.Errorf("loadtest: server memory: %w", err)
	}
	return ms, nil
}

// rss returns this process's resident set size in bytes (0 off Linux).
func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// cpuTime returns the user+system CPU time of this process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
