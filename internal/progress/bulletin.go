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
// Units with no figures to report in the round (no target allocated but
// ones computed from registers, as most departments) are not chased for
// figures, and are not listed.
func (d *Data) LateUnits() []LateUnit {
	var out []LateUnit
	for _, f := range d.DueForms() {
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

// DueForms are the forms of units with figures to report in the round: a
// target allocated of a goal that units report (not one computed from
// registers).
func (d *Data) DueForms() []store.FormSummary {
	if d.Overview == nil {
		return nil
	}
	computed := map[int64]bool{}
	for _, c := range d.Overview.Cards {
		if c.Computed != nil || d.Bindings[c.Goal.ID].GoalID != 0 {
			computed[c.Goal.ID] = true
		}
	}
	reports := map[int64]bool{}
	for _, row := range d.Overview.Rows {
		for id := range row.Cells {
			if !computed[id] {
				reports[row.Unit.ID] = true
			}
		}
	}
	var out []store.FormSummary
	for _, f := range d.Forms {
		if reports[f.UnitID] {
			out = append(out, f)
		}
	}
	return out
}

// LateUnit is a unit that did not report on time, and how.
type LateUnit struct{ Unit, Note string }

// Bulletin drafts the round's bulletin (调度通报): the overall picture, each
// indicator against 序时, the sub-districts' ranking with the best and the
// most improved since prev (the round before; nil when none), the lagging
// tasks in the units' own words, the units that did not report on time, and
// next steps drawn from what lags — as text staff edit before issuing, with
// the tables attached.
func (d *Data) Bulletin(showRanking bool, today time.Time, prev *Data) (*report.Bulletin, error) {
	if d.Round == nil || d.Overview == nil {
		return nil, plan.Errorf(plan.ECONFLICT, "本方案还没有调度，无法生成通报。")
	}
	ov, doc, rd := d.Overview, d.Doc, d.Round
	issuer := plan.BulletinIssuer(d.Settings, d.Units, doc)
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
	if rd.State == plan.RoundOpen {
		b.Draft = true
		para(report.LevelBody, "（本稿为%s尚未结束时的预览，数据截至生成时审核通过的填报，结束后以定格数据为准，不得印发。）", rd.Label)
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
	due := len(d.DueForms())
	para(report.LevelBody, "本轮应报送数据的单位%d个，按时报送%d个。%s", due, due-len(late), lateSentence(late))
	if showRanking && len(ov.Ranking) > 0 {
		var top []string
		for _, r := range ov.Ranking {
			if r.Rank > 0 && r.Rank <= 3 {
				top = append(top, fmt.Sprintf("%s（%.2f分）", r.Unit, r.Score))
			}
		}
		if len(top) > 0 {
			para(report.LevelBody, "按各项指标序时完成率综合排名，位列前三的是%s，排名详见附件。%s", strings.Join(top, "、"), standouts(ov, prev))
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
	for _, p := range d.nextSteps(late) {
		b.Paragraphs = append(b.Paragraphs, p)
	}

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

// standouts names the best unit of the ranking and, against the round
// before (prev), the one whose score rose most; "" when there is nothing
// to say.
func standouts(ov *plan.Overview, prev *Data) string {
	var s string
	if best := ov.Ranking[0]; best.Rank == 1 {
		s = fmt.Sprintf("其中%s综合得分最高。", best.Unit)
	}
	if prev == nil || prev.Overview == nil || prev.Round == nil {
		return s
	}
	before := map[int64]plan.Ranked{}
	for _, r := range prev.Overview.Ranking {
		if r.Rank > 0 {
			before[r.UnitID] = r
		}
	}
	var up *plan.Ranked
	var rise float64
	for i, r := range ov.Ranking {
		b, ok := before[r.UnitID]
		if r.Rank == 0 || !ok || r.Score-b.Score <= rise {
			continue
		}
		up, rise = &ov.Ranking[i], r.Score-b.Score
	}
	if up != nil && rise >= 0.01 {
		s += fmt.Sprintf("与%s相比，%s进步最快，得分提高%.2f分（由%.2f分升至%.2f分）。", prev.Round.Label, up.Unit, rise, before[up.UnitID].Score, up.Score)
	}
	return s
}

// nextSteps drafts 四、下步工作 from what lags: each indicator behind 序时
// with the units behind on it, each lagging task with the units that
// report it and their problem, the units that did not report on time; then
// the general requirement.
func (d *Data) nextSteps(late []LateUnit) []report.Para {
	var out []report.Para
	n := 0
	head := func(title string) {
		n++
		out = append(out, report.Para{Level: report.LevelHeading2, Text: fmt.Sprintf("（%s）%s", chineseNumber(n), title)})
	}
	body := func(format string, args ...any) {
		out = append(out, report.Para{Level: report.LevelBody, Text: fmt.Sprintf(format, args...)})
	}
	var behind []plan.GoalCard
	for _, c := range d.Overview.Cards {
		if st := c.Assessment.Status; st == plan.ProgressLagging || st == plan.ProgressSeriousLag {
			behind = append(behind, c)
		}
	}
	if len(behind) > 0 {
		head("加快滞后指标进度")
		for _, c := range behind {
			a := c.Assessment
			gap := (a.Expected - a.Completion.Ratio) * 100
			lagging, missing := d.unitsBehind(c.Goal.ID)
			var who []string
			if len(lagging) > 0 {
				who = append(who, strings.Join(lagging, "、")+"进度滞后")
			}
			if len(missing) > 0 {
				who = append(who, strings.Join(missing, "、")+"尚无审核通过的数据")
			}
			text := fmt.Sprintf("%s完成率%s，低于序时进度%.1f个百分点。", c.Goal.Indicator, pct(a.Completion.Ratio), gap)
			if len(who) > 0 {
				text += "其中" + strings.Join(who, "，") + "。请上述单位"
			} else {
				text += "请各有关单位"
			}
			body("%s对照分解目标，分析原因、挂图作战，确保下一轮调度前赶上序时进度。", text)
		}
	}
	if len(d.Lagging) > 0 {
		head("推进滞后任务")
		type task struct {
			number, title string
			units         []string
			problems      []string
		}
		var tasks []*task
		byNumber := map[string]*task{}
		for _, l := range d.Lagging {
			t := byNumber[l.Number]
			if t == nil {
				t = &task{number: l.Number, title: l.Title}
				byNumber[l.Number] = t
				tasks = append(tasks, t)
			}
			t.units = append(t.units, l.Unit)
			if p := strings.TrimRight(strings.TrimSpace(l.Problems), "。"); p != "" {
				t.problems = append(t.problems, p)
			}
		}
		// Tasks that the same units report lagging for the same reasons
		// are asked of once.
		type ask struct {
			names           []string
			units, problems string
		}
		var asks []*ask
		byKey := map[string]*ask{}
		for _, t := range tasks {
			a := &ask{units: strings.Join(t.units, "、"), problems: strings.Join(t.problems, "；")}
			if prev := byKey[a.units+"|"+a.problems]; prev != nil {
				a = prev
			} else {
				byKey[a.units+"|"+a.problems] = a
				asks = append(asks, a)
			}
			a.names = append(a.names, fmt.Sprintf("任务%s“%s”", t.number, t.title))
		}
		for _, a := range asks {
			if a.problems != "" {
				body("%s：请%s针对“%s”的问题，明确解决措施和完成时限，按期推进。", strings.Join(a.names, "、"), a.units, a.problems)
			} else {
				body("%s：请%s说明滞后原因，明确解决措施和完成时限。", strings.Join(a.names, "、"), a.units)
			}
		}
	}
	if len(late) > 0 {
		head("按时报送调度数据")
		names := make([]string, len(late))
		for i, l := range late {
			names[i] = l.Unit
		}
		body("请%s于下一轮调度前补报本轮数据，此后按时报送。", strings.Join(names, "、"))
	}
	body("请各单位对照目标任务和序时进度，压实责任、加强调度，确保完成全年目标任务。")
	return out
}

// unitsBehind names the units whose part of a goal lags behind 序时, and
// those allocated a part who have no approved figure for it.
func (d *Data) unitsBehind(goalID int64) (lagging, missing []string) {
	for _, row := range d.Overview.Rows {
		c, ok := row.Cells[goalID]
		switch {
		case !ok:
		case c.Actual == nil:
			missing = append(missing, row.Unit.Label())
		case c.Assessment.Status == plan.ProgressLagging || c.Assessment.Status == plan.ProgressSeriousLag:
			lagging = append(lagging, row.Unit.Label())
		}
	}
	return lagging, missing
}

// chineseNumber writes 1 to 10 as 一 to 十, the numbering of （一）.
func chineseNumber(n int) string {
	digits := []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
	if n >= 1 && n <= len(digits) {
		return digits[n-1]
	}
	return fmt.Sprint(n)
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
	t := report.Table{Title: d.Areas() + "综合排名", Header: []string{"名次", "单位", "得分", "说明"},
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

// RoundBulletin loads a round's progress and drafts its bulletin: a closed
// round's as issued (dated the day it was frozen, numbered as staff
// numbered that issue); an open round's as a draft preview, marked
// 草稿（未结束）. The round before it gives the most improved unit.
func RoundBulletin(ctx context.Context, st *store.Store, roundID int64, sight func(plan.ProgressSettings) auth.Sight, today time.Time) (*report.Bulletin, *Data, error) {
	rd, err := st.Round(ctx, roundID)
	if err != nil {
		return nil, nil, err
	}
	if rd.State == plan.RoundDraft {
		return nil, nil, plan.Errorf(plan.ECONFLICT, "“%s”尚未开始填报：开始填报后可预览通报草稿，结束后生成正式通报。", rd.Label)
	}
	d, err := Load(ctx, st, rd.PlanID, roundID)
	if err != nil {
		return nil, nil, err
	}
	var prev *Data
	if id := previousRound(d.Rounds, rd); id != 0 {
		if prev, err = Load(ctx, st, rd.PlanID, id); err != nil {
			return nil, nil, err
		}
	}
	if d.Frozen != nil {
		// An issued bulletin is dated the day its figures were frozen, so
		// that it reads the same whenever it is downloaded.
		today = d.Frozen.At
	}
	sg := sight(d.Settings)
	d = d.For(sg)
	if prev != nil {
		prev = prev.For(sg)
	}
	b, err := d.Bulletin(sg.Ranking, today, prev)
	if err != nil {
		return nil, nil, err
	}
	if d.Frozen != nil {
		b.DocNumber, b.CopyTo, b.PrintedBy, b.PrintedOn = d.Frozen.DocNumber, d.Frozen.CopyTo, d.Frozen.PrintedBy, d.Frozen.PrintedOn
	}
	return b, d, nil
}

// previousRound is the opened round just before rd by data date (rounds are
// newest first), 0 when there is none.
func previousRound(rounds []*plan.Round, rd *plan.Round) int64 {
	for i, r := range rounds {
		if r.ID != rd.ID {
			continue
		}
		for _, p := range rounds[i+1:] {
			if p.State != plan.RoundDraft {
				return p.ID
			}
		}
	}
	return 0
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
