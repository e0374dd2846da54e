package plan

// Document is the plan document (方案文档): the one JSON shape in which a
// plan enters and leaves kechuang. The notice parser emits it, the API and
// `kechuang plan export` return it, `kechuang plan import` loads it.
// Fields may be added; none are renamed.
//
// Unit names in LeadUnits and ResponsibleUnits are as written in the notice
// (extraction spaces removed, group phrases such as 各街道、镇、集聚区 kept
// whole).
type Document struct {
	ID          int64  `json:"id,omitempty"`
	DocNumber   string `json:"doc_number"`
	Issuer      string `json:"issuer"`
	Date        string `json:"date"` // civil date YYYY-MM-DD, "" when the notice gives none
	Title       string `json:"title"`
	Year        int    `json:"year,omitempty"`
	ParentTitle string `json:"parent_title,omitempty"` // the plan this one implements
	// A plan over a period (三年行动实施方案 2021–2023): its first and last
	// year; 0 for a plan of one year.
	StartYear int `json:"start_year,omitempty"`
	EndYear   int `json:"end_year,omitempty"`
	// The stored parent plan it implements and the plan it was based on
	// (以上年方案为基础新建). Set when stored; ignored on import.
	ParentID            int64        `json:"parent_id,omitempty"`
	PreviousID          int64        `json:"previous_id,omitempty"`
	Status              Status       `json:"status,omitempty"`
	Goals               []DocGoal    `json:"goals"`
	Sections            []DocSection `json:"sections"`
	TaskTable           []DocTaskRow `json:"task_table"`
	TaskTableAttachment string       `json:"task_table_attachment,omitempty"` // "附件1", as the notice names it
	DecompositionTables []DocTable   `json:"decomposition_tables"`
	Findings            []Finding    `json:"findings"`
}

// DocGoal is a numeric goal (目标指标) as the notice states it.
type DocGoal struct {
	ID         int64      `json:"id,omitempty"` // set when stored; ignored on import
	Text       string     `json:"text"`         // the phrase it came from: "科技型中小企业140家"
	Indicator  string     `json:"indicator"`    // "科技型中小企业"
	Comparator Comparator `json:"comparator"`
	Target     Decimal    `json:"target"`
	TargetMax  *Decimal   `json:"target_max"` // only for range
	Unit       string     `json:"unit"`       // unit of measure as written: 家, %, 亿元 …
	Kind       GoalKind   `json:"kind,omitempty"`
	Year       int        `json:"year,omitempty"` // for multi-year plans: the year the target is for
	// YearTargets are a multi-year plan's targets for each year of its
	// period (高新技术企业 2021: 60, 2022: 76, 2023: 90), oldest first.
	YearTargets []YearTarget `json:"year_targets,omitempty"`
	// Links are where the goal's target comes from: another plan's goal
	// — a city's split to this district, a parent plan's goal for the
	// year, at most one of each. Set when stored; ignored on import.
	Links []GoalLink `json:"links,omitempty"`
	Line  int        `json:"line,omitempty"` // source line, 1-based, 0 when not from text
	// Archived (已归档): kept in the plan and its history, left off the
	// forms of new rounds. Set when stored; ignored on import.
	Archived bool `json:"archived,omitempty"`
}

// DocSection is an action (行动) and its tasks.
type DocSection struct {
	ID     int64     `json:"id,omitempty"` // set when stored; ignored on import
	Number string    `json:"number"`       // "一"
	Title  string    `json:"title"`
	Tasks  []DocTask `json:"tasks"`
	Line   int       `json:"line,omitempty"`
}

// DocTask is a numbered task (任务) in the body of the notice.
type DocTask struct {
	ID               int64    `json:"id,omitempty"` // set when stored; ignored on import
	Number           string   `json:"number"`
	Title            string   `json:"title"`
	Text             string   `json:"text"`
	LeadUnits        []string `json:"lead_units"`
	ResponsibleUnits []string `json:"responsible_units"`
	Deadline         string   `json:"deadline,omitempty"`
	Line             int      `json:"line,omitempty"`
	// Archived (已归档): kept in the plan and its history, left off the
	// forms of new rounds. Set when stored; ignored on import.
	Archived bool `json:"archived,omitempty"`
}

// DocTaskRow is a row of the task table (附件1 任务分解表), which details a
// body task and keeps its own lead and responsible units.
type DocTaskRow struct {
	ID               int64    `json:"id,omitempty"` // set when stored; ignored on import
	Number           string   `json:"number"`
	Section          string   `json:"section"` // number of the action it sits under
	Content          string   `json:"content"`
	MapsToTask       string   `json:"maps_to_task"` // number of the body task it details, "" if none
	LeadUnits        []string `json:"lead_units"`
	ResponsibleUnits []string `json:"responsible_units"`
	Deadline         string   `json:"deadline,omitempty"`
	Line             int      `json:"line,omitempty"`
}

// DocTable is a target-split table (指标/任务分解表, 附件2): one row per unit,
// one value per column; the total row is kept and marked.
type DocTable struct {
	ID             int64             `json:"id,omitempty"` // set when stored; ignored on import
	Title          string            `json:"title"`
	Attachment     string            `json:"attachment,omitempty"` // "附件2", as the notice names it
	Columns        []string          `json:"columns"`              // indicator names without their units
	UnitsOfMeasure map[string]string `json:"units_of_measure"`
	Rows           []DocTableRow     `json:"rows"`
	Line           int               `json:"line,omitempty"`
}

// DocTableRow is one unit's row of a split table.
type DocTableRow struct {
	ID     int64              `json:"id,omitempty"` // set when stored; ignored on import
	Unit   string             `json:"unit"`
	Total  bool               `json:"total,omitempty"` // the row for the whole (全区, 合计)
	Values map[string]Decimal `json:"values"`
	Line   int                `json:"line,omitempty"`
}

// Severity ranks a finding.
type Severity string

const (
	SeverityError   Severity = "error"   // the plan cannot be used as it is
	SeverityWarning Severity = "warning" // probably wrong; a person should look
	SeverityInfo    Severity = "info"
)

// Finding is something a person should look at (plan lint): where it was
// seen, in the document's own terms ("附件1 第5行"), and what is wrong.
type Finding struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code,omitempty"` // stable machine name, e.g. "units_differ"
	Where    string   `json:"where"`
	Message  string   `json:"message"`
}

// Finding codes shared by the notice parser and the plan lint.
const (
	FindingUnitsDiffer     = "units_differ"      // a task-table row's units differ from its body task's
	FindingTruncatedUnits  = "truncated_units"   // a units cell ends in 、 or ，
	FindingSumMismatch     = "sum_mismatch"      // parts do not add up to the total or the goal
	FindingGoalWithoutTask = "goal_without_task" // no task pursues the goal
	FindingUnknownUnit     = "unknown_unit"      // a unit name not in the directory
	FindingNoLeadUnit      = "no_lead_unit"      // a task or row without a lead unit
	FindingUnmappedRow     = "unmapped_row"      // a task-table row that details no body task
	FindingUnknownColumn   = "unknown_column"    // a split-table column that matches no goal
	FindingNotRead         = "not_read"          // source text the parser could not place and left out
)
