package loadtest_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"kechuang/internal/loadtest"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// benchDuration is how long each side of the pair runs:
// KECHUANG_BENCH_DURATION (a Go duration), 10 s when unset.
func benchDuration(b *testing.B) time.Duration {
	if v := os.Getenv("KECHUANG_BENCH_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	return 10 * time.Second
}

// BenchmarkFormsUnderLoad: 200 reporters saving and submitting the 2022
// plan's 18 forms through the HTTP API (and two reviewers returning them)
// beside the anchor — a bare net/http handler inserting one row per POST
// through the same driver, with the store's pool settings, into the same
// database, driven by 200 clients. Run it alone:
//
//	go test -run='^$' -bench FormsUnderLoad -benchtime=1x ./internal/loadtest
func BenchmarkFormsUnderLoad(b *testing.B) {
	d := benchDuration(b)
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			dsn := "sqlite:" + filepath.Join(b.TempDir(), "kechuang.db")
			if dialect == "postgres" {
				base := os.Getenv(storetest.PostgresEnv)
				if base == "" {
					b.Skip(storetest.PostgresEnv + " is not set")
				}
				dsn = storetest.PostgresDSN(b, base)
			}
			s := storetest.Open(b, dsn)
			ts := demo(b, s)
			runtime.GC()
			cpu := cpuTime(b)
			res, err := loadtest.Run(context.Background(), loadtest.Config{
				URL: ts.URL, Reporters: 200, Reviewers: 2, Duration: d, Password: password,
			}, nil)
			if err != nil {
				b.Fatal(err)
			}
			cpu = cpuTime(b) - cpu
			var out bytes.Buffer
			res.Print(&out)
			_, writes := res.Requests()
			rate := float64(writes) / res.Elapsed.Seconds()
			var p99 time.Duration
			for _, k := range []string{loadtest.KindFormSave, loadtest.KindSubmit, loadtest.KindReview} {
				if st := res.Kinds[k]; st != nil {
					p99 = max(p99, st.Quantile(0.99))
				}
			}
			ts.Close()
			anchorRate, anchorP99, anchorErrors, anchorCPU := anchor(b, s.Dialect(), dsn, d)
			b.Logf("%s\n%s", dialect, out.String())
			all, _ := res.Requests()
			b.Logf("%s: kechuang %.0f writes/s, p99 %s, %d errors of the server's making, %.0f µs of this process's CPU a request; anchor %.0f inserts/s, p99 %s, %d errors, %.0f µs a request; ratio %.2f",
				dialect, rate, p99.Round(time.Millisecond), res.ServerErrors(), float64(cpu.Microseconds())/float64(all),
				anchorRate, anchorP99.Round(time.Millisecond), anchorErrors, anchorCPU, rate/anchorRate)
			b.ReportMetric(rate, "writes/s")
			b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(rate/anchorRate, "ratio")
			b.ReportMetric(float64(res.ServerErrors()), "server-errors")
			b.ReportMetric(float64(res.Lost), "lost")
			b.ReportMetric(float64(cpu.Microseconds())/float64(all), "cpu-µs/request")
		})
	}
}

// cpuTime is the CPU this process has used, user and system: on a machine
// shared with other work, the CPU a request costs (the server's, its
// SQLite's and the load's own) is steadier than its rate. PostgreSQL's
// own processes are not counted.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// anchor serves POSTs with a single-row insert on a pool opened as the
// store opens its writer (store.Open's settings: one connection with the
// same pragmas on SQLite, store.OpenPostgresPool on PostgreSQL), and drives it with 200
// clients for d.
func anchor(b *testing.B, dialect store.Dialect, dsn string, d time.Duration) (rate float64, p99 time.Duration, errors int, cpuPerRequest float64) {
	b.Helper()
	var db *sql.DB
	var err error
	switch dialect {
	case store.SQLite:
		u := url.URL{Scheme: "file", Opaque: dsn[len("sqlite:"):]}
		db, err = sql.Open("sqlite", u.String()+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite&_pragma=cache_size(-65536)&_txlock=immediate")
		db.SetMaxOpenConns(1)
	default:
		var pool *pgxpool.Pool
		db, pool, err = store.OpenPostgresPool(context.Background(), dsn)
		if err == nil {
			defer pool.Close()
		}
	}
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE anchor_posts (id BIGINT, body TEXT, at TEXT)`); err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := db.ExecContext(r.Context(), `INSERT INTO anchor_posts (id, body, at) VALUES ($1, $2, $3)`,
			n.Add(1), r.FormValue("body"), time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200}, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cpu := cpuTime(b)
	var mu sync.Mutex
	var durations []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for i := range 200 {
		wg.Go(func() {
			var mine []time.Duration
			bad := 0
			for ctx.Err() == nil {
				t := time.Now()
				resp, err := client.PostForm(srv.URL, url.Values{"body": {fmt.Sprintf("reporter %d", i)}})
				if err != nil || resp.StatusCode != http.StatusNoContent {
					bad++
				}
				if err == nil {
					resp.Body.Close()
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			durations, errors = append(durations, mine...), errors+bad
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpuPerRequest = float64((cpuTime(b) - cpu).Microseconds()) / float64(max(1, len(durations)))
	slices.Sort(durations)
	if len(durations) > 0 {
		p99 = durations[min(len(durations)-1, len(durations)*99/100)]
	}
	return float64(len(durations)) / elapsed.Seconds(), p99, errors, cpuPerRequest
}
