package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/jackc/pgx/v5"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

// Registers (台账) are imported a list at a time by ImportRegister, one
// transaction per list. Records are upserted by their key:
//
//	enterprises  USCC
//	smes         (USCC, year), or 入库登记编号 when the list gives no USCC
//	hightech     证书编号
//	contracts    合同登记号
//	patents      专利号
//	platforms    (name, kind, level): a platform raised to 省级 is a new record
//	statistics   (area, indicator, year), the area resolved to a unit or the whole area
//
// A later list fills and changes a record's fields: a cell it leaves empty
// never erases what an earlier list gave (so a 取消 list that names only
// the certificate and its 取消日期 updates the certificate). Re-importing a
// list changes no record; each record's origin points to the latest list
// and row that listed it.
//
// 科技型中小企业 and 高新技术企业 lists add the firms they name to the 企业库
// as stubs (USCC, name, 属地) when the 企业库 does not hold them yet, so that a
// firm is attributed once and every list about it follows.

// MaxReported caps the rejected rows and warnings an ImportResult lists;
// the counts are always complete.
const MaxReported = 1000

// ImportMeta describes a list being imported.
type ImportMeta struct {
	Kind        plan.RegisterKind
	File        string // the file's name as uploaded
	SHA256      string // hex SHA-256 of the file
	Size        int64
	SkipInvalid bool  // write the valid rows and give the rejected back; default: all-or-nothing
	Org         int64 // the organisation whose registers the list goes to; 0: the one worked in (Scope.Org)
	// OnReject, when set, receives every rejected row as it is found, so
	// that a caller can write the rejected rows back with their reasons
	// without the store holding them all.
	OnReject func(Rejection)
}

// Rejection is a row that was not written, with why.
type Rejection struct {
	Origin   plan.Origin       `json:"origin"`
	Problems []plan.RowProblem `json:"problems"`
	// Cells are the row's cells as read (for OnReject; not kept in the
	// result): rows are written in batches, so the row rejected is not
	// the last one the reader yielded.
	Cells []string `json:"-"`
}

