package search_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"makerlink/store/storetest"
)

// TestTwoNodes runs two `makerlink serve` processes on one PostgreSQL
// database, each with its own search index, and checks that a profile
// written through node A is found by a search on node B: B's index follows
// the database's change feed, not only its own writes. The issue asks for
// 2 s; the test allows 20 on this shared machine and logs the delay.
func TestTwoNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the makerlink binary")
	}
	dsn := storetest.PostgresDSN(t)
	bin := buildMakerlink(t)
	a := startNode(t, bin, dsn, "a")
	b := startNode(t, bin, dsn, "b")

	var reg struct{ Token string }
	post(t, a+"/api/v1/auth/register", "", map[string]any{
		"email": "two-nodes@example.cn", "password": "correct horse 马", "name": "两个节点", "roles": []string{"founder"},
	}, 201, &reg)
	name := fmt.Sprintf("双节点测试光伏%d", time.Now().UnixNano()%100000)
	var created struct{ ID string }
	post(t, a+"/api/v1/startups", reg.Token, map[string]any{
		"name": name, "tagline": "跨节点搜索", "description": "在节点A创建，在节点B搜索。",
		"sectors": []string{"new_energy"}, "stage": "seed", "city": "银川", "visibility": "public",
	}, 201, &created)
	written := time.Now()

	deadline := written.Add(20 * time.Second)
	for {
		var res struct {
			Total int
			Hits  []struct{ ID string }
		}
		get(t, b+"/api/v1/search?q="+url.QueryEscape(name), &res)
		if len(res.Hits) > 0 && res.Hits[0].ID == created.ID {
			t.Logf("found on node B %v after the write on node A", time.Since(written).Round(time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("profile written on node A not found on node B after %v", time.Since(written))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// buildMakerlink builds cmd/makerlink into a temporary directory.
func buildMakerlink(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "cmd", "makerlink", "main.go")); err != nil {
		t.Skip("cmd/makerlink is not there yet")
	}
	bin := filepath.Join(t.TempDir(), "makerlink")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/makerlink")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/makerlink: %v\n%s", err, out)
	}
	return bin
}

// startNode starts `makerlink serve` on a free port and returns its base
// URL once it answers /healthz. The process is stopped when the test ends.
func startNode(t *testing.T, bin, dsn, name string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var logs bytes.Buffer
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", filepath.Join(t.TempDir(), name), "--database-url", dsn)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.Env = append(os.Environ(), "MAKERLINK_LOG_LEVEL=warn")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("node %s log:\n%s", name, logs.String())
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base
			}
		}
		select {
		case <-exited:
			t.Fatalf("node %s exited:\n%s", name, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("node %s not healthy:\n%s", name, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func post(t *testing.T, u, token string, body any, want int, out any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(context.Background(), "POST", u, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %d %s", u, resp.StatusCode, rb)
	}
	if err := json.Unmarshal(rb, out); err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
}

func get(t *testing.T, u string, out any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, rb)
	}
	if err := json.Unmarshal(rb, out); err != nil {
		t.Fatalf("GET %s: %v: %s", u, err, strings.TrimSpace(string(rb)))
	}
}
