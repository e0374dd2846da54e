package store_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"kechuang/internal/plan"
	regreader "kechuang/internal/register"
	"kechuang/internal/register/registertest"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// benchList is a generated list and how to make it.
type benchList struct {
	kind plan.RegisterKind
	name string
	rows int
	gen  func(path string) error
}

func benchLists(sc registertest.Scale) []benchList {
	return []benchList{
		{plan.RegEnterprises, "enterprises.csv", sc.Enterprises, func(p string) error {
			return registertest.WriteEnterprises(p, sc.Enterprises, sc.Units)
		}},
		{plan.RegContracts, "contracts.csv", sc.Contracts, func(p string) error {
			return registertest.WriteContracts(p, sc.Contracts, sc.Enterprises, sc.Units, 2022)
		}},
		{plan.RegPatents, "patents.csv", sc.Patents, func(p string) error {
			return registertest.WritePatents(p, sc.Patents, sc.Enterprises, 2022)
		}},
	}
}

// importFile reads a list with the register reader and imports it, as the
// register page does.
func importFile(ctx context.Context, s *store.Store, kind plan.RegisterKind, path string) (*store.ImportResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	rd, err := regreader.Open(filepath.Base(path), f, fi.Size(), kind, regreader.Options{})
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return s.ImportRegister(ctx, store.ImportMeta{Kind: kind, File: filepath.Base(path), SHA256: hex.EncodeToString(h.Sum(nil)), Size: fi.Size(), SkipInvalid: true}, rd.Rows(), nil, nil)
}

// peakMemory samples the heap in use while fn runs and reads the peak
// resident set (VmHWM, reset first).
func peakMemory(fn func()) (heapMB, rssMB float64) {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return float64(peak) / (1 << 20), float64(vmHWM()) / (1 << 20)
}

func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkImportRegisters imports generated national (or province, or
// district: KECHUANG_BENCH_SCALE) lists of enterprises, contracts and
// patents beside the anchor: the same CSV loaded by `sqlite3 .import` into
// a table of the same database file, and by PostgreSQL's COPY. Run it
// alone, once:
//
//	KECHUANG_BENCH_SCALE=national go test -run='^$' -bench ImportRegisters -benchtime=1x ./internal/store
func BenchmarkImportRegisters(b *testing.B) {
	sc, err := registertest.ScaleFromEnv()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	lists := benchLists(sc)
	for _, l := range lists {
		if err := l.gen(filepath.Join(dir, l.name)); err != nil {
			b.Fatal(err)
		}
	}
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			var dsn string
			switch dialect {
			case "sqlite":
				if _, err := exec.LookPath("sqlite3"); err != nil {
					b.Skip("no sqlite3 for the anchor")
				}
				dsn = "sqlite:" + filepath.Join(b.TempDir(), "kechuang.db")
			case "postgres":
				base := os.Getenv(storetest.PostgresEnv)
				if base == "" {
					b.Skip(storetest.PostgresEnv + " is not set")
				}
				dsn = storetest.PostgresDSN(b, base)
			}
			ctx := context.Background()
			s := storetest.Open(b, dsn)
			if err := s.ImportDirectory(ctx, registertest.Directory(sc.Units)); err != nil {
				b.Fatal(err)
			}
			for _, l := range lists {
				path := filepath.Join(dir, l.name)
				anchor := anchorImport(b, dialect, dsn, path, "anchor_"+string(l.kind))
				var res *store.ImportResult
				var took time.Duration
				heap, rss := peakMemory(func() {
					start := time.Now()
					res, err = importFile(ctx, s, l.kind, path)
					took = time.Since(start)
				})
				if err != nil {
					b.Fatal(err)
				}
				if res.New != l.rows || res.Rejected != 0 {
					b.Fatalf("%s: %+v", l.name, res)
				}
				rate, anchorRate := float64(l.rows)/took.Seconds(), float64(l.rows)/anchor.Seconds()
				b.Logf("%s %s %d rows: kechuang %.0f rows/s (%.1fs), anchor %.0f rows/s (%.1fs), ratio %.2f; heap peak %.0f MB, RSS peak %.0f MB",
					dialect, l.kind, l.rows, rate, took.Seconds(), anchorRate, anchor.Seconds(), rate/anchorRate, heap, rss)
				b.ReportMetric(rate/anchorRate, string(l.kind)+"-ratio")
				b.ReportMetric(rate, string(l.kind)+"-rows/s")
			}
			runtime.GC()
		})
	}
}

// anchorImport loads the CSV with the database's own bulk loader into a new
// table and returns how long it took.
func anchorImport(b *testing.B, dialect, dsn, path, table string) time.Duration {
	b.Helper()
	start := time.Now()
	switch dialect {
	case "sqlite":
		out, err := exec.Command("sqlite3", strings.TrimPrefix(dsn, "sqlite:"), ".import --csv "+path+" "+table).CombinedOutput()
		if err != nil {
			b.Fatalf("sqlite3 .import: %v: %s", err, out)
		}
	case "postgres":
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close(ctx)
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		header, err := bufio.NewReader(f).ReadString('\n')
		if err != nil {
			b.Fatal(err)
		}
		var cols []string
		for i := range strings.Split(header, ",") {
			cols = append(cols, "c"+strconv.Itoa(i)+" TEXT")
		}
		start = time.Now()
		if _, err := conn.Exec(ctx, "CREATE TABLE "+table+" ("+strings.Join(cols, ", ")+")"); err != nil {
			b.Fatal(err)
		}
		f.Seek(0, io.SeekStart)
		if _, err := conn.PgConn().CopyFrom(ctx, f, "COPY "+table+" FROM STDIN (FORMAT csv, HEADER true)"); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}
