// Package metrics counts what an operator watches — requests by route and
// status, their latency, the database pools, reminders sent and failed —
// and writes it in the Prometheus text exposition format (version 0.0.4),
// which every monitoring system on a government intranet reads. It is a
// few counters and histograms, so it is written here rather than taken as
// a dependency.
package metrics

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Registry holds the metrics of one process.
type Registry struct {
	mu       sync.Mutex
	families []family
	byName   map[string]family
}

// family is a metric and its series.
type family interface {
	name() string
	write(ctx context.Context, w io.Writer)
}

// New returns an empty registry.
func New() *Registry { return &Registry{byName: map[string]family{}} }

func (r *Registry) add(f family) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.byName[f.name()]; dup {
		panic("metrics: " + f.name() + " registered twice") // a programming error, found at start-up
	}
	r.byName[f.name()] = f
	r.families = append(r.families, f)
}

// WriteTo writes every metric in the text format, in registration order;
// ctx bounds what gauges read to collect their values.
func (r *Registry) WriteTo(ctx context.Context, w io.Writer) {
	r.mu.Lock()
	fs := slices.Clone(r.families)
	r.mu.Unlock()
	for _, f := range fs {
		f.write(ctx, w)
	}
}

// labels is a series' label values, joined, as a map key.
func key(values []string) string { return strings.Join(values, "\x00") }

func labelText(names, values []string, extra ...string) string {
	if len(names) == 0 && len(extra) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", n, escape(values[i]))
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", extra[i], extra[i+1])
	}
	b.WriteByte('}')
	return b.String()
}

// escape keeps a label value on one line; %q does the quoting.
func escape(s string) string { return strings.ReplaceAll(s, "\n", " ") }

func number(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// Counter is a monotonic count per combination of label values.
type Counter struct {
	metric, help string
	labels       []string
	mu           sync.Mutex
	values       map[string]float64
	series       map[string][]string
}

// NewCounter registers a counter with the given label names.
func (r *Registry) NewCounter(name, help string, labels ...string) *Counter {
	c := &Counter{metric: name, help: help, labels: labels, values: map[string]float64{}, series: map[string][]string{}}
	r.add(c)
	return c
}

// Add adds v (not negative) to the series of the label values.
func (c *Counter) Add(v float64, values ...string) {
	k := key(values)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.series[k]; !ok {
		c.series[k] = slices.Clone(values)
	}
	c.values[k] += v
}

// Inc adds one.
func (c *Counter) Inc(values ...string) { c.Add(1, values...) }

func (c *Counter) name() string { return c.metric }

func (c *Counter) write(_ context.Context, w io.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", c.metric, c.help, c.metric)
	for _, k := range sortedKeys(c.values) {
		fmt.Fprintf(w, "%s%s %s\n", c.metric, labelText(c.labels, c.series[k]), number(c.values[k]))
	}
}

// Histogram counts observations into cumulative buckets per combination of
// label values.
type Histogram struct {
	metric, help string
	labels       []string
	buckets      []float64
	mu           sync.Mutex
	series       map[string]*histSeries
}

type histSeries struct {
	values []string
	counts []uint64 // per bucket, not cumulative
	count  uint64
	sum    float64
}

// LatencyBuckets are seconds from a millisecond to half a minute.
var LatencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// NewHistogram registers a histogram with the given upper bounds.
func (r *Registry) NewHistogram(name, help string, buckets []float64, labels ...string) *Histogram {
	h := &Histogram{metric: name, help: help, labels: labels, buckets: slices.Sorted(slices.Values(buckets)), series: map[string]*histSeries{}}
	r.add(h)
	return h
}

// Observe counts v in the series of the label values.
func (h *Histogram) Observe(v float64, values ...string) {
	k := key(values)
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.series[k]
	if s == nil {
		s = &histSeries{values: slices.Clone(values), counts: make([]uint64, len(h.buckets))}
		h.series[k] = s
	}
	if i := sort.SearchFloat64s(h.buckets, v); i < len(h.buckets) {
		s.counts[i]++
	}
	s.count++
	s.sum += v
}

func (h *Histogram) name() string { return h.metric }

func (h *Histogram) write(_ context.Context, w io.Writer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", h.metric, h.help, h.metric)
	for _, k := range sortedKeys(h.series) {
		s := h.series[k]
		var cum uint64
		for i, b := range h.buckets {
			cum += s.counts[i]
			fmt.Fprintf(w, "%s_bucket%s %d\n", h.metric, labelText(h.labels, s.values, "le", number(b)), cum)
		}
		fmt.Fprintf(w, "%s_bucket%s %d\n", h.metric, labelText(h.labels, s.values, "le", "+Inf"), s.count)
		fmt.Fprintf(w, "%s_sum%s %s\n", h.metric, labelText(h.labels, s.values), number(s.sum))
		fmt.Fprintf(w, "%s_count%s %d\n", h.metric, labelText(h.labels, s.values), s.count)
	}
}

// Gauge is a value read when metrics are written: a pool's open
// connections, forms per state.
type Gauge struct {
	metric, help string
	labels       []string
	collect      func(ctx context.Context, emit func(v float64, values ...string))
}

// NewGauge registers a gauge whose series collect emits at each scrape.
func (r *Registry) NewGauge(name, help string, collect func(ctx context.Context, emit func(v float64, values ...string)), labels ...string) {
	r.add(&Gauge{metric: name, help: help, labels: labels, collect: collect})
}

func (g *Gauge) name() string { return g.metric }

func (g *Gauge) write(ctx context.Context, w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n", g.metric, g.help, g.metric)
	g.collect(ctx, func(v float64, values ...string) {
		fmt.Fprintf(w, "%s%s %s\n", g.metric, labelText(g.labels, values), number(v))
	})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
