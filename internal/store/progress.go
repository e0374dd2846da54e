package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"kechuang/internal/plan"
)

// inReadTx runs fn in a read-only transaction, so that everything fn reads
// is one moment of the database: a page never mixes a value from before an
// approval with a status from after it. On PostgreSQL the transaction is
// REPEATABLE READ (one snapshot for all its statements); on SQLite a read
// transaction in WAL mode sees one snapshot from its first read.
func (s *Store) inReadTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.read.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: unable to begin reading: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// ProgressSource is everything a plan's progress at a round is computed
// from, as of that round's data date: the plan, who is allocated what, the
// approved values and reported task entries of that round and the rounds
// before it (never a later one), and the round's forms.
//
// For a closed round it is the snapshot taken when the round closed
// (Frozen says which issue), so a round's figures and bulletin stay as they
// were issued whatever is approved, imported or edited later.
type ProgressSource struct {
	Version   int64           `json:"-"` // the data version it was read at (Versions)
	Figures   int64           `json:"-"` // the figures version it was read at (dataVersions)
	Rounds    []*plan.Round   `json:"-"` // the plan's rounds, newest first (live)
	Round     *plan.Round     `json:"-"` // the round judged; nil when the plan has no opened round
	Frozen    *Frozen         `json:"-"`
	Plan      *plan.Document  `json:"-"` // the plan as it stands now (Doc is as of the round)
	Directory *plan.Directory `json:"-"` // the directory as it stands now
	Bindings  []GoalBinding   `json:"-"` // the plan's goals computed from registers, as they stand now

	Doc         *plan.Document        `json:"doc"`
	Units       []plan.Unit           `json:"units"`
	Allocations []plan.Allocation     `json:"allocations"`
	Settings    plan.ProgressSettings `json:"settings"`
	Values      []plan.UnitValue      `json:"values"`    // oldest first
	Computed    []plan.Computed       `json:"computed"`  // bound goals from registers, at this and earlier rounds' dates
	DemoData    bool                  `json:"demo_data"` // the registers hold generated demo lists (演示数据)
	Reports     []plan.TaskReport     `json:"reports"`   // newest first
	Forms       []FormSummary         `json:"forms"`     // the round's
	// LinkedPlans names the plans whose figures roll up into allocation
	// rows (Values with a plan.LinkedSource); LastYear is 同期, the same
	// month last year in the plan this one was based on.
	LinkedPlans map[int64]string `json:"linked_plans,omitempty"`
	LastYear    []LastYear       `json:"last_year,omitempty"`
	// Supervision: the plan's milestones and the closures (销号) in force,
	// what the task × unit grid judges with the reports.
	Milestones []plan.Milestone   `json:"milestones"`
	Closures   []plan.TaskClosure `json:"closures"`

	askedPlan, askedRound int64 // what was asked for (round 0: the latest opened)
}

// Frozen says which issue of a closed round's figures a source is: 1 when
// the round was closed once, more after it was reopened and closed again.
type Frozen struct {
	Issue    int       `json:"issue"`
	At       time.Time `json:"at"`
	Username string    `json:"username"`
	// How the bulletin of this issue was numbered (BulletinNumber): its
	// 文号 and 版记, filled in by staff after closing.
	BulletinNumber
}

// BulletinNumber is what staff fill in on an issued bulletin: its document
// number (文号) and 版记 (抄送, 印发机关, 印发日期 YYYY-MM-DD).
type BulletinNumber struct {
	DocNumber string `json:"doc_number"`
	CopyTo    string `json:"copy_to"`
	PrintedBy string `json:"printed_by"`
	PrintedOn string `json:"printed_on"`
}

// Check validates the fields: lengths, and the date as a date.
func (n BulletinNumber) Check() error {
	var probs []plan.FieldError
	for _, f := range []struct{ key, label, v string }{{"doc_number", "文号", n.DocNumber}, {"copy_to", "抄送", n.CopyTo}, {"printed_by", "印发机关", n.PrintedBy}} {
		max := plan.MaxName
		if f.key == "copy_to" {
			max = plan.MaxComment
		}
		if err := plan.CheckLength(f.label, f.v, max); err != nil {
			probs = append(probs, plan.FieldError{Field: f.key, Message: plan.ErrorMessage(err)})
		}
	}
	if n.PrintedOn != "" {
		if _, err := time.Parse(time.DateOnly, n.PrintedOn); err != nil {
			probs = append(probs, plan.FieldError{Field: "printed_on", Message: "“印发日期”应为 YYYY-MM-DD 格式的日期"})
		}
	}
	if len(probs) == 0 {
		return nil
	}
	msgs := make([]string, len(probs))
	for i, p := range probs {
		msgs[i] = p.Message
	}
	e := plan.Errorf(plan.EINVALID, "%s", strings.Join(msgs, "；"))
	e.Fields = probs
	return e
}

