package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/lru"
	"kechuang/internal/plan"
)

// Every request asks who is calling (a session or an API token), what that
// user reaches (the organisation tree) and whose the object it names is
// (ObjectOrg, FormResource). The store keeps the answers in memory —
// identities by the hash of their secret, the tree, forms' resources and
// objects' organisations — for as long as nothing that could change them
// has changed:
//
//   - A change made through this store (a logout, a user created, changed,
//     disabled or given a new password, a token revoked, an organisation or
//     a unit added, moved, renamed or deleted, a directory imported) drops
//     everything kept the moment its transaction commits: the next request
//     reads the database again.
//   - The same changes bump auth_version in their transaction. Every
//     instance reads that counter when authRecheck has passed since it last
//     did, and drops everything kept when it has moved: a change made on
//     another instance (or by the command line) takes effect here within
//     authRecheck.
//   - Expiry is checked on every use, against the expiry read with the
//     identity.
//
// An entry is stamped with the generation current when its read began, so
// a read racing a change is never kept past it.

// authRecheck bounds how long a change made by another instance sharing
// the database (or the command line) goes unseen here: a logout, a
// disabled user, a revoked token, a changed role, unit or organisation.
const authRecheck = time.Second

// maxIdentities, maxForms and maxObjects bound the identities, form
// resources and objects' organisations kept; the least recently used go.
const (
	maxIdentities = 10000
	maxForms      = 10000
	maxObjects    = 10000
)

// authActions are the audited actions that change who is signed in or what
// they reach — users (and their tokens and logins), organisations, units
// (deleting one unbinds its reporters) and directory imports — or whose
// forms are whose and which units lead their tasks (FormResource): plan
// edits and the directory changes that re-resolve plans (every rewrite of
// assignments is one of these), and rounds, which make and delete forms.
var authActions = []string{"user.", "org.", "unit.", "group.", "directory.", "plan.", "round."}

type authCache struct {
	epoch   time.Time
	gen     atomic.Int64 // moves whenever what is kept may be stale
	checked atomic.Int64 // when auth_version was last read, since epoch
	mu      sync.Mutex
	version int64 // auth_version as last read
	tree    *plan.OrgTree
	treeGen int64
	idents  *lru.Cache[string, identity]
	forms   *lru.Cache[string, formAuth]  // FormResource, by public ID
	objects *lru.Cache[string, objectOrg] // ObjectOrg, by "name|value"
	// pending holds the write transactions that made a change above, to
	// drop what is kept once they commit.
	pending sync.Map // *sql.Tx → struct{}
}

// identity is a session's or token's user as read, with what decides
// whether it still holds.
type identity struct {
	gen     int64
	user    auth.User
	expires time.Time
	tokenID int64
	used    time.Time // a token's last use as last written
}

func newAuthCache() *authCache {
	c := &authCache{epoch: time.Now(), version: -1, idents: lru.New[string, identity](maxIdentities), forms: lru.New[string, formAuth](maxForms),
		objects: lru.New[string, objectOrg](maxObjects)}
	c.checked.Store(-int64(authRecheck))
	return c
}

// authGen is the generation what is kept must carry to be used, having
// read auth_version if authRecheck has passed.
func (s *Store) authGen(ctx context.Context) (int64, error) {
	c := s.auth
	since := time.Since(c.epoch)
	if since-time.Duration(c.checked.Load()) < s.authRecheck {
		return c.gen.Load(), nil
	}
	var v int64
	if err := s.read.QueryRowContext(ctx, `SELECT version FROM auth_version WHERE id = 1`).Scan(&v); err != nil {
		return 0, wrap(err, "read the auth version")
	}
	c.mu.Lock()
	if v != c.version {
		c.version = v
		c.gen.Add(1)
	}
	c.checked.Store(int64(since))
	c.mu.Unlock()
	return c.gen.Load(), nil
}

// authChanged counts a change of who is signed in or what they reach, in
// the transaction making it: other instances see auth_version move, and
// this one drops what it keeps when the transaction commits (inTx).
func (s *Store) authChanged(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `UPDATE auth_version SET version = version + 1 WHERE id = 1`); err != nil {
		return wrap(err, "count the change of users")
	}
	s.auth.pending.Store(tx, struct{}{})
	return nil
}

// txDone drops what is kept if tx changed it; inTx calls it once tx has
// committed or rolled back.
func (s *Store) txDone(tx *sql.Tx) {
	if _, ok := s.auth.pending.LoadAndDelete(tx); ok {
		s.auth.gen.Add(1)
	}
}

func authAction(action string) bool {
	for _, p := range authActions {
		if strings.HasPrefix(action, p) {
			return true
		}
	}
	return false
}

// cachedIdentity returns the user kept for key, if it still holds at now.
func (s *Store) cachedIdentity(key string, gen int64, now time.Time) (identity, bool) {
	id, ok := s.auth.idents.Get(key)
	if !ok || id.gen != gen || !now.Before(id.expires) {
		return identity{}, false
	}
	return id, true
}

// keepIdentity keeps id for key unless a newer one is kept already.
func (s *Store) keepIdentity(key string, id identity) {
	s.auth.idents.Put(key, id, func(old identity) bool { return old.gen > id.gen })
}

// formAuth is a form's authorization resource as read, whatever the
// reader's scope.
type formAuth struct {
	gen int64
	res auth.Resource
}

// cachedOrgs is the organisation tree, read again when it may have changed.
func (s *Store) cachedOrgs(ctx context.Context) (*plan.OrgTree, error) {
	gen, err := s.authGen(ctx)
	if err != nil {
		return nil, err
	}
	c := s.auth
	c.mu.Lock()
	tree, treeGen := c.tree, c.treeGen
	c.mu.Unlock()
	if tree != nil && treeGen == gen {
		return tree, nil
	}
	tree, err = loadOrgs(ctx, s.read)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.tree == nil || c.treeGen <= gen {
		c.tree, c.treeGen = tree, gen
	}
	c.mu.Unlock()
	return tree, nil
}
