package realtime

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	metricConnections = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "makerlink_ws_connections", Help: "Open websocket connections on this node.",
	})
	metricRooms = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "makerlink_ws_rooms", Help: "Channels with subscribers on this node.",
	})
	metricSent = promauto.NewCounter(prometheus.CounterOpts{
		Name: "makerlink_ws_frames_sent_total", Help: "Frames written to websocket clients.",
	})
	metricDeferred = promauto.NewCounter(prometheus.CounterOpts{
		Name: "makerlink_ws_frames_deferred_total",
		Help: "Frames not written straight away (the socket's buffer was full, or frames were queued before them): the connection's writer goroutine sent them.",
	})
	metricFrames = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "makerlink_ws_frames_received_total", Help: "Client frames received, by op.",
	}, []string{"op"})
	metricErrors = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "makerlink_ws_errors_total", Help: "Error frames sent, by code.",
	}, []string{"code"})
	metricDropped = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "makerlink_ws_dropped_total", Help: "Connections closed by the server, by reason.",
	}, []string{"reason"})
	metricPublished = promauto.NewCounter(prometheus.CounterOpts{
		Name: "makerlink_realtime_published_total", Help: "Messages published through the hub.",
	})
)
