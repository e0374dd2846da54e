package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"modernc.org/sqlite/vtab"
)

// A stage is a batch of rows an import hands the database as a table, so
// that a thousand records are looked up, inserted or updated by one
// statement each instead of one statement per record. Only how a batch
// gets in differs between the databases; the statements that read the
// stage are the same:
//
//   - SQLite reads the batch where it lies, in Go memory, through a virtual
//     table (modernc.org/sqlite/vtab): nothing is bound or copied per value.
//     (Binding is what costs: the driver looks each $N parameter up by name,
//     so a statement of a thousand rows' parameters is slower than a
//     thousand statements.)
//   - PostgreSQL gets it with COPY into a temporary table of the
//     transaction. New records need no stage there: copyRows appends them
//     to their table.
type stage struct {
	name string
	cols []stageCol
	load func(ctx context.Context, rows [][]any) error
	drop func(ctx context.Context) error
}

type colType int

const (
	colText colType = iota
	colInt
	colBool
)

type stageCol struct {
	name string
	typ  colType
}

func (t colType) sql() string {
	switch t {
	case colInt:
		return "BIGINT"
	case colBool:
		return "BOOLEAN"
	}
	return "TEXT"
}

var stageSeq atomic.Int64

// newStage creates a stage for the columns on the transaction's
// connection. Values loaded are int64, string, bool or nil.
func (s *Store) newStage(ctx context.Context, conn *sql.Conn, tx *sql.Tx, layout string, cols []stageCol) (*stage, error) {
	name := fmt.Sprintf("kc_stage_%s_%d", layout, stageSeq.Add(1))
	var defs []string
	for _, c := range cols {
		defs = append(defs, c.name+" "+c.typ.sql())
	}
	st := &stage{name: name, cols: cols}
	switch s.dialect {
	case SQLite:
		b := &stagedRows{schema: "CREATE TABLE x (" + strings.Join(defs, ", ") + ")"}
		stagedBatches.Store(name, b)
		if _, err := tx.ExecContext(ctx, `CREATE VIRTUAL TABLE temp.`+name+` USING kc_stage(`+name+`)`); err != nil {
			stagedBatches.Delete(name)
			return nil, wrap(err, "create stage %s", name)
		}
		st.load = func(ctx context.Context, rows [][]any) error {
			b.rows = rows
			return nil
		}
		st.drop = func(ctx context.Context) error {
			defer stagedBatches.Delete(name)
			_, err := tx.ExecContext(ctx, `DROP TABLE temp.`+name)
			return wrap(err, "drop stage %s", name)
		}
	case Postgres:
		if _, err := tx.ExecContext(ctx, `CREATE TEMPORARY TABLE `+name+` (`+strings.Join(defs, ", ")+`) ON COMMIT DROP`); err != nil {
			return nil, wrap(err, "create stage %s", name)
		}
		names := make([]string, len(cols))
		for i, c := range cols {
			names[i] = c.name
		}
		st.load = func(ctx context.Context, rows [][]any) error {
			if _, err := tx.ExecContext(ctx, `TRUNCATE `+name); err != nil {
				return wrap(err, "empty stage %s", name)
			}
			if len(rows) == 0 {
				return nil
			}
			return wrap(copyRows(ctx, conn, name, nil, names, rows), "copy %d rows into stage %s", len(rows), name)
		}
		st.drop = func(context.Context) error { return nil } // dropped at commit
	}
	return st, nil
}

// copyRows appends rows to table on PostgreSQL by COPY, each row's values
// after lead (the same for every row) in the order of cols.
func copyRows(ctx context.Context, conn *sql.Conn, table string, lead []any, cols []string, rows [][]any) error {
	row := make([]any, len(lead), len(cols))
	copy(row, lead)
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*gatedConn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		_, err := c.Conn.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
			return append(row[:len(lead)], rows[i]...), nil
		}))
		return err
	})
}

// stagedRows is what a SQLite stage's virtual table serves: the schema
// declared when it was created and the batch loaded last.
type stagedRows struct {
	schema string
	rows   [][]any
}

// stagedBatches maps a stage's name to its rows. Each stage belongs to one
// import, which loads and reads it on its own connection, one statement
// at a time.
var stagedBatches sync.Map

func init() {
	if err := vtab.RegisterModule(nil, "kc_stage", stageModule{}); err != nil {
		panic(err)
	}
}

type stageModule struct{}

func (stageModule) Create(ctx vtab.Context, args []string) (vtab.Table, error) {
	if len(args) < 4 {
		return nil, fmt.Errorf("kc_stage: no stage named")
	}
	v, ok := stagedBatches.Load(args[3])
	if !ok {
		return nil, fmt.Errorf("kc_stage: no stage %q", args[3])
	}
	b := v.(*stagedRows)
	if err := ctx.Declare(b.schema); err != nil {
		return nil, err
	}
	return stageTable{b}, nil
}

func (m stageModule) Connect(ctx vtab.Context, args []string) (vtab.Table, error) {
	return m.Create(ctx, args)
}

type stageTable struct{ b *stagedRows }

func (t stageTable) BestIndex(info *vtab.IndexInfo) error {
	// A full scan, sized so that the planner reads the stage once and
	// looks its rows up in the indexed tables.
	info.EstimatedRows = int64(max(len(t.b.rows), 1))
	info.EstimatedCost = float64(info.EstimatedRows)
	return nil
}

func (t stageTable) Open() (vtab.Cursor, error) { return &stageCursor{b: t.b}, nil }
func (stageTable) Disconnect() error            { return nil }
func (stageTable) Destroy() error               { return nil }

type stageCursor struct {
	b   *stagedRows
	pos int
}

func (c *stageCursor) Filter(int, string, []vtab.Value) error { c.pos = 0; return nil }
func (c *stageCursor) Next() error                            { c.pos++; return nil }
func (c *stageCursor) Eof() bool                              { return c.pos >= len(c.b.rows) }
func (c *stageCursor) Rowid() (int64, error)                  { return int64(c.pos + 1), nil }
func (c *stageCursor) Close() error                           { return nil }

func (c *stageCursor) Column(i int) (vtab.Value, error) {
	row := c.b.rows[c.pos]
	if i >= len(row) {
		return nil, nil
	}
	return row[i], nil
}
