package progress_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/progress"
	"kechuang/internal/store"

	"kechuang/internal/store/storetest"
)

// TestBulletinNamesAndNextSteps: the July bulletin names the best unit
// and the one most improved since March; its next steps come from what
// lags (indicators behind 序时 with their units, the lagging tasks with
// the reporting unit's own problem); departments, with no figures to
// report, are neither counted nor listed as 未报送; an open round's is a
// draft.
func TestBulletinNamesAndNextSteps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHistory(t, s)
		march := h.round("2022年3月调度", "2022-03-31")
		h.approve(march, "三家店街道", plan.TaskInProgress, "", sjdMarch)
		h.approve(march, "洪都街道", plan.TaskInProgress, "", map[string]string{"科技型中小企业": "1", "高新技术企业": "1", "技术合同成交额": "0.01"})
		if err := s.CloseRound(ctx, march); err != nil {
			t.Fatal(err)
		}
		july := h.round("2022年7月调度", "2022-07-31")
		h.approve(july, "三家店街道", plan.TaskLagging, "场地未落实", sjdJuly)
		h.approve(july, "洪都街道", plan.TaskInProgress, "", hdLate)
		admin := func(plan.ProgressSettings) auth.Sight { return auth.SightOf(h.admin, false) }

		draft, _, err := progress.RoundBulletin(ctx, s, july, admin, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if !draft.Draft || !strings.Contains(draft.Paragraphs[0].Text, "不得印发") {
			t.Errorf("an open round's bulletin is not a marked draft: %v %q", draft.Draft, draft.Paragraphs[0].Text)
		}
		if err := s.CloseRound(ctx, july); err != nil {
			t.Fatal(err)
		}
		b, d, err := progress.RoundBulletin(ctx, s, july, admin, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		for _, p := range b.Paragraphs {
			text.WriteString(p.Text + "\n")
		}
		all := text.String()
		for _, want := range []string{
			"本轮应报送数据的单位7个", // the sub-districts, the town and the zone: not the departments
			"其中" + d.Overview.Ranking[0].Unit + "综合得分最高。",
			"与2022年3月调度相比，洪都街道进步最快，得分提高", // from 77.73 in March
			"（一）加快滞后指标进度",
			"尚无审核通过的数据",
			"（二）推进滞后任务",
			"：请三家店街道针对“场地未落实”的问题",
			"（三）按时报送调度数据",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("the bulletin lacks %q:\n%s", want, all)
			}
		}
		if b.Draft || b.Issuer != "青云谱区科学技术和工业信息化局" {
			t.Errorf("issued by %q (draft %v), want the bureau", b.Issuer, b.Draft)
		}
		for _, l := range d.LateUnits() {
			for _, u := range d.Units {
				if u.Label() == l.Unit && u.Kind == plan.UnitDepartment {
					t.Errorf("department %s listed as %s", l.Unit, l.Note)
				}
			}
		}

	})
}
