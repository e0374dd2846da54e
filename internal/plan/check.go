package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// MaxDocumentSize bounds a plan document read by DecodeDocument.
const MaxDocumentSize = 20 << 20

// DecodeDocument reads a plan document from JSON. Errors name the JSON path
// of the bad field (goals[2].target) and, for broken JSON, the line and
// column, so that a person can find it in the file.
func DecodeDocument(r io.Reader) (*Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentSize+1))
	if err != nil {
		return nil, Errorf(EINVALID, "读取失败")
	}
	if len(data) > MaxDocumentSize {
		return nil, Errorf(EINVALID, "文件超过 %d MB 上限", MaxDocumentSize>>20)
	}
	var top struct {
		Document
		Goals               []json.RawMessage `json:"goals"`
		Sections            []json.RawMessage `json:"sections"`
		TaskTable           []json.RawMessage `json:"task_table"`
		DecompositionTables []json.RawMessage `json:"decomposition_tables"`
		Findings            []json.RawMessage `json:"findings"`
	}
	if err := strictUnmarshal(data, &top); err != nil {
		return nil, jsonError(data, "", err)
	}
	doc := top.Document
	if doc.Goals, err = decodeList[DocGoal]("goals", top.Goals); err != nil {
		return nil, err
	}
	for i, raw := range top.Sections {
		path := fmt.Sprintf("sections[%d]", i)
		var sec struct {
			DocSection
			Tasks []json.RawMessage `json:"tasks"`
		}
		if err := strictUnmarshal(raw, &sec); err != nil {
			return nil, jsonError(raw, path, err)
		}
		if sec.DocSection.Tasks, err = decodeList[DocTask](path+".tasks", sec.Tasks); err != nil {
			return nil, err
		}
		doc.Sections = append(doc.Sections, sec.DocSection)
	}
	if doc.TaskTable, err = decodeList[DocTaskRow]("task_table", top.TaskTable); err != nil {
		return nil, err
	}
	if doc.DecompositionTables, err = decodeList[DocTable]("decomposition_tables", top.DecompositionTables); err != nil {
		return nil, err
	}
	if doc.Findings, err = decodeList[Finding]("findings", top.Findings); err != nil {
		return nil, err
	}
	return &doc, CheckDocument(&doc)
}

func decodeList[T any](path string, raws []json.RawMessage) ([]T, error) {
	out := make([]T, 0, len(raws))
	for i, raw := range raws {
		var v T
		if err := strictUnmarshal(raw, &v); err != nil {
			return nil, jsonError(raw, fmt.Sprintf("%s[%d]", path, i), err)
		}
		out = append(out, v)
	}
	return out, nil
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errTrailing
	}
	return nil
}

var errTrailing = errors.New("plan: more after the JSON value")

