package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"kechuang/internal/notice"
	"kechuang/internal/plan"
)

// runNoticeParse prints what the parser reads from a notice: a summary for
// a person, or with --json the plan document `plan import` loads. It exits
// 1 when nothing plan-like was recognised.
func runNoticeParse(ctx context.Context, e *env, args []string) error {
	fs, _ := flags(e, "notice parse")
	asJSON := fs.Bool("json", false, "输出方案文档 JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法: kechuang notice parse FILE [--json]")
	}
	name := pos[0]
	var data []byte
	if name == "-" {
		data, err = io.ReadAll(io.LimitReader(e.stdin, notice.DefaultMaxSize+1))
		name = "标准输入"
	} else {
		var st os.FileInfo
		if st, err = os.Stat(name); err == nil && st.Size() > notice.DefaultMaxSize {
			return &exitError{1, fmt.Errorf("%s：文件 %d 字节，超过 %d MB 上限", name, st.Size(), notice.DefaultMaxSize>>20)}
		}
		if err == nil {
			data, err = os.ReadFile(name)
		}
	}
	if err != nil {
		return err
	}
	doc, err := notice.Parse(name, data, notice.Options{})
	if err != nil {
		if errors.Is(err, notice.ErrNoPlan) || errors.Is(err, notice.ErrTooLarge) || errors.Is(err, notice.ErrFormat) {
			return &exitError{1, err}
		}
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	printSummary(e.stdout, doc)
	return nil
}

func printSummary(w io.Writer, doc *plan.Document) {
	fmt.Fprintf(w, "%s\n文号：%s　发文机关：%s　日期：%s\n", doc.Title, doc.DocNumber, doc.Issuer, doc.Date)
	fmt.Fprintf(w, "\n目标（%d）\n", len(doc.Goals))
	for i, g := range doc.Goals {
		fmt.Fprintf(w, "  %d. %s %s　[第%d行]\n", i+1, g.Indicator, plan.FormatTarget(g.Comparator, g.Target, g.TargetMax, g.Unit), g.Line)
	}
	tasks := 0
	for _, s := range doc.Sections {
		tasks += len(s.Tasks)
	}
	fmt.Fprintf(w, "\n行动（%d）与任务（%d）\n", len(doc.Sections), tasks)
	for _, s := range doc.Sections {
		fmt.Fprintf(w, "  （%s）%s\n", s.Number, s.Title)
		for _, t := range s.Tasks {
			fmt.Fprintf(w, "    %s. %s　牵头：%s　责任：%s\n", t.Number, t.Title, strings.Join(t.LeadUnits, "、"), strings.Join(t.ResponsibleUnits, "、"))
		}
	}
	if len(doc.TaskTable) > 0 {
		fmt.Fprintf(w, "\n任务分解表（%d 行）\n", len(doc.TaskTable))
		for _, r := range doc.TaskTable {
			fmt.Fprintf(w, "  %s → 任务%s　牵头：%s　责任：%s\n", r.Number, r.MapsToTask, strings.Join(r.LeadUnits, "、"), strings.Join(r.ResponsibleUnits, "、"))
		}
	}
	for _, t := range doc.DecompositionTables {
		fmt.Fprintf(w, "\n%s（%d 行 × %d 列）\n", t.Title, len(t.Rows), len(t.Columns))
		for _, r := range t.Rows {
			var cells []string
			for _, c := range t.Columns {
				if v, ok := r.Values[c]; ok {
					cells = append(cells, c+" "+v.String()+t.UnitsOfMeasure[c])
				}
			}
			fmt.Fprintf(w, "  %s：%s\n", r.Unit, strings.Join(cells, "，"))
		}
	}
	if len(doc.Findings) > 0 {
		fmt.Fprintf(w, "\n需要核对（%d）\n", len(doc.Findings))
		for _, f := range doc.Findings {
			fmt.Fprintf(w, "  [%s] %s：%s\n", f.Severity, f.Where, f.Message)
		}
	}
}
