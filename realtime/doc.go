// Package realtime is the live engine of makerlink: websocket rooms with
// per-channel sequence numbers, bounded history for resuming, presence
// counts and fan-out across nodes.
//
// A [Broker] moves messages between nodes and keeps each channel's history.
// Two engines implement it: [Memory] (in-process, the default, one node) and
// [Redis] (go-redis v9; pub/sub fan-out, streams for history, when REDIS_URL
// is set). [OpenBroker] picks one. The conformance suite in
// realtime/realtimetest runs on both.
//
// A [Hub] holds the websocket connections of one node and their channel
// subscriptions. Mount it on a Fiber v2 app with [Hub.Mount] (GET /ws) and
// push messages with [Hub.Publish]. The protocol is documented in
// docs/realtime.md; realtime/client is a Go client for it.
//
// Guarantees: a channel's messages carry a seq rising by one; a subscriber
// that resumes with since receives every message after since exactly once
// and in order, or is told recovered:false; a slow connection never delays a
// room: its bounded send queue overflows and it is closed with
// [CloseSlowConsumer], after which it resumes with since.
package realtime
