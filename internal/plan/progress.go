package plan

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// This file holds the rules of progress (进度): how far a goal is done
// (completion), how far it should be by a date (序时进度, expected progress),
// the status that compares the two, the year-end forecast and the ranking of
// units. They are pure functions: the store supplies actuals and curves, the
// web and the bulletin show what these return.
//
// Ratios are float64 (1 = 100%) and never NaN or ±Inf, whatever the input.
// Sums and gaps stay in exact Decimal arithmetic.

// ParseAsOf reads a data-as-of date (YYYY-MM-DD) as a civil date in
// Asia/Shanghai.
func ParseAsOf(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), Zone)
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "“数据截至日期”应为 YYYY-MM-DD 格式的日期")
	}
	return t, nil
}

// DefaultTolerance is how far an actual may sit from a ≈ (左右) target and
// still count as done: 5% of the target.
const DefaultTolerance = 0.05

// Options are the admin's progress settings.
type Options struct {
	// Tolerance is the share of the target by which the actual of a ≈ goal
	// may differ and still be done; 0 means DefaultTolerance.
	Tolerance float64 `json:"tolerance"`
	// Baseline is the goal's value at the start of the period (年初基数),
	// when known; Completion.FromBaseline measures progress from it.
	// AssessGoal takes the curve's when this is nil. It belongs to one goal,
	// so it is not part of the stored settings.
	Baseline *Decimal `json:"-"`
	// Thresholds decide the status; the zero value means DefaultThresholds.
	Thresholds Thresholds `json:"thresholds"`
}

func (o Options) tolerance() float64 {
	if !(o.Tolerance > 0) || math.IsInf(o.Tolerance, 0) {
		return DefaultTolerance
	}
	return o.Tolerance
}

// Check validates the settings as a whole: a tolerance from 0 to 100% and
// valid thresholds.
func (o Options) Check() error {
	var probs []string
	if !(o.Tolerance >= 0 && o.Tolerance <= 1) {
		probs = append(probs, "“容差”应在 0 到 100% 之间")
	}
	if err := o.Thresholds.check(); err != "" {
		probs = append(probs, err)
	}
	if len(probs) > 0 {
		return Errorf(EINVALID, "%s", strings.Join(probs, "；"))
	}
	return nil
}

// Notes a Completion may carry, for the UI to show beside the figure.
const (
	NoteNotExceeded    = "恰好等于目标，未突破" // >: at exactly the target, which is 100% but not done
	NoteAboveRange     = "超出区间"       // range: above the ceiling, which is done but flagged
	NoteAboveTolerance = "高于目标，超出容差"  // ≈: above the tolerance band
	NoteBelowBaseline  = "低于年初基数"     // the actual has fallen back past the baseline
)

// Completion is how far a goal is done (完成率).
type Completion struct {
	Ratio float64 // 0..∞, 1 = 100%; never NaN or Inf
	Done  bool    // the actual satisfies the comparator
	Note  string  // one of the Note constants, or ""
	// FromBaseline is the share of the way from Options.Baseline to the
	// target covered so far, 0 when the actual is at or behind the baseline
	// (never negative); Ratio when no baseline is given.
	FromBaseline float64
}

