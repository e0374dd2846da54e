package store

import "time"

// SetClockForTest makes the store read the time from now. (Tests tamper
// with the audit log through ExecForTest in reminders_export_test.go.)
func (s *Store) SetClockForTest(now func() time.Time) { s.now = now }

// SetAuthRecheckForTest sets how often the store reads the auth version
// (authcache.go): 0 reads it on every request.
func (s *Store) SetAuthRecheckForTest(d time.Duration) { s.authRecheck = d }
