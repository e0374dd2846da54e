package progress_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync"
	"testing"

	"kechuang/internal/progress"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// province seeds a province-size plan once per process: 100 units, 50
// indicators allocated to every unit, 12 monthly rounds, every form
// approved (60,000 approved values).
var province struct {
	once   sync.Once
	path   string
	store  *store.Store
	planID int64
	last   int64 // the current round, open
	closed int64 // the round before it, closed
	err    error
}

// TestMain removes the province database the benchmarks seeded (about
// 30 MB) when the run ends.
func TestMain(m *testing.M) {
	code := m.Run()
	if province.store != nil {
		province.store.Close()
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(province.path + suffix)
		}
	}
	os.Exit(code)
}

func seedProvince(b *testing.B) {
	b.Helper()
	province.once.Do(func() {
		province.path = os.TempDir() + fmt.Sprintf("/kechuang-bench-%d.db", os.Getpid())
		s, err := store.Open(context.Background(), "sqlite:"+province.path)
		if err == nil {
			_, err = s.Migrate(context.Background())
		}
		if err != nil {
			province.err = err
			return
		}
		province.store = s
		province.planID, province.last, province.err = storetest.SeedProvince(s, 100, 50, 12)
		if province.err == nil {
			rounds, err := s.Rounds(context.Background(), province.planID)
			province.err, province.closed = err, rounds[1].ID
		}
	})
	if province.err != nil {
		b.Fatal(province.err)
	}
}

// BenchmarkDashboardProvince is the dashboard's server work for a province
// at its open round: read the plan, the directory and 60,000 approved
// values in one read-only transaction, and compute the overview (cards,
// 100 × 50 matrix, trends, forecasts, ranking).
func BenchmarkDashboardProvince(b *testing.B) {
	benchLoad(b, func() int64 { return province.last })
}

// BenchmarkDashboardProvinceClosed is the same for a closed round, read
// from the snapshot kept when it closed (55,000 values up to its date).
func BenchmarkDashboardProvinceClosed(b *testing.B) {
	benchLoad(b, func() int64 { return province.closed })
}

func benchLoad(b *testing.B, round func() int64) {
	seedProvince(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		d, err := progress.Load(ctx, province.store, province.planID, round())
		if err != nil || len(d.Overview.Rows) != 100 {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineReadValues is the baseline for the dashboard: a naive
// query reading the 60,000 approved values from the same file with
// database/sql and the same driver, nothing computed.
func BenchmarkBaselineReadValues(b *testing.B) {
	seedProvince(b)
	db, err := sql.Open("sqlite", "file:"+province.path+"?_pragma=query_only(1)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		rows, err := db.QueryContext(ctx, `
			SELECT fv.goal_id, f.unit_id, fv.value, r.as_of, f.public_id
			FROM form_values fv JOIN forms f ON f.id = fv.form_id JOIN rounds r ON r.id = f.round_id
			WHERE r.plan_id = $1 AND f.state = 'approved' AND fv.value IS NOT NULL`, province.planID)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var goal, unit int64
			var value, asOf, form string
			if err := rows.Scan(&goal, &unit, &value, &asOf, &form); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if rows.Close(); n != 60000 {
			b.Fatal(n)
		}
	}
}

// TestSeedSmall keeps the benchmark's seeding honest in the normal test
// run, at a small size.
func TestSeedSmall(t *testing.T) {
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	planID, last, err := storetest.SeedProvince(s, 3, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	d, err := progress.Load(context.Background(), s, planID, last)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Overview.Rows) != 3 || len(d.Overview.Cards) != 2 || len(d.Overview.Cards[0].Trend) != 2 || len(d.NotReported) != 0 {
		t.Errorf("overview: %d rows, %d cards", len(d.Overview.Rows), len(d.Overview.Cards))
	}
}
