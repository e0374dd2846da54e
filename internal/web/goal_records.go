package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// recordsQuery is what the drill-down of a computed figure is about: a
// bound goal of the plan in the path, the unit (0: the district) and the
// as-of date of the query — checked against the viewer's sight of records
// (auth.Sight.Records), the one rule.
type recordsQuery struct {
	PlanID  int64
	Binding *store.GoalBinding
	UnitID  int64
	AsOf    string
	Sight   auth.Sight
}

func (s *Server) recordsQuery(r *http.Request) (*recordsQuery, error) {
	planID, err := pathID(r, "plan")
	if err != nil {
		return nil, err
	}
	goalID, err := pathID(r, "goal")
	if err != nil {
		return nil, err
	}
	q := &recordsQuery{PlanID: planID, Sight: auth.SightOf(currentUser(r), false), AsOf: r.URL.Query().Get("as_of")}
	if q.AsOf == "" {
		q.AsOf = s.opts.Now().In(plan.Zone).Format(time.DateOnly)
	}
	if _, err := plan.ParseAsOf(q.AsOf); err != nil {
		return nil, err
	}
	// Without a unit, the district's records — or, for a viewer who sees
	// one unit's only, that unit's.
	if !q.Sight.All {
		q.UnitID = q.Sight.Own
	}
	if v := r.URL.Query().Get("unit"); v != "" {
		if q.UnitID, err = strconv.ParseInt(v, 10, 64); err != nil || q.UnitID < 0 {
			return nil, plan.Errorf(plan.EINVALID, "单位编号“%s”有误", v)
		}
	}
	if !q.Sight.Records(q.UnitID) {
		if q.UnitID == 0 {
			return nil, plan.Errorf(plan.EFORBIDDEN, "全区明细含各单位的记录，您只能查看本单位的明细。")
		}
		return nil, plan.Errorf(plan.EFORBIDDEN, "您只能查看本单位的明细。")
	}
	if q.Binding, err = s.store.GoalBinding(r.Context(), goalID); err != nil {
		return nil, err
	}
	if q.Binding.PlanID != planID {
		return nil, plan.Errorf(plan.ENOTFOUND, "页面不存在。")
	}
	return q, nil
}

// recordsURL is the drill-down page of a computed figure.
func recordsURL(planID, goalID, unitID int64, asOf string) string {
	v := url.Values{"as_of": {asOf}}
	if unitID != 0 {
		v.Set("unit", itoa(unitID))
	}
	return fmt.Sprintf("/plans/%d/goals/%d/records?%s", planID, goalID, v.Encode())
}

// recordColumns names the columns of the records behind a definition
// (store.DefinitionRecord's fields, per register); "" leaves one out.
type recordColumns struct {
	Key, Name, Party, Date, Until, Detail, Amount string
}

func columnsOf(def plan.Definition) recordColumns {
	def = def.Normalized()
	switch def.Kind {
	case plan.DefSMECount:
		return recordColumns{"统一社会信用代码", "企业名称", "入库登记编号", "入库日期", "撤销日期", "批次", ""}
	case plan.DefHighTechCount:
		return recordColumns{"证书编号", "企业名称", "统一社会信用代码", "发证日期", "有效期至（或取消日期）", "认定", ""}
	case plan.DefContractSum:
		party, amount := "买方（技术吸纳方）", "成交额"
		if def.Params.Side == plan.SideBuyer {
			party = "卖方（技术输出方）"
		}
		if def.Params.Amount == plan.AmountTech {
			amount = "技术交易额"
		}
		return recordColumns{"合同登记号", "项目名称", party, "登记日期", "", "合同类型", amount + "（" + def.Params.Unit + "）"}
	case plan.DefPatentDensity:
		return recordColumns{"专利号 / 指标", "专利名称 / 地区", "专利权人", "授权公告日 / 年份", "失效日期", "法律状态 / 来源", "常住人口（万人）"}
	case plan.DefRDIntensity:
		return recordColumns{"指标", "地区", "", "年份", "", "来源", "数值"}
	case plan.DefNewPlatforms:
		return recordColumns{"平台名称", "依托单位", "类型", "认定（备案）日期", "", "级别", ""}
	}
	return recordColumns{Key: "记录", Name: "名称", Date: "日期"}
}

const recordsPageSize = 50