// Complete is the completion of a goal at an actual value, by comparator:
//
//   - >= (达到): Ratio = actual ÷ target; done when actual ≥ target.
//   - > (突破): Ratio = actual ÷ target; done only when actual > target, so at
//     exactly the target the Ratio is 1 but the goal is not done
//     (NoteNotExceeded).
//   - range (1–3个): measured against the floor: Ratio = actual ÷ floor; done
//     when actual ≥ floor. Above the ceiling it is still done, flagged
//     NoteAboveRange. A missing ceiling, or one below the floor, is ignored.
//   - <= (控制在…以内, decrease targets): inverted: Ratio = target ÷ actual,
//     capped at 1, and 1 when the actual is 0 or below; done when
//     actual ≤ target. The cap keeps the ratio monotonic (less is never
//     worse) and reflects that a ceiling is kept, not exceeded.
//   - ≈ (左右): Ratio = actual ÷ target; done when |actual − target| ≤ the
//     tolerance (Options.Tolerance × |target|, 5% by default), edges
//     included; above the band is flagged NoteAboveTolerance.
//   - any other comparator is read as >=.
//
// A target of 0 or below cannot be divided by: the Ratio is then 1 when the
// comparator holds and 0 when it does not. A negative ratio (a negative
// actual) is clamped at 0.
//
// With Options.Baseline, FromBaseline = (actual − baseline) ÷ (target −
// baseline) (the floor for range), clamped at 0 with NoteBelowBaseline when
// the actual is on the wrong side of the baseline. When the target does not
// lie beyond the baseline in the comparator's direction (a >= target already
// at or under the baseline, a <= target at or above it), FromBaseline is 1
// when done and 0 when not.
func Complete(g DocGoal, actual Decimal, opt Options) Completion {
	target := g.Target
	var c Completion
	switch g.Comparator {
	case AtMost:
		c.Done = actual.Cmp(target) <= 0
		switch {
		case target.Sign() <= 0:
			c.Ratio = b2f(c.Done)
		case actual.Sign() <= 0:
			c.Ratio = 1
		default:
			c.Ratio = math.Min(target.Float64()/actual.Float64(), 1)
		}
	case About:
		c.Done = abs(actual.Sub(target)).Cmp(tolerance(target, opt.tolerance())) <= 0
		c.Ratio = ratio(actual, target, c.Done)
		if !c.Done && actual.Cmp(target) > 0 {
			c.Note = NoteAboveTolerance
		}
	case WithinRange:
		c.Done = actual.Cmp(target) >= 0
		c.Ratio = ratio(actual, target, c.Done)
		if ceil := g.TargetMax; ceil != nil && ceil.Cmp(target) >= 0 && actual.Cmp(*ceil) > 0 {
			c.Note = NoteAboveRange
		}
	case MoreThan:
		c.Done = actual.Cmp(target) > 0
		c.Ratio = ratio(actual, target, c.Done)
		if actual.Cmp(target) == 0 && target.Sign() > 0 {
			c.Note = NoteNotExceeded
		}
	default:
		c.Done = actual.Cmp(target) >= 0
		c.Ratio = ratio(actual, target, c.Done)
	}
	c.FromBaseline = c.Ratio
	if b := opt.Baseline; b != nil {
		way := target.Sub(*b)
		var ahead bool // the target lies beyond the baseline in the comparator's direction
		switch g.Comparator {
		case AtMost:
			ahead = way.Sign() < 0
		case About:
			ahead = way.Sign() != 0
		default:
			ahead = way.Sign() > 0
		}
		if !ahead {
			c.FromBaseline = b2f(c.Done)
		} else {
			c.FromBaseline = actual.Sub(*b).Float64() / way.Float64()
			if c.FromBaseline < 0 {
				c.FromBaseline = 0
				if c.Note == "" {
					c.Note = NoteBelowBaseline
				}
			}
		}
	}
	return c
}

