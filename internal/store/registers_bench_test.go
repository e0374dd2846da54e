package store_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"fmt"
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
	// A national patent list is beyond the limits set for uploads.
	rd, err := regreader.Open(filepath.Base(path), f, fi.Size(), kind, regreader.Options{MaxRows: 10_000_000, MaxFileSize: 4 << 30})
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
// a table of the same database file, and by PostgreSQL's COPY. Beside it,
// the same loaders into a table that keeps the register's key, and the key
// with the register's indexes (anchorIndexes): what the database itself
// does once it keeps what an import must. Run it alone, once:
//
//	KECHUANG_BENCH_SCALE=national go test -run='^$' -bench ImportRegisters -benchtime=1x ./internal/store
func BenchmarkImportRegisters(b *testing.B) {
	sc, err := registertest.ScaleFromEnv()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := exec.LookPath("sqlite3"); err != nil && os.Getenv(storetest.PostgresEnv) == "" {
		b.Skip("neither sqlite3 nor " + storetest.PostgresEnv + " for the anchors")
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
				anchor := anchorImport(b, dialect, dsn, path, "anchor_"+string(l.kind), nil)
				keyed := anchorImport(b, dialect, dsn, path, "keyed_"+string(l.kind), anchorIndexes[l.kind][:1])
				indexed := anchorImport(b, dialect, dsn, path, "indexed_"+string(l.kind), anchorIndexes[l.kind])
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
				floorNote := ""
				if dialect == "sqlite" {
					floorRate := float64(l.rows) / floorImport(b, dsn, path, "floor_"+string(l.kind)).Seconds()
					floorNote = fmt.Sprintf("; floor (our driver, bare table) %.0f rows/s, ratio %.2f", floorRate, rate/floorRate)
					b.ReportMetric(rate/floorRate, string(l.kind)+"-floor-ratio")
				}
				keyedRate, indexedRate := float64(l.rows)/keyed.Seconds(), float64(l.rows)/indexed.Seconds()
				b.Logf("%s %s %d rows: kechuang %.0f rows/s (%.1fs), anchor %.0f rows/s (%.1fs), ratio %.2f; "+
					"the loader keeping the key %.0f rows/s (%.2f of the anchor; kechuang %.2f of it), and the indexes %.0f rows/s (%.2f; kechuang %.2f)%s; heap peak %.0f MB, RSS peak %.0f MB",
					dialect, l.kind, l.rows, rate, took.Seconds(), anchorRate, anchor.Seconds(), rate/anchorRate,
					keyedRate, keyedRate/anchorRate, rate/keyedRate, indexedRate, indexedRate/anchorRate, rate/indexedRate, floorNote, heap, rss)
				b.ReportMetric(rate/anchorRate, string(l.kind)+"-ratio")
				b.ReportMetric(keyedRate/anchorRate, string(l.kind)+"-keyed-anchor-ratio")
				b.ReportMetric(indexedRate/anchorRate, string(l.kind)+"-indexed-anchor-ratio")
				b.ReportMetric(rate, string(l.kind)+"-rows/s")
			}
			runtime.GC()
		})
	}
}

// anchorIndexes are the indexes a list's register keeps, over the CSV's
// columns they come from: first the key a later list is merged by (unique),
// then those the drill-down by unit and date reads (an area standing for
// the unit).
var anchorIndexes = map[plan.RegisterKind][][]int{
	plan.RegEnterprises: {{0}, {3}},
	plan.RegContracts:   {{0}, {10}, {4, 10}, {6, 10}},
	plan.RegPatents:     {{0}, {2, 5}},
}

