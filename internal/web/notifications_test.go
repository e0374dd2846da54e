package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"kechuang/internal/notify"
	"kechuang/internal/store/storetest"
)

// TestNotificationsPage clicks 催报 on the round page of a server wired to
// a real notifier, then reads the reminder as 三家店街道's reporter: the
// header's badge counts it until the reminders page has been seen.
func TestNotificationsPage(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	ctx := context.Background()
	s, err := New(f.store, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Version: "test", Reminder: notify.New(f.store, slog.New(slog.NewTextHandler(io.Discard, nil)))})
	if err != nil {
		t.Fatal(err)
	}
	wired := httptest.NewServer(s.Handler())
	defer wired.Close()
	f.srv.Close()
	f.srv = wired

	sjd := f.users["sjd"].UnitID
	admin := f.client(t, "admin")
	res, err := admin.PostForm(f.srv.URL+"/rounds/"+itoa(f.roundID)+"/remind", map[string][]string{"unit": {itoa(sjd)}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "reminded=1") {
		t.Fatalf("催报: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	c := f.client(t, "sjd")
	badge := `<span class="badge" title="未读提醒">`
	if _, body := get(t, c, f.srv.URL+"/plans"); !strings.Contains(body, badge+"1</span>") {
		t.Errorf("no badge of 1 in the header")
	}
	code, body := get(t, c, f.srv.URL+"/notifications")
	wantText := "【催报】请三家店街道于2022-08-05前完成“2022年7月调度”填报（2022年青云谱区科技创新基础大提升工作要点）。"
	if code != http.StatusOK || !strings.Contains(body, wantText) || !strings.Contains(body, `<a href="/forms/`+f.forms["三家店街道"]+`">去填报</a>`) ||
		!strings.Contains(body, `class="new"`) || strings.Contains(body, badge) {
		t.Fatalf("reminders page: %d\n%s", code, body)
	}
	if _, body := get(t, c, f.srv.URL+"/plans"); strings.Contains(body, badge) {
		t.Error("the badge stays after the reminders were seen")
	}
	if err := f.store.AddNotification(ctx, sjd, f.roundID, "【催报】第二条"); err != nil {
		t.Fatal(err)
	}
	if _, body := get(t, c, f.srv.URL+"/plans"); !strings.Contains(body, badge+"1</span>") {
		t.Error("a new reminder shows no badge")
	}
	if _, body := get(t, c, f.srv.URL+"/notifications"); strings.Count(body, "<time>") != 2 || strings.Count(body, `class="new"`) != 1 {
		t.Errorf("second visit:\n%s", body)
	}

	// Another unit sees none of it; a leader is told where reminders go.
	if _, body := get(t, f.client(t, "hd"), f.srv.URL+"/notifications"); !strings.Contains(body, "暂无提醒") {
		t.Errorf("洪都街道's page:\n%s", body)
	}
	if _, body := get(t, f.client(t, "leader"), f.srv.URL+"/notifications"); !strings.Contains(body, "催报提醒发给各填报单位") || strings.Contains(body, badge) {
		t.Errorf("leader's page:\n%s", body)
	}
}