// ratio is actual ÷ target clamped at 0 for a target above zero; for a
// target of zero or below, 1 when done and 0 when not.
func ratio(actual, target Decimal, done bool) float64 {
	if target.Sign() <= 0 {
		return b2f(done)
	}
	return math.Max(actual.Float64()/target.Float64(), 0)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func abs(d Decimal) Decimal {
	if d.Sign() < 0 {
		return Decimal{}.Sub(d)
	}
	return d
}

// tolerance is share × |target| in exact micros, rounded to the nearest.
func tolerance(target Decimal, share float64) Decimal {
	m := math.Round(math.Abs(float64(abs(target).micros)) * share)
	if m > 4e18 { // beyond any legal difference; keeps the conversion in range
		m = 4e18
	}
	return Decimal{micros: int64(m)}
}

// ForAllocation is the goal a unit's allocation (分解目标) is held against:
// the goal with the unit's target. An allocation is one figure to reach, so
// > and range become >= (三家店街道's share of 技术合同成交额突破7亿元 is done
// at 3亿元, not above it); <= and ≈ are kept.
func ForAllocation(g DocGoal, target Decimal) DocGoal {
	a := g
	a.Target, a.TargetMax = target, nil
	if g.Comparator == MoreThan || g.Comparator == WithinRange {
		a.Comparator = AtLeast
	}
	return a
}

// Curve kinds: how expected progress (序时进度) is drawn over the year.
const (
	CurveLinear   = "linear"   // flows such as 技术合同成交额: the elapsed share of the year
	CurveStep     = "step"     // recognised in batches (高新技术企业认定): Steps
	CurveBaseline = "baseline" // stocks: from the baseline to the target in step with the year
	CurveAnnual   = "annual"   // published once a year (R&D/GDP): not assessable before year end
	CurveMonthly  = "monthly"  // admin-set cumulative shares by month (last year's distribution)
)

// CurveKinds lists the kinds in the order forms offer them.
var CurveKinds = []string{CurveLinear, CurveStep, CurveBaseline, CurveAnnual, CurveMonthly}

// Step is a batch of a step curve: from the last day of Month (1–12; 0 means
// from the start of the year) the expected share is Share (0..1).
type Step struct {
	Month int     `json:"month"`
	Share float64 `json:"share"`
}

// Curve is how an indicator's expected progress runs through the year.
type Curve struct {
	Kind     string      `json:"kind"`
	Steps    []Step      `json:"steps,omitempty"`    // step: the batches
	Monthly  [12]float64 `json:"monthly"`            // monthly: cumulative share at each month's end, ending at 1
	Baseline *Decimal    `json:"baseline,omitempty"` // the value at the start of the year (年初基数); nil when unknown
}

// DefaultCurve is the curve a goal gets until the admin sets one, from its
// kind: a flow accrues through the year (linear); a stock moves from its
// baseline to the target (baseline, with the baseline unknown until it is
// entered, which reads as 0); ratios and per-capita figures come from annual
// statistics (annual). A goal without a kind is read from its wording: a
// share (%, 比重, 率) or a per-capita figure (万人) is annual; 新增, 成交额,
// 累计, 投入 mark a flow; anything else is a stock.
func DefaultCurve(g DocGoal) Curve {
	switch g.Kind {
	case KindFlow:
		return Curve{Kind: CurveLinear}
	case KindStock:
		return Curve{Kind: CurveBaseline}
	case KindRatio, KindPerCapita:
		return Curve{Kind: CurveAnnual}
	}
	ind := g.Indicator
	switch {
	case g.Unit == "%" || strings.Contains(ind, "比重") || strings.HasSuffix(ind, "率") || strings.Contains(ind, "万人"):
		return Curve{Kind: CurveAnnual}
	case containsAny(ind, "新增", "成交额", "累计", "投入"):
		return Curve{Kind: CurveLinear}
	}
	return Curve{Kind: CurveBaseline}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// CheckCurve validates an admin-set curve: a known kind; steps in months 0–12
// with shares from 0 to 1 that do not fall; monthly shares from 0 to 1 that
// do not fall and end at 1; a baseline not below 0.
func CheckCurve(c Curve) error {
	var probs []string
	switch c.Kind {
	case CurveLinear, CurveBaseline, CurveAnnual:
	case CurveStep:
		if len(c.Steps) == 0 {
			probs = append(probs, "分批曲线至少需要一个批次")
		}
		steps := append([]Step(nil), c.Steps...)
		sort.SliceStable(steps, func(i, j int) bool { return steps[i].Month < steps[j].Month })
		prev := 0.0
		for _, s := range steps {
			switch {
			case s.Month < 0 || s.Month > 12:
				probs = append(probs, fmt.Sprintf("批次月份 %d 应在 0 到 12 之间（0 表示年初）", s.Month))
			case !(s.Share >= 0 && s.Share <= 1):
				probs = append(probs, fmt.Sprintf("%d月批次的比例应在 0 到 100%% 之间", s.Month))
			case s.Share < prev:
				probs = append(probs, fmt.Sprintf("%d月批次的比例低于之前的批次", s.Month))
			default:
				prev = s.Share
			}
		}
	case CurveMonthly:
		prev := 0.0
		for i, v := range c.Monthly {
			switch {
			case !(v >= 0 && v <= 1):
				probs = append(probs, fmt.Sprintf("%d月累计比例应在 0 到 100%% 之间", i+1))
			case v < prev:
				probs = append(probs, fmt.Sprintf("%d月累计比例低于%d月", i+1, i))
			default:
				prev = v
			}
		}
		if c.Monthly[11] != 1 {
			probs = append(probs, "12月累计比例应为 100%")
		}
	default:
		probs = append(probs, fmt.Sprintf("序时曲线“%s”无效", c.Kind))
	}
	if c.Baseline != nil && c.Baseline.Sign() < 0 {
		probs = append(probs, "年初基数不能为负")
	}
	if len(probs) > 0 {
		return Errorf(EINVALID, "%s", strings.Join(probs, "；"))
	}
	return nil
}

// daysIn is the number of days in the year (Gregorian).
func daysIn(year int) int {
	if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		return 366
	}
	return 365
}

// dayOf is how many days of the year have passed by the end of asOf's civil
// date in Asia/Shanghai: 0 before the year, daysIn(year) after it.
func dayOf(year int, asOf time.Time) int {
	t := asOf.In(Zone)
	switch {
	case t.Year() < year:
		return 0
	case t.Year() > year:
		return daysIn(year)
	}
	return t.YearDay()
}

// monthEnds are the days of a common year on which each month ends.
var monthEnds = [13]int{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365}

// monthEnd is the day of the year on which month m (1–12) ends; 0 for m ≤ 0.
func monthEnd(year, m int) int {
	m = min(max(m, 0), 12)
	if m >= 2 && daysIn(year) == 366 {
		return monthEnds[m] + 1
	}
	return monthEnds[m]
}

// clamp01 bounds x to [0, 1], reading NaN as 0.
func clamp01(x float64) float64 {
	switch {
	case !(x > 0):
		return 0
	case x > 1:
		return 1
	}
	return x
}

// Expected is the share of the target that should be reached by the end of
// asOf's civil date (Asia/Shanghai) in the plan year: 序时进度. The data-as-of
// day counts in full, so 2022-07-31 is 212/365 = 58.1% of the year; on
// Dec 31, and after the year, every curve expects 1; before the year, 0.
//
//   - linear: the elapsed share of the year, day ÷ days in the year.
//   - step: the share of the latest batch whose month has ended (a batch in
//     November counts from Nov 30), 0 before the first; shares are read as
//     0..1 and never fall.
//   - monthly: the admin's cumulative share at each month's end, straight
//     between month ends; shares are read as 0..1, never falling, and
//     December is 1.
//   - baseline: the elapsed share, here the share of the way from the
//     baseline to the target; ExpectedCompletion turns it into the
//     completion expected, which is what statuses compare against.
//   - annual: not assessable (false) until the year is over.
//   - any other kind is read as linear.
func Expected(c Curve, year int, asOf time.Time) (share float64, assessable bool) {
	return expectedOn(c, year, dayOf(year, asOf))
}

// expectedOn is Expected on a day of the year (dayOf).
func expectedOn(c Curve, year, day int) (float64, bool) {
	days := daysIn(year)
	if day >= days {
		return 1, true
	}
	switch c.Kind {
	case CurveAnnual:
		return 0, false
	case CurveStep:
		return stepShare(c.Steps, year, day), true
	case CurveMonthly:
		return monthlyShare(&c.Monthly, year, day), true
	}
	return float64(day) / float64(days), true
}

func stepShare(steps []Step, year, day int) float64 {
	share := 0.0
	for _, s := range steps {
		if day >= monthEnd(year, s.Month) {
			share = math.Max(share, clamp01(s.Share))
		}
	}
	return share
}

func monthlyShare(monthly *[12]float64, year, day int) float64 {
	if day <= 0 {
		return 0
	}
	m := 1
	for m < 12 && day > monthEnd(year, m) {
		m++
	}
	prev, cur := 0.0, 0.0
	for i := 0; i < m; i++ {
		prev = cur
		cur = math.Max(cur, clamp01(monthly[i]))
	}
	if m == 12 {
		cur = 1
	}
	start, end := monthEnd(year, m-1), monthEnd(year, m)
	return prev + (cur-prev)*float64(day-start)/float64(end-start)
}

// ExpectedCompletion is the completion (as Completion.Ratio measures it) a
// goal should show by asOf, from its curve:
//
//   - >=, >, range, ≈: the curve's share; for a baseline curve with a known
//     baseline, the expected level baseline + (target − baseline) × share
//     over the target (range: the floor), within 0..1 — a stock that starts
//     at 15 of 19 is expected at 15/19 on Jan 1, not at 0.
//   - <= (a ceiling or a decrease): 1, the ceiling is to be kept all year;
//     except a baseline curve whose baseline lies above the target, where
//     the expected level falls from the baseline to the target and the
//     expected completion is target ÷ that level.
//
// A target of 0 or below expects the share itself (for <=, 1). assessable is
// false while the curve is not assessable (annual before year end).
func ExpectedCompletion(g DocGoal, c Curve, year int, asOf time.Time) (expected float64, assessable bool) {
	return expectedCompletionOn(g, c, year, dayOf(year, asOf))
}

// expectedCompletionOn is ExpectedCompletion on a day of the year (dayOf).
func expectedCompletionOn(g DocGoal, c Curve, year, day int) (float64, bool) {
	share, ok := expectedOn(c, year, day)
	if !ok {
		return 0, false
	}
	t := g.Target
	known := c.Kind == CurveBaseline && c.Baseline != nil
	if g.Comparator == AtMost {
		if !known || t.Sign() <= 0 || c.Baseline.Cmp(t) <= 0 {
			return 1, true
		}
		b := c.Baseline.Float64()
		level := b + (t.Float64()-b)*share
		return clamp01(t.Float64() / level), true
	}
	if !known || t.Sign() <= 0 {
		return share, true
	}
	b := c.Baseline.Float64()
	return clamp01((b + (t.Float64()-b)*share) / t.Float64()), true
}

// Thresholds decide a status from how many percentage points the completion
// is behind or ahead of the expected progress. The admin sets them; the
// zero value means DefaultThresholds.
type Thresholds struct {
	Lag        float64 `json:"lag"`         // 滞后: more than this many points behind
	SeriousLag float64 `json:"serious_lag"` // 严重滞后: more than this many points behind
	Ahead      float64 `json:"ahead"`       // 超序时: this many points ahead or more (and more than 0)
}

// DefaultThresholds: lagging more than 10 points behind, seriously lagging
// more than 30 behind, ahead at 5 points or more ahead — a margin, so that a
// unit a hair in front is 序时, not 超序时.
func DefaultThresholds() Thresholds { return Thresholds{Lag: 10, SeriousLag: 30, Ahead: 5} }

// Check validates thresholds: each from 0 to 100 points, and serious lag not
// below lag.
func (t Thresholds) Check() error {
	if msg := t.check(); msg != "" {
		return Errorf(EINVALID, "%s", msg)
	}
	return nil
}

func (t Thresholds) check() string {
	in := func(x float64) bool { return x >= 0 && x <= 100 }
	switch {
	case !in(t.Lag) || !in(t.SeriousLag) || !in(t.Ahead):
		return "预警阈值应在 0 到 100 个百分点之间"
	case t.SeriousLag < t.Lag:
		return "“严重滞后”阈值不能小于“滞后”阈值"
	}
	return ""
}

// orDefault is t, or DefaultThresholds for the zero value; a field out of
// range takes its default, and a serious lag below the lag is raised to it.
func (t Thresholds) orDefault() Thresholds {
	d := DefaultThresholds()
	if t == (Thresholds{}) {
		return d
	}
	in := func(x float64) bool { return x >= 0 && x <= 100 }
	if !in(t.Lag) {
		t.Lag = d.Lag
	}
	if !in(t.SeriousLag) {
		t.SeriousLag = d.SeriousLag
	}
	if !in(t.Ahead) {
		t.Ahead = d.Ahead
	}
	if t.SeriousLag < t.Lag {
		t.SeriousLag = t.Lag
	}
	return t
}

// ProgressStatus is how an indicator (or a unit's allocation) stands against
// time (进度状态).
type ProgressStatus string

const (
	ProgressDone          ProgressStatus = "done"           // 已完成
	ProgressAhead         ProgressStatus = "ahead"          // 超序时
	ProgressOnTrack       ProgressStatus = "on_track"       // 序时
	ProgressLagging       ProgressStatus = "lagging"        // 滞后
	ProgressSeriousLag    ProgressStatus = "serious_lag"    // 严重滞后
	ProgressNotAssessable ProgressStatus = "not_assessable" // 不可评估: grey, never red
)

// ProgressStatuses lists the statuses in the order a legend shows them.
var ProgressStatuses = []ProgressStatus{ProgressDone, ProgressAhead, ProgressOnTrack, ProgressLagging, ProgressSeriousLag, ProgressNotAssessable}

// Label is the Chinese name of the status.
func (s ProgressStatus) Label() string {
	switch s {
	case ProgressDone:
		return "已完成"
	case ProgressAhead:
		return "超序时"
	case ProgressOnTrack:
		return "序时"
	case ProgressLagging:
		return "滞后"
	case ProgressSeriousLag:
		return "严重滞后"
	case ProgressNotAssessable:
		return "不可评估"
	}
	return string(s)
}

// Class is the status as a CSS class name: "on-track", "serious-lag" …
func (s ProgressStatus) Class() string {
	if s == "" {
		return "not-assessable"
	}
	return strings.ReplaceAll(string(s), "_", "-")
}

// Points is completion minus expected progress in percentage points, rounded
// to a millionth of a point so that float noise cannot move a figure across
// a threshold (0.481 − 0.581 is exactly −10 points).
func Points(ratio, expected float64) float64 {
	p := math.Round((ratio - expected) * 100 * 1e6)
	if math.IsNaN(p) || math.IsInf(p, 0) {
		return 0
	}
	return p / 1e6
}

// Assess is the status of a completion against the expected progress, in
// this order:
//
//   - 不可评估 when the expected progress is not assessable (annual
//     statistics before year end), whatever the value says;
//   - 已完成 when the goal is done;
//   - 严重滞后 when more than SeriousLag points behind;
//   - 滞后 when more than Lag points behind;
//   - 超序时 when Ahead points ahead or more, and more than 0;
//   - 序时 otherwise.
//
// So with the defaults exactly 10 points behind is still 序时, exactly 30
// behind is 滞后, and exactly 5 ahead is 超序时.
func Assess(c Completion, expected float64, assessable bool, th Thresholds) ProgressStatus {
	if !assessable || math.IsNaN(expected) || math.IsInf(expected, 0) {
		return ProgressNotAssessable
	}
	if c.Done {
		return ProgressDone
	}
	th = th.orDefault()
	p := Points(c.Ratio, expected)
	switch {
	case p < -th.SeriousLag:
		return ProgressSeriousLag
	case p < -th.Lag:
		return ProgressLagging
	case p > 0 && p >= th.Ahead:
		return ProgressAhead
	}
	return ProgressOnTrack
}

// Assessment is an indicator's (or an allocation's) progress at a date.
type Assessment struct {
	Completion Completion
	Expected   float64 // expected completion by the date (序时进度), 0..1
	Assessable bool
	Points     float64 // Completion.Ratio − Expected in percentage points; 0 when not assessable
	Status     ProgressStatus
}

// AssessGoal puts the rules together for one goal (or, through
// ForAllocation, one unit's allocation) at an actual value as of a date:
// Complete, ExpectedCompletion and Assess, with the curve's baseline as the
// completion's baseline when Options has none. Two rules need the date:
//
//   - a <= flow within its ceiling before the year is over is 序时, not
//     已完成: a flow only grows, and the ceiling may yet be broken;
//   - once the year is over, a goal not done is at least 滞后: a shortfall
//     within the lag threshold is no longer "on schedule" (a >7亿元 goal at
//     exactly 7亿元 on Dec 31 is 滞后, with NoteNotExceeded).
func AssessGoal(g DocGoal, c Curve, actual Decimal, year int, asOf time.Time, opt Options) Assessment {
	if opt.Baseline == nil {
		opt.Baseline = c.Baseline
	}
	a := Assessment{Completion: Complete(g, actual, opt)}
	day := dayOf(year, asOf)
	a.Expected, a.Assessable = expectedCompletionOn(g, c, year, day)
	if !a.Assessable {
		a.Status = ProgressNotAssessable
		return a
	}
	a.Points = Points(a.Completion.Ratio, a.Expected)
	over := day >= daysIn(year)
	judged := a.Completion
	if g.Comparator == AtMost && g.Kind == KindFlow && !over {
		judged.Done = false
	}
	a.Status = Assess(judged, a.Expected, true, opt.Thresholds)
	if over && !judged.Done && (a.Status == ProgressOnTrack || a.Status == ProgressAhead) {
		a.Status = ProgressLagging
	}
	return a
}

// Point is an actual as of a date.
type Point struct {
	AsOf  time.Time
	Value Decimal
}

// Forecast projects a goal's actual to Dec 31 of the year from the points
// so far in that year (points outside it are ignored); false when there is
// nothing to project from.
//
//   - A point on Dec 31 is the year's figure itself.
//   - Flows: with a monthly curve (last year's seasonality), the latest
//     actual ÷ the share expected at its date; otherwise the least-squares
//     line through the points and the year's start (0 on Jan 1, since a flow
//     accrues from there), read at Dec 31 — with one point, its run rate.
//     Never below the latest actual: a flow does not fall.
//   - Stocks, ratios and per-capita figures: the latest value plus the
//     average increase per day (a month's increase over its days) since the
//     curve's baseline on Jan 1, or since the first point when no baseline
//     is known, times the days left; false with one point and no baseline.
//     Never below 0.
//
// The result is rounded half away from zero to Precision(g.Unit): whole
// enterprises, 亿元 to the 万元.
func Forecast(g DocGoal, c Curve, points []Point, year int) (Decimal, bool) {
	type pt struct {
		day int
		v   Decimal
	}
	days := daysIn(year)
	var pts []pt
	for _, p := range points {
		if t := p.AsOf.In(Zone); t.Year() == year {
			pts = append(pts, pt{t.YearDay(), p.Value})
		}
	}
	if len(pts) == 0 {
		return Decimal{}, false
	}
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].day < pts[j].day })
	latest := pts[len(pts)-1]
	if latest.day >= days {
		return latest.v, true
	}
	flow := g.Kind == KindFlow || (!g.Kind.Valid() && c.Kind != CurveBaseline && c.Kind != CurveAnnual)
	var f float64
	if flow {
		share := 0.0
		if c.Kind == CurveMonthly {
			share = monthlyShare(&c.Monthly, year, latest.day)
		}
		if share > 0 {
			f = latest.v.Float64() / share
		} else {
			// Least squares over (0, 0) and the points.
			n := float64(len(pts) + 1)
			var sx, sy float64
			for _, p := range pts {
				sx += float64(p.day)
				sy += p.v.Float64()
			}
			mx, my := sx/n, sy/n
			sxx, sxy := mx*mx, mx*my // the origin's terms: (0−mx)², (0−mx)(0−my)
			for _, p := range pts {
				dx := float64(p.day) - mx
				sxx += dx * dx
				sxy += dx * (p.v.Float64() - my)
			}
			f = my + sxy/sxx*(float64(days)-mx)
		}
		out := roundTo(f, Precision(g.Unit))
		if out.Cmp(latest.v) < 0 {
			out = latest.v
		}
		return out, true
	}
	base := pts[0]
	if c.Baseline != nil {
		base = pt{0, *c.Baseline}
	}
	if base.day >= latest.day {
		return Decimal{}, false
	}
	rate := latest.v.Sub(base.v).Float64() / float64(latest.day-base.day)
	f = latest.v.Float64() + rate*float64(days-latest.day)
	return roundTo(math.Max(f, 0), Precision(g.Unit)), true
}

