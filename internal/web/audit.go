package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

const auditPageSize = 50

// auditActions names the actions the store records, for people.
var auditActions = map[string]string{
	"plan.create":                 "新建方案",
	"plan.update":                 "修改方案信息",
	"plan.delete":                 "删除方案",
	"plan.goal.create":            "新增目标",
	"plan.goal.update":            "修改目标",
	"plan.goal.delete":            "删除目标",
	"plan.goal.archive":           "归档目标",
	"plan.goal.unarchive":         "恢复目标",
	"plan.section.create":         "新增行动",
	"plan.section.update":         "修改行动",
	"plan.section.delete":         "删除行动",
	"plan.task.create":            "新增任务",
	"plan.task.update":            "修改任务",
	"plan.task.delete":            "删除任务",
	"plan.task.archive":           "归档任务",
	"plan.task.unarchive":         "恢复任务",
	"plan.row.create":             "新增任务分解表行",
	"plan.row.update":             "修改任务分解表行",
	"plan.row.delete":             "删除任务分解表行",
	"plan.task_table.replace":     "替换任务分解表",
	"plan.table.create":           "新增指标分解表",
	"plan.table.update":           "修改指标分解表",
	"plan.table.import":           "导入指标分解表",
	"directory.import":            "导入单位名录",
	"directory.add":               "导入方案时补充名录",
	"unit.create":                 "新增单位",
	"unit.update":                 "修改单位",
	"unit.delete":                 "删除单位",
	"unit.archive":                "归档单位",
	"unit.unarchive":              "恢复单位",
	"group.create":                "新增单位组",
	"group.update":                "修改单位组",
	"group.delete":                "删除单位组",
	"user.create":                 "新建用户",
	"user.update":                 "修改用户",
	"user.password":               "设置密码",
	"user.token.create":           "生成 API 令牌",
	"user.token.revoke":           "作废 API 令牌",
	"user.login.ok":               "登录成功",
	"user.login.failed":           "登录失败",
	"user.login.refused":          "锁定期间尝试登录",
	"user.login.locked":           "登录失败过多被锁定",
	"user.login.unlock":           "解除登录锁定",
	"settings.update":             "修改系统设置",
	"settings.progress":           "修改进度设置",
	"round.create":                "新建调度",
	"round.update":                "修改调度",
	"round.delete":                "删除调度",
	"round.open":                  "开始填报",
	"round.close":                 "结束调度",
	"round.reopen":                "重新打开调度",
	"round.bulletin":              "填写通报文号与版记",
	"plan.definition.bind":        "绑定指标口径",
	"plan.definition.default":     "按默认口径绑定",
	"plan.definition.unbind":      "解除指标口径",
	"register.import":             "导入台账",
	"register.upload":             "上传台账文件",
	"register.upload.finish":      "台账文件处理完毕",
	"register.mapping.save":       "保存表头对应",
	"register.attribution.set":    "确定记录归属",
	"register.attribution.forget": "撤销记录归属",
	"register.keyword.create":     "新增地址关键词",
	"register.keyword.delete":     "删除地址关键词",
	"register.dispute.create":     "提出台账异议",
	"register.dispute.resolve":    "处理台账异议",
	"form.save":                   "保存填报草稿",
	"form.submit":                 "提交填报",
	"form.approve":                "审核通过",
	"form.return":                 "退回填报",
	"form.comment":                "填报意见",
	"form.attachment.add":         "上传佐证材料",
	"form.attachment.delete":      "删除佐证材料",

	"plan.task.milestones":           "修改任务节点",
	"plan.task.close":                "任务销号",
	"plan.task.reopen":               "撤销任务销号",
	"supervision.notice.issue":       "下发督办单",
	"supervision.notice.reply":       "反馈督办单",
	"supervision.instruction.create": "领导批示",
	"supervision.instruction.answer": "答复领导批示",
}

func actionLabel(action string) string {
	if l, ok := auditActions[action]; ok {
		return l
	}
	return action
}

// auditQuery reads the filters from the query string: user, action,
// object, and a date range (from, to: YYYY-MM-DD, both days included).
func auditQuery(r *http.Request) (store.AuditFilter, error) {
	q := r.URL.Query()
	f := store.AuditFilter{
		Username: strings.TrimSpace(q.Get("user")),
		Action:   strings.TrimSpace(q.Get("action")),
		Object:   strings.TrimSpace(q.Get("object")),
	}
	for _, d := range []struct {
		key, field string
		t          *time.Time
		next       bool
	}{{"from", "起始日期", &f.From, false}, {"to", "截止日期", &f.To, true}} {
		v := strings.TrimSpace(q.Get(d.key))
		if v == "" {
			continue
		}
		day, err := time.ParseInLocation(time.DateOnly, v, plan.Zone)
		if err != nil {
			return f, plan.Errorf(plan.EINVALID, "“%s”应为日期，如 2026-03-01", d.field)
		}
		if d.next {
			day = day.AddDate(0, 0, 1)
		}
		*d.t = day
	}
	return f, nil
}

