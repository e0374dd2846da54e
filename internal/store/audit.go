package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The audit log (审计日志) records every change a store method makes, in the
// same transaction as the change: who made it, from where, what was changed
// and the changed part before and after. No method updates or deletes an
// entry. Each entry carries the hash of the entry before it, so an entry
// edited, removed or moved in the database breaks the chain and
// VerifyAuditLog names the first entry that no longer fits.
//
// The hash of an entry is the lowercase hex SHA-256 of the concatenation of
// these fields, each written as a netstring ("<length in bytes>:<bytes>,"):
//
//	"kechuang-audit-v1", prev_hash, at, user_id, username, remote, action, object, before, after
//
// at is the UTC time with six decimals, "2006-01-02T15:04:05.000000Z";
// user_id is decimal, "0" when the actor is no user; the rest are the stored
// text. The first entry's prev_hash is 64 zeros. The id is not hashed: the
// chain itself fixes the order. For example, in Python:
//
//	ns = lambda s: b"%d:%s," % (len(s.encode()), s.encode())
//	hashlib.sha256(b"".join(ns(f) for f in fields)).hexdigest()
//
// The chain proves that no entry was changed or removed before the last
// one; it cannot show that entries were cut from the end or the whole chain
// rewritten. Keep the latest hash (the audit page shows it) somewhere else
// to anchor it.

// auditVersion opens every hashed entry, so that a later change of the
// canonical form can be told apart.
const auditVersion = "kechuang-audit-v1"

// genesisHash is the prev_hash of the first entry.
var genesisHash = strings.Repeat("0", 64)

// auditLock is the PostgreSQL advisory lock key ("kc-audit" in ASCII) that
// serialises appends across app instances: each append reads the last hash
// and must not race another.
const auditLock = 0x6b632d6175646974

// Actor is who makes a change; the web layer and the CLI put it on the
// context, and every audit entry records it.
type Actor struct {
	UserID   int64  // 0 when not a user (the CLI, an anonymous login attempt)
	Username string // "" for an anonymous caller
	Remote   string // client IP for web requests, "" otherwise
}

type actorKey struct{}

// WithActor returns a context carrying the actor of the changes made with it.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor on the context, if any.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// AuditEntry is one entry of the audit log. Before and After are JSON, ""
// when the object did not exist before or does not after.
type AuditEntry struct {
	ID       int64
	At       time.Time
	UserID   int64
	Username string
	Remote   string
	Action   string // "plan.goal.update": what was done, dotted from general to specific
	Object   string // "plan:3/goal:12": what it was done to
	Before   string
	After    string
	PrevHash string
	Hash     string
}

