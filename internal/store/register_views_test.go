package store_test

import (
	"context"
	"testing"

	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// TestTaskListCounts: the lists list-tasks keep, counted at a date for the
// district and for a unit; 研发机构全覆盖 counts firms from 3亿元 of
// 营业收入 in their latest year up to the date's, and those with an R&D
// institution.
func TestTaskListCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, _ := loadExample(t, s)
		dec := func(v string) *plan.Decimal { d := plan.MustDecimal(v); return &d }
		mustImport(t, s, plan.RegEnterprises, "企业库.xlsx",
			&plan.Enterprise{USCC: uscc(1), Name: "甲", Area: "三家店街道", RDInstitute: true,
				Years:       []plan.EnterpriseYear{{Year: 2020, Revenue: dec("10000")}, {Year: 2021, Revenue: dec("30000")}},
				Memberships: []plan.Membership{{List: plan.ListIncubation, Entered: "2022-03-01"}}},
			&plan.Enterprise{USCC: uscc(2), Name: "乙", Area: "洪都街道",
				Years:       []plan.EnterpriseYear{{Year: 2021, Revenue: dec("45000.5")}},
				Memberships: []plan.Membership{{List: plan.ListIncubation, Entered: "2021-01-01", Left: "2022-07-31"}, {List: plan.ListGazelle, Entered: "2021-05-01"}}},
			&plan.Enterprise{USCC: uscc(3), Name: "丙", Area: "三家店街道", RDInstitute: true,
				Years: []plan.EnterpriseYear{{Year: 2021, Revenue: dec("29999.99")}, {Year: 2023, Revenue: dec("90000")}}},
		)
		tests := []struct {
			asOf string
			unit string
			want map[string]store.ListCount
		}{
			{"2022-07-30", "", map[string]store.ListCount{
				plan.ListIncubation: {List: plan.ListIncubation, Count: 2}, plan.ListGazelle: {List: plan.ListGazelle, Count: 1},
				plan.ListRDCoverage: {List: plan.ListRDCoverage, Count: 1, Of: 2}}},
			// 乙 left the 培育库 on the date: it no longer counts on it.
			{"2022-07-31", "", map[string]store.ListCount{
				plan.ListIncubation: {List: plan.ListIncubation, Count: 1}, plan.ListGazelle: {List: plan.ListGazelle, Count: 1},
				plan.ListRDCoverage: {List: plan.ListRDCoverage, Count: 1, Of: 2}}},
			{"2022-07-30", "三家店街道", map[string]store.ListCount{
				plan.ListIncubation: {List: plan.ListIncubation, Count: 1}, plan.ListRDCoverage: {List: plan.ListRDCoverage, Count: 1, Of: 1}}},
			// Before 2021's figures are the latest: 甲's 2020 revenue is under 3亿元.
			{"2020-12-31", "", map[string]store.ListCount{}},
		}
		dir, _ := s.Directory(ctx)
		for _, tt := range tests {
			got, err := s.TaskListCounts(ctx, planID, tt.asOf, dir.Index()[tt.unit].UnitID)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Errorf("%s %s: %v, want %v", tt.asOf, tt.unit, got, tt.want)
				continue
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s %s %s: %+v, want %+v", tt.asOf, tt.unit, k, got[k], v)
				}
			}
		}
		if _, err := s.TaskListCounts(ctx, planID, "2022-7-31", 0); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("bad date: %v", err)
		}
	})
}
