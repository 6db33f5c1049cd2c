package realtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"makerlink"
)

// Redis is the [Broker] for several nodes on one Redis server.
//
// Each channel has a hash (seq counter and epoch) and a stream (history,
// entry id "<seq>-0", trimmed with MAXLEN ~ HistorySize, expiring after
// HistoryTTL). A Lua script increments the seq, appends to the stream and
// PUBLISHes the message atomically, so seqs rise by one per channel across
// nodes and pub/sub order equals seq order. Each node holds one pub/sub
// connection and tracks the last seq it delivered per channel: duplicates
// are dropped and gaps (a lost pub/sub connection) are filled from the
// stream; when the stream cannot fill a gap the handler gets HandleReset.
//
// Presence: each node keeps a hash channel -> count that expires unless
// refreshed, and a sorted set of live nodes scored by expiry, so a dead
// node's counts vanish after PresenceTTL.
type Redis struct {
	cfg    BrokerConfig
	client *redis.Client
	own    bool
	ps     *redis.PubSub
	log    *slog.Logger

	mu      sync.Mutex
	handler Handler
	states  map[string]*redisState // by realtime channel name
	pres    map[string]int

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

var _ Broker = (*Redis)(nil)

// redisState is a subscribed channel. last, epoch and known are touched by
// the receive loop only.
type redisState struct {
	ready chan struct{} // closed at the first subscribe confirmation
	once  sync.Once
	last  int64
	epoch string
	known bool
}

// NewRedis connects to cfg.RedisURL and returns the Redis engine.
func NewRedis(ctx context.Context, cfg BrokerConfig) (*Redis, error) {
	opt, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, makerlink.Errorf(makerlink.EValidation, "invalid Redis URL: %v", err)
	}
	cfg = cfg.withDefaults()
	if opt.ClientName == "" {
		opt.ClientName = "makerlink-rt-" + cfg.NodeID
	}
	c := redis.NewClient(opt)
	r, err := NewRedisClient(ctx, c, cfg)
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	r.own = true
	return r, nil
}

// NewRedisClient returns the Redis engine on an existing client, which
// Close leaves open.
func NewRedisClient(ctx context.Context, c *redis.Client, cfg BrokerConfig) (*Redis, error) {
	cfg = cfg.withDefaults()
	if err := c.Ping(ctx).Err(); err != nil {
		return nil, unavailable("realtime.NewRedis", err)
	}
	r := &Redis{
		cfg:    cfg,
		client: c,
		log:    cfg.Logger.With("component", "realtime.redis", "node", cfg.NodeID),
		states: make(map[string]*redisState),
		pres:   make(map[string]int),
	}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.ps = c.Subscribe(r.ctx)
	r.wg.Add(2)
	go r.receive()
	go r.heartbeat()
	return r, nil
}

func (r *Redis) metaKey(ch string) string   { return r.cfg.Prefix + "{" + ch + "}:meta" }
func (r *Redis) streamKey(ch string) string { return r.cfg.Prefix + "{" + ch + "}:stream" }
func (r *Redis) pubsubName(ch string) string {
	return r.cfg.Prefix + "ch:" + ch
}
func (r *Redis) nodesKey() string      { return r.cfg.Prefix + "presence:nodes" }
func (r *Redis) nodeKeyPrefix() string { return r.cfg.Prefix + "presence:node:" }
func (r *Redis) nodeKey() string       { return r.nodeKeyPrefix() + r.cfg.NodeID }

// publishScript: KEYS meta, stream; ARGV epoch candidate, type, data,
// maxlen, history ttl s, seq ttl s, pubsub channel. Returns {seq, epoch}.
var publishScript = redis.NewScript(`
local seq = redis.call('HINCRBY', KEYS[1], 's', 1)
local epoch = redis.call('HGET', KEYS[1], 'e')
if not epoch then
  epoch = ARGV[1]
  redis.call('HSET', KEYS[1], 'e', epoch)
end
if seq == 1 then
  redis.call('DEL', KEYS[2])
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], seq .. '-0', 't', ARGV[2], 'd', ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('PUBLISH', ARGV[7], seq .. ' ' .. epoch .. ' ' .. ARGV[2] .. ' ' .. ARGV[3])
return {seq, epoch}
`)