// String names the file, sheet, row and columns: "企业库.xlsx 工作表“Sheet1”
// 第12行：统一社会信用代码（C列）不能为空".
func (r Rejection) String() string {
	var b strings.Builder
	b.WriteString(r.Origin.File)
	if r.Origin.Sheet != "" {
		fmt.Fprintf(&b, " 工作表“%s”", r.Origin.Sheet)
	}
	fmt.Fprintf(&b, " 第%d行：", r.Origin.Row)
	for i, p := range r.Problems {
		if i > 0 {
			b.WriteString("；")
		}
		if p.Column != "" {
			b.WriteString(p.Column)
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// ImportResult is what an import did. In all-or-nothing mode with rejected
// rows nothing is written: BatchID is 0 and New, Updated and Unchanged are 0.
type ImportResult struct {
	BatchID       int64             `json:"batch_id"`
	Kind          plan.RegisterKind `json:"kind"`
	Read          int               `json:"read"`
	New           int               `json:"new"`
	Updated       int               `json:"updated"`
	Unchanged     int               `json:"unchanged"`
	Rejected      int               `json:"rejected"`
	Rejections    []Rejection       `json:"rejections"` // the first MaxReported
	WarningRows   int               `json:"warning_rows"`
	Warnings      []Rejection       `json:"warnings"`        // rows kept with warnings, the first MaxReported
	Unattributed  int               `json:"unattributed"`    // records of the register without a unit (待归属) after the import
	SameFileBatch int64             `json:"same_file_batch"` // an earlier batch of the same file (SHA-256), 0 when none
}

// errRejected rolls back an all-or-nothing import that found problems.
var errRejected = errors.New("store: rows rejected")

// ImportRegister streams the rows of one list into its register in one
// transaction. progress, when not nil, is called after each batch of rows
// with the number of rows read so far. An error from rows (the file could
// not be read) aborts the import whatever the mode.
//
// All-or-nothing (the default): if any row has problems — the reader's or
// the store's (a key missing, a date that is no date, a duplicate of an
// earlier row of the same file, a statistic for an unknown area) — nothing
// is written and the result, with every rejected row, comes back with an
// EINVALID error. With SkipInvalid the valid rows are written and the
// rejected ones returned. One audit entry records the batch and its counts.
//
// Rows are read ahead on another goroutine and written a batch at a time
// (see stage): each batch's stored records are looked up by one query and
// its records written by one statement per table. Attribution and the
// definitions' tallies are kept current for what the import changed, not
// recomputed for the whole register.
func (s *Store) ImportRegister(ctx context.Context, meta ImportMeta, rows iter.Seq2[plan.RegisterRow, error], by *auth.User, progress func(n int)) (*ImportResult, error) {
	if !meta.Kind.Valid() {
		return nil, plan.Errorf(plan.EINVALID, "台账类型“%s”不存在", meta.Kind)
	}
	if strings.TrimSpace(meta.File) == "" {
		return nil, plan.Errorf(plan.EINVALID, "导入的文件没有名称")
	}
	res := &ImportResult{Kind: meta.Kind}
	err := s.inConnTx(ctx, func(conn *sql.Conn, tx *sql.Tx) error {
		imp, err := s.newImporter(ctx, conn, tx, meta, by)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(id), 0) FROM import_batches WHERE sha256 = $1 AND kind = $2 AND id <> $3 AND org_id = $4`,
			meta.SHA256, string(meta.Kind), imp.batch, imp.org).Scan(&res.SameFileBatch); err != nil {
			return wrap(err, "look for earlier imports of %s", meta.File)
		}
		for batch, err := range readAhead(ctx, rows, importBatchSize) {
			if err != nil {
				return err
			}
			if err := imp.write(ctx, batch, res); err != nil {
				return err
			}
			res.Read += len(batch)
			if err := imp.analyzeIfGrown(ctx, res.Read); err != nil {
				return err
			}
			if progress != nil {
				progress(res.Read)
			}
		}
		if res.Rejected > 0 && !meta.SkipInvalid {
			return errRejected
		}
		if err := imp.finish(ctx); err != nil {
			return err
		}
		if res.Unattributed, err = countUnattributed(orgOnly(ctx, imp.org), tx, meta.Kind); err != nil {
			return err
		}
		res.BatchID = imp.batch
		if _, err := tx.ExecContext(ctx, `
			UPDATE import_batches SET rows_read = $1, rows_new = $2, rows_updated = $3, rows_unchanged = $4, rows_rejected = $5
			WHERE id = $6`, res.Read, res.New, res.Updated, res.Unchanged, res.Rejected, imp.batch); err != nil {
			return wrap(err, "record batch %d", imp.batch)
		}
		return s.audit(ctx, tx, "register.import", batchObject(meta.Kind, imp.batch), nil, map[string]any{
			"file": meta.File, "sha256": meta.SHA256, "size": meta.Size, "skip_invalid": meta.SkipInvalid,
			"read": res.Read, "new": res.New, "updated": res.Updated, "unchanged": res.Unchanged, "rejected": res.Rejected,
		})
	})
	if errors.Is(err, errRejected) {
		res.New, res.Updated, res.Unchanged, res.BatchID, res.Unattributed = 0, 0, 0, 0, 0
		return res, plan.Errorf(plan.EINVALID, "%s：%d 行有问题，未导入任何记录。%s", meta.File, res.Rejected, res.Rejections[0])
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// importBatchSize is how many rows are written together.
const importBatchSize = 5000

// readAhead reads rows on a goroutine of its own, so that reading the file
// and writing the database use a core each, and yields them in batches.
// At most two batches wait; stopping early stops the reading.
func readAhead(ctx context.Context, rows iter.Seq2[plan.RegisterRow, error], size int) iter.Seq2[[]plan.RegisterRow, error] {
	return func(yield func([]plan.RegisterRow, error) bool) {
		type item struct {
			rows []plan.RegisterRow
			err  error
		}
		ch := make(chan item, 2)
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer close(ch)
			send := func(it item) bool {
				select {
				case ch <- it:
					return true
				case <-stop:
					return false
				case <-ctx.Done():
					return false
				}
			}
			batch := make([]plan.RegisterRow, 0, size)
			for row, err := range rows {
				if err != nil {
					send(item{err: err})
					return
				}
				if batch = append(batch, row); len(batch) == size {
					if !send(item{rows: batch}) {
						return
					}
					batch = make([]plan.RegisterRow, 0, size)
				}
			}
			if len(batch) > 0 {
				send(item{rows: batch})
			}
		}()
		defer func() {
			close(stop)
			<-done
		}()
		for {
			select {
			case it, ok := <-ch:
				if !ok {
					return
				}
				if !yield(it.rows, it.err) || it.err != nil {
					return
				}
			case <-ctx.Done():
				yield(nil, ctx.Err())
				return
			}
		}
	}
}

// The tables an import writes, by kind, and the columns its batches look
// them up by: PostgreSQL's statistics of those are refreshed as the import
// makes the tables grow (analyzeIfGrown). The other columns (dates, the
// JSON) are left to autovacuum once the import commits: sampling them
// would double the cost.
var importTables = map[plan.RegisterKind][]string{
	plan.RegEnterprises: {"enterprises (org_id, uscc)", "enterprise_names (enterprise_id, name)", pendingStats},
	plan.RegSMEs:        {"smes (org_id, uscc, year, reg_no)", "enterprises (org_id, uscc)", "enterprise_names (enterprise_id, name)", pendingStats},
	plan.RegHighTech:    {"hightech_certs (org_id, cert_no)", "enterprises (org_id, uscc)", "enterprise_names (enterprise_id, name)", pendingStats},
	plan.RegContracts:   {"contracts (org_id, reg_no)"},
	plan.RegPatents:     {"patents (org_id, number)", "patent_holders (patent_id)"},
	plan.RegPlatforms:   {"platforms (org_id, name, kind, level)"},
	plan.RegStatistics:  {"statistics (org_id, indicator, year)"},
}

// pendingStats: the firms an import marks (register_pending) are what its
// end re-attributes the records naming them by; unknown to the planner, a
// batch's 20,000 marks were taken for one row and the organisation's
// contracts read once for each (minutes for an SME list after the
// contracts naming its firms).
const pendingStats = "register_pending (batch_id, what, key)"

// firstAnalyze is how many rows an import reads before it first refreshes
// PostgreSQL's statistics of its tables; then each time it has read twice
// as many.
const firstAnalyze = 20_000

// analyzeIfGrown refreshes PostgreSQL's statistics of the tables the
// import writes once it has read firstAnalyze rows, then whenever the
// rows read doubled. Without them the planner takes the rows the
// transaction added for absent and "org_id = $1" for a few rows: it
// looked each batch's keys up by reading every record of the organisation
// through another index (a hash join), so that an import slowed as the
// register grew — 5,000 patents a batch against the whole register. ANALYZE
// counts the transaction's own rows; what it writes is seen by other
// sessions only if the import commits. A doubling schedule analyses
// log₂(rows) times, each a sample of at most 30,000 rows. ANALYZE holds
// its lock on the table until the import ends: another import that
// analyses the same table (another organisation's list of the kind, or
// SMEs and certificates, which both add firms) waits at its ANALYZE until
// this one commits. The tables are always analysed in the order
// importTables lists them (a kind's own table, then enterprises,
// enterprise_names, register_pending), so two imports cannot wait for
// each other. SQLite keeps the stage as the outer loop of every lookup
// (CROSS JOIN) and needs none.
func (imp *importer) analyzeIfGrown(ctx context.Context, read int) error {
	if imp.s.dialect != Postgres || read < imp.nextAnalyze {
		return nil
	}
	imp.nextAnalyze = 2 * read
	for _, t := range importTables[imp.meta.Kind] {
		if _, err := imp.tx.ExecContext(ctx, `ANALYZE `+t); err != nil {
			return wrap(err, "analyze %s", t)
		}
	}
	return nil
}

// inConnTx is inTx on a connection of its own, for the bulk loading that
// works on the connection beside the transaction (PostgreSQL's COPY).
func (s *Store) inConnTx(ctx context.Context, fn func(conn *sql.Conn, tx *sql.Tx) error) error {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: unable to connect: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: unable to begin: %w", err)
	}
	defer s.txDone(tx) // as inTx: what is kept goes if the transaction changed it
	defer tx.Rollback()
	if err := fn(conn, tx); err != nil {
		return constraintError(err)
	}
	if err := tx.Commit(); err != nil {
		return constraintError(fmt.Errorf("store: unable to commit: %w", err))
	}
	return nil
}

func batchObject(kind plan.RegisterKind, id int64) string {
	return fmt.Sprintf("register:%s/batch:%d", kind, id)
}

// importer holds what one import needs across its batches.
type importer struct {
	s         *Store
	conn      *sql.Conn
	tx        *sql.Tx
	meta      ImportMeta
	org       int64 // the organisation imported into: its records, directory and tallies
	batch     int64
	attr      *plan.Attributor
	decisions decisions
	stages    map[string]*stage
	deltas    tallyDeltas
	firms     firmCache // fetchFirms' answers, for the later batches
	// nextAnalyze: rows read after which PostgreSQL's statistics of the
	// import's tables are refreshed (analyzeIfGrown).
	nextAnalyze int
	// enterprisesChanged: the import added or changed enterprises, whose
	// records are attributed again when it ends.
	enterprisesChanged bool
	// noRecords: when a 企业库 import began, no register held records
	// naming enterprises, so none need attributing again when it ends.
	noRecords bool
}

func (s *Store) newImporter(ctx context.Context, conn *sql.Conn, tx *sql.Tx, meta ImportMeta, by *auth.User) (*importer, error) {
	org := meta.Org
	if org == 0 {
		var err error
		if org, err = homeOrg(ctx, tx); err != nil {
			return nil, err
		}
	} else if !reaches(ctx, org) {
		return nil, plan.Errorf(plan.ENOTFOUND, "组织不存在（编号 %d）。", org)
	}
	attr, dec, err := loadAttribution(ctx, tx, org)
	if err != nil {
		return nil, err
	}
	var userID int64
	username := "system"
	if a, ok := ActorFrom(ctx); ok && a.Username != "" {
		userID, username = a.UserID, a.Username
	}
	if by != nil {
		userID, username = by.ID, by.Username
	}
	if s.dialect == Postgres {
		// A batch's records are found through their keys' indexes: priced
		// at the default cost of a random page (4, a spinning disk's), a
		// thousand probes look dearer than reading the whole register.
		if _, err := tx.ExecContext(ctx, `SET LOCAL random_page_cost = 1.1`); err != nil {
			return nil, wrap(err, "tune the import")
		}
	}
	imp := &importer{s: s, conn: conn, tx: tx, meta: meta, org: org, attr: attr, decisions: dec, stages: map[string]*stage{}, deltas: tallyDeltas{}, nextAnalyze: firstAnalyze}
	if meta.Kind == plan.RegEnterprises {
		if err := tx.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM smes WHERE org_id = $1) AND NOT EXISTS (SELECT 1 FROM hightech_certs WHERE org_id = $1)
			AND NOT EXISTS (SELECT 1 FROM contracts WHERE org_id = $1) AND NOT EXISTS (SELECT 1 FROM patents WHERE org_id = $1)
			AND NOT EXISTS (SELECT 1 FROM platforms WHERE org_id = $1)`, org).Scan(&imp.noRecords); err != nil {
			return nil, wrap(err, "look for records naming enterprises")
		}
	}
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO import_batches (kind, file_name, sha256, size, skip_invalid, user_id, username, imported_at, org_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		string(meta.Kind), meta.File, meta.SHA256, meta.Size, meta.SkipInvalid, nullID(userID), username, s.nowUTC(), org).Scan(&imp.batch); err != nil {
		return nil, wrap(err, "start the import of %s", meta.File)
	}
	return imp, nil
}

// stage returns the import's stage of the layout, creating it the first
// time.
func (imp *importer) stage(ctx context.Context, layout string, cols []stageCol) (*stage, error) {
	if st := imp.stages[layout]; st != nil {
		return st, nil
	}
	st, err := imp.s.newStage(ctx, imp.conn, imp.tx, layout, cols)
	if err != nil {
		return nil, err
	}
	imp.stages[layout] = st
	return st, nil
}

// staged loads rows into the layout's stage and runs query, in which
// {stage} names it.
func (imp *importer) staged(ctx context.Context, layout string, cols []stageCol, rows [][]any, query string, args ...any) error {
	st, err := imp.stage(ctx, layout, cols)
	if err != nil {
		return err
	}
	if err := st.load(ctx, rows); err != nil {
		return err
	}
	_, err = imp.tx.ExecContext(ctx, strings.ReplaceAll(query, "{stage}", st.name), imp.replanned(args)...)
	return wrap(err, "write staged %s", layout)
}

// fetch loads keys into the layout's stage and calls fn for each row of
// query, in which {stage} names it and $1 is the organisation imported into.
// Queries join the stage first by CROSS JOIN, which SQLite keeps as the
// outer loop: with org_id leading the tables' keys, its planner would
// otherwise take "org_id = $1" for a few rows and read the whole stage for
// each of the organisation's records.
func (imp *importer) fetch(ctx context.Context, layout string, cols []stageCol, keys [][]any, query string, fn func(*sql.Rows) error) error {
	if len(keys) == 0 {
		return nil
	}
	st, err := imp.stage(ctx, layout, cols)
	if err != nil {
		return err
	}
	if err := st.load(ctx, keys); err != nil {
		return err
	}
	err = eachRow(ctx, imp.tx, strings.ReplaceAll(query, "{stage}", st.name), fn, imp.replanned([]any{imp.org})...)
	return wrap(err, "look up staged %s", layout)
}

// replanned asks PostgreSQL to plan a statement that reads a stage each
// time it runs: a plan cached with the first batch, when the register was
// empty, would read the whole register for every later batch.
func (imp *importer) replanned(args []any) []any {
	if imp.s.dialect != Postgres {
		return args
	}
	return append([]any{pgx.QueryExecModeExec}, args...)
}

// write writes one batch of rows, or records their rejections, in order.
func (imp *importer) write(ctx context.Context, rows []plan.RegisterRow, res *ImportResult) error {
	for i := range rows {
		if rows[i].Origin.File == "" {
			rows[i].Origin.File = imp.meta.File
		}
		if len(rows[i].Problems) == 0 {
			if rows[i].Record == nil {
				return fmt.Errorf("store: row %d of %s has neither a record nor problems", rows[i].Origin.Row, rows[i].Origin.File)
			}
			if !recordMatchesKind(rows[i].Record, imp.meta.Kind) {
				return fmt.Errorf("store: row %d of %s holds a %T, not a record of %s", rows[i].Origin.Row, rows[i].Origin.File, rows[i].Record, imp.meta.Kind)
			}
		}
	}
	switch imp.meta.Kind {
	case plan.RegEnterprises:
		return imp.enterprises(ctx, rows, res)
	case plan.RegSMEs:
		return imp.smes(ctx, rows, res)
	case plan.RegHighTech:
		return imp.certs(ctx, rows, res)
	case plan.RegContracts:
		return imp.contracts(ctx, rows, res)
	case plan.RegPatents:
		return imp.patents(ctx, rows, res)
	case plan.RegPlatforms:
		return imp.platforms(ctx, rows, res)
	}
	return imp.statistics(ctx, rows, res)
}

// done counts a row's outcome, or its rejection, and its warnings.
func (imp *importer) done(res *ImportResult, row plan.RegisterRow, out outcome, problems []plan.RowProblem) {
	if len(problems) > 0 {
		imp.reject(res, row, problems)
		return
	}
	switch out {
	case outNew:
		res.New++
	case outUpdated:
		res.Updated++
	default:
		res.Unchanged++
	}
	if len(row.Warnings) > 0 {
		res.WarningRows++
		if len(res.Warnings) < MaxReported {
			res.Warnings = append(res.Warnings, Rejection{Origin: row.Origin, Problems: row.Warnings})
		}
	}
}

// finish brings attribution and the tallies up to date with what the
// import wrote, and drops its stages.
func (imp *importer) finish(ctx context.Context) error {
	if err := imp.flushTallies(ctx); err != nil {
		return err
	}
	switch imp.meta.Kind {
	case plan.RegSMEs:
		if err := linkPendingFirms(ctx, imp.tx, imp.org, imp.batch, plan.RegSMEs); err != nil {
			return err
		}
	case plan.RegHighTech:
		if err := linkPendingFirms(ctx, imp.tx, imp.org, imp.batch, plan.RegHighTech); err != nil {
			return err
		}
	}
	if imp.enterprisesChanged {
		if err := deriveForEnterprises(ctx, imp.tx, imp.org, imp.batch); err != nil {
			return err
		}
	}
	if err := refreshSpans(ctx, imp.tx, imp.org, imp.batch); err != nil {
		return err
	}
	for _, st := range imp.stages {
		if err := st.drop(ctx); err != nil {
			return err
		}
	}
	return nil
}

// outcome is what writing one record did.
type outcome int

const (
	outNew outcome = iota
	outUpdated
	outUnchanged
)

func recordMatchesKind(rec any, kind plan.RegisterKind) bool {
	switch rec.(type) {
	case *plan.Enterprise:
		return kind == plan.RegEnterprises
	case *plan.SMERecord:
		return kind == plan.RegSMEs
	case *plan.HighTechCert:
		return kind == plan.RegHighTech
	case *plan.Contract:
		return kind == plan.RegContracts
	case *plan.Patent:
		return kind == plan.RegPatents
	case *plan.Platform:
		return kind == plan.RegPlatforms
	case *plan.Statistic:
		return kind == plan.RegStatistics
	}
	return false
}

func (imp *importer) reject(res *ImportResult, row plan.RegisterRow, problems []plan.RowProblem) {
	res.Rejected++
	r := Rejection{Origin: row.Origin, Problems: problems}
	if len(res.Rejections) < MaxReported {
		res.Rejections = append(res.Rejections, r)
	}
	if imp.meta.OnReject != nil {
		r.Cells = row.Cells
		imp.meta.OnReject(r)
	}
}

// stored is a record as stored: its id (0 for a record written in this
// batch, not yet inserted), its canonical JSON and where it was last
// listed.
type stored struct {
	id     int64
	record string
	batch  int64
	sheet  string
	row    int
}

// duplicate is the problem of a row whose record an earlier row of the same
// import already wrote.
func (imp *importer) duplicate(st stored, column, key string) []plan.RowProblem {
	where := fmt.Sprintf("第%d行", st.row)
	if st.sheet != "" {
		where = fmt.Sprintf("工作表“%s”%s", st.sheet, where)
	}
	return []plan.RowProblem{{Column: column, Message: fmt.Sprintf("“%s”与本文件%s重复", key, where)}}
}

// listed is a stored record now listed by this import at the origin.
func (imp *importer) listed(st stored, rec string, o plan.Origin) stored {
	return stored{id: st.id, record: rec, batch: imp.batch, sheet: o.Sheet, row: o.Row}
}

// canonical is a record's stored content: its JSON with origin and
// attribution cleared, compared to tell unchanged records from updated ones.
func canonical(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("store: unable to encode a record: %w", err)
	}
	return string(b), nil
}

// dateProblems checks that the named dates are empty or YYYY-MM-DD.
func dateProblems(dates ...string) []plan.RowProblem {
	var out []plan.RowProblem
	for i := 0; i+1 < len(dates); i += 2 {
		if v := dates[i+1]; v != "" && !plan.IsCivilDate(v) {
			out = append(out, plan.RowProblem{Column: dates[i], Message: fmt.Sprintf("“%s”不是 YYYY-MM-DD 格式的日期", v)})
		}
	}
	return out
}

func required(column, value string) []plan.RowProblem {
	if strings.TrimSpace(value) == "" {
		return []plan.RowProblem{{Column: column, Message: "不能为空"}}
	}
	return nil
}

func pick(now, before string) string {
	if now != "" {
		return now
	}
	return before
}

func pickDecimal(now, before *plan.Decimal) *plan.Decimal {
	if now != nil {
		return now
	}
	return before
}

// Staged values: nil for NULL, int64 for integers.

func stagedMicros(d *plan.Decimal) any {
	if d == nil {
		return nil
	}
	return d.Micros()
}

func stagedID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// countUnattributed counts the register's records without a unit in the
// organisations the caller reaches.
func countUnattributed(ctx context.Context, q queryer, kind plan.RegisterKind) (int, error) {
	query := unattributedCount[kind]
	if query == "" {
		return 0, nil
	}
	cond, args := scopeFilter(ctx, "org_id", nil)
	var n int
	if err := q.QueryRowContext(ctx, query+cond, args...).Scan(&n); err != nil {
		return 0, wrap(err, "count unattributed %s", kind)
	}
	return n, nil
}

var unattributedCount = map[plan.RegisterKind]string{
	plan.RegEnterprises: `SELECT COUNT(*) FROM enterprises WHERE unit_id IS NULL`,
	plan.RegSMEs:        `SELECT COUNT(*) FROM smes WHERE unit_id IS NULL`,
	plan.RegHighTech:    `SELECT COUNT(*) FROM hightech_certs WHERE unit_id IS NULL`,
	plan.RegContracts:   `SELECT COUNT(*) FROM contracts WHERE seller_unit_id IS NULL AND (seller_enterprise_id IS NOT NULL OR seller_area_local)`,
	plan.RegPatents:     `SELECT COUNT(*) FROM patents WHERE NOT attributed`,
	plan.RegPlatforms:   `SELECT COUNT(*) FROM platforms WHERE unit_id IS NULL`,
}

// ImportBatch is one import as the register pages list it.
type ImportBatch struct {
	ID          int64
	Kind        plan.RegisterKind
	File        string
	SHA256      string
	Size        int64
	SkipInvalid bool
	Read        int
	New         int
	Updated     int
	Unchanged   int
	Rejected    int
	Username    string
	ImportedAt  string // UTC, RFC 3339
}

// ImportBatches lists a register's imports, newest first ("" for every
// register), at most limit (0: 100).
func (s *Store) ImportBatches(ctx context.Context, kind plan.RegisterKind, limit int) ([]ImportBatch, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []ImportBatch
	cond, args := scopeFilter(ctx, "org_id", []any{string(kind), limit})
	err := eachRow(ctx, s.read, `
		SELECT id, kind, file_name, sha256, size, skip_invalid, rows_read, rows_new, rows_updated, rows_unchanged, rows_rejected, username, imported_at
		FROM import_batches WHERE (kind = $1 OR $1 = '')`+cond+` ORDER BY id DESC LIMIT $2`, func(r *sql.Rows) error {
		var b ImportBatch
		var at sql.NullTime
		if err := r.Scan(&b.ID, &b.Kind, &b.File, &b.SHA256, &b.Size, &b.SkipInvalid, &b.Read, &b.New, &b.Updated, &b.Unchanged, &b.Rejected, &b.Username, &at); err != nil {
			return err
		}
		b.ImportedAt = at.Time.UTC().Format("2006-01-02T15:04:05Z")
		out = append(out, b)
		return nil
	}, args...)
	if err != nil {
		return nil, wrap(err, "list import batches")
	}
	return out, nil
}

// HeaderMapping returns the column mapping the organisation worked in
// remembers for a header shape (the reader's signature of a list's header
// row): header as written → field. found is false when none was saved.
func (s *Store) HeaderMapping(ctx context.Context, shape string) (mapping map[string]string, kind plan.RegisterKind, found bool, err error) {
	org, err := homeOrg(ctx, s.read)
	if err != nil {
		return nil, "", false, err
	}
	var raw string
	err = s.read.QueryRowContext(ctx, `SELECT kind, mapping FROM register_mappings WHERE org_id = $1 AND shape = $2`, org, shape).Scan(&kind, &raw)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, "", false, nil
	case err != nil:
		return nil, "", false, wrap(err, "read the mapping of shape %q", shape)
	}
	if err := json.Unmarshal([]byte(raw), &mapping); err != nil {
		return nil, "", false, wrap(err, "decode the mapping of shape %q", shape)
	}
	return mapping, kind, true, nil
}

