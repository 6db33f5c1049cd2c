package realtime_test

import (
	"testing"

	"makerlink"
	"makerlink/realtime"
	"makerlink/realtime/realtimetest"
)

func TestMemoryBroker(t *testing.T) { realtimetest.Run(t, realtimetest.MemoryFactory) }

func TestRedisBroker(t *testing.T) { realtimetest.Run(t, realtimetest.RedisFactory) }

func TestParseChannel(t *testing.T) {
	tests := []struct {
		name, kind, id string
	}{
		{"event:42", realtime.KindEvent, "42"},
		{"event:01hx_a-B", realtime.KindEvent, "01hx_a-B"},
		{"event:42:judges", realtime.KindJudges, "42"},
		{"user:u1", realtime.KindUser, "u1"},
		{"event:", "", ""},
		{"event:42:votes", "", ""},
		{"event:42:judges:x", "", ""},
		{"user:", "", ""},
		{"user:a:b", "", ""},
		{"lobby", "", ""},
		{"event:活动", "", ""},
		{"event:" + string(make([]byte, 65)), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, id, err := realtime.ParseChannel(tt.name)
			if tt.kind == "" {
				if makerlink.ErrorCode(err) != makerlink.EValidation {
					t.Fatalf("ParseChannel(%q) = %q, %q, %v; want a validation error", tt.name, kind, id, err)
				}
				return
			}
			if err != nil || kind != tt.kind || id != tt.id {
				t.Fatalf("ParseChannel(%q) = %q, %q, %v; want %q, %q", tt.name, kind, id, err, tt.kind, tt.id)
			}
		})
	}
}

func TestChannelHelpers(t *testing.T) {
	for _, tt := range []struct{ name, kind, id string }{
		{realtime.EventChannel("e1"), realtime.KindEvent, "e1"},
		{realtime.JudgesChannel("e1"), realtime.KindJudges, "e1"},
		{realtime.UserChannel("u1"), realtime.KindUser, "u1"},
	} {
		kind, id, err := realtime.ParseChannel(tt.name)
		if err != nil || kind != tt.kind || id != tt.id {
			t.Errorf("ParseChannel(%q) = %q, %q, %v", tt.name, kind, id, err)
		}
	}
}