// anchorImport loads the CSV with the database's own bulk loader into a new
// table of text columns with the given indexes (the first unique) and
// returns how long it took. Without indexes it is the anchor.
func anchorImport(b *testing.B, dialect, dsn, path, table string, indexes [][]int) time.Duration {
	b.Helper()
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
	ddl := []string{"CREATE TABLE " + table + " (" + strings.Join(cols, ", ") + ")"}
	for i, ix := range indexes {
		var on []string
		for _, c := range ix {
			on = append(on, "c"+strconv.Itoa(c))
		}
		unique := ""
		if i == 0 {
			unique = "UNIQUE "
		}
		ddl = append(ddl, fmt.Sprintf("CREATE %sINDEX %s_%d ON %s (%s)", unique, table, i, table, strings.Join(on, ", ")))
	}
	start := time.Now()
	switch dialect {
	case "sqlite":
		// The shell with the store's cache and durability, in one
		// transaction as an import is.
		args := []string{strings.TrimPrefix(dsn, "sqlite:"), "PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-65536", "BEGIN"}
		args = append(append(args, ddl...), ".import --csv --skip 1 "+path+" "+table, "COMMIT")
		out, err := exec.Command("sqlite3", args...).CombinedOutput()
		if err != nil || len(bytes.TrimSpace(out)) > 0 {
			b.Fatalf("sqlite3 .import: %v: %s", err, out)
		}
	case "postgres":
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close(ctx)
		start = time.Now()
		tx, err := conn.Begin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer tx.Rollback(ctx)
		for _, q := range ddl {
			if _, err := tx.Exec(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
		f.Seek(0, io.SeekStart)
		if _, err := tx.Conn().PgConn().CopyFrom(ctx, f, "COPY "+table+" FROM STDIN (FORMAT csv, HEADER true)"); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// floorImport is what SQLite through our driver (modernc.org/sqlite, a
// transpile of the C library the sqlite3 shell is) does at best with the
// same rows, beside the anchor: the CSV read by encoding/csv and
// inserted by one prepared INSERT a row, in one transaction, into a new
// table without an index, on a connection with the store's pragmas.
func floorImport(b *testing.B, dsn, path, table string) time.Duration {
	b.Helper()
	db, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(dsn, "sqlite:")+
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-65536)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	cr := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
	header, err := cr.Read()
	if err != nil {
		b.Fatal(err)
	}
	cols, marks := make([]string, len(header)), make([]string, len(header))
	for i := range header {
		cols[i], marks[i] = "c"+strconv.Itoa(i)+" TEXT", "?"
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec("CREATE TABLE " + table + " (" + strings.Join(cols, ", ") + ")"); err != nil {
		b.Fatal(err)
	}
	ins, err := tx.Prepare("INSERT INTO " + table + " VALUES (" + strings.Join(marks, ", ") + ")")
	if err != nil {
		b.Fatal(err)
	}
	args := make([]any, len(header))
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		for i := range args {
			args[i] = rec[i]
		}
		if _, err := ins.Exec(args...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// actualsPlan is a plan whose six goals are bound to the six definitions
// and allocated to every unit of the generated directory.
func actualsPlan(units int) *plan.Document {
	doc := &plan.Document{Title: "科技创新工作要点", Year: 2022, Status: plan.StatusActive}
	goals := []struct{ indicator, unit string }{
		{"科技型中小企业", "家"}, {"高新技术企业", "家"}, {"技术合同成交额", "亿元"},
		{"万人有效发明专利拥有量", "件"}, {"全社会R&D经费投入占GDP比重", "%"}, {"新增市级以上研发平台和创新载体数量", "个"},
	}
	table := plan.DocTable{Title: "指标分解表", UnitsOfMeasure: map[string]string{}}
	for _, g := range goals {
		doc.Goals = append(doc.Goals, plan.DocGoal{Indicator: g.indicator, Text: g.indicator, Comparator: plan.AtLeast, Target: plan.NewDecimal(100), Unit: g.unit, Kind: plan.KindStock})
		if g.unit != "%" && g.unit != "件" {
			table.Columns = append(table.Columns, g.indicator)
			table.UnitsOfMeasure[g.indicator] = g.unit
		}
	}
	for u := 1; u <= units; u++ {
		row := plan.DocTableRow{Unit: registertest.UnitName(u), Values: map[string]plan.Decimal{}}
		for _, c := range table.Columns {
			row.Values[c] = plan.NewDecimal(1)
		}
		table.Rows = append(table.Rows, row)
	}
	doc.DecompositionTables = []plan.DocTable{table}
	return doc
}

// smallLists are the platforms and statistics: a few per unit.
func smallLists(units int) map[plan.RegisterKind][]any {
	out := map[plan.RegisterKind][]any{}
	for u := 1; u <= units; u++ {
		for k := range 5 {
			out[plan.RegPlatforms] = append(out[plan.RegPlatforms], &plan.Platform{Name: fmt.Sprintf("平台%d-%d", u, k), Kind: "企业技术中心",
				Level: []string{plan.LevelCity, plan.LevelProvince}[k%2], Decided: fmt.Sprintf("2022-%02d-15", 1+k*2), Area: registertest.UnitName(u)})
		}
		for _, y := range []int{2021, 2022} {
			for _, s := range []struct {
				indicator, value string
			}{{plan.StatPopulation, "50.5"}, {plan.StatGDP, "40000"}, {plan.StatRD, "900"}} {
				out[plan.RegStatistics] = append(out[plan.RegStatistics], &plan.Statistic{Area: registertest.UnitName(u), Indicator: s.indicator, Year: y, Value: plan.MustDecimal(s.value)})
			}
		}
	}
	for _, y := range []int{2021, 2022} {
		for _, s := range []struct {
			indicator, value string
		}{{plan.StatPopulation, "15000"}, {plan.StatGDP, "12000000"}, {plan.StatRD, "270000"}} {
			out[plan.RegStatistics] = append(out[plan.RegStatistics], &plan.Statistic{Area: "某省", Indicator: s.indicator, Year: y, Value: plan.MustDecimal(s.value)})
		}
	}
	return out
}

// BenchmarkActuals computes every goal of a plan for every unit at an
// as-of date from registers of the scale (KECHUANG_BENCH_SCALE), beside
// the anchor: the same figures by GROUP BY over the records themselves,
// as DefinitionValues did before tallies. Seeding a national database
// takes minutes (the imports themselves); run it alone:
//
//	KECHUANG_BENCH_SCALE=national go test -run='^$' -bench Actuals -benchtime=1x -timeout=2h ./internal/store
func BenchmarkActuals(b *testing.B) {
	sc, err := registertest.ScaleFromEnv()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	lists := append(benchLists(sc),
		benchList{plan.RegSMEs, "smes.csv", sc.Enterprises, func(p string) error { return registertest.WriteSMEs(p, sc.Enterprises, sc.Enterprises, 2022) }},
		benchList{plan.RegHighTech, "certs.csv", sc.Enterprises, func(p string) error { return registertest.WriteCerts(p, sc.Enterprises, sc.Enterprises, 2022) }})
	for _, l := range lists {
		if err := l.gen(filepath.Join(dir, l.name)); err != nil {
			b.Fatal(err)
		}
	}
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
			ctx := context.Background()
			s := storetest.Open(b, dsn)
			if err := s.ImportDirectory(ctx, registertest.Directory(sc.Units)); err != nil {
				b.Fatal(err)
			}
			planID, err := s.CreatePlan(ctx, actualsPlan(sc.Units), "")
			if err != nil {
				b.Fatal(err)
			}
			for _, l := range lists {
				if res, err := importFile(ctx, s, l.kind, filepath.Join(dir, l.name)); err != nil || res.Rejected > 0 {
					b.Fatalf("%s: %+v %v", l.name, res, err)
				}
			}
			for kind, records := range smallLists(sc.Units) {
				rows := func(yield func(plan.RegisterRow, error) bool) {
					for i, r := range records {
						if !yield(plan.RegisterRow{Origin: plan.Origin{Row: i + 2}, Record: r}, nil) {
							return
						}
					}
				}
				if _, err := s.ImportRegister(ctx, store.ImportMeta{Kind: kind, File: string(kind) + ".csv"}, rows, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
			bindings, err := s.GoalBindings(ctx, planID)
			if err != nil || len(bindings) != 6 {
				b.Fatalf("bindings %+v %v", bindings, err)
			}
			const asOf = "2022-07-31"
			runtime.GC()
			const repeat = 20
			var fast []store.GoalActual
			start := time.Now()
			for range repeat {
				if fast, err = s.Actuals(ctx, planID, asOf); err != nil {
					b.Fatal(err)
				}
			}
			tallied := time.Since(start) / repeat
			start = time.Now()
			slow, err := s.NaiveDefinitionValuesForTest(ctx, bindings, 2022, asOf)
			if err != nil {
				b.Fatal(err)
			}
			naive := time.Since(start)
			// Actuals rounds to the goals' places; the tallies unrounded
			// must be the records' figures exactly.
			exact, err := s.DefinitionValuesForTest(ctx, bindings, 2022, asOf)
			if err != nil {
				b.Fatal(err)
			}
			for i := range exact {
				if g, w := actualText(exact[i]), actualText(slow[i]); g != w {
					b.Errorf("goal %d: tallied %.80s…, records %.80s…", exact[i].GoalID, g, w)
				}
			}
			b.Logf("%s %s: Actuals of %d goals × %d units at %s in %.1f ms; GROUP BY over the records %.0f ms: %.0f× faster",
				dialect, sc.Name, len(fast), sc.Units, asOf, float64(tallied.Microseconds())/1000, float64(naive.Microseconds())/1000, float64(naive)/float64(tallied))
			b.ReportMetric(float64(tallied.Microseconds())/1000, "actuals-ms")
			b.ReportMetric(float64(naive.Microseconds())/1000, "groupby-ms")
			b.ReportMetric(float64(naive)/float64(tallied), "speedup")
		})
	}
}
