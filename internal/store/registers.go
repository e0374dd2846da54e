package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"

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
	SkipInvalid bool // write the valid rows and give the rejected back; default: all-or-nothing
	// OnReject, when set, receives every rejected row as it is found, so
	// that a caller can write the rejected rows back with their reasons
	// without the store holding them all.
	OnReject func(Rejection)
}

// Rejection is a row that was not written, with why.
type Rejection struct {
	Origin   plan.Origin       `json:"origin"`
	Problems []plan.RowProblem `json:"problems"`
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
// transaction. progress, when not nil, is called after each row with the
// number of rows read so far. An error from rows (the file could not be
// read) aborts the import whatever the mode.
//
// All-or-nothing (the default): if any row has problems — the reader's or
// the store's (a key missing, a date that is no date, a duplicate of an
// earlier row of the same file, a statistic for an unknown area) — nothing
// is written and the result, with every rejected row, comes back with an
// EINVALID error. With SkipInvalid the valid rows are written and the
// rejected ones returned. One audit entry records the batch and its counts.
func (s *Store) ImportRegister(ctx context.Context, meta ImportMeta, rows iter.Seq2[plan.RegisterRow, error], by *auth.User, progress func(n int)) (*ImportResult, error) {
	if !meta.Kind.Valid() {
		return nil, plan.Errorf(plan.EINVALID, "台账类型“%s”不存在", meta.Kind)
	}
	if strings.TrimSpace(meta.File) == "" {
		return nil, plan.Errorf(plan.EINVALID, "导入的文件没有名称")
	}
	res := &ImportResult{Kind: meta.Kind}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		imp, err := s.newImporter(ctx, tx, meta, by)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(id), 0) FROM import_batches WHERE sha256 = $1 AND kind = $2 AND id <> $3`,
			meta.SHA256, string(meta.Kind), imp.batch).Scan(&res.SameFileBatch); err != nil {
			return wrap(err, "look for earlier imports of %s", meta.File)
		}
		for row, err := range rows {
			if err != nil {
				return err
			}
			res.Read++
			if err := imp.row(ctx, row, res); err != nil {
				return err
			}
			if progress != nil {
				progress(res.Read)
			}
		}
		if res.Rejected > 0 && !meta.SkipInvalid {
			return errRejected
		}
		if err := linkAndDerive(ctx, tx); err != nil {
			return err
		}
		if res.Unattributed, err = countUnattributed(ctx, tx, meta.Kind); err != nil {
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

func batchObject(kind plan.RegisterKind, id int64) string {
	return fmt.Sprintf("register:%s/batch:%d", kind, id)
}

// importer holds what one import needs across its rows.
type importer struct {
	tx        *sql.Tx
	meta      ImportMeta
	batch     int64
	attr      *plan.Attributor
	decisions decisions
}

func (s *Store) newImporter(ctx context.Context, tx *sql.Tx, meta ImportMeta, by *auth.User) (*importer, error) {
	attr, dec, err := loadAttribution(ctx, tx)
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
	imp := &importer{tx: tx, meta: meta, attr: attr, decisions: dec}
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO import_batches (kind, file_name, sha256, size, skip_invalid, user_id, username, imported_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		string(meta.Kind), meta.File, meta.SHA256, meta.Size, meta.SkipInvalid, nullID(userID), username, s.nowUTC()).Scan(&imp.batch); err != nil {
		return nil, wrap(err, "start the import of %s", meta.File)
	}
	return imp, nil
}

// outcome is what writing one record did.
type outcome int

const (
	outNew outcome = iota
	outUpdated
	outUnchanged
)

// row writes one row, or records its rejection.
func (imp *importer) row(ctx context.Context, row plan.RegisterRow, res *ImportResult) error {
	origin := row.Origin
	if origin.File == "" {
		origin.File = imp.meta.File
	}
	if len(row.Problems) > 0 {
		imp.reject(res, origin, row.Problems)
		return nil
	}
	if row.Record == nil {
		return fmt.Errorf("store: row %d of %s has neither a record nor problems", origin.Row, origin.File)
	}
	if !recordMatchesKind(row.Record, imp.meta.Kind) {
		return fmt.Errorf("store: row %d of %s holds a %T, not a record of %s", origin.Row, origin.File, row.Record, imp.meta.Kind)
	}
	var (
		out      outcome
		problems []plan.RowProblem
		err      error
	)
	switch r := row.Record.(type) {
	case *plan.Enterprise:
		out, problems, err = imp.enterprise(ctx, *r, origin)
	case *plan.SMERecord:
		out, problems, err = imp.sme(ctx, *r, origin)
	case *plan.HighTechCert:
		out, problems, err = imp.cert(ctx, *r, origin)
	case *plan.Contract:
		out, problems, err = imp.contract(ctx, *r, origin)
	case *plan.Patent:
		out, problems, err = imp.patent(ctx, *r, origin)
	case *plan.Platform:
		out, problems, err = imp.platform(ctx, *r, origin)
	case *plan.Statistic:
		out, problems, err = imp.statistic(ctx, *r, origin)
	}
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		imp.reject(res, origin, problems)
		return nil
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
			res.Warnings = append(res.Warnings, Rejection{Origin: origin, Problems: row.Warnings})
		}
	}
	return nil
}

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

func (imp *importer) reject(res *ImportResult, origin plan.Origin, problems []plan.RowProblem) {
	res.Rejected++
	r := Rejection{Origin: origin, Problems: problems}
	if len(res.Rejections) < MaxReported {
		res.Rejections = append(res.Rejections, r)
	}
	if imp.meta.OnReject != nil {
		imp.meta.OnReject(r)
	}
}

// stored is a record as stored: its id, its canonical JSON and where it
// was last listed.
type stored struct {
	id     int64
	record string
	batch  int64
	sheet  string
	row    int
}

// lookup finds a stored record by the query (SELECT id, record, batch_id,
// sheet, row_no …); found is false when there is none.
func lookup(ctx context.Context, tx *sql.Tx, what, query string, args ...any) (st stored, found bool, err error) {
	err = tx.QueryRowContext(ctx, query, args...).Scan(&st.id, &st.record, &st.batch, &st.sheet, &st.row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return st, false, nil
	case err != nil:
		return st, false, wrap(err, "look up %s", what)
	}
	return st, true, nil
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

// touch points an unchanged record's origin at this list and row.
func (imp *importer) touch(ctx context.Context, table string, id int64, o plan.Origin) error {
	_, err := imp.tx.ExecContext(ctx, `UPDATE `+table+` SET batch_id = $1, sheet = $2, row_no = $3 WHERE id = $4`, imp.batch, o.Sheet, o.Row, id)
	return wrap(err, "mark %s %d as listed", table, id)
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

func nullMicros(d *plan.Decimal) sql.NullInt64 {
	if d == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: d.Micros(), Valid: true}
}

// countUnattributed counts the register's records without a unit.
func countUnattributed(ctx context.Context, q queryer, kind plan.RegisterKind) (int, error) {
	query := unattributedCount[kind]
	if query == "" {
		return 0, nil
	}
	var n int
	if err := q.QueryRowContext(ctx, query).Scan(&n); err != nil {
		return 0, wrap(err, "count unattributed %s", kind)
	}
	return n, nil
}

var unattributedCount = map[plan.RegisterKind]string{
	plan.RegEnterprises: `SELECT COUNT(*) FROM enterprises WHERE unit_id IS NULL`,
	plan.RegSMEs:        `SELECT COUNT(*) FROM smes WHERE unit_id IS NULL`,
	plan.RegHighTech:    `SELECT COUNT(*) FROM hightech_certs WHERE unit_id IS NULL`,
	plan.RegContracts:   `SELECT COUNT(*) FROM contracts WHERE seller_unit_id IS NULL AND (seller_enterprise_id IS NOT NULL OR seller_area_local)`,
	plan.RegPatents:     `SELECT COUNT(*) FROM patents p WHERE NOT EXISTS (SELECT 1 FROM patent_holders h WHERE h.patent_id = p.id AND h.unit_id IS NOT NULL)`,
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
	err := eachRow(ctx, s.read, `
		SELECT id, kind, file_name, sha256, size, skip_invalid, rows_read, rows_new, rows_updated, rows_unchanged, rows_rejected, username, imported_at
		FROM import_batches WHERE kind = $1 OR $1 = '' ORDER BY id DESC LIMIT $2`, func(r *sql.Rows) error {
		var b ImportBatch
		var at sql.NullTime
		if err := r.Scan(&b.ID, &b.Kind, &b.File, &b.SHA256, &b.Size, &b.SkipInvalid, &b.Read, &b.New, &b.Updated, &b.Unchanged, &b.Rejected, &b.Username, &at); err != nil {
			return err
		}
		b.ImportedAt = at.Time.UTC().Format("2006-01-02T15:04:05Z")
		out = append(out, b)
		return nil
	}, string(kind), limit)
	if err != nil {
		return nil, wrap(err, "list import batches")
	}
	return out, nil
}

// HeaderMapping returns the column mapping remembered for a header shape
// (the reader's signature of a list's header row): header as written →
// field. found is false when none was saved.
func (s *Store) HeaderMapping(ctx context.Context, shape string) (mapping map[string]string, kind plan.RegisterKind, found bool, err error) {
	var raw string
	err = s.read.QueryRowContext(ctx, `SELECT kind, mapping FROM register_mappings WHERE shape = $1`, shape).Scan(&kind, &raw)
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

// SaveHeaderMapping remembers the column mapping a person chose for a
// header shape, for the next list of the same shape.
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
		var old string
		tx.QueryRowContext(ctx, `SELECT mapping FROM register_mappings WHERE shape = $1`, shape).Scan(&old)
		if _, err := tx.ExecContext(ctx, `DELETE FROM register_mappings WHERE shape = $1`, shape); err != nil {
			return wrap(err, "save the mapping of shape %q", shape)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO register_mappings (shape, kind, mapping, updated_at) VALUES ($1, $2, $3, $4)`,
			shape, string(kind), string(b), s.nowUTC()); err != nil {
			return wrap(err, "save the mapping of shape %q", shape)
		}
		return s.audit(ctx, tx, "register.mapping.save", "register_mapping:"+shape, json.RawMessage(orNull(old)), json.RawMessage(b))
	})
}

// ListCounts returns how many enterprises are on each list (培育库, 瞪羚 …)
// at asOf: entered on or before it and not left by then. The tasks that
// keep these lists show the counts.
func (s *Store) ListCounts(ctx context.Context, asOf string) (map[string]int, error) {
	out := map[string]int{}
	err := eachRow(ctx, s.read, `
		SELECT list, COUNT(DISTINCT enterprise_id) FROM memberships
		WHERE entered <= $1 AND (left_on = '' OR left_on > $1) GROUP BY list`, func(r *sql.Rows) error {
		var list string
		var n int
		if err := r.Scan(&list, &n); err != nil {
			return err
		}
		out[list] = n
		return nil
	}, asOf)
	if err != nil {
		return nil, wrap(err, "count list memberships")
	}
	return out, nil
}