// historyScript: KEYS meta, stream; ARGV since, epoch candidate, seq ttl s.
// Returns {latest, epoch, recovered, seq1, type1, data1, ...}.
var historyScript = redis.NewScript(`
local m = redis.call('HMGET', KEYS[1], 's', 'e')
local latest = tonumber(m[1]) or 0
local epoch = m[2]
if not epoch then
  epoch = ARGV[2]
  redis.call('HSET', KEYS[1], 'e', epoch)
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
local since = tonumber(ARGV[1])
if since < 0 or since == latest then
  return {latest, epoch, 1}
end
if since > latest then
  return {latest, epoch, 0}
end
local first = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
if #first == 0 then
  return {latest, epoch, 0}
end
local firstSeq = tonumber(string.match(first[1][1], '^(%d+)'))
if firstSeq > since + 1 then
  return {latest, epoch, 0}
end
local out = {latest, epoch, 1}
local entries = redis.call('XRANGE', KEYS[2], (since + 1) .. '-0', latest .. '-0')
for _, e in ipairs(entries) do
  local typ, data = '', ''
  local f = e[2]
  for i = 1, #f, 2 do
    if f[i] == 't' then typ = f[i + 1] elseif f[i] == 'd' then data = f[i + 1] end
  end
  out[#out + 1] = tonumber(string.match(e[1], '^(%d+)'))
  out[#out + 1] = typ
  out[#out + 1] = data
end
return out
`)

// presenceScript: KEYS nodes zset; ARGV now ms, node key prefix, channel.
var presenceScript = redis.NewScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local nodes = redis.call('ZRANGE', KEYS[1], 0, -1)
local total = 0
for _, n in ipairs(nodes) do
  local v = redis.call('HGET', ARGV[2] .. n, ARGV[3])
  if v then total = total + tonumber(v) end
