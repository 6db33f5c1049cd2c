package client

import (
	"encoding/json"
	"testing"
)

// parseMessage reads the server's layout of a message frame and gives the
// same fields as decoding the JSON; any other frame is left to the decoder.
func TestParseMessage(t *testing.T) {
	for _, tc := range []struct {
		name  string
		frame string
		ok    bool
	}{
		{"object data", `{"op":"message","channel":"event:42","seq":17,"type":"leaderboard","data":{"t":1,"pad":"x}"}}`, true},
		{"array data", `{"op":"message","channel":"user:u1","seq":1,"type":"notification","data":[1,2,{"a":"}"}]}`, true},
		{"null data", `{"op":"message","channel":"event:1","seq":9007199254740993,"type":"x","data":null}`, true},
		{"string data", `{"op":"message","channel":"event:1","seq":3,"type":"x","data":"a\"b"}`, true},
		{"other op", `{"op":"subscribed","channel":"event:1","seq":3,"epoch":"e","recovered":true}`, false},
		{"fields reordered", `{"op":"message","seq":3,"channel":"event:1","type":"x","data":1}`, false},
		{"escaped channel", `{"op":"message","channel":"ev\"ent","seq":3,"type":"x","data":1}`, false},
		{"escaped type", `{"op":"message","channel":"event:1","seq":3,"type":"x\u0041","data":1}`, false},
		{"no seq digits", `{"op":"message","channel":"event:1","seq":,"type":"x","data":1}`, false},
		{"negative seq", `{"op":"message","channel":"event:1","seq":-3,"type":"x","data":1}`, false},
		{"seq too long", `{"op":"message","channel":"event:1","seq":1234567890123456789,"type":"x","data":1}`, false},
		{"spaces", `{"op": "message", "channel": "event:1", "seq": 3, "type": "x", "data": 1}`, false},
		{"truncated", `{"op":"message","channel":"event:1","seq":3,"type":"x","data":`, false},
		{"no closing brace", `{"op":"message","channel":"event:1","seq":3,"type":"x","data":1`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, seq, typ, data, ok := parseMessage([]byte(tc.frame))
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			var f frame
			if err := json.Unmarshal([]byte(tc.frame), &f); err != nil {
				t.Fatal(err)
			}
			if string(ch) != f.Channel || seq != f.Seq || string(typ) != f.Type || string(data) != string(f.Data) {
				t.Fatalf("parsed (%s, %d, %s, %s), decoded (%s, %d, %s, %s)", ch, seq, typ, data, f.Channel, f.Seq, f.Type, f.Data)
			}
		})
	}
}