// SaveHeaderMapping remembers, in the organisation worked in, the column
// mapping a person chose for a header shape, for its next list of the same
// shape.
func (s *Store) SaveHeaderMapping(ctx context.Context, kind plan.RegisterKind, shape string, mapping map[string]string) error {
	if !kind.Valid() {
		return plan.Errorf(plan.EINVALID, "台账类型“%s”不存在", kind)
	}
	if shape == "" {
		return plan.Errorf(plan.EINVALID, "表头格式不能为空")
	}
	b, err := json.Marshal(mapping)
	if err != nil {
		return wrap(err, "encode a header mapping")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		org, err := homeOrg(ctx, tx)
		if err != nil {
			return err
		}
		var old string
		tx.QueryRowContext(ctx, `SELECT mapping FROM register_mappings WHERE org_id = $1 AND shape = $2`, org, shape).Scan(&old)
		if _, err := tx.ExecContext(ctx, `DELETE FROM register_mappings WHERE org_id = $1 AND shape = $2`, org, shape); err != nil {
			return wrap(err, "save the mapping of shape %q", shape)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO register_mappings (org_id, shape, kind, mapping, updated_at) VALUES ($1, $2, $3, $4, $5)`,
			org, shape, string(kind), string(b), s.nowUTC()); err != nil {
			return wrap(err, "save the mapping of shape %q", shape)
		}
		return s.audit(ctx, tx, "register.mapping.save", "register_mapping:"+shape, json.RawMessage(orNull(old)), json.RawMessage(b))
	})
}

// ListCounts returns how many enterprises of the organisation worked in
// are on each list (培育库, 瞪羚 …) at asOf: entered on or before it and not
// left by then. The tasks that keep these lists show the counts.
func (s *Store) ListCounts(ctx context.Context, asOf string) (map[string]int, error) {
	org, err := homeOrg(ctx, s.read)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	err = eachRow(ctx, s.read, `
		SELECT m.list, COUNT(DISTINCT m.enterprise_id) FROM memberships m JOIN enterprises e ON e.id = m.enterprise_id
		WHERE e.org_id = $2 AND m.entered <= $1 AND (m.left_on = '' OR m.left_on > $1) GROUP BY m.list`, func(r *sql.Rows) error {
		var list string
		var n int
		if err := r.Scan(&list, &n); err != nil {
			return err
		}
		out[list] = n
		return nil
	}, asOf, org)
	if err != nil {
		return nil, wrap(err, "count list memberships")
	}
	return out, nil
}