// roundTo is f rounded half away from zero to places decimals, held within
// what a Decimal can carry (twelve integer digits); NaN is 0.
func roundTo(f float64, places int) Decimal {
	const limit = 999_999_999_999.0
	switch {
	case math.IsNaN(f):
		return Decimal{}
	case f > limit:
		f = limit
	case f < -limit:
		f = -limit
	}
	places = min(max(places, 0), decimalScale)
	r := math.Round(f * math.Pow10(places))
	return Decimal{micros: int64(r) * int64(math.Pow10(decimalScale-places))}
}

// ForecastGap is how far a forecast falls short of the goal (缺口), never
// negative, and whether the forecast meets it (Complete(...).Done, in which
// case the gap is 0):
//
//   - >=, range: target (floor) − forecast;
//   - >: target − forecast, so a forecast of exactly the target has gap 0
//     and still does not meet it (it must be exceeded);
//   - <=: forecast − target, the excess to cut;
//   - ≈: the distance from the target beyond the tolerance.
func ForecastGap(g DocGoal, forecast Decimal, opt Options) (gap Decimal, meets bool) {
	if Complete(g, forecast, opt).Done {
		return Decimal{}, true
	}
	switch g.Comparator {
	case AtMost:
		gap = forecast.Sub(g.Target)
	case About:
		gap = abs(forecast.Sub(g.Target)).Sub(tolerance(g.Target, opt.tolerance()))
	default:
		gap = g.Target.Sub(forecast)
	}
	if gap.Sign() < 0 {
		gap = Decimal{}
	}
	return gap, false
}