// computeHash returns the entry's hash in the canonical form above.
func (e *AuditEntry) computeHash() string {
	h := sha256.New()
	for _, f := range []string{
		auditVersion, e.PrevHash, e.At.UTC().Format("2006-01-02T15:04:05.000000Z"),
		strconv.FormatInt(e.UserID, 10), e.Username, e.Remote, e.Action, e.Object, e.Before, e.After,
	} {
		fmt.Fprintf(h, "%d:%s,", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// audit appends an entry to the audit log inside the caller's transaction.
// before and after are the changed part (nil when absent), encoded as JSON;
// callers pass records that hold no password hashes or secrets. Call it
// last in the transaction: on PostgreSQL it takes the append lock, held
// until commit, and a transaction that waits for nothing after taking it
// cannot deadlock on it. The actor comes from the context (WithActor);
// without one the entry is made by "system".
//
// audit is a method because only the store knows its database: PostgreSQL
// needs the lock, SQLite's single writer connection already serialises
// appends.
func (s *Store) audit(ctx context.Context, tx *sql.Tx, action, object string, before, after any) error {
	e := AuditEntry{At: s.nowUTC(), Action: action, Object: object, Username: "system"}
	if a, ok := ActorFrom(ctx); ok {
		e.UserID, e.Remote, e.Username = a.UserID, a.Remote, a.Username
		if e.Username == "" {
			e.Username = "anonymous"
		}
	}
	var err error
	if e.Before, err = auditJSON(before); err != nil {
		return fmt.Errorf("store: unable to encode the audit record of %s: %w", object, err)
	}
	if e.After, err = auditJSON(after); err != nil {
		return fmt.Errorf("store: unable to encode the audit record of %s: %w", object, err)
	}
	// The data version's row is locked before the auth version's and both
	// before the audit lock, as SaveForm does when it counts a change
	// itself: one order, no deadlock.
	if err := touchData(ctx, tx, action); err != nil {
		return err
	}
	if authAction(action) {
		if err := s.authChanged(ctx, tx); err != nil {
			return err
		}
	}
	if s.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(auditLock)); err != nil {
			return fmt.Errorf("store: unable to take the audit lock: %w", err)
		}
	}
	err = tx.QueryRowContext(ctx, `SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&e.PrevHash)
	if errors.Is(err, sql.ErrNoRows) {
		e.PrevHash, err = genesisHash, nil
	}
	if err != nil {
		return fmt.Errorf("store: unable to read the last audit entry: %w", err)
	}
	e.Hash = e.computeHash()
	// The organisation acted in is kept for filtering the log, outside
	// the hash: entries from before organisations keep their hashes.
	var org sql.NullInt64
	if sc, ok := ScopeFrom(ctx); ok {
		org = nullID(sc.Org)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO audit_log (at, user_id, username, remote, action, object, before, after, prev_hash, hash, org_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.At, nullID(e.UserID), e.Username, e.Remote, e.Action, e.Object, e.Before, e.After, e.PrevHash, e.Hash, org); err != nil {
		return fmt.Errorf("store: unable to append to the audit log: %w", err)
	}
	return nil
}

// auditJSON encodes a record for the log: "" for nil (or a nil pointer),
// JSON without HTML escaping otherwise, so Chinese and <> read as written.
func auditJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	out := strings.TrimSuffix(buf.String(), "\n")
	if out == "null" {
		return "", nil
	}
	return out, nil
}

// AuditFilter selects audit entries. Empty fields select everything.
type AuditFilter struct {
	Username string    // exactly
	Action   string    // the action or its dotted prefix: "plan" matches "plan.goal.update"
	Object   string    // the object or its prefix up to ':' or '/': "plan:3" matches "plan:3/goal:12", not "plan:30"
	From, To time.Time // From ≤ at < To
	Limit    int       // entries per page: 50 when 0, at most 1000
	Offset   int
}

// MaxAuditPage is the most entries AuditLog returns at once.
const MaxAuditPage = 1000

const auditColumns = `id, at, COALESCE(user_id, 0), username, remote, action, object, before, after, prev_hash, hash`

func scanAuditEntry(r interface{ Scan(...any) error }) (AuditEntry, error) {
	var e AuditEntry
	err := r.Scan(&e.ID, &e.At, &e.UserID, &e.Username, &e.Remote, &e.Action, &e.Object, &e.Before, &e.After, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return e, err
}

// AuditLog returns one page of the entries f selects, newest first, and
// how many it selects in all.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, int, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Username != "" {
		where = append(where, "username = "+arg(f.Username))
	}
	if f.Action != "" {
		where = append(where, fmt.Sprintf(`(action = %s OR action LIKE %s ESCAPE '\')`, arg(f.Action), arg(likeEscape(f.Action)+".%")))
	}
	if f.Object != "" {
		where = append(where, fmt.Sprintf(`(object = %s OR object LIKE %s ESCAPE '\' OR object LIKE %s ESCAPE '\')`,
			arg(f.Object), arg(likeEscape(f.Object)+":%"), arg(likeEscape(f.Object)+"/%")))
	}
	if !f.From.IsZero() {
		where = append(where, "at >= "+arg(f.From.UTC()))
	}
	if !f.To.IsZero() {
		where = append(where, "at < "+arg(f.To.UTC()))
	}
	// Within a scope: the entries made in it. Entries of no organisation
	// (before organisations, the CLI, logins) are the root's.
	if _, ok := ScopeFrom(ctx); ok {
		var cond string
		cond, args = scopeFilter(ctx, "COALESCE(org_id, (SELECT MIN(id) FROM orgs WHERE parent_id IS NULL))", args)
		where = append(where, "1 = 1"+cond)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: unable to count audit entries: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, MaxAuditPage)
	query := `SELECT ` + auditColumns + ` FROM audit_log` + cond +
		` ORDER BY id DESC LIMIT ` + arg(limit) + ` OFFSET ` + arg(max(f.Offset, 0))
	var out []AuditEntry
	if err := eachRow(ctx, s.read, query, func(r *sql.Rows) error {
		e, err := scanAuditEntry(r)
		if err != nil {
			return err
		}
		out = append(out, e)
		return nil
	}, args...); err != nil {
		return nil, 0, fmt.Errorf("store: unable to read the audit log: %w", err)
	}
	return out, total, nil
}

// likeEscape escapes LIKE's wildcards (and the escape character '\').
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// VerifyAuditLog walks the audit log in order and checks each entry's link
// to the one before and its own hash. It returns how many entries held and,
// when one does not, its ID (firstBad; 0 when the chain is intact). An entry
// changed in place shows as that entry; one removed, or changed with its
// hash recomputed, shows as the entry after it.
func (s *Store) VerifyAuditLog(ctx context.Context) (checked int, firstBad int64, err error) {
	prev := genesisHash
	errStop := errors.New("stop")
	err = eachRow(ctx, s.read, `SELECT `+auditColumns+` FROM audit_log ORDER BY id`, func(r *sql.Rows) error {
		e, err := scanAuditEntry(r)
		if err != nil {
			return err
		}
		if e.PrevHash != prev || e.computeHash() != e.Hash {
			firstBad = e.ID
			return errStop
		}
		prev = e.Hash
		checked++
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return checked, 0, fmt.Errorf("store: unable to verify the audit log: %w", err)
	}
	return checked, firstBad, nil
}
