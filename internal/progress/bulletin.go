package progress

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/report"
	"kechuang/internal/store"
)

// reportStatus maps a progress status to the bulletin's cell marks.
func reportStatus(s plan.ProgressStatus) string {
	switch s {
	case plan.ProgressDone:
		return report.StatusDone
	case plan.ProgressAhead:
		return report.StatusAhead
	case plan.ProgressOnTrack:
		return report.StatusOnTrack
	case plan.ProgressLagging:
		return report.StatusLagging
	case plan.ProgressSeriousLag:
		return report.StatusSerious
	}
	return report.StatusNA
}

func pct(f float64) string { return fmt.Sprintf("%.1f%%", f*100) }

// LateUnits are the units that did not report on time: not reported at
// all, or first submitted after the due date then in force (plan.Late).
func (d *Data) LateUnits() []LateUnit {
	var out []LateUnit
	for _, f := range d.Forms {
		switch {
		case !f.State.Reported() && f.State != plan.FormReturned:
			out = append(out, LateUnit{Unit: f.UnitName, Note: "未报送（" + f.State.Label() + "）"})
		case f.State == plan.FormReturned:
			out = append(out, LateUnit{Unit: f.UnitName, Note: "退回后未重新报送"})
		case f.Late():
			out = append(out, LateUnit{Unit: f.UnitName, Note: "逾期报送（" + f.FirstSubmittedAt.In(plan.Zone).Format("1月2日") + "）"})
		}
	}
	return out
}

// LateUnit is a unit that did not report on time, and how.
type LateUnit struct{ Unit, Note string }

// Bulletin drafts the round's bulletin (调度通报): the overall picture, each
// indicator against 序时, the sub-districts' ranking (when shown), the
// lagging tasks in the units' own words, and the units that did not report
// on time — as text staff edit before issuing, with the tables attached.
func (d *Data) Bulletin(showRanking bool, today time.Time) (*report.Bulletin, error) {
	if d.Round == nil || d.Overview == nil {
		return nil, plan.Errorf(plan.ECONFLICT, "本方案还没有调度，无法生成通报。")
	}
	ov, doc, rd := d.Overview, d.Doc, d.Round
	issuer := d.Settings.Issuer
	if issuer == "" {
		issuer = doc.Issuer
	}
	period := strings.TrimSuffix(rd.Label, "调度")
	b := &report.Bulletin{
		Issuer:    issuer,
		Title:     fmt.Sprintf("关于%s《%s》推进情况的通报", period, doc.Title),
		Addressee: "各街道、镇、集聚区，区直有关部门：",
		Date:      today.In(plan.Zone).Format(time.DateOnly),
	}
	para := func(level int, format string, args ...any) {
		b.Paragraphs = append(b.Paragraphs, report.Para{Level: level, Text: fmt.Sprintf(format, args...)})
	}
	ref := "《" + doc.Title + "》"
	if doc.DocNumber != "" {
		ref += "（" + doc.DocNumber + "）"
	}
	if d.Frozen != nil && d.Frozen.Issue > 1 {
		b.Title += fmt.Sprintf("（第%d版）", d.Frozen.Issue)
		para(report.LevelBody, "（本轮调度经重新打开更正后再次结束，本通报为第%d版，替代此前印发的版本。）", d.Frozen.Issue)
	}
	if d.DemoData {
		para(report.LevelBody, "（演示数据：本通报中由台账计算的指标来自系统生成的演示台账，不是真实数据。）")
	}
	para(report.LevelBody, "为推动%s各项目标任务落实，近期开展了%s（数据截至%s），现将有关情况通报如下。", ref, rd.Label, report.FormatDate(rd.AsOf))

	para(report.LevelHeading1, "一、总体情况")
	para(report.LevelBody, "%s", ov.Summary())
	for _, c := range ov.Cards {
		a := c.Assessment
		switch {
		case c.Actual != nil && a.Assessable:
			para(report.LevelBody, "%s：目标%s，完成%s%s，完成率%s，序时进度%s，%s。", c.Goal.Indicator, plan.FormatTarget(c.Goal.Comparator, c.Goal.Target, c.Goal.TargetMax, c.Goal.Unit), c.Actual, c.Goal.Unit, pct(a.Completion.Ratio), pct(a.Expected), a.Status.Label())
		case c.Actual != nil:
			para(report.LevelBody, "%s：目标%s，完成%s%s，暂不具备评估条件。", c.Goal.Indicator, plan.FormatTarget(c.Goal.Comparator, c.Goal.Target, c.Goal.TargetMax, c.Goal.Unit), c.Actual, c.Goal.Unit)
		default:
			para(report.LevelBody, "%s：目标%s，%s。", c.Goal.Indicator, plan.FormatTarget(c.Goal.Comparator, c.Goal.Target, c.Goal.TargetMax, c.Goal.Unit), notAssessedReason(c.Goal))
		}
	}

	para(report.LevelHeading1, "二、各单位推进情况")
	late := d.LateUnits()
	para(report.LevelBody, "本轮应报送单位%d个，按时报送%d个。%s", len(d.Forms), len(d.Forms)-len(late), lateSentence(late))
	if showRanking && len(ov.Ranking) > 0 {
		var top []string
		for _, r := range ov.Ranking {
			if r.Rank > 0 && r.Rank <= 3 {
				top = append(top, fmt.Sprintf("%s（%.2f分）", r.Unit, r.Score))
			}
		}
		if len(top) > 0 {
			para(report.LevelBody, "按各项指标序时完成率综合排名，位列前三的是%s，排名详见附件。", strings.Join(top, "、"))
		}
	}

	para(report.LevelHeading1, "三、存在问题")
	if len(d.Lagging) == 0 {
		para(report.LevelBody, "本轮各单位未报告任务滞后。")
	}
	for _, l := range d.Lagging {
		problems := l.Problems
		if problems == "" {
			problems = "未说明原因"
		}
		para(report.LevelBody, "任务%s“%s”：%s报告滞后，反映%s", l.Number, l.Title, l.Unit, strings.TrimRight(problems, "。")+"。")
	}

	para(report.LevelHeading1, "四、下步工作")
	para(report.LevelBody, "请各单位对照目标任务和序时进度，加快推进滞后任务，分析原因、明确措施、压实责任，确保完成全年目标任务；未按时报送的单位请于下一轮调度前补报。")

	b.Tables = append(b.Tables, d.indicatorTable())
	if showRanking && len(ov.Ranking) > 0 {
		b.Tables = append(b.Tables, d.rankingTable())
	}
	if len(d.Lagging) > 0 {
		b.Tables = append(b.Tables, d.laggingTable())
	}
	if len(late) > 0 {
		t := report.Table{Title: rd.Label + "未按时报送单位", Header: []string{"单位", "情况"}}
		for _, l := range late {
			t.Rows = append(t.Rows, []report.Cell{{Text: l.Unit}, {Text: l.Note}})
		}
		b.Tables = append(b.Tables, t)
	}
	return b, nil
}

