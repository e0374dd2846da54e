package xlsx

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"kechuang/internal/plan"
)

// WriteTaskTable writes the document's task table laid out as the notice's
// 附件1: the label (TaskTableAttachment, else 附件1), the title merged
// across the table, a bold bordered header (序号, 工作内容, 牵头单位,
// 责任单位, and 完成时限 when a row has one), and a heading row "（一）…"
// merged across wherever the section changes. A document without rows gives
// the empty table, a template to fill in.
func WriteTaskTable(w io.Writer, doc *plan.Document) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("xlsx: building workbook: %w", err)
	}
	label := doc.TaskTableAttachment
	if label == "" {
		label = "附件1"
	}
	sw := &sheetWriter{f: f, name: sheetName(label, nil), st: st}
	sw.check(f.SetSheetName("Sheet1", sw.name))

	header := []string{fieldNumber, fieldContent, fieldLead, fieldResponsible}
	widths := []float64{7, 56, 14, 28}
	hasDeadline := false
	for _, r := range doc.TaskTable {
		hasDeadline = hasDeadline || r.Deadline != ""
	}
	if hasDeadline {
		header, widths = append(header, fieldDeadline), append(widths, 14)
	}
	sw.setWidths(widths...)

	sw.spanRow(label, st.label, 24)
	sw.spanRow(taskTableTitle(doc), st.title, 40)
	sw.textRow(header, repeat(st.header, len(header)), false)
	headerRow := sw.row

	titles := map[string]string{}
	for _, s := range doc.Sections {
		titles[s.Number] = s.Title
	}
	bodyStyles := []int{st.center, st.text, st.center, st.center, st.center}[:len(header)]
	section := ""
	for _, r := range doc.TaskTable {
		if r.Section != "" && r.Section != section {
			sw.spanRow("（"+r.Section+"）"+titles[r.Section], st.heading, 0)
		}
		section = r.Section
		cells := []string{r.Number, r.Content, joinUnits(r.LeadUnits), joinUnits(r.ResponsibleUnits), r.Deadline}
		sw.textRow(cells[:len(header)], bodyStyles, false)
	}
	sw.pageSetup("landscape", headerRow)
	return save(f, w, sw.err)
}

// taskTableTitle names the table as the notice does: 2022年工作要点任务分解表.
func taskTableTitle(doc *plan.Document) string {
	switch {
	case doc.Year > 0 && strings.Contains(doc.Title, "工作要点"):
		return fmt.Sprintf("%d年工作要点任务分解表", doc.Year)
	case doc.Title != "":
		return doc.Title + "任务分解表"
	}
	return "任务分解表"
}

// joinUnits writes unit names as the notice does, "、" between names and "，"
// before a group phrase, which itself holds "、": 区科工局，各街道、镇、集聚区.
// plan.SplitUnits reads it back to the same names.
func joinUnits(names []string) string {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			if strings.Contains(n, "、") {
				b.WriteString("，")
			} else {
				b.WriteString("、")
			}
		}
		b.WriteString(n)
	}
	return b.String()
}