// RankCap bounds an indicator's score in a ranking: 1.2 is 120% of 序时, so
// running far ahead on one indicator cannot hide lagging on the others.
const RankCap = 1.2

// RankItem is one indicator of a unit, as assessed.
type RankItem struct {
	GoalID     int64
	Indicator  string
	Completion float64 // Completion.Ratio
	Expected   float64 // Assessment.Expected
	Assessable bool
	Carried    string // the data date of a value carried from an earlier round: not counted
}

// RankItemOf is the rank item for an assessment.
func RankItemOf(goalID int64, indicator string, a Assessment) RankItem {
	return RankItem{GoalID: goalID, Indicator: indicator, Completion: a.Completion.Ratio, Expected: a.Expected, Assessable: a.Assessable}
}

// RankInput is a unit to rank and its indicators.
type RankInput struct {
	UnitID int64
	Unit   string // name, for tie notes
	Items  []RankItem
}

// RankPart is an indicator's share of a unit's score, so a bulletin can
// explain the order.
type RankPart struct {
	GoalID       int64
	Indicator    string
	Completion   float64
	Expected     float64
	Score        float64 // min(Completion ÷ Expected, RankCap)
	Weight       float64 // the indicator's share of the weights counted for the unit, 0..1
	Contribution float64 // Weight × Score × 100; a unit's contributions add up to its score
	Excluded     bool
	Reason       string // why excluded: 不可评估, 权重为0
}