// auditRow is an entry as the page shows it.
type auditRow struct {
	store.AuditEntry
	When    string
	Label   string
	Link    string
	Changes []fieldChange
	// The whole records, indented.
	PrettyBefore, PrettyAfter string
}

// fieldChange is a top-level field that differs between before and after:
// its key as recorded and its Chinese label.
type fieldChange struct {
	Field, Label, Before, After string
}

// fieldLabels name, for people, the fields the store records before and
// after a change: the JSON keys of forms, rounds, plans, goals, tasks,
// units, users, settings and logins.
var fieldLabels = map[string]string{
	"id": "编号", "state": "状态", "version": "版本", "comment": "意见", "body": "内容", "reason": "原因",
	"label": "名称", "name": "名称", "title": "标题", "text": "原文", "number": "序号",
	"round_id": "调度", "unit_id": "单位", "unit_name": "单位", "unit": "单位", "unit_ids": "参与单位",
	"as_of": "数据截至", "opens_on": "开始填报", "due_on": "截止日期", "remind_days": "截止前提醒天数",
	"issue": "定格版次", "forms": "填报表数", "doc_number": "文号", "copy_to": "抄送", "printed_by": "印发机关", "printed_on": "印发日期",
	"tasks": "任务填报", "values": "指标填报", "typed_fields": "手填项", "carried_fields": "沿用项", "seconds_spent": "用时（秒）",
	"first_submitted_at": "首次提交时间", "due_on_at_submission": "首次提交时的截止日期",
	"task_id": "任务", "attachment": "佐证材料", "filename": "文件名", "type": "文件类型", "size": "大小（字节）", "sha256": "SHA-256",
	"issuer": "发文机关", "date": "印发日期", "year": "年度", "parent_title": "上级文件", "status": "状态",
	"goals": "目标指标", "sections": "行动", "task_table": "任务分解表", "decomposition_tables": "指标分解表", "findings": "检查结果",
	"indicator": "指标", "comparator": "比较方式", "target": "目标值", "target_max": "目标上限", "kind": "类型", "line": "原文行号",
	"lead_units": "牵头单位", "responsible_units": "责任单位", "deadline": "时限", "archived": "已归档", "content": "内容",
	"short_name": "简称", "parent": "上级单位", "aliases": "别名", "members": "成员", "contact": "联系人", "phone": "联系电话",
	"units": "单位", "groups": "单位组",
	"username": "用户名", "display_name": "姓名", "role": "角色", "email": "邮箱", "disabled": "已停用",
	"client": "登录来源", "failures": "失败次数", "locked_until": "锁定至", "clients": "解除的锁定数", "expires_at": "有效期至",
	"options": "判定选项", "curves": "进度曲线", "weights": "排名权重", "hide_ranking": "对领导隐藏排名", "publish": "公开内容",
	"batch_id": "导入批次", "error": "错误", "definition": "口径", "params": "口径参数",
}

// fieldLabel is a field's Chinese label, the key itself when it has none.
// A goal's unit is its unit of measure, not an organisation.
func fieldLabel(object, key string) string {
	if key == "unit" && strings.Contains(object, "goal:") {
		return "计量单位"
	}
	if l, ok := fieldLabels[key]; ok {
		return l
	}
	return key
}

// loginReasons word why a login failed, as the audit log records it.
var loginReasons = map[string]string{"wrong_password": "密码错误", "unknown_user": "用户不存在", "disabled": "用户已停用"}

// valueLabel shows a recorded value in Chinese where the field has words
// for it: the states of forms and rounds, roles, why a login failed.
func valueLabel(object, key, v string) string {
	switch key {
	case "state":
		switch {
		case strings.HasPrefix(object, "form:"):
			return plan.FormState(v).Label()
		case strings.HasPrefix(object, "round:"):
			return plan.RoundState(v).Label()
		}
	case "role":
		return auth.Role(v).Label()
	case "reason":
		if l, ok := loginReasons[v]; ok {
			return l
		}
	case "disabled", "archived", "hide_ranking":
		switch v {
		case "true":
			return "是"
		case "false":
			return "否"
		}
	}
	return v
}

func newAuditRow(e store.AuditEntry) auditRow {
	return auditRow{
		AuditEntry:   e,
		When:         e.At.In(plan.Zone).Format(time.DateTime),
		Label:        actionLabel(e.Action),
		Link:         objectLink(e.Object),
		Changes:      changedFields(e.Object, e.Before, e.After),
		PrettyBefore: indentJSON(e.Before),
		PrettyAfter:  indentJSON(e.After),
	}
}

// objectLink is the page of an audited object, "" when it has none.
func objectLink(object string) string {
	head, _, _ := strings.Cut(object, "/")
	kind, id, ok := strings.Cut(head, ":")
	if !ok {
		return ""
	}
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		return ""
	}
	switch kind {
	case "plan":
		return "/plans/" + id
	case "unit":
		return "/units/" + id
	case "group":
		return "/units#group-" + id
	case "user":
		return "/users/" + id + "/edit"
	case "round":
		return "/rounds/" + id
	}
	return ""
}