// jsonError turns a decoding error into a message naming where it is.
func jsonError(data []byte, path string, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	join := func(field string) string {
		switch {
		case path == "":
			return field
		case field == "":
			return path
		}
		return path + "." + field
	}
	// The messages are the decoder's in Chinese: its own words are English.
	at := func(field, format string, args ...any) error {
		where := join(field)
		msg := fmt.Sprintf(format, args...)
		if where == "" {
			return Errorf(EINVALID, "%s", msg)
		}
		e := Errorf(EINVALID, "%s：%s", where, msg)
		e.Fields = []FieldError{{Field: where, Message: msg}}
		return e
	}
	switch {
	case errors.As(err, &syn):
		line, col := lineCol(data, syn.Offset)
		return Errorf(EINVALID, "JSON 格式错误（第%d行第%d列）：请检查该处的引号、逗号和括号", line, col)
	case errors.As(err, &typ):
		return at(typ.Field, "应为%s，实为%s", jsonTypeName(typ.Type.Kind().String()), jsonValueName(typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return at("", "未知字段 %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	case errors.Is(err, ErrDecimal):
		return at("", "数值无效：应为数字，如 140 或 0.55")
	case errors.Is(err, io.EOF):
		return Errorf(EINVALID, "内容为空：应为 JSON 对象")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Errorf(EINVALID, "JSON 不完整：内容在结束前中断")
	case errors.Is(err, errTrailing):
		return at("", "JSON 之后还有多余内容")
	}
	return at("", "JSON 无法读取")
}

// DecodeJSON reads one JSON value into v, refusing unknown fields, with the
// errors of DecodeDocument: in Chinese, naming the field (its FieldError)
// and, for broken JSON, the line and column. The API reads bodies with it.
func DecodeJSON(data []byte, v any) error {
	if err := strictUnmarshal(data, v); err != nil {
		return jsonError(data, "", err)
	}
	return nil
}

// DecodeJSONAt is DecodeJSON of a part of a body read first as a
// json.RawMessage, found at path: its errors name the field from the body's
// root, as DecodeJSON of the whole body would.
func DecodeJSONAt(data []byte, path string, v any) error {
	if err := strictUnmarshal(data, v); err != nil {
		return jsonError(data, path, err)
	}
	return nil
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "字符串"
	case "slice", "array":
		return "数组"
	case "struct", "map":
		return "对象"
	case "bool":
		return "布尔值"
	}
	return "数字"
}

// jsonValueName names the sort of JSON value the decoder found.
func jsonValueName(v string) string {
	switch {
	case v == "string":
		return "字符串"
	case v == "bool":
		return "布尔值"
	case v == "array":
		return "数组"
	case v == "object":
		return "对象"
	case strings.HasPrefix(v, "number"):
		return "数字 " + strings.TrimSpace(strings.TrimPrefix(v, "number"))
	}
	return v
}

func lineCol(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// CheckDocument checks what a plan cannot be stored without: a title, valid
// dates, comparators and kinds, unique task numbers, table values only in
// declared columns. It returns an EINVALID *Error listing every problem with
// its JSON path. Things that may well be true of a real notice (units that
// differ, sums that do not add up) are findings (Lint), not errors.
func CheckDocument(doc *Document) error {
	var probs []string
	bad := func(path, format string, args ...any) {
		probs = append(probs, path+"："+fmt.Sprintf(format, args...))
	}
	if strings.TrimSpace(doc.Title) == "" {
		bad("title", "标题不能为空")
	}
	long := func(path, field, s string, max int) {
		if p := tooLong(field, s, max); p != "" {
			probs = append(probs, path+"："+p)
		}
	}
	long("title", "标题", doc.Title, MaxTitle)
	long("doc_number", "文号", doc.DocNumber, MaxName)
	long("issuer", "发文机关", doc.Issuer, MaxName)
	long("parent_title", "上位方案", doc.ParentTitle, MaxTitle)
	long("task_table_attachment", "附件名", doc.TaskTableAttachment, MaxName)
	if doc.Date != "" {
		if _, err := time.Parse(time.DateOnly, doc.Date); err != nil {
			bad("date", "“%s”不是 YYYY-MM-DD 格式的日期", doc.Date)
		}
	}
	if doc.Status != "" && !doc.Status.Valid() {
		bad("status", "“%s”无效，应为 draft、active 或 closed", doc.Status)
	}
	if doc.Year != 0 && (doc.Year < 1949 || doc.Year > 2200) {
		bad("year", "年份 %d 不合理", doc.Year)
	}
	switch {
	case (doc.StartYear == 0) != (doc.EndYear == 0):
		bad("end_year", "方案期限需要起止两个年份")
	case doc.StartYear != 0 && (doc.StartYear < 1949 || doc.EndYear > 2200 || doc.EndYear < doc.StartYear):
		bad("end_year", "方案期限 %d—%d 年不合理", doc.StartYear, doc.EndYear)
	}
	for i, g := range doc.Goals {
		p := fmt.Sprintf("goals[%d]", i)
		if strings.TrimSpace(g.Indicator) == "" {
			bad(p+".indicator", "指标名称不能为空")
		}
		long(p+".indicator", "指标名称", g.Indicator, MaxName)
		long(p+".text", "目标原文", g.Text, MaxComment)
		long(p+".unit", "计量单位", g.Unit, MaxName)
		if !g.Comparator.Valid() {
			bad(p+".comparator", "“%s”无效，应为 >=、>、<=、≈ 或 range", g.Comparator)
		}
		switch {
		case g.Comparator == WithinRange && g.TargetMax == nil:
			bad(p+".target_max", "区间目标需要上限")
		case g.Comparator == WithinRange && g.TargetMax.Cmp(g.Target) < 0:
			bad(p+".target_max", "上限 %s 小于下限 %s", g.TargetMax, g.Target)
		case g.Comparator != WithinRange && g.TargetMax != nil:
			bad(p+".target_max", "只有区间目标（range）才有上限")
		}
		if g.Kind != "" && !g.Kind.Valid() {
			bad(p+".kind", "“%s”无效，应为 stock、flow、ratio 或 per_capita", g.Kind)
		}
		if err := CheckYearTargets(doc, g); err != nil {
			bad(p+".year_targets", "%s", ErrorMessage(err))
		}
	}
	numbers := map[string]string{}
	for i, s := range doc.Sections {
		p := fmt.Sprintf("sections[%d]", i)
		if strings.TrimSpace(s.Title) == "" {
			bad(p+".title", "行动名称不能为空")
		}
		long(p+".number", "行动序号", s.Number, MaxName)
		long(p+".title", "行动名称", s.Title, MaxTitle)
		for j, t := range s.Tasks {
			tp := fmt.Sprintf("%s.tasks[%d]", p, j)
			if strings.TrimSpace(t.Title) == "" {
				bad(tp+".title", "任务名称不能为空")
			}
			long(tp+".number", "任务序号", t.Number, MaxName)
			long(tp+".title", "任务名称", t.Title, MaxTitle)
			long(tp+".text", "任务内容", t.Text, MaxText)
			long(tp+".deadline", "完成时限", t.Deadline, MaxName)
			if t.Number != "" {
				if prev, ok := numbers[t.Number]; ok {
					bad(tp+".number", "任务序号 %s 与 %s 重复", t.Number, prev)
				}
				numbers[t.Number] = tp
			}
			checkNames(bad, tp+".lead_units", t.LeadUnits)
			checkNames(bad, tp+".responsible_units", t.ResponsibleUnits)
		}
	}
	for i, r := range doc.TaskTable {
		p := fmt.Sprintf("task_table[%d]", i)
		if strings.TrimSpace(r.Content) == "" {
			bad(p+".content", "工作内容不能为空")
		}
		long(p+".number", "序号", r.Number, MaxName)
		long(p+".section", "所属行动", r.Section, MaxName)
		long(p+".content", "工作内容", r.Content, MaxText)
		long(p+".maps_to_task", "对应任务", r.MapsToTask, MaxName)
		long(p+".deadline", "完成时限", r.Deadline, MaxName)
		checkNames(bad, p+".lead_units", r.LeadUnits)
		checkNames(bad, p+".responsible_units", r.ResponsibleUnits)
	}
	for i, t := range doc.DecompositionTables {
		p := fmt.Sprintf("decomposition_tables[%d]", i)
		long(p+".title", "表名", t.Title, MaxTitle)
		long(p+".attachment", "附件名", t.Attachment, MaxName)
		cols := map[string]bool{}
		for j, c := range t.Columns {
			long(fmt.Sprintf("%s.columns[%d]", p, j), "列名", c, MaxName)
			switch {
			case strings.TrimSpace(c) == "":
				bad(fmt.Sprintf("%s.columns[%d]", p, j), "列名不能为空")
			case cols[c]:
				bad(fmt.Sprintf("%s.columns[%d]", p, j), "列名“%s”重复", c)
			}
			cols[c] = true
		}
		for _, c := range slices.Sorted(maps.Keys(t.UnitsOfMeasure)) {
			if !cols[c] {
				bad(p+".units_of_measure."+c, "列“%s”不存在", c)
			}
			long(p+".units_of_measure."+c, "计量单位", t.UnitsOfMeasure[c], MaxName)
		}
		for j, r := range t.Rows {
			rp := fmt.Sprintf("%s.rows[%d]", p, j)
			if CleanName(r.Unit) == "" {
				bad(rp+".unit", "单位不能为空")
			}
			long(rp+".unit", "单位", r.Unit, MaxName)
			for _, c := range slices.Sorted(maps.Keys(r.Values)) {
				if !cols[c] {
					bad(rp+".values."+c, "列“%s”不存在", c)
				}
			}
		}
	}
	for i, f := range doc.Findings {
		p := fmt.Sprintf("findings[%d]", i)
		long(p+".code", "代码", f.Code, MaxName)
		long(p+".where", "位置", f.Where, MaxComment)
		long(p+".message", "说明", f.Message, MaxText)
	}
	if len(probs) == 0 {
		return nil
	}
	return Errorf(EINVALID, "方案文档有 %d 处错误：\n%s", len(probs), strings.Join(probs, "\n"))
}

func checkNames(bad func(string, string, ...any), path string, names []string) {
	for i, n := range names {
		if CleanName(n) == "" {
			bad(fmt.Sprintf("%s[%d]", path, i), "单位名称不能为空")
		} else if p := tooLong("单位名称", n, MaxName); p != "" {
			bad(fmt.Sprintf("%s[%d]", path, i), "%s", p)
		}
	}
}
