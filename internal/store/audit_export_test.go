package store

import "time"

// SetClockForTest makes the store read the time from now. (Tests tamper
// with the audit log through ExecForTest in reminders_export_test.go.)
func (s *Store) SetClockForTest(now func() time.Time) { s.now = now }
