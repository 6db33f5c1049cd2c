package realtime

import (
	"context"
	"sync"
	"time"

	"makerlink"
)

// Memory is the in-process [Broker]: one node, history in a ring buffer per
// channel. [Memory.Peer] returns further nodes on the same in-process bus,
// which lets tests run several hubs without Redis.
type Memory struct {
	bus *memBus

	mu      sync.Mutex
	handler Handler
	subs    map[string]bool
	pres    map[string]bool // channels this node has a presence record in
	closed  bool
}

var _ Broker = (*Memory)(nil)

type memBus struct {
	cfg BrokerConfig

	mu       sync.Mutex
	channels map[string]*memChannel
	nodes    int
	stop     chan struct{}
	now      func() time.Time
}

type memChannel struct {
	mu       sync.Mutex
	seq      int64
	epoch    string
	ring     []Message // circular, len grows up to cfg.HistorySize
	head     int       // index of the oldest message when len(ring) is full
	last     time.Time
	subs     []*Memory
	presence map[*Memory]int
}

// NewMemory returns an in-process broker. It uses cfg.HistorySize,
// cfg.HistoryTTL and cfg.Logger; other fields are ignored.
func NewMemory(cfg BrokerConfig) *Memory {
	cfg = cfg.withDefaults()
	bus := &memBus{cfg: cfg, channels: make(map[string]*memChannel), stop: make(chan struct{}), now: time.Now}
	go bus.janitor()
	return bus.node()
}

// Peer returns another node on the same in-process bus: it shares channels,
// sequences and history with m, and has its own handler, subscriptions and
// presence records.
func (m *Memory) Peer() *Memory { return m.bus.node() }

func (b *memBus) node() *Memory {
	b.mu.Lock()
	b.nodes++
	b.mu.Unlock()
	return &Memory{bus: b, subs: make(map[string]bool), pres: make(map[string]bool)}
}

// janitor drops the state of channels that nobody uses and nobody
// published to for HistoryTTL.
func (b *memBus) janitor() {
	every := b.cfg.HistoryTTL / 2
	if every > time.Minute {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
		}
		now := b.now()
		b.mu.Lock()
		for name, ch := range b.channels {
			ch.mu.Lock()
			idle := len(ch.subs) == 0 && len(ch.presence) == 0 && now.Sub(ch.last) > b.cfg.HistoryTTL
			ch.mu.Unlock()
			if idle {
				delete(b.channels, name)
			}
		}
		b.mu.Unlock()
	}
}

func (b *memBus) channel(name string) *memChannel {
	b.mu.Lock()
	defer b.mu.Unlock()
	ch := b.channels[name]
	if ch == nil {
		ch = &memChannel{epoch: randomID(), last: b.now(), presence: make(map[*Memory]int)}
		b.channels[name] = ch
	}
	return ch
}

// SetHandler implements [Broker].
func (m *Memory) SetHandler(h Handler) {
	m.mu.Lock()
	m.handler = h
	m.mu.Unlock()
}

func (m *Memory) check() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return makerlink.Errorf(makerlink.EUnavailable, "The realtime broker is closed.")
	}
	return nil
}

// Publish implements [Broker].
func (m *Memory) Publish(ctx context.Context, channel, typ string, data []byte) (int64, error) {
	if err := checkPublish(channel, typ, data); err != nil {
		return 0, err
	}
	if err := m.check(); err != nil {
		return 0, err
	}
	cp := make([]byte, len(data))
	copy(cp, data)
	ch := m.bus.channel(channel)
	ch.mu.Lock()
	defer ch.mu.Unlock()
	ch.seq++
	ch.last = m.bus.now()
	msg := Message{Channel: channel, Seq: ch.seq, Type: typ, Data: cp}
	if size := m.bus.cfg.HistorySize; len(ch.ring) < size {
		ch.ring = append(ch.ring, msg)
	} else {
		ch.ring[ch.head] = msg
		ch.head = (ch.head + 1) % size
	}
	for _, n := range ch.subs {
		n.mu.Lock()
		h := n.handler
		n.mu.Unlock()
		if h != nil {
			h.HandleMessage(msg)
		}
	}
	return msg.Seq, nil
}

