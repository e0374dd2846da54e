package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/notify"
	"kechuang/internal/plan"
)

// seenCookie remembers, per browser, until when a reporter has seen their
// unit's reminders: "userID.unixMicro". The header's badge counts those
// after it, so the count costs no write per page and no extra column.
const seenCookie = "kechuang_seen"

// unreadWindow is how far back the badge looks when the browser has seen
// nothing yet.
const unreadWindow = 30 * 24 * time.Hour

// notificationItem is a reminder as the page shows it.
type notificationItem struct {
	When string
	Text string
	Link string // the form's address when the message gives one
	New  bool
}

// notificationList shows a reporter their unit's in-app reminders (催报),
// newest first, and marks them seen; others learn where reminders go.
func (s *Server) notificationList(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if !hasInbox(u) {
		s.render(w, r, http.StatusOK, "notifications", map[string]any{"Reporter": false})
		return
	}
	list, err := s.store.Notifications(r.Context(), u.UnitID, 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	seen := seenSince(r, u)
	items := make([]notificationItem, len(list))
	for i, n := range list {
		text, link := notify.SplitLink(n.Message)
		items[i] = notificationItem{When: n.CreatedAt.In(plan.Zone).Format("2006-01-02 15:04"), Text: text, Link: link, New: n.CreatedAt.After(seen)}
	}
	http.SetCookie(w, &http.Cookie{
		Name: seenCookie, Value: fmt.Sprintf("%d.%d", u.ID, time.Now().UnixMicro()), Path: "/",
		MaxAge: int(unreadWindow / time.Second), HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	s.render(w, r, http.StatusOK, "notifications", map[string]any{"Reporter": true, "Items": items})
}

// hasInbox reports whether u receives reminders: a reporter bound to a unit.
func hasInbox(u *auth.User) bool {
	return u != nil && u.Role == auth.RoleReporter && u.UnitID != 0
}

// seenSince is when this browser last showed u the reminders page, at most
// unreadWindow ago.
func seenSince(r *http.Request, u *auth.User) time.Time {
	since := time.Now().Add(-unreadWindow)
	c, err := r.Cookie(seenCookie)
	if err != nil {
		return since
	}
	id, at, ok := strings.Cut(c.Value, ".")
	micro, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || id != strconv.FormatInt(u.ID, 10) {
		return since
	}
	if t := time.UnixMicro(micro); t.After(since) {
		return t
	}
	return since
}

// unreadCount is the header's badge: a reporter's reminders since they last
// looked. One indexed query, for reporters only; a failure shows no badge.
func (s *Server) unreadCount(r *http.Request, u *auth.User) int {
	if !hasInbox(u) || r.URL.Path == "/notifications" {
		return 0
	}
	n, err := s.store.CountNotificationsSince(r.Context(), u.UnitID, seenSince(r, u))
	if err != nil {
		s.log.Warn("unread reminders", "user", u.Username, "err", err)
		return 0
	}
	return n
}

// reviewCount is the header's 待我审核 badge: for administrators and
// reporters (lead units) only; a failure shows no badge.
func (s *Server) reviewCount(r *http.Request, u *auth.User) int {
	if u == nil || (u.Role != auth.RoleAdmin && !hasInbox(u)) {
		return 0
	}
	n, err := s.store.ReviewCount(r.Context(), u)
	if err != nil {
		s.log.Warn("review queue count", "user", u.Username, "err", err)
		return 0
	}
	return n
}