func notAssessedReason(g plan.DocGoal) string {
	if g.Kind.Additive() {
		return "本轮暂无审核通过的数据"
	}
	return "为年度统计指标，年末评估"
}

func lateSentence(late []LateUnit) string {
	if len(late) == 0 {
		return "各单位均按时报送。"
	}
	var names []string
	for _, l := range late {
		names = append(names, l.Unit)
	}
	return strings.Join(names, "、") + "未按时报送。"
}

// indicatorTable is the indicator × sub-district table with completion and
// status.
func (d *Data) indicatorTable() report.Table {
	ov := d.Overview
	t := report.Table{Title: "各单位目标完成情况（截至" + report.FormatDate(ov.AsOf) + "）", Header: []string{"单位"},
		Note: "注：完成率＝完成数÷分解目标；序时进度按指标的进度曲线计算；完成数为审核通过的填报数；标“＊”的为本期未报送、沿用此前审核通过的数据，不参与排名。"}
	for _, g := range ov.Goals {
		t.Header = append(t.Header, g.Indicator+"目标（"+g.Unit+"）", "完成", "完成率", "状态")
	}
	for _, row := range ov.Rows {
		if row.Unit.Kind == plan.UnitDepartment {
			continue
		}
		cells := []report.Cell{{Text: row.Unit.Label()}}
		for _, g := range ov.Goals {
			c, ok := row.Cells[g.ID]
			if !ok {
				cells = append(cells, report.Cell{}, report.Cell{}, report.Cell{}, report.Cell{})
				continue
			}
			pc := progressCells(c.Target, c.Actual, c.Assessment, false)
			if c.Carried {
				pc[1].Text += "＊"
			}
			cells = append(cells, pc...)
		}
		t.Rows = append(t.Rows, cells)
	}
	total := []report.Cell{{Text: "全区", Bold: true}}
	for _, g := range ov.Goals {
		for _, c := range ov.Cards {
			if c.Goal.ID != g.ID {
				continue
			}
			total = append(total, progressCells(g.Target, c.Actual, c.Assessment, true)...)
		}
	}
	t.Rows = append(t.Rows, total)
	return t
}

