package progress_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync"
	"testing"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
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
		province.planID, province.last, province.err = seed(s, 100, 50, 12)
		if province.err == nil {
			rounds, err := s.Rounds(context.Background(), province.planID)
			province.err, province.closed = err, rounds[1].ID
		}
	})
	if province.err != nil {
		b.Fatal(province.err)
	}
}

func seed(s *store.Store, units, goals, rounds int) (int64, int64, error) {
	ctx := context.Background()
	dir := &plan.Directory{Units: []plan.Unit{{Name: "某省", Kind: plan.UnitGovernment}}}
	for u := 1; u <= units; u++ {
		dir.Units = append(dir.Units, plan.Unit{Name: fmt.Sprintf("第%03d区", u), Kind: plan.UnitSubdistrict, Parent: "某省"})
	}
	if err := s.ImportDirectory(ctx, dir); err != nil {
		return 0, 0, err
	}
	doc := &plan.Document{Title: "全省科技创新工作要点", Year: 2022, Status: plan.StatusActive}
	table := plan.DocTable{Title: "指标分解表", UnitsOfMeasure: map[string]string{}}
	for g := 1; g <= goals; g++ {
		name := fmt.Sprintf("指标%02d", g)
		kind := plan.KindStock
		if g%2 == 0 {
			kind = plan.KindFlow
		}
		doc.Goals = append(doc.Goals, plan.DocGoal{Indicator: name, Comparator: plan.AtLeast, Target: plan.NewDecimal(int64(units * 12)), Unit: "家", Kind: kind})
		table.Columns = append(table.Columns, name)
	}
	for u := 1; u <= units; u++ {
		row := plan.DocTableRow{Unit: fmt.Sprintf("第%03d区", u), Values: map[string]plan.Decimal{}}
		for _, c := range table.Columns {
			row.Values[c] = plan.NewDecimal(12)
		}
		table.Rows = append(table.Rows, row)
	}
	doc.DecompositionTables = []plan.DocTable{table}
	planID, err := s.CreatePlan(ctx, doc, "")
	if err != nil {
		return 0, 0, err
	}
	admin := &auth.User{Username: "bench", Role: auth.RoleAdmin}
	var roundID int64
	for m := 1; m <= rounds; m++ {
		asOf := fmt.Sprintf("2022-%02d-28", m)
		roundID, err = s.CreateRound(ctx, plan.Round{PlanID: planID, Label: fmt.Sprintf("2022年%d月调度", m), AsOf: asOf, OpensOn: asOf, DueOn: asOf})
		if err == nil {
			err = s.OpenRound(ctx, roundID, admin)
		}
		if err != nil {
			return 0, 0, err
		}
		forms, err := s.RoundForms(ctx, roundID)
		if err != nil {
			return 0, 0, err
		}
		for i, fs := range forms {
			f, err := s.Form(ctx, fs.PublicID)
			if err != nil {
				return 0, 0, err
			}
			e := store.FormEdit{Version: f.Version, Submit: true, Values: map[int64]plan.FormValue{}}
			for _, v := range f.Values {
				d := plan.NewDecimal(int64(m * (i%9 + 1) / 8))
				e.Values[v.GoalID] = plan.FormValue{Value: &d}
			}
			saved, err := s.SaveForm(ctx, f.PublicID, e, admin)
			if err != nil {
				return 0, 0, err
			}
			if err := s.ReviewForm(ctx, f.PublicID, saved.Version, store.Approve, "", admin); err != nil {
				return 0, 0, err
			}
		}
		if m == rounds { // the current round stays open, as on a working day
			break
		}
		if err := s.CloseRound(ctx, roundID); err != nil {
			return 0, 0, err
		}
	}
	return planID, roundID, nil
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
	planID, last, err := seed(s, 3, 2, 2)
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
