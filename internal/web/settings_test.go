package web

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"kechuang/internal/store/storetest"
)

// TestSettingsPage saves reminder settings, keeps the secrets out of the
// page, and sends a test message to a robot on loopback.
func TestSettingsPage(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	ctx := context.Background()
	admin := f.client(t, "admin")

	var mu sync.Mutex
	var posts []string
	robot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var msg struct {
			MsgType string `json:"msgtype"`
			Text    struct {
				Content string `json:"content"`
			} `json:"text"`
		}
		json.NewDecoder(r.Body).Decode(&msg)
		mu.Lock()
		posts = append(posts, msg.MsgType+":"+msg.Text.Content)
		mu.Unlock()
		w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	defer robot.Close()
	// A port nothing listens on, for a mail server that is down.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	deadPort := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	form := url.Values{
		"base_url": {"https://kc.example.gov.cn"}, "remind.hour": {"8"},
		"webhook.kind": {"wecom"}, "webhook.url": {robot.URL + "/cgi-bin/webhook/send?key=k"},
		"smtp.host": {"127.0.0.1"}, "smtp.port": {itoa(int64(deadPort))}, "smtp.security": {"none"},
		"smtp.from": {"科创系统 <kc@kc.example>"}, "smtp.password": {"授权码-123"},
	}
	post := func(path string, v url.Values) (int, string) {
		t.Helper()
		res, err := admin.PostForm(f.srv.URL+path, v)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := res.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		if res.StatusCode == http.StatusSeeOther {
			return res.StatusCode, res.Header.Get("Location")
		}
		return res.StatusCode, b.String()
	}

	// Wrong values: every problem is told, what was typed stays.
	bad := url.Values{"smtp.host": {"mail.example"}, "smtp.port": {"七"}, "webhook.url": {"not a url"}, "base_url": {"kc"}}
	code, body := post("/settings", bad)
	if code != http.StatusBadRequest || !strings.Contains(body, "SMTP 端口应为 1–65535 的整数，而不是“七”") ||
		!strings.Contains(body, "必须填写发件人") || !strings.Contains(body, `value="七"`) {
		t.Fatalf("bad settings: %d\n%s", code, body)
	}
	if m, _ := f.store.Settings(ctx, 1); len(m) != 0 {
		t.Fatalf("refused settings were saved: %v", m)
	}

	// 发送测试 with the settings as typed, before saving.
	test := url.Values{"test_to": {"me@kc.example"}}
	for k, v := range form {
		test[k] = v
	}
	code, body = post("/settings/test", test)
	if code != http.StatusOK || !strings.Contains(body, "企业微信机器人：成功") || !strings.Contains(body, "邮件：失败，连接被拒绝") {
		t.Fatalf("test send: %d\n%s", code, body)
	}
	if strings.Contains(body, "授权码-123") {
		t.Error("the test page shows the password")
	}
	mu.Lock()
	if len(posts) != 1 || !strings.HasPrefix(posts[0], "text:【催报】科创系统测试消息") {
		t.Errorf("robot got %q", posts)
	}
	mu.Unlock()
	if m, _ := f.store.Settings(ctx, 1); len(m) != 0 {
		t.Fatalf("a test saved the settings: %v", m)
	}

	// Save; the password is kept but never shown.
	if code, loc := post("/settings", form); code != http.StatusSeeOther || loc != "/settings?saved" {
		t.Fatalf("save: %d %s", code, loc)
	}
	m, _ := f.store.Settings(ctx, 1)
	if m["smtp.password"] != "授权码-123" || m["webhook.kind"] != "wecom" || m["remind.hour"] != "8" || m["smtp.port"] != itoa(int64(deadPort)) {
		t.Errorf("saved %v", m)
	}
	code, body = get(t, admin, f.srv.URL+"/settings")
	if code != http.StatusOK || strings.Contains(body, "授权码-123") || !strings.Contains(body, "已设置，留空则不变") ||
		!strings.Contains(body, `value="https://kc.example.gov.cn"`) || !strings.Contains(body, `<option value="wecom" selected>`) {
		t.Errorf("settings page:\n%s", body)
	}
	// Saving again with the password left empty keeps it; the box clears it.
	form.Set("smtp.password", "")
	post("/settings", form)
	if m, _ := f.store.Settings(ctx, 1); m["smtp.password"] != "授权码-123" {
		t.Errorf("an empty password field changed it to %q", m["smtp.password"])
	}
	form.Set("clear:smtp.password", "1")
	post("/settings", form)
	if m, _ := f.store.Settings(ctx, 1); m["smtp.password"] != "" {
		t.Errorf("the clear box left %q", m["smtp.password"])
	}
}