// snapshotFormat is the version of the snapshot encoding; a snapshot of
// another format is not read (the round's figures are computed live).
const snapshotFormat = 1

type snapshot struct {
	Format int `json:"format"`
	*ProgressSource
}

// ProgressSource reads a plan's progress source at a round — the one given,
// or the latest opened one when roundID is 0 — in one read-only
// transaction.
func (s *Store) ProgressSource(ctx context.Context, planID, roundID int64) (*ProgressSource, error) {
	return s.ProgressSourceSince(ctx, planID, roundID, nil)
}

// ProgressSourceSince is ProgressSource given the source of the same plan
// and round read before (prev; nil for none). While no figure has moved
// since prev was read (the figures version stands: only submissions,
// returns or notices came after), what it read of the plan, the directory,
// the approved values and the registers still holds: it is taken from
// prev, and only the round's forms and the task reports are read again.
// Either way the source is read in one read-only transaction.
func (s *Store) ProgressSourceSince(ctx context.Context, planID, roundID int64, prev *ProgressSource) (*ProgressSource, error) {
	var src *ProgressSource
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		src, err = progressSource(ctx, tx, planID, roundID, prev)
		return err
	})
	return src, err
}

// progressSource is ProgressSourceSince in the caller's read transaction.
func progressSource(ctx context.Context, q queryer, planID, roundID int64, prev *ProgressSource) (*ProgressSource, error) {
	version, figures, err := dataVersions(ctx, q)
	if err != nil {
		return nil, err
	}
	if prev != nil && prev.Figures == figures && prev.askedPlan == planID && prev.askedRound == roundID && reachesPlan(ctx, q, planID) {
		return reportingSince(ctx, q, prev, version)
	}
	rounds, err := loadRounds(ctx, q, planID)
	if err != nil {
		return nil, err
	}
	var round *plan.Round
	for _, r := range rounds {
		if (roundID == 0 && round == nil && r.State != plan.RoundDraft) || r.ID == roundID {
			round = r
		}
	}
	if roundID != 0 && round == nil {
		return nil, plan.Errorf(plan.ENOTFOUND, "调度不存在。")
	}
	var src *ProgressSource
	var org int64 // the plan's organisation, read with a snapshot's plan
	live := false
	if round != nil && round.State == plan.RoundClosed {
		if src, err = loadSnapshot(ctx, q, round); err != nil {
			return nil, err
		}
	}
	if src == nil {
		if src, err = liveSource(ctx, q, planID, round); err != nil {
			return nil, err
		}
		src.Plan, live = src.Doc, true
	} else if src.Plan, org, err = loadPlanOrg(ctx, q, planID); err != nil {
		return nil, err
	} else if src.Milestones == nil {
		// Closed before supervision was kept: judged by what stands now.
		if err := readSupervision(ctx, q, src, planID); err != nil {
			return nil, err
		}
	}
	src.Rounds, src.Round = rounds, round
	// A live source read the bindings already; a snapshot keeps none.
	if !live {
		if src.Bindings, err = goalBindings(ctx, q, `g.plan_id = $1`, planID); err != nil {
			return nil, err
		}
	}
	// A live source read the directory already, in this transaction; the
	// plan is in the caller's reach (loadPlanOrg): its directory is its
	// organisation's (loadPlanDirectory, without reading the plan again).
	if src.Directory == nil {
		if src.Directory, err = loadDirectory(orgOnly(ctx, org), q); err != nil {
			return nil, err
		}
	}
	src.Version, src.Figures, src.askedPlan, src.askedRound = version, figures, planID, roundID
	return src, nil
}

