package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/xuri/excelize/v2"

	"kechuang/internal/plan"
	"kechuang/internal/store"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// roundStatusXLSX downloads the round's status table (填报情况): each
// unit's state, timeliness, contact and reporting burden, as the round
// page shows them to staff and leaders.
func (s *Server) roundStatusXLSX(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "round")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd, err := s.store.Round(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	forms, err := s.store.RoundForms(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "填报情况"
	f.SetSheetName("Sheet1", sheet)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := [][]any{
		{rd.Label + "填报情况（数据截至 " + rd.AsOf + "，截止日期 " + rd.DueOn + "）"},
		{"单位", "类型", "状态", "按时情况", "联系人", "联系电话", "提交时间（北京时间）", "手填项", "沿用项", "用时（分钟）"},
	}
	now := s.opts.Now()
	for _, fs := range forms {
		row := timeliness(rd, fs, now)
		timely := ""
		switch {
		case row.Overdue:
			timely = "逾期未报"
		case row.LateOn != "":
			timely = "逾期报送（" + row.LateOn + "）"
		case fs.State.Reported():
			timely = "按时"
		}
		submitted := ""
		if row.SubmittedAt != nil {
			submitted = row.SubmittedAt.In(plan.Zone).Format("2006-01-02 15:04")
		}
		rows = append(rows, []any{fs.UnitName, fs.UnitKind.Label(), fs.State.Label(), timely, fs.Contact, fs.Phone, submitted, fs.TypedFields, fs.CarriedFields, row.Minutes})
	}
	if err := writeRows(sw, rows); err != nil {
		s.fail(w, r, err)
		return
	}
	sendXLSX(w, s, f, rd.Label+"填报情况.xlsx")
}

// roundFormsXLSX downloads every form of the round as it now stands, drafts
// included (administrators see them): one sheet of task entries, one of
// values, a row each.
func (s *Server) roundFormsXLSX(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "round")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd, err := s.store.Round(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	const tasks, values = "任务推进情况", "分解目标完成情况"
	f.SetSheetName("Sheet1", tasks)
	if _, err := f.NewSheet(values); err != nil {
		s.fail(w, r, err)
		return
	}
	tw, err := f.NewStreamWriter(tasks)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A stream writer writes one sheet at a time: values are kept until
	// the tasks' sheet is done (a row per unit and goal: few).
	taskRows := 1
	tw.SetRow("A1", []any{"单位", "表状态", "行动", "任务", "本单位角色", "推进状态", "进展情况", "存在问题", "下步打算", "佐证材料（件）"})
	var vals [][]any
	err = s.store.EachRoundEntry(r.Context(), id, func(e store.RoundTaskEntry) error {
		taskRows++
		role := "责任"
		if e.Lead {
			role = "牵头"
		}
		ref, _ := excelize.CoordinatesToCellName(1, taskRows)
		return tw.SetRow(ref, []any{e.Unit, e.FormState.Label(), e.Section, e.Number + ". " + e.Title, role, e.Status.Label(), e.Progress, e.Problems, e.NextSteps, e.Attachments})
	}, func(e store.RoundValueEntry) error {
		vals = append(vals, []any{e.Unit, e.FormState.Label(), e.Indicator, e.Measure, e.Target.String(), decimalOrEmpty(e.Value), e.Note})
		return nil
	})
	if err == nil {
		err = tw.Flush()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vw, err := f.NewStreamWriter(values)
	if err == nil {
		// Figures are written as text: Excel's floats would not keep them exact.
		err = writeRows(vw, append([][]any{{"单位", "表状态", "指标", "计量单位", "分解目标", "截至 " + rd.AsOf + " 数值", "数据来源与口径"}}, vals...))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendXLSX(w, s, f, rd.Label+"填报内容.xlsx")
}

// writeRows writes rows from A1 down and flushes the sheet.
func writeRows(sw *excelize.StreamWriter, rows [][]any) error {
	for i, row := range rows {
		ref, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(ref, row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func sendXLSX(w http.ResponseWriter, s *Server, f *excelize.File, name string) {
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"export.xlsx\"; filename*=UTF-8''%s", url.PathEscape(name)))
	w.Header().Set("Cache-Control", "no-store")
	if err := f.Write(w); err != nil {
		s.log.Warn("export cut short", "file", name, "err", err)
	}
}