// changedFields lists the top-level fields that differ when before and
// after are JSON objects (or one is absent); nil otherwise.
func changedFields(object, before, after string) []fieldChange {
	b, okB := jsonObject(before)
	a, okA := jsonObject(after)
	if !okB || !okA || (b == nil && a == nil) {
		return nil
	}
	var keys []string
	for k := range b {
		keys = append(keys, k)
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []fieldChange
	for _, k := range keys {
		x, y := compactJSON(b[k]), compactJSON(a[k])
		if x != y {
			out = append(out, fieldChange{k, fieldLabel(object, k), shorten(valueLabel(object, k, x)), shorten(valueLabel(object, k, y))})
		}
	}
	return out
}

// jsonObject decodes an object's fields; "" is no object (ok, nil).
func jsonObject(s string) (map[string]json.RawMessage, bool) {
	if s == "" {
		return nil, true
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, false
	}
	return m, true
}

// compactJSON shows a value: a string as itself, anything else compact.
func compactJSON(raw json.RawMessage) string {
	if raw == nil {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return string(raw)
	}
	return buf.String()
}

func shorten(s string) string {
	const max = 120
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}

func indentJSON(s string) string {
	if s == "" {
		return ""
	}
	var buf bytes.Buffer
	if json.Indent(&buf, []byte(s), "", "  ") != nil {
		return s
	}
	return buf.String()
}

// auditLog is the audit log for administrators: the chain's state, the
// filters, one page of entries, newest first.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	checked, bad, err := s.store.VerifyAuditLog(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	users, err := s.store.Users(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	actions := make([]string, 0, len(auditActions))
	for a := range auditActions {
		actions = append(actions, a)
	}
	slices.Sort(actions)
	q := r.URL.Query()
	data := map[string]any{
		"Checked": checked, "FirstBad": bad, "Users": users, "Actions": actions,
		"Query": map[string]string{"user": q.Get("user"), "action": q.Get("action"), "object": q.Get("object"), "from": q.Get("from"), "to": q.Get("to")},
	}
	f, err := auditQuery(r)
	if err != nil {
		s.formError(w, r, err, "audit", data)
		return
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	f.Limit, f.Offset = auditPageSize, (page-1)*auditPageSize
	entries, total, err := s.store.AuditLog(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		rows[i] = newAuditRow(e)
	}
	pages := max((total+auditPageSize-1)/auditPageSize, 1)
	pageURL := func(p int) string {
		v := url.Values{}
		for k, x := range data["Query"].(map[string]string) {
			if x != "" {
				v.Set(k, x)
			}
		}
		if p > 1 {
			v.Set("page", strconv.Itoa(p))
		}
		if len(v) == 0 {
			return "/audit"
		}
		return "/audit?" + v.Encode()
	}
	data["Rows"], data["Total"], data["Page"], data["Pages"] = rows, total, page, pages
	if page > 1 {
		data["Prev"] = pageURL(page - 1)
	}
	if page < pages {
		data["Next"] = pageURL(page + 1)
	}
	data["CSV"] = strings.Replace(pageURL(1), "/audit", "/audit.csv", 1)
	s.render(w, r, http.StatusOK, "audit", data)
}

// auditCSV exports every entry the filters select, oldest first, as CSV in
// UTF-8 with a byte-order mark so that Excel reads the Chinese. The UTC
// time, user ID and hashes are there so that the chain can be checked from
// the file alone (see store/audit.go for the canonical form). Cells that
// Excel would take for a formula are prefixed with '.
func (s *Server) auditCSV(w http.ResponseWriter, r *http.Request) {
	f, err := auditQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Read all first: an error half-way must not leave half a file.
	var all []store.AuditEntry
	for f.Limit = store.MaxAuditPage; ; f.Offset += f.Limit {
		page, total, err := s.store.AuditLog(r.Context(), f)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		all = append(all, page...)
		if len(page) < f.Limit || len(all) >= total {
			break
		}
	}
	slices.Reverse(all)
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	cw.Write([]string{"编号", "时间（北京时间）", "时间（UTC）", "用户编号", "用户", "来源地址", "操作", "操作说明", "对象", "修改前", "修改后", "前一哈希", "哈希"})
	for _, e := range all {
		cw.Write([]string{
			strconv.FormatInt(e.ID, 10), e.At.In(plan.Zone).Format(time.DateTime), e.At.UTC().Format("2006-01-02T15:04:05.000000Z"),
			strconv.FormatInt(e.UserID, 10), noFormula(e.Username), noFormula(e.Remote), noFormula(e.Action), actionLabel(e.Action),
			noFormula(e.Object), noFormula(e.Before), noFormula(e.After), e.PrevHash, e.Hash,
		})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.fail(w, r, err)
		return
	}
	name := "audit-" + time.Now().In(plan.Zone).Format("20060102-150405") + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// noFormula keeps a spreadsheet from running a cell as a formula.
func noFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
