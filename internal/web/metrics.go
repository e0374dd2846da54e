package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"kechuang/internal/metrics"
)

// instrument registers the server's metrics: requests by route and status
// and their latency, the database pools, and the forms of open rounds.
func (s *Server) instrument(reg *metrics.Registry) {
	s.requests = reg.NewCounter("kechuang_http_requests_total", "HTTP requests answered, by route and status.", "route", "status")
	s.latency = reg.NewHistogram("kechuang_http_request_duration_seconds", "Time to answer HTTP requests, by route.", metrics.LatencyBuckets, "route")
	reg.NewGauge("kechuang_db_connections", "Database connections by pool and state.", func(ctx context.Context, emit func(float64, ...string)) {
		for name, st := range s.store.PoolStats() {
			emit(float64(st.InUse), name, "in_use")
			emit(float64(st.Idle), name, "idle")
		}
	}, "pool", "state")
	reg.NewGauge("kechuang_db_waits", "Times a request waited for a free database connection, since start.", func(ctx context.Context, emit func(float64, ...string)) {
		for name, st := range s.store.PoolStats() {
			emit(float64(st.WaitCount), name)
		}
	}, "pool")
	reg.NewGauge("kechuang_db_wait_seconds", "Time spent waiting for a free database connection, since start.", func(ctx context.Context, emit func(float64, ...string)) {
		for name, st := range s.store.PoolStats() {
			emit(st.WaitDuration.Seconds(), name)
		}
	}, "pool")
	reg.NewGauge("kechuang_round_forms", "Forms of each open round by state (empty, draft, submitted, returned, approved).", func(ctx context.Context, emit func(float64, ...string)) {
		counts, err := s.store.OpenRoundFormCounts(ctx)
		if err != nil {
			s.log.Warn("metrics: counting forms", "err", err)
			return
		}
		for _, c := range counts {
			emit(float64(c.Forms), strconv.FormatInt(c.RoundID, 10), string(c.State))
		}
	}, "round", "state")
	reg.NewGauge("kechuang_http_door_waiting", "Requests waiting for a place at the door (Options.Admitted) now.", func(ctx context.Context, emit func(float64, ...string)) {
		emit(float64(s.door.waiting.Load()))
	})
	reg.NewGauge("kechuang_http_door_overran", "Requests that kept a place at the door past its turn and gave it back on their own, since start.", func(ctx context.Context, emit func(float64, ...string)) {
		emit(float64(s.door.overran.Load()))
	})
}

// measure lets a route's requests in at the door, counts them and times
// them (the wait at the door included); the route label is the pattern, so
// the number of series stays bounded whatever paths are asked. One that
// gave up at the door is answered nothing (nobody reads it) and counted as
// 499, as proxies count it.
func (s *Server) measure(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		p, err := s.door.enter(r.Context())
		if err != nil {
			s.log.Info("client gave up at the door", "method", r.Method, "path", r.URL.Path)
			s.requests.Inc(route, "499")
			return
		}
		defer p.leave()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		s.requests.Inc(route, strconv.Itoa(sw.status))
		s.latency.Observe(time.Since(start).Seconds(), route)
	})
}

// statusWriter remembers the status written. It unwraps for
// http.ResponseController and passes Flush on, so streamed answers (an
// import's progress) still stream.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// metricsPage answers /metrics in the Prometheus text format.
func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.opts.Metrics.WriteTo(r.Context(), w)
}