end
return total
`)

// SetHandler implements [Broker].
func (r *Redis) SetHandler(h Handler) {
	r.mu.Lock()
	r.handler = h
	r.mu.Unlock()
}

// Publish implements [Broker].
func (r *Redis) Publish(ctx context.Context, channel, typ string, data []byte) (int64, error) {
	if err := checkPublish(channel, typ, data); err != nil {
		return 0, err
	}
	res, err := publishScript.Run(ctx, r.client,
		[]string{r.metaKey(channel), r.streamKey(channel)},
		randomID(), typ, data, r.cfg.HistorySize,
		int64(r.cfg.HistoryTTL/time.Second), int64(r.cfg.SeqTTL/time.Second), r.pubsubName(channel),
	).Slice()
	if err != nil {
		return 0, unavailable("realtime.Redis.Publish", err)
	}
	if len(res) != 2 {
		return 0, fmt.Errorf("realtime: publish script returned %d values", len(res))
	}
	seq, _ := res[0].(int64)
	return seq, nil
}

// History implements [Broker].
func (r *Redis) History(ctx context.Context, channel string, since int64) (History, error) {
	res, err := historyScript.Run(ctx, r.client,
		[]string{r.metaKey(channel), r.streamKey(channel)},
		since, randomID(), int64(r.cfg.SeqTTL/time.Second),
	).Slice()
	if err != nil {
		return History{}, unavailable("realtime.Redis.History", err)
	}
	return parseHistory(channel, res)
}

func parseHistory(channel string, res []any) (History, error) {
	if len(res) < 3 || (len(res)-3)%3 != 0 {
		return History{}, fmt.Errorf("realtime: history script returned %d values", len(res))
	}
	var h History
	h.Latest, _ = res[0].(int64)
	h.Epoch, _ = res[1].(string)
	rec, _ := res[2].(int64)
	h.Recovered = rec == 1
	if n := (len(res) - 3) / 3; n > 0 {
		h.Messages = make([]Message, 0, n)
	}
	for i := 3; i < len(res); i += 3 {
		seq, _ := res[i].(int64)
		typ, _ := res[i+1].(string)
		data, _ := res[i+2].(string)
		h.Messages = append(h.Messages, Message{Channel: channel, Seq: seq, Type: typ, Data: []byte(data)})
	}
	return h, nil
}

// Subscribe implements [Broker]. It returns once Redis confirmed the
// subscription and the node knows the channel's position.
func (r *Redis) Subscribe(ctx context.Context, channel string) error {
	r.mu.Lock()
	st := r.states[channel]
	fresh := st == nil
	if fresh {
		st = &redisState{ready: make(chan struct{})}
		r.states[channel] = st
	}
	r.mu.Unlock()
	if fresh {
		if err := r.ps.Subscribe(ctx, r.pubsubName(channel)); err != nil {
			r.mu.Lock()
			if r.states[channel] == st {
				delete(r.states, channel)
			}
			r.mu.Unlock()
			return unavailable("realtime.Redis.Subscribe", err)
		}
	}
	select {
	case <-st.ready:
		return nil
	case <-ctx.Done():
		return unavailable("realtime.Redis.Subscribe", ctx.Err())
	}
}

// Unsubscribe implements [Broker].
func (r *Redis) Unsubscribe(ctx context.Context, channel string) error {
	r.mu.Lock()
	_, ok := r.states[channel]
	delete(r.states, channel)
	r.mu.Unlock()
	if !ok {
		return nil
	}
	if err := r.ps.Unsubscribe(ctx, r.pubsubName(channel)); err != nil {
		return unavailable("realtime.Redis.Unsubscribe", err)
	}
	return nil
}

// receive is the pub/sub loop: it delivers messages in seq order per
// channel, drops duplicates and fills gaps from the streams.
func (r *Redis) receive() {
	defer r.wg.Done()
	backoff := 50 * time.Millisecond
	prefix := r.pubsubName("")
	for {
		msg, err := r.ps.Receive(r.ctx)
		if err != nil {
			if r.ctx.Err() != nil {
				return
			}
			r.log.Warn("pub/sub receive failed; reconnecting", "err", err)
			select {
			case <-r.ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, 2*time.Second)
			continue
		}
		backoff = 50 * time.Millisecond
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" && strings.HasPrefix(m.Channel, prefix) {
				r.confirmed(m.Channel[len(prefix):])
			}
		case *redis.Message:
			if strings.HasPrefix(m.Channel, prefix) {
				r.message(m.Channel[len(prefix):], m.Payload)
			}
		}
	}
}

func (r *Redis) state(channel string) (*redisState, Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.states[channel], r.handler
}

// confirmed handles a subscribe confirmation: the first one records the
// channel's position; later ones (after a reconnect) catch up from the
// stream.
func (r *Redis) confirmed(channel string) {
	st, h := r.state(channel)
	if st == nil {
		return
	}
	if !st.known {
		hist, err := r.History(r.ctx, channel, -1)
		if err != nil {
			// Leave it unknown; the next confirmation (after a reconnect)
			// retries. Subscribe callers time out meanwhile.
			r.log.Warn("reading channel position failed", "channel", channel, "err", err)
			return
		}
		st.last, st.epoch, st.known = hist.Latest, hist.Epoch, true
		st.once.Do(func() { close(st.ready) })
		return
	}
	r.catchUp(channel, st, h)
}

// catchUp delivers what the stream holds after st.last, or reports a reset.
func (r *Redis) catchUp(channel string, st *redisState, h Handler) {
	hist, err := r.History(r.ctx, channel, st.last)
	if err != nil {
		r.log.Warn("catching up from the stream failed", "channel", channel, "err", err)
		return
	}
	if hist.Epoch != st.epoch || !hist.Recovered {
		st.last, st.epoch = hist.Latest, hist.Epoch
		if h != nil {
			h.HandleReset(channel, History{Latest: hist.Latest, Epoch: hist.Epoch})
		}
		return
	}
	for _, m := range hist.Messages {
		if m.Seq != st.last+1 {
			continue
		}
		st.last = m.Seq
		if h != nil {
			h.HandleMessage(m)
		}
	}
}

func (r *Redis) message(channel, payload string) {
	st, h := r.state(channel)
	if st == nil || !st.known {
		return
	}
	seq, epoch, typ, data, ok := parsePayload(payload)
	if !ok {
		r.log.Warn("dropping a malformed pub/sub payload", "channel", channel)
		return
	}
	if epoch != st.epoch {
		if st.last == 0 && seq == 1 {
			st.epoch = epoch // the channel's first publication
		} else {
			r.catchUp(channel, st, h)
			return
		}
	}
	switch {
	case seq <= st.last:
		return // duplicate of what a catch-up delivered
	case seq > st.last+1:
		r.catchUp(channel, st, h)
		return
	}
	st.last = seq
	if h != nil {
		h.HandleMessage(Message{Channel: channel, Seq: seq, Type: typ, Data: []byte(data)})
	}
}

func parsePayload(p string) (seq int64, epoch, typ, data string, ok bool) {
	s, rest, ok1 := strings.Cut(p, " ")
	epoch, rest, ok2 := strings.Cut(rest, " ")
	typ, data, ok3 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || !ok3 {
		return 0, "", "", "", false
	}
	seq, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, "", "", "", false
	}
	return seq, epoch, typ, data, true
}

// heartbeat pings the pub/sub connection (so that a dead one reconnects)
// and refreshes this node's presence records.
func (r *Redis) heartbeat() {
	defer r.wg.Done()
	t := time.NewTicker(r.cfg.PresenceTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(r.ctx, r.cfg.PresenceTTL/3)
		if err := r.ps.Ping(ctx); err != nil && r.ctx.Err() == nil {
			r.log.Warn("pub/sub ping failed", "err", err)
		}
		if err := r.refreshPresence(ctx); err != nil && r.ctx.Err() == nil {
			r.log.Warn("refreshing presence failed", "err", err)
		}
		cancel()
	}
}

func (r *Redis) refreshPresence(ctx context.Context) error {
	r.mu.Lock()
	vals := make([]any, 0, 2*len(r.pres))
	for ch, n := range r.pres {
		vals = append(vals, ch, n)
	}
	r.mu.Unlock()
	_, err := r.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if len(vals) > 0 {
			p.HSet(ctx, r.nodeKey(), vals...)
		}
		r.touchNode(ctx, p)
		return nil
	})
	return err
}

func (r *Redis) touchNode(ctx context.Context, p redis.Pipeliner) {
	exp := time.Now().Add(r.cfg.PresenceTTL)
	p.PExpire(ctx, r.nodeKey(), r.cfg.PresenceTTL)
	p.ZAdd(ctx, r.nodesKey(), redis.Z{Score: float64(exp.UnixMilli()), Member: r.cfg.NodeID})
}

// SetPresence implements [Broker].
func (r *Redis) SetPresence(ctx context.Context, channel string, n int) error {
	r.mu.Lock()
	if n > 0 {
		r.pres[channel] = n
	} else {
		delete(r.pres, channel)
	}
	r.mu.Unlock()
	_, err := r.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if n > 0 {
			p.HSet(ctx, r.nodeKey(), channel, n)
		} else {
			p.HDel(ctx, r.nodeKey(), channel)
		}
		r.touchNode(ctx, p)
		return nil
	})
	if err != nil {
		return unavailable("realtime.Redis.SetPresence", err)
	}
	return nil
}

// Presence implements [Broker].
func (r *Redis) Presence(ctx context.Context, channel string) (int, error) {
	n, err := presenceScript.Run(ctx, r.client, []string{r.nodesKey()},
		time.Now().UnixMilli(), r.nodeKeyPrefix(), channel).Int()
	if err != nil {
		return 0, unavailable("realtime.Redis.Presence", err)
	}
	return n, nil
}

// Close implements [Broker]: it removes this node's presence, closes the
// pub/sub connection and, when NewRedis opened it, the client.
func (r *Redis) Close() error {
	r.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := r.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, r.nodeKey())
		p.ZRem(ctx, r.nodesKey(), r.cfg.NodeID)
		return nil
	})
	if cerr := r.ps.Close(); cerr != nil && !errors.Is(cerr, redis.ErrClosed) && err == nil {
		err = cerr
	}
	r.wg.Wait()
	if r.own {
		if cerr := r.client.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("realtime: closing the Redis broker: %w", err)
	}
	return nil
}