// History implements [Broker].
func (m *Memory) History(ctx context.Context, channel string, since int64) (History, error) {
	if err := m.check(); err != nil {
		return History{}, err
	}
	ch := m.bus.channel(channel)
	ch.mu.Lock()
	defer ch.mu.Unlock()
	h := History{Latest: ch.seq, Epoch: ch.epoch}
	switch {
	case since < 0:
		h.Recovered = true
		return h, nil
	case since > ch.seq:
		return h, nil
	case since == ch.seq:
		h.Recovered = true
		return h, nil
	}
	n := len(ch.ring)
	if n == 0 {
		return h, nil
	}
	oldest := ch.ring[ch.head].Seq
	if oldest > since+1 {
		return h, nil
	}
	skip := int(since + 1 - oldest)
	h.Messages = make([]Message, 0, n-skip)
	for i := skip; i < n; i++ {
		h.Messages = append(h.Messages, ch.ring[(ch.head+i)%n])
	}
	h.Recovered = true
	return h, nil
}

// Subscribe implements [Broker].
func (m *Memory) Subscribe(ctx context.Context, channel string) error {
	if err := m.check(); err != nil {
		return err
	}
	m.mu.Lock()
	already := m.subs[channel]
	m.subs[channel] = true
	m.mu.Unlock()
	if already {
		return nil
	}
	ch := m.bus.channel(channel)
	ch.mu.Lock()
	ch.subs = append(ch.subs, m)
	ch.mu.Unlock()
	return nil
}

// Unsubscribe implements [Broker].
func (m *Memory) Unsubscribe(ctx context.Context, channel string) error {
	m.mu.Lock()
	was := m.subs[channel]
	delete(m.subs, channel)
	m.mu.Unlock()
	if !was {
		return nil
	}
	ch := m.bus.channel(channel)
	ch.mu.Lock()
	for i, n := range ch.subs {
		if n == m {
			ch.subs = append(ch.subs[:i], ch.subs[i+1:]...)
			break
		}
	}
	ch.last = m.bus.now()
	ch.mu.Unlock()
	return nil
}

// SetPresence implements [Broker].
func (m *Memory) SetPresence(ctx context.Context, channel string, n int) error {
	if err := m.check(); err != nil {
		return err
	}
	ch := m.bus.channel(channel)
	ch.mu.Lock()
	if n > 0 {
		ch.presence[m] = n
	} else {
		delete(ch.presence, m)
		ch.last = m.bus.now()
	}
	ch.mu.Unlock()
	m.mu.Lock()
	if n > 0 {
		m.pres[channel] = true
	} else {
		delete(m.pres, channel)
	}
	m.mu.Unlock()
	return nil
}

// Presence implements [Broker].
func (m *Memory) Presence(ctx context.Context, channel string) (int, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	m.bus.mu.Lock()
	ch := m.bus.channels[channel]
	m.bus.mu.Unlock()
	if ch == nil {
		return 0, nil
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	total := 0
	for _, n := range ch.presence {
		total += n
	}
	return total, nil
}

// Close implements [Broker]: it removes this node's subscriptions and
// presence records. The bus stops when its last node closes.
func (m *Memory) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	subs, pres := m.subs, m.pres
	m.subs, m.pres = map[string]bool{}, map[string]bool{}
	m.mu.Unlock()
	for name := range subs {
		m.mu.Lock()
		m.subs[name] = true
		m.mu.Unlock()
		_ = m.Unsubscribe(context.Background(), name)
	}
	for name := range pres {
		ch := m.bus.channel(name)
		ch.mu.Lock()
		delete(ch.presence, m)
		ch.mu.Unlock()
	}
	b := m.bus
	b.mu.Lock()
	b.nodes--
	if b.nodes == 0 {
		close(b.stop)
	}
	b.mu.Unlock()
	return nil
}
