package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"
)

// SQLite connections keep the statements they prepare. modernc.org/sqlite
// parses every query it is handed anew, and under load parsing was a fifth
// of the server's time (the same few dozen queries, thousands of times a
// second); pgx caches statements itself. A cached statement is used by one
// query at a time: a query that finds it busy (its rows still open, as in
// eachRow calling the same query) prepares one of its own.

// maxCachedStatements bounds each connection's statements; import stages,
// which name a table per import, come and go.
const maxCachedStatements = 256

// cachingConnector opens the SQLite driver's connections wrapped.
type cachingConnector struct {
	dsn string
	drv driver.Driver
}

func openCachingSQLite(dsn string) (*sql.DB, error) {
	probe, err := sql.Open("sqlite", "")
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	probe.Close()
	return sql.OpenDB(cachingConnector{dsn: dsn, drv: drv}), nil
}

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	inner, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: inner, stmts: map[string]*cachedStmt{}}, nil
}

func (c cachingConnector) Driver() driver.Driver { return c.drv }

type cachingConn struct {
	driver.Conn
	stmts map[string]*cachedStmt
	order []string // oldest first
}

type cachedStmt struct {
	stmt driver.Stmt
	busy bool
}

// stmt returns a prepared statement for query and what to call when done
// with it.
func (c *cachingConn) stmt(ctx context.Context, query string) (driver.Stmt, func(), error) {
	if cs := c.stmts[query]; cs != nil && !cs.busy {
		cs.busy = true
		return cs.stmt, func() { cs.busy = false }, nil
	}
	st, err := c.prepare(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	if _, cached := c.stmts[query]; cached || strings.Contains(query, ";") {
		// Busy, or a script of several statements: used once.
		return st, func() { st.Close() }, nil
	}
	c.evict()
	cs := &cachedStmt{stmt: st, busy: true}
	c.stmts[query] = cs
	c.order = append(c.order, query)
	return st, func() { cs.busy = false }, nil
}

func (c *cachingConn) prepare(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.Conn.Prepare(query)
}

// evict closes the oldest idle statements while the cache is full.
func (c *cachingConn) evict() {
	for len(c.stmts) >= maxCachedStatements {
		i := 0
		for i < len(c.order) && c.stmts[c.order[i]].busy {
			i++
		}
		if i == len(c.order) {
			return
		}
		q := c.order[i]
		c.stmts[q].stmt.Close()
		delete(c.stmts, q)
		c.order = append(c.order[:i], c.order[i+1:]...)
	}
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	st, done, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	defer done()
	if se, ok := st.(driver.StmtExecContext); ok {
		return se.ExecContext(ctx, args)
	}
	return nil, errors.New("store: statement cannot execute with a context")
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	st, done, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	sq, ok := st.(driver.StmtQueryContext)
	if !ok {
		done()
		return nil, errors.New("store: statement cannot query with a context")
	}
	rows, err := sq.QueryContext(ctx, args)
	if err != nil {
		done()
		return nil, err
	}
	return &doneRows{Rows: rows, done: done}, nil
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.prepare(ctx, query)
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return c.Conn.Begin()
}

func (c *cachingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *cachingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *cachingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *cachingConn) Close() error {
	for _, cs := range c.stmts {
		cs.stmt.Close()
	}
	c.stmts, c.order = nil, nil
	return c.Conn.Close()
}

// doneRows gives its statement back when closed.
type doneRows struct {
	driver.Rows
	done func()
}

func (r *doneRows) Close() error {
	err := r.Rows.Close()
	if r.done != nil {
		r.done()
		r.done = nil
	}
	return err
}
