package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"makerlink/api"
	"makerlink/events"
	"makerlink/realtime"
)

// live is the realtime side of `makerlink serve`: the broker (in process,
// or Redis when REDIS_URL is set), the websocket hub served at GET /ws and
// the live events service, which counts votes in Redis sorted sets in
// Redis mode. MAKERLINK_REDIS_PREFIX (default "makerlink:") prefixes every
// Redis key, so that several deployments (or tests) share one server.
type live struct {
	broker realtime.Broker
	hub    *realtime.Hub
	tokens *api.TokenCache // the hub's; the API forgets signed-out tokens in it
	events *events.Service
}

// openLive starts the broker, the hub and the events service.
func (m *Main) openLive(ctx context.Context) error {
	prefix := envOr("MAKERLINK_REDIS_PREFIX", "makerlink:")
	bcfg := realtime.BrokerConfig{Prefix: prefix + "rt:", Logger: m.Logger}
	if m.redis != nil {
		b, err := realtime.NewRedisClient(ctx, m.redis, bcfg)
		if err != nil {
			return fmt.Errorf("realtime broker: %w", err)
		}
		m.live.broker = b
	} else {
		m.live.broker = realtime.NewMemory(bcfg)
	}
	m.live.tokens = api.NewTokenCache(m.store, nil)
	m.live.hub = realtime.NewHub(m.live.broker, realtime.Config{
		Authenticate: m.live.tokens.Authenticate,
		TokenKey:     api.TokenKey,
		OnSignOut:    m.live.tokens.Evict, // signed out through another node
		Authorize:    events.ChannelAuthorizer(m.store, m.store),
		Logger:       m.Logger,
	})
	hub := m.live.hub
	// a sign-out closes the sockets opened with the token on every node
	m.live.tokens.OnSignOut(func(hash string) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := hub.SignOutEverywhere(ctx, hash); err != nil {
			m.Logger.Warn("sign-out not sent to the other nodes", "err", err)
		}
	})
	m.live.events = events.New(events.Config{
		Store: m.store, Users: m.store, Notifications: m.store, Publisher: m.live.hub,
		Redis: m.redis, RedisPrefix: prefix + "ev:", Logger: m.Logger,
		Relations: m.store, // pipelines and mentorships count as conflicts of interest
		Pipeline:  m.store, // intent cards land on the investor's pipeline
	})
	return nil
}

// closeHub closes the websocket connections (1001: clients reconnect and
// resume with since).
func (m *Main) closeHub() {
	if m.live.hub != nil {
		_ = m.live.hub.Close()
	}
}

// closeLive flushes the events service and closes the broker.
func (m *Main) closeLive() error {
	var errs []error
	if m.live.events != nil {
		errs = append(errs, m.live.events.Close())
	}
	if m.live.broker != nil {
		errs = append(errs, m.live.broker.Close())
	}
	return errors.Join(errs...)
}