// Ranked is a unit's place in a ranking.
type Ranked struct {
	UnitID  int64
	Unit    string
	Rank    int     // 1-based, equal scores share a rank (1, 2, 2, 4); 0 when nothing could be counted
	Score   float64 // 100 = exactly on 序时, to two decimals
	Counted int     // indicators counted
	Parts   []RankPart
	TieNote string // which units share the rank and on what, "" when none
}

// Rank orders units (sub-districts) by how they stand against 序时:
//
//   - each assessable indicator scores min(completion ÷ expected, RankCap) —
//     the 序时完成率 bulletins quote, where 1 is exactly on schedule; when
//     nothing is expected yet (expected 0) it scores RankCap if anything is
//     done and 1 if not. The ratio is preferred to completion − expected
//     because it weighs a lag by what was due: 10 points behind in March is
//     worse than 10 points behind in November.
//   - indicators not yet assessable (annual statistics before year end), and
//     values carried from an earlier round (the unit did not report for this
//     date), are left out, listed in Parts with the reason;
//   - the unit's score is the weighted mean over what is counted, × 100, to
//     two decimals. Weights are per goal ID, 1 when missing (equal weights);
//     a weight of 0, below 0 or not finite leaves the indicator out.
//   - units with the same score share a rank, listed by name, with a
//     TieNote; units with nothing counted come last with rank 0.
func Rank(units []RankInput, weights map[int64]float64) []Ranked {
	out := make([]Ranked, 0, len(units))
	for _, u := range units {
		r := Ranked{UnitID: u.UnitID, Unit: u.Unit, Parts: make([]RankPart, 0, len(u.Items))}
		total := 0.0
		for _, it := range u.Items {
			p := RankPart{GoalID: it.GoalID, Indicator: it.Indicator, Completion: finite(it.Completion), Expected: finite(it.Expected)}
			w, ok := weights[it.GoalID]
			if !ok {
				w = 1
			}
			switch {
			case it.Carried != "":
				p.Excluded, p.Reason = true, "本期未报送（沿用"+it.Carried+"数据）"
			case !it.Assessable:
				p.Excluded, p.Reason = true, "不可评估"
			case !(w > 0) || math.IsInf(w, 0):
				p.Excluded, p.Reason = true, "权重为0"
			default:
				p.Score = partScore(p.Completion, p.Expected)
				p.Weight = w
				total += w
				r.Counted++
			}
			r.Parts = append(r.Parts, p)
		}
		sum := 0.0
		for i := range r.Parts {
			if p := &r.Parts[i]; !p.Excluded {
				p.Weight /= total
				p.Contribution = p.Weight * p.Score * 100
				sum += p.Contribution
			}
		}
		if r.Counted > 0 {
			r.Score = math.Round(sum*100) / 100
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b Ranked) int {
		switch {
		case (a.Counted > 0) != (b.Counted > 0):
			if a.Counted > 0 {
				return -1
			}
			return 1
		case a.Score != b.Score:
			return cmp.Compare(b.Score, a.Score)
		case a.Unit != b.Unit:
			return strings.Compare(a.Unit, b.Unit)
		}
		return cmp.Compare(a.UnitID, b.UnitID)
	})
	for i := 0; i < len(out); {
		j := i + 1
		for j < len(out) && out[j].Counted > 0 && out[j].Score == out[i].Score {
			j++
		}
		if out[i].Counted == 0 {
			break
		}
		for k := i; k < j; k++ {
			out[k].Rank = i + 1
		}
		if j-i > 1 {
			same := sameParts(out[i:j])
			for k := i; k < j; k++ {
				out[k].TieNote = tieNote(out[i:j], k-i, same)
			}
		}
		i = j
	}
	return out
}

