package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWebhookWeCom(t *testing.T) {
	r := newRobot(t)
	s, err := ParseSettings(map[string]string{"webhook.kind": "wecom", "webhook.url": r.URL + "/cgi-bin/webhook/send?key=abc-123"})
	if err != nil {
		t.Fatal(err)
	}
	text := "【催报】测试“引号”与换行\n第二行"
	if err := postWebhook(context.Background(), http.DefaultClient, s, text, time.Now()); err != nil {
		t.Fatal(err)
	}
	posts := r.Posts()
	if len(posts) != 1 || posts[0].Path != "/cgi-bin/webhook/send" || posts[0].Query.Get("key") != "abc-123" || posts[0].Content != text {
		t.Fatalf("robot got %+v", posts)
	}
}

func TestWebhookDingTalkSigned(t *testing.T) {
	r := newRobot(t)
	s, err := ParseSettings(map[string]string{"webhook.kind": "dingtalk", "webhook.url": r.URL + "/robot/send?access_token=tok", "webhook.secret": "SECxyz"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.UnixMilli(1659600000123)
	if err := postWebhook(context.Background(), http.DefaultClient, s, "【催报】钉钉", now); err != nil {
		t.Fatal(err)
	}
	posts := r.Posts()
	if len(posts) != 1 {
		t.Fatalf("robot got %d posts", len(posts))
	}
	q := posts[0].Query
	// The robot's check: HMAC-SHA256 of "timestamp\nsecret" keyed by the secret.
	mac := hmac.New(sha256.New, []byte("SECxyz"))
	mac.Write([]byte(q.Get("timestamp") + "\nSECxyz"))
	if q.Get("access_token") != "tok" || q.Get("timestamp") != strconv.FormatInt(now.UnixMilli(), 10) ||
		q.Get("sign") != base64.StdEncoding.EncodeToString(mac.Sum(nil)) || posts[0].Content != "【催报】钉钉" {
		t.Errorf("robot got %+v", posts[0])
	}
}

func TestWebhookErrors(t *testing.T) {
	r := newRobot(t)
	s, _ := ParseSettings(map[string]string{"webhook.kind": "wecom", "webhook.url": r.URL + "/send?key=SECRETKEY"})
	ctx := context.Background()
	for _, c := range []struct {
		status int
		answer string
		want   string
	}{
		{http.StatusInternalServerError, "oops", "HTTP 500"},
		{http.StatusNotFound, "", "HTTP 404"},
		{http.StatusOK, `{"errcode":93000,"errmsg":"invalid webhook url"}`, "返回错误码 93000：invalid webhook url"},
		{http.StatusOK, `{"errcode":310000,"errmsg":"keywords not in content"}`, "310000"},
	} {
		r.Fail(c.status, c.answer)
		err := postWebhook(ctx, http.DefaultClient, s, "【催报】x", time.Now())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("status %d %s: error %v, want %q", c.status, c.answer, err, c.want)
		}
	}
	r.Close()
	err := postWebhook(ctx, http.DefaultClient, s, "【催报】x", time.Now())
	if err == nil || strings.Contains(err.Error(), "SECRETKEY") {
		t.Errorf("robot down: error %v (it must not show the key)", err)
	}
}

func TestSMTPChannels(t *testing.T) {
	serverTLS, clientTLS := testCert(t)
	for _, c := range []struct {
		name     string
		server   *smtpServer
		security string
		user     string
		secure   bool
	}{
		{"plain with login on loopback", &smtpServer{user: "kc", pass: "pw 1"}, SecurityNone, "kc", false},
		{"STARTTLS with login", &smtpServer{tls: serverTLS, user: "kc", pass: "pw 1"}, SecuritySTARTTLS, "kc", true},
		{"implicit TLS without login", &smtpServer{tls: serverTLS, implicit: true}, SecurityTLS, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := startSMTP(t, c.server)
			s, err := ParseSettings(map[string]string{"smtp.host": "127.0.0.1", "smtp.port": srv.Port(), "smtp.security": c.security,
				"smtp.username": c.user, "smtp.password": "pw 1", "smtp.from": "科创系统 <kc@kc.example>"})
			if err != nil {
				t.Fatal(err)
			}
			subject := "【催报】请于2022-08-05前完成“2022年7月调度”填报"
			body := "【催报】请三家店街道于2022-08-05前完成填报。\n第二行：😀"
			if err := sendMail(context.Background(), s, clientTLS, []string{"zhang@sjd.example", "李四 <li@sjd.example>"}, subject, body, time.Now()); err != nil {
				t.Fatal(err)
			}
			mails := srv.Mails()
			if len(mails) != 1 {
				t.Fatalf("server got %d mails", len(mails))
			}
			m := mails[0]
			if m.Subject != subject || m.Body != body || m.Secure != c.secure {
				t.Errorf("subject %q\nbody %q\nsecure %v", m.Subject, m.Body, m.Secure)
			}
			if !strings.HasPrefix(m.Header.Get("Subject"), "=?UTF-8?b?") {
				t.Errorf("subject header %q is not B-encoded", m.Header.Get("Subject"))
			}
			if m.From != "kc@kc.example" || strings.Join(m.Rcpt, ",") != "zhang@sjd.example,li@sjd.example" {
				t.Errorf("envelope %s → %v", m.From, m.Rcpt)
			}
			from, _ := m.Header.AddressList("From")
			to, _ := m.Header.AddressList("To")
			if len(from) != 1 || from[0].Name != "科创系统" || len(to) != 2 || to[1].Name != "李四" {
				t.Errorf("From %v To %v", from, to)
			}
		})
	}

	t.Run("wrong password", func(t *testing.T) {
		srv := startSMTP(t, &smtpServer{user: "kc", pass: "right"})
		s, _ := ParseSettings(map[string]string{"smtp.host": "127.0.0.1", "smtp.port": srv.Port(), "smtp.security": "none",
			"smtp.username": "kc", "smtp.password": "wrong", "smtp.from": "kc@kc.example"})
		err := sendMail(context.Background(), s, nil, []string{"a@b.example"}, "s", "b", time.Now())
		me, ok := err.(*mailError)
		if !ok || !me.setup || len(srv.Mails()) != 0 {
			t.Errorf("error %#v, want a setup failure", err)
		}
		if got := describe(err); got != "服务器拒绝：535 5.7.8 bad credentials" {
			t.Errorf("described as %q", got)
		}
	})
	t.Run("STARTTLS required but not offered", func(t *testing.T) {
		srv := startSMTP(t, &smtpServer{})
		s, _ := ParseSettings(map[string]string{"smtp.host": "127.0.0.1", "smtp.port": srv.Port(), "smtp.from": "kc@kc.example"})
		err := sendMail(context.Background(), s, clientTLS, []string{"a@b.example"}, "s", "b", time.Now())
		if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
			t.Errorf("error %v", err)
		}
	})
}
