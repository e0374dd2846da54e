package plan

import "fmt"

// Comparator says how a goal's actual is held against its target.
type Comparator string

const (
	AtLeast     Comparator = ">="    // 达到, 不低于, 不少于, 以上, a bare figure
	MoreThan    Comparator = ">"     // 突破, 超过, 超
	AtMost      Comparator = "<="    // 以内, 不超过, 控制在
	About       Comparator = "≈"     // 左右, 约
	WithinRange Comparator = "range" // 1-3个: Target is the floor, TargetMax the ceiling
)

// Valid reports whether c is one of the comparators above.
func (c Comparator) Valid() bool {
	switch c {
	case AtLeast, MoreThan, AtMost, About, WithinRange:
		return true
	}
	return false
}

// Symbol is the comparator as the UI writes it before a figure: ≥0.55%, >7亿元.
func (c Comparator) Symbol() string {
	switch c {
	case AtLeast:
		return "≥"
	case MoreThan:
		return ">"
	case AtMost:
		return "≤"
	case About:
		return "≈"
	}
	return ""
}

// FormatTarget writes a target the way the UI shows it: "≥0.55%",
// "1–3个", ">7亿元".
func FormatTarget(c Comparator, target Decimal, targetMax *Decimal, unit string) string {
	if c == WithinRange && targetMax != nil {
		return fmt.Sprintf("%s–%s%s", target, targetMax, unit)
	}
	return c.Symbol() + target.String() + unit
}

// GoalKind says what sort of quantity a goal measures, which decides how its
// expected progress over the year is drawn and whether units' values add up.
type GoalKind string

const (
	KindStock     GoalKind = "stock"      // 存量: a count at a date (高新技术企业 76家)
	KindFlow      GoalKind = "flow"       // 新增/累计: accumulates over the period (技术合同成交额)
	KindRatio     GoalKind = "ratio"      // 比率: a share (R&D经费投入占GDP比重)
	KindPerCapita GoalKind = "per_capita" // 每万人: per 10,000 residents
)

// Valid reports whether k is one of the kinds above.
func (k GoalKind) Valid() bool {
	switch k {
	case KindStock, KindFlow, KindRatio, KindPerCapita:
		return true
	}
	return false
}

// Additive reports whether units' values of this kind add up to the whole:
// counts and sums do, ratios and per-capita figures do not.
func (k GoalKind) Additive() bool { return k == KindStock || k == KindFlow }

// Label is the Chinese name of the kind.
func (k GoalKind) Label() string {
	switch k {
	case KindStock:
		return "存量"
	case KindFlow:
		return "新增/累计"
	case KindRatio:
		return "比率"
	case KindPerCapita:
		return "每万人"
	}
	return "未定"
}

// Status is a plan's life stage.
type Status string

const (
	StatusDraft  Status = "draft"  // 草稿: imported, under review
	StatusActive Status = "active" // 执行中
	StatusClosed Status = "closed" // 已结束
)

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	return s == StatusDraft || s == StatusActive || s == StatusClosed
}

// Label is the Chinese name of the status.
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "草稿"
	case StatusActive:
		return "执行中"
	case StatusClosed:
		return "已结束"
	}
	return string(s)
}
