package metrics

import (
	"context"
	"strings"
	"testing"
)

func TestTextFormat(t *testing.T) {
	r := New()
	c := r.NewCounter("kc_requests_total", "Requests.", "route", "status")
	c.Inc("GET /plans/{plan}", "200")
	c.Add(2, "GET /plans/{plan}", "200")
	c.Inc(`POST /"x"`, "500")
	h := r.NewHistogram("kc_seconds", "Latency.", []float64{0.1, 1}, "route")
	h.Observe(0.05, "a")
	h.Observe(0.5, "a")
	h.Observe(5, "a")
	r.NewGauge("kc_pool", "Pool.", func(_ context.Context, emit func(float64, ...string)) { emit(3, "write"); emit(1.5, "read") }, "pool")
	var b strings.Builder
	r.WriteTo(context.Background(), &b)
	want := `# HELP kc_requests_total Requests.
# TYPE kc_requests_total counter
kc_requests_total{route="GET /plans/{plan}",status="200"} 3
kc_requests_total{route="POST /\"x\"",status="500"} 1
# HELP kc_seconds Latency.
# TYPE kc_seconds histogram
kc_seconds_bucket{route="a",le="0.1"} 1
kc_seconds_bucket{route="a",le="1"} 2
kc_seconds_bucket{route="a",le="+Inf"} 3
kc_seconds_sum{route="a"} 5.55
kc_seconds_count{route="a"} 3
# HELP kc_pool Pool.
# TYPE kc_pool gauge
kc_pool{pool="write"} 3
kc_pool{pool="read"} 1.5
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestRegisteredTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	r := New()
	r.NewCounter("x", "x")
	r.NewCounter("x", "x")
}