// reportingSince is prev read again at version where only the reporting
// has moved: a live round's forms and task reports; a closed round's
// snapshot holds them too, and stands.
func reportingSince(ctx context.Context, q queryer, prev *ProgressSource, version int64) (*ProgressSource, error) {
	src := *prev
	src.Version = version
	if src.Round == nil || src.Frozen != nil {
		return &src, nil
	}
	var err error
	if src.Reports, err = taskReports(ctx, q, src.Round); err != nil {
		return nil, err
	}
	if src.Forms, err = roundForms(ctx, q, src.Round.ID); err != nil {
		return nil, err
	}
	return &src, nil
}

// liveSource reads a plan's progress source as the database stands, as of
// round (nil: the plan only). It runs in a read transaction, or in the write
// transaction that closes the round and keeps what it reads.
func liveSource(ctx context.Context, q queryer, planID int64, round *plan.Round) (*ProgressSource, error) {
	src := &ProgressSource{Round: round}
	var org int64
	var err error
	if src.Doc, org, err = loadPlanOrg(ctx, q, planID); err != nil {
		return nil, err
	}
	// The plan is in the caller's reach (loadPlanOrg): its directory is its
	// organisation's (loadPlanDirectory, without reading the plan again).
	dir, err := loadDirectory(orgOnly(ctx, org), q)
	if err != nil {
		return nil, err
	}
	src.Units, src.Directory = dir.Units, dir
	if src.Settings, err = loadProgressSettings(ctx, q, planID); err != nil {
		return nil, err
	}
	if src.Allocations, err = loadAllocations(ctx, q, planID); err != nil {
		return nil, err
	}
	if src.Bindings, err = goalBindings(ctx, q, `g.plan_id = $1`, planID); err != nil {
		return nil, err
	}
	if err := readSupervision(ctx, q, src, planID); err != nil {
		return nil, err
	}
	if round == nil {
		return src, nil
	}
	if src.Values, err = approvedValues(ctx, q, round); err != nil {
		return nil, err
	}
	// Linked plans' figures for their allocation rows (a district's own
	// plan for the city's split), read in this same transaction.
	opened := roundDates(ctx, q, planID)
	ups, titles, err := rollUps(ctx, q, src.Doc, opened, round, 0)
	if err != nil {
		return nil, err
	}
	src.Values, src.LinkedPlans = append(src.Values, ups...), titles
	if src.LastYear, err = lastYear(ctx, q, src.Doc, round); err != nil {
		return nil, err
	}
	if len(src.Bindings) > 0 {
		all, err := opened()
		if err != nil {
			return nil, err
		}
		if src.Computed, err = computedValues(ctx, q, src.Doc, org, src.Bindings, src.Allocations, datesThrough(all, round.AsOf)); err != nil {
			return nil, err
		}
	}
	// Rolled-up rows may come from a district's register figures too.
	if len(src.Computed) > 0 || len(ups) > 0 {
		if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM import_batches WHERE file_name LIKE $1)`,
			plan.DemoFilePrefix+"%").Scan(&src.DemoData); err != nil {
			return nil, wrap(err, "look for demo registers")
		}
	}
	if src.Reports, err = taskReports(ctx, q, round); err != nil {
		return nil, err
	}
	if src.Forms, err = roundForms(ctx, q, round.ID); err != nil {
		return nil, err
	}
	return src, nil
}

// readSupervision reads a plan's milestones and closures in force into src
// (never nil, so that a snapshot tells "none" from "not kept").
func readSupervision(ctx context.Context, q queryer, src *ProgressSource, planID int64) error {
	var err error
	if src.Milestones, err = loadMilestones(ctx, q, `t.plan_id = $1`, planID); err != nil {
		return err
	}
	src.Closures, err = loadClosures(ctx, q, planID)
	return err
}

// upTo is the condition that keeps a plan's rounds to those up to round r:
// an earlier data date, or the same date and created no later. $2 is r's
// data date and $3 its ID.
const upTo = `(r.as_of < $2 OR (r.as_of = $2 AND r.id <= $3))`

// approvedValues returns the approved values of round r and the rounds
// before it, oldest first.
func approvedValues(ctx context.Context, q queryer, r *plan.Round) ([]plan.UnitValue, error) {
	var out []plan.UnitValue
	err := eachRow(ctx, q, `
		SELECT fv.goal_id, f.unit_id, fv.value, r.as_of, f.public_id
		FROM form_values fv JOIN forms f ON f.id = fv.form_id JOIN rounds r ON r.id = f.round_id
		WHERE r.plan_id = $1 AND `+upTo+` AND f.state = $4 AND fv.value IS NOT NULL
		ORDER BY r.as_of, r.id, fv.position, f.unit_id`, func(rows *sql.Rows) error {
		var v plan.UnitValue
		if err := rows.Scan(&v.GoalID, &v.UnitID, &v.Value, &v.AsOf, &v.Source); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	}, r.PlanID, r.AsOf, r.ID, string(plan.FormApproved))
	if err != nil {
		return nil, wrap(err, "read the approved values of plan %d up to round %d", r.PlanID, r.ID)
	}
	return out, nil
}

// taskReports returns the task entries of reported forms in round r and
// the rounds before it, newest first.
func taskReports(ctx context.Context, q queryer, r *plan.Round) ([]plan.TaskReport, error) {
	var out []plan.TaskReport
	err := eachRow(ctx, q, `
		SELECT ft.task_id, t.number, t.title, f.unit_id, CASE WHEN u.short_name <> '' THEN u.short_name ELSE u.name END,
		       EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = ft.task_id AND a.unit_id = f.unit_id AND a.role = 'lead'),
		       ft.status, ft.problems, f.public_id, f.state, r.id, r.as_of
		FROM form_tasks ft JOIN forms f ON f.id = ft.form_id JOIN rounds r ON r.id = f.round_id
		JOIN tasks t ON t.id = ft.task_id JOIN sections s ON s.id = t.section_id JOIN units u ON u.id = f.unit_id
		WHERE r.plan_id = $1 AND `+upTo+` AND f.state IN ($4, $5) AND ft.status <> ''
		ORDER BY r.as_of DESC, r.id DESC, s.position, s.id, t.position, t.id, u.position, u.id`, func(rows *sql.Rows) error {
		// Tasks in plan order: by action, then within it (a task's
		// position counts within its action).
		var tr plan.TaskReport
		var state plan.FormState
		if err := rows.Scan(&tr.TaskID, &tr.Number, &tr.Title, &tr.UnitID, &tr.Unit, &tr.Lead, &tr.Status, &tr.Problems, &tr.Form, &state, &tr.RoundID, &tr.AsOf); err != nil {
			return err
		}
		tr.Approved = state == plan.FormApproved
		out = append(out, tr)
		return nil
	}, r.PlanID, r.AsOf, r.ID, string(plan.FormSubmitted), string(plan.FormApproved))
	if err != nil {
		return nil, wrap(err, "read the task reports of plan %d up to round %d", r.PlanID, r.ID)
	}
	return out, nil
}

// loadSnapshot reads the figures a closed round was issued with; nil when
// it has none (closed before snapshots were kept) or one of another format.
func loadSnapshot(ctx context.Context, q queryer, r *plan.Round) (*ProgressSource, error) {
	var data string
	fr := &Frozen{}
	err := q.QueryRowContext(ctx, `
		SELECT s.issue, s.data, s.created_at, s.username, s.doc_number, s.copy_to, s.printed_by, s.printed_on
		FROM round_snapshots s JOIN rounds r ON r.id = s.round_id
		WHERE s.round_id = $1 AND s.issue = r.issue`, r.ID).Scan(&fr.Issue, &data, &fr.At, &fr.Username, &fr.DocNumber, &fr.CopyTo, &fr.PrintedBy, &fr.PrintedOn)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap(err, "read the snapshot of round %d", r.ID)
	}
	snap := snapshot{ProgressSource: &ProgressSource{}}
	if err := json.Unmarshal([]byte(data), &snap); err != nil {
		return nil, wrap(err, "decode the snapshot of round %d", r.ID)
	}
	if snap.Format != snapshotFormat {
		return nil, nil
	}
	snap.Frozen = fr
	return snap.ProgressSource, nil
}

// freezeRound keeps what a round's figures are computed from as they stand
// when it closes, as its next issue.
func (s *Store) freezeRound(ctx context.Context, tx *sql.Tx, r *plan.Round, now time.Time) (int, error) {
	src, err := liveSource(ctx, tx, r.PlanID, r)
	if err != nil {
		return 0, err
	}
	b, err := json.Marshal(snapshot{Format: snapshotFormat, ProgressSource: src})
	if err != nil {
		return 0, wrap(err, "encode the snapshot of round %d", r.ID)
	}
	var issue int
	if err := tx.QueryRowContext(ctx, `SELECT issue FROM rounds WHERE id = $1`, r.ID).Scan(&issue); err != nil {
		return 0, wrap(err, "read round %d", r.ID)
	}
	issue++
	username := "system"
	if a, ok := ActorFrom(ctx); ok && a.Username != "" {
		username = a.Username
	}
	// A reissue is sent to whom the first issue was, by the same office:
	// its 抄送 and 印发机关 carry over; its number and date are its own.
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO round_snapshots (round_id, issue, data, created_at, username, copy_to, printed_by)
		SELECT CAST($1 AS BIGINT), CAST($2 AS INTEGER), $3, $4, $5, COALESCE(MAX(copy_to), ''), COALESCE(MAX(printed_by), '')
		FROM round_snapshots WHERE round_id = $1 AND issue = $2 - 1`,
		r.ID, issue, string(b), now, username); err != nil {
		return 0, wrap(err, "keep the snapshot of round %d", r.ID)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE rounds SET issue = $1 WHERE id = $2`, issue, r.ID); err != nil {
		return 0, wrap(err, "number the issue of round %d", r.ID)
	}
	return issue, nil
}

// computedValues computes the plan's goals bound to a definition from the
// registers of its organisation org at each of dates (oldest first), in the
// caller's transaction: every goal at every date read together
// (definitionValues), with the plan's allocations as the caller read them.
func computedValues(ctx context.Context, q queryer, doc *plan.Document, org int64, bindings []GoalBinding, allocations []plan.Allocation, dates []string) ([]plan.Computed, error) {
	if len(bindings) == 0 {
		return nil, nil
	}
	allocated := map[int64][]int64{}
	for _, a := range allocations {
		allocated[a.GoalID] = append(allocated[a.GoalID], a.UnitID)
	}
	actuals, err := definitionValues(ctx, q, org, bindings, doc.Year, dates, allocated)
	if err != nil {
		return nil, err
	}
	places := map[int64]int{}
	for _, g := range doc.Goals {
		places[g.ID] = plan.GoalPlaces(g)
	}
	roundTo(places, actuals)
	out := make([]plan.Computed, 0, len(actuals))
	for _, a := range actuals {
		out = append(out, plan.Computed{
			GoalID: a.GoalID, AsOf: a.AsOf, Definition: a.Definition.Describe(),
			Total: a.Total, Previous: a.Previous, PreviousYear: a.PreviousYear, Units: a.Units,
		})
	}
	return out, nil
}

// roundDates reads the data dates of a plan's opened rounds, oldest first,
// once and only when first asked (a plan without computed goals or linked
// plans needs none).
func roundDates(ctx context.Context, q queryer, planID int64) func() ([]string, error) {
	var dates []string
	var err error
	read := false
	return func() ([]string, error) {
		if !read {
			read = true
			err = eachRow(ctx, q, `SELECT DISTINCT as_of FROM rounds WHERE plan_id = $1 AND state <> $2 ORDER BY as_of`, func(rows *sql.Rows) error {
				var d string
				if err := rows.Scan(&d); err != nil {
					return err
				}
				dates = append(dates, d)
				return nil
			}, planID, string(plan.RoundDraft))
			err = wrap(err, "list the round dates of plan %d", planID)
		}
		return dates, err
	}
}

// datesThrough is the dates a plan's figures of the rounds up to a round
// of date asOf are computed at: the plan's opened rounds' dates before it
// (opened, oldest first), and asOf last.
func datesThrough(opened []string, asOf string) []string {
	var out []string
	for _, d := range opened {
		if d < asOf {
			out = append(out, d)
		}
	}
	return append(out, asOf)
}

// datesThroughEach is datesThrough for each of targets, and every date
// any of them needs, sorted once: what is read for all targets together.
func datesThroughEach(opened, targets []string) (through map[string][]string, need []string) {
	through = map[string][]string{}
	for _, t := range targets {
		through[t] = datesThrough(opened, t)
		need = append(need, through[t]...)
	}
	slices.Sort(need)
	return through, slices.Compact(need)
}

// roundActuals keeps computed figures to their goal's precision
// (2.4323亿元, 27.35件), as every page, the bulletin and the API show them.
func roundActuals(ctx context.Context, q queryer, planID int64, actuals []GoalActual) error {
	places := map[int64]int{}
	err := eachRow(ctx, q, `SELECT id, unit, kind FROM goals WHERE plan_id = $1`, func(rows *sql.Rows) error {
		var g plan.DocGoal
		if err := rows.Scan(&g.ID, &g.Unit, &g.Kind); err != nil {
			return err
		}
		places[g.ID] = plan.GoalPlaces(g)
		return nil
	}, planID)
	if err != nil {
		return wrap(err, "read the goals of plan %d", planID)
	}
	roundTo(places, actuals)
	return nil
}

// roundTo keeps computed figures to the places of their goal (by goal ID).
func roundTo(places map[int64]int, actuals []GoalActual) {
	for i := range actuals {
		a := &actuals[i]
		p := places[a.GoalID]
		for j := range a.Units {
			a.Units[j].Value = a.Units[j].Value.Round(p)
		}
		a.Total, a.Previous = roundPtr(a.Total, p), roundPtr(a.Previous, p)
	}
}

func roundPtr(d *plan.Decimal, places int) *plan.Decimal {
	if d == nil {
		return nil
	}
	r := d.Round(places)
	return &r
}

// NumberBulletin records the 文号 and 版记 of a closed round's bulletin, on
// the issue its figures stand at: a reissue (第2版) is numbered anew.
// Audited as round.bulletin; the change moves the data version, since the
// round's figures are read with their issue (Frozen) and kept by it.
func (s *Store) NumberBulletin(ctx context.Context, roundID int64, n BulletinNumber) error {
	n = BulletinNumber{strings.TrimSpace(n.DocNumber), strings.TrimSpace(n.CopyTo), strings.TrimSpace(n.PrintedBy), strings.TrimSpace(n.PrintedOn)}
	if err := n.Check(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := loadRound(ctx, tx, roundID)
		if err != nil {
			return err
		}
		if r.State != plan.RoundClosed || r.Issue == 0 {
			return plan.Errorf(plan.ECONFLICT, "“%s”尚未结束：调度结束、数据定格后才能为通报编号。", r.Label)
		}
		var before BulletinNumber
		err = tx.QueryRowContext(ctx, `SELECT doc_number, copy_to, printed_by, printed_on FROM round_snapshots WHERE round_id = $1 AND issue = $2`, roundID, r.Issue).
			Scan(&before.DocNumber, &before.CopyTo, &before.PrintedBy, &before.PrintedOn)
		if errors.Is(err, sql.ErrNoRows) {
			return plan.Errorf(plan.ECONFLICT, "“%s”结束时没有定格数据，不能编号；请重新打开后再次结束。", r.Label)
		}
		if err != nil {
			return wrap(err, "read the bulletin number of round %d", roundID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE round_snapshots SET doc_number = $1, copy_to = $2, printed_by = $3, printed_on = $4 WHERE round_id = $5 AND issue = $6`,
			n.DocNumber, n.CopyTo, n.PrintedBy, n.PrintedOn, roundID, r.Issue); err != nil {
			return wrap(err, "number the bulletin of round %d", roundID)
		}
		return s.audit(ctx, tx, "round.bulletin", roundObject(roundID), before, map[string]any{"issue": r.Issue, "doc_number": n.DocNumber, "copy_to": n.CopyTo, "printed_by": n.PrintedBy, "printed_on": n.PrintedOn})
	})
}

// BulletinNumberOf is the 文号 and 版记 of the issue a closed round's
// figures stand at; zero when the round has none (not closed, or not
// numbered yet).
func (s *Store) BulletinNumberOf(ctx context.Context, roundID int64) (BulletinNumber, error) {
	var n BulletinNumber
	err := s.read.QueryRowContext(ctx, `
		SELECT s.doc_number, s.copy_to, s.printed_by, s.printed_on FROM round_snapshots s JOIN rounds r ON r.id = s.round_id
		WHERE s.round_id = $1 AND s.issue = r.issue`, roundID).Scan(&n.DocNumber, &n.CopyTo, &n.PrintedBy, &n.PrintedOn)
	if errors.Is(err, sql.ErrNoRows) {
		return n, nil
	}
	return n, wrap(err, "read the bulletin number of round %d", roundID)
}