// goalRecords drills from a computed figure to the records behind it, a
// page at a time, each with the list and row it came from. A reporter of
// the unit may dispute a record here.
func (s *Server) goalRecords(w http.ResponseWriter, r *http.Request) {
	q, err := s.recordsQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	n = max(n, 1)
	rp, err := s.store.DefinitionRecords(r.Context(), q.Binding.GoalID, q.UnitID, q.AsOf, store.Page{Offset: (n - 1) * recordsPageSize, Limit: recordsPageSize})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dir, err := s.store.Directory(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	// A reporter disputes records of its own unit's figure; it sees its
	// open disputes beside them.
	canDispute := auth.Allowed(u, auth.PermReport) && q.UnitID == u.UnitID
	disputed := map[store.RecordRef]bool{}
	if canDispute {
		ds, err := s.store.Disputes(r.Context(), store.DisputeFilter{UnitID: u.UnitID, State: store.DisputeOpen})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, d := range ds {
			disputed[d.Record] = true
		}
	}
	var units []plan.Unit
	for _, du := range dir.Units {
		if attributable(du.Kind) && q.Sight.Records(du.ID) {
			units = append(units, du)
		}
	}
	unitLabel := "全区"
	if du, ok := dir.Unit(q.UnitID); ok {
		unitLabel = du.Label()
	}
	pageURL := func(p int) string {
		return recordsURL(q.PlanID, q.Binding.GoalID, q.UnitID, q.AsOf) + "&page=" + strconv.Itoa(p)
	}
	data := map[string]any{
		"Q": q, "Records": rp, "Columns": columnsOf(q.Binding.Definition), "Definition": q.Binding.Definition.Normalized().Describe(),
		"UnitLabel": unitLabel, "Units": units, "CanDistrict": q.Sight.Records(0),
		"CanDispute": canDispute, "Disputed": disputed, "Here": r.URL.RequestURI(),
		"XLSX": fmt.Sprintf("/plans/%d/goals/%d/records.xlsx?%s", q.PlanID, q.Binding.GoalID, r.URL.Query().Encode()),
	}
	if n > 1 {
		data["Prev"] = pageURL(n - 1)
	}
	if n*recordsPageSize < rp.Total {
		data["Next"] = pageURL(n + 1)
	}
	data["PageNo"], data["Pages"] = n, (rp.Total+recordsPageSize-1)/recordsPageSize
	s.render(w, r, http.StatusOK, "goal_records", data)
}

// attributable reports whether records are attributed to units of the
// kind: the 街道, 镇 and 集聚区 (plan.Attributor's).
func attributable(k plan.UnitKind) bool {
	return k == plan.UnitSubdistrict || k == plan.UnitTown || k == plan.UnitZone
}

// goalRecordsXLSX downloads every record behind a figure as .xlsx, written
// a row at a time as the store streams them (excelize's stream writer
// keeps rows on disk, not in memory).
func (s *Server) goalRecordsXLSX(w http.ResponseWriter, r *http.Request) {
	q, err := s.recordsQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "明细"
	f.SetSheetName("Sheet1", sheet)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cols := columnsOf(q.Binding.Definition)
	head := []any{}
	for _, h := range []string{cols.Key, cols.Name, cols.Party, cols.Date, cols.Until, cols.Detail, cols.Amount, "所属单位", "来源文件", "工作表", "行号"} {
		if h != "" {
			head = append(head, h)
		}
	}
	sw.SetRow("A1", head)
	row := 1
	err = s.store.EachDefinitionRecord(r.Context(), q.Binding.GoalID, q.UnitID, q.AsOf, func(d store.DefinitionRecord) error {
		row++
		var cells []any
		for _, c := range []struct {
			label string
			value any
		}{{cols.Key, d.Key}, {cols.Name, d.Name}, {cols.Party, d.Party}, {cols.Date, d.Date}, {cols.Until, d.Until}, {cols.Detail, d.Detail}, {cols.Amount, amountCell(d.Amount)}} {
			if c.label != "" {
				cells = append(cells, c.value)
			}
		}
		cells = append(cells, d.Unit, d.Origin.File, d.Origin.Sheet, d.Origin.Row)
		ref, _ := excelize.CoordinatesToCellName(1, row)
		return sw.SetRow(ref, cells)
	})
	if err == nil {
		err = sw.Flush()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := fmt.Sprintf("%s 明细 截至%s.xlsx", q.Binding.Indicator, q.AsOf)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"records.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
	if err := f.Write(w); err != nil {
		s.log.Warn("records download cut short", "err", err)
	}
}

// amountCell is an amount as text: Excel's floats would not keep it exact.
func amountCell(d *plan.Decimal) any {
	if d == nil {
		return ""
	}
	return d.String()
}