func finite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

// partScore is min(completion ÷ expected, RankCap), not below 0.
func partScore(completion, expected float64) float64 {
	if !(expected > 0) {
		if completion > 0 {
			return RankCap
		}
		return 1
	}
	return min(max(completion/expected, 0), RankCap)
}

// tieNote says, for the self-th unit of a tie, which units it ties with and
// on what: the shared score, the indicators counted, and whether every
// indicator's score is the same too.
func tieNote(tied []Ranked, self int, same bool) string {
	var others []string
	for i, r := range tied {
		if i != self {
			others = append(others, r.Unit)
		}
	}
	me := tied[self]
	var on []string
	for _, p := range me.Parts {
		if !p.Excluded {
			on = append(on, p.Indicator)
		}
	}
	how := "各项指标得分不尽相同，加权后相等"
	if same {
		how = "各项指标得分均相同"
	}
	return fmt.Sprintf("与%s并列第%d名：综合得分均为%.2f（计入%s；%s）",
		strings.Join(others, "、"), me.Rank, me.Score, strings.Join(on, "、"), how)
}

// sameParts reports whether the tied units were counted on the same
// indicators, in the same order, with the same scores (to 1e-6).
func sameParts(tied []Ranked) bool {
	counted := func(r Ranked) []RankPart {
		var ps []RankPart
		for _, p := range r.Parts {
			if !p.Excluded {
				ps = append(ps, p)
			}
		}
		return ps
	}
	first := counted(tied[0])
	for _, r := range tied[1:] {
		ps := counted(r)
		if len(ps) != len(first) {
			return false
		}
		for i := range ps {
			if ps[i].GoalID != first[i].GoalID || math.Abs(ps[i].Score-first[i].Score) > 1e-6 {
				return false
			}
		}
	}
	return true
}
