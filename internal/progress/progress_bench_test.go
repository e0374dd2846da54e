package progress_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"

	"kechuang/internal/plan"
	"kechuang/internal/progress"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// provinceDB is a province-size plan seeded once per process and database:
// 100 units, 50 indicators allocated to every unit, 12 monthly rounds,
// every form approved (60,000 approved values).
type provinceDB struct {
	once   sync.Once
	dsn    string // the store's; for the baseline, the driver's below
	driver string
	drop   func() // removes the database when the run ends
	store  *store.Store
	planID int64
	last   int64 // the current round, open
	closed int64 // the round before it, closed
	// A second plan of the same size whose 50 goals are computed from the
	// registers (each kind of definition in turn), at its open round.
	computedPlan, computedLast int64
	err                        error
}

// provinces are the province databases, by dialect: SQLite always,
// PostgreSQL when KECHUANG_TEST_POSTGRES names a server (scripts/test
// starts one).
var provinces = map[string]*provinceDB{"sqlite": {}, "postgres": {}}

// TestMain removes the province databases the benchmarks seeded (about
// 30 MB each) when the run ends.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, p := range provinces {
		if p.store != nil {
			p.store.Close()
		}
		if p.drop != nil {
			p.drop()
		}
	}
	os.Exit(code)
}

// seedProvince returns the dialect's province, seeding it on first use;
// it skips PostgreSQL when there is no server.
func seedProvince(b *testing.B, dialect string) *provinceDB {
	b.Helper()
	p := provinces[dialect]
	base := os.Getenv(storetest.PostgresEnv)
	if dialect == "postgres" && base == "" {
		b.Skip(storetest.PostgresEnv + " is not set: no PostgreSQL server for this run")
	}
	p.once.Do(func() {
		switch dialect {
		case "sqlite":
			path := os.TempDir() + fmt.Sprintf("/kechuang-bench-%d.db", os.Getpid())
			p.dsn, p.driver = "file:"+path+"?_pragma=query_only(1)", "sqlite"
			p.drop = func() {
				for _, suffix := range []string{"", "-wal", "-shm"} {
					os.Remove(path + suffix)
				}
			}
			p.store, p.err = store.Open(context.Background(), "sqlite:"+path)
		case "postgres":
			name := fmt.Sprintf("kechuang_bench_%d", os.Getpid())
			if p.err = pgAdmin(base, `CREATE DATABASE `+name); p.err != nil {
				return
			}
			p.drop = func() { pgAdmin(base, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`) }
			u, err := url.Parse(base)
			if err != nil {
				p.err = err
				return
			}
			u.Path = "/" + name
			p.dsn, p.driver = u.String(), "pgx"
			p.store, p.err = store.Open(context.Background(), p.dsn)
		}
		if p.err == nil {
			_, p.err = p.store.Migrate(context.Background())
		}
		if p.err != nil {
			return
		}
		p.planID, p.last, p.err = storetest.SeedProvince(p.store, 100, 50, 12)
		if p.err == nil {
			rounds, err := p.store.Rounds(context.Background(), p.planID)
			p.err, p.closed = err, rounds[1].ID
		}
		if p.err == nil {
			p.computedPlan, p.computedLast, p.err = storetest.SeedProvince(p.store, 100, 50, 12)
		}
		if p.err == nil {
			p.err = bindAll(p.store, p.computedPlan)
		}
	})
	if p.err != nil {
		b.Fatal(p.err)
	}
	return p
}

// bindAll binds a plan's goals to each kind of definition in turn.
func bindAll(s *store.Store, planID int64) error {
	ctx := context.Background()
	doc, err := s.Plan(ctx, planID)
	if err != nil {
		return err
	}
	defs := []plan.Definition{
		{Kind: plan.DefSMECount}, {Kind: plan.DefHighTechCount}, {Kind: plan.DefContractSum}, {Kind: plan.DefPatentDensity},
		{Kind: plan.DefRDIntensity}, {Kind: plan.DefNewPlatforms},
	}
	for i, g := range doc.Goals {
		if err := s.BindGoal(ctx, g.ID, defs[i%len(defs)]); err != nil {
			return err
		}
	}
	return nil
}

func pgAdmin(base, stmt string) error {
	db, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(stmt)
	return err
}

// eachDialect runs bench as a sub-benchmark on each dialect's province.
func eachDialect(b *testing.B, bench func(b *testing.B, p *provinceDB)) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) { bench(b, seedProvince(b, dialect)) })
	}
}

// BenchmarkDashboardProvince is the dashboard's server work for a province
// at its open round: read the plan, the directory and 60,000 approved
// values in one read-only transaction, and compute the overview (cards,
// 100 × 50 matrix, trends, forecasts, ranking).
func BenchmarkDashboardProvince(b *testing.B) {
	eachDialect(b, func(b *testing.B, p *provinceDB) { benchLoad(b, p, p.last) })
}

// BenchmarkDashboardProvinceClosed is the same for a closed round, read
// from the snapshot kept when it closed (55,000 values up to its date).
func BenchmarkDashboardProvinceClosed(b *testing.B) {
	eachDialect(b, func(b *testing.B, p *provinceDB) { benchLoad(b, p, p.closed) })
}

// BenchmarkDashboardProvinceComputed is the open round of a province whose
// 50 goals are computed from the registers: each goal at each of the 12
// round dates (the trend) is read from the tallies.
func BenchmarkDashboardProvinceComputed(b *testing.B) {
	eachDialect(b, func(b *testing.B, p *provinceDB) { benchPlan(b, p, p.computedPlan, p.computedLast) })
}

// BenchmarkDashboardProvinceSinceSubmission is the read a leader's next
// dashboard makes after a submission or a return at province size: the
// figures version stands, so the source read before gives the plan, the
// directory and the 60,000 values, and only the round's forms and the
// task reports are read again (store.ProgressSourceSince).
func BenchmarkDashboardProvinceSinceSubmission(b *testing.B) {
	eachDialect(b, func(b *testing.B, p *provinceDB) {
		ctx := context.Background()
		prev, err := p.store.ProgressSource(ctx, p.planID, p.last)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			src, err := p.store.ProgressSourceSince(ctx, p.planID, p.last, prev)
			if err != nil || len(src.Forms) != 100 || len(src.Values) != len(prev.Values) {
				b.Fatal(err)
			}
		}
	})
}

func benchLoad(b *testing.B, p *provinceDB, round int64) { benchPlan(b, p, p.planID, round) }

func benchPlan(b *testing.B, p *provinceDB, planID, round int64) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		d, err := progress.Load(ctx, p.store, planID, round)
		if err != nil || len(d.Overview.Rows) != 100 {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineReadValues is the baseline for the dashboard: a naive
// query reading the 60,000 approved values from the same database with
// database/sql and the same driver, nothing computed.
func BenchmarkBaselineReadValues(b *testing.B) {
	eachDialect(b, func(b *testing.B, p *provinceDB) {
		db, err := sql.Open(p.driver, p.dsn)
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
				WHERE r.plan_id = $1 AND f.state = 'approved' AND fv.value IS NOT NULL`, p.planID)
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
	})
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