// progressCells are a target's four cells in the indicator table: target,
// actual, completion and status.
func progressCells(target plan.Decimal, actual *plan.Decimal, a plan.Assessment, bold bool) []report.Cell {
	done, ratio := "—", "—"
	if actual != nil {
		done = actual.String()
	}
	if a.Assessable {
		ratio = pct(a.Completion.Ratio)
	}
	return []report.Cell{
		{Text: target.String(), Align: report.AlignRight, Bold: bold},
		{Text: done, Align: report.AlignRight, Bold: bold},
		{Text: ratio, Align: report.AlignRight, Bold: bold},
		{Text: a.Status.Label(), Status: reportStatus(a.Status), Bold: bold},
	}
}

func (d *Data) rankingTable() report.Table {
	t := report.Table{Title: "街道（镇、集聚区）综合排名", Header: []string{"名次", "单位", "得分", "说明"},
		Note: "注：每项指标得分＝完成率÷序时进度（上限1.2），按权重平均后乘以100；100分即恰好达到序时进度；年度统计指标不计入。"}
	for _, r := range d.Overview.Ranking {
		rank, score := "—", "暂无"
		if r.Rank > 0 {
			rank, score = fmt.Sprint(r.Rank), fmt.Sprintf("%.2f", r.Score)
		}
		var parts []string
		for _, p := range r.Parts {
			if p.Excluded {
				parts = append(parts, p.Indicator+"："+p.Reason)
			} else {
				parts = append(parts, fmt.Sprintf("%s：完成%s/序时%s", p.Indicator, pct(p.Completion), pct(p.Expected)))
			}
		}
		note := strings.Join(parts, "；")
		if r.TieNote != "" {
			note += "。" + r.TieNote
		}
		t.Rows = append(t.Rows, []report.Cell{{Text: rank, Align: report.AlignCenter}, {Text: r.Unit}, {Text: score, Align: report.AlignRight}, {Text: note}})
	}
	return t
}

func (d *Data) laggingTable() report.Table {
	units := map[string][]string{}
	for _, s := range d.Doc.Sections {
		for _, t := range s.Tasks {
			units[t.Number] = t.ResponsibleUnits
		}
	}
	t := report.Table{Title: "滞后任务及单位反映的问题", Header: []string{"任务", "责任单位", "报告滞后的单位", "存在问题"}}
	for _, l := range d.Lagging {
		t.Rows = append(t.Rows, []report.Cell{
			{Text: l.Number + ". " + l.Title}, {Text: strings.Join(units[l.Number], "、")}, {Text: l.Unit}, {Text: l.Problems},
		})
	}
	return t
}

// BulletinFormats are the formats a bulletin is written in.
var BulletinFormats = []string{"docx", "xlsx", "pdf"}

// RoundBulletin loads a closed round's progress and drafts its bulletin.
func RoundBulletin(ctx context.Context, st *store.Store, roundID int64, sight func(plan.ProgressSettings) auth.Sight, today time.Time) (*report.Bulletin, *Data, error) {
	rd, err := st.Round(ctx, roundID)
	if err != nil {
		return nil, nil, err
	}
	if rd.State != plan.RoundClosed {
		return nil, nil, plan.Errorf(plan.ECONFLICT, "“%s”尚未结束：调度结束后才能生成通报。", rd.Label)
	}
	d, err := Load(ctx, st, rd.PlanID, roundID)
	if err != nil {
		return nil, nil, err
	}
	if d.Frozen != nil {
		// An issued bulletin is dated the day its figures were frozen, so
		// that it reads the same whenever it is downloaded.
		today = d.Frozen.At
	}
	sg := sight(d.Settings)
	d = d.For(sg)
	b, err := d.Bulletin(sg.Ranking, today)
	return b, d, err
}

// WriteBulletin writes a bulletin in one of BulletinFormats; PDF needs the
// path of a Chromium.
func WriteBulletin(ctx context.Context, w io.Writer, b *report.Bulletin, format, chromium string) error {
	switch format {
	case "docx":
		return report.WriteDOCX(w, b)
	case "xlsx":
		return report.WriteXLSX(w, b)
	case "pdf":
		return report.WritePDF(ctx, w, b, chromium)
	}
	return plan.Errorf(plan.EINVALID, "格式“%s”无效：应为 docx、xlsx 或 pdf", format)
}
