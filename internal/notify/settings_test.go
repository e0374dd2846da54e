package notify

import (
	"reflect"
	"strings"
	"testing"

	"kechuang/internal/plan"
)

func TestSettingsParse(t *testing.T) {
	for _, c := range []struct {
		name string
		in   map[string]string
		want Settings // compared when no error is wanted
		errs []string // parts of the error message, one per problem
	}{
		{name: "nothing configured", in: map[string]string{},
			want: Settings{RemindHour: 9, SMTPSecurity: SecuritySTARTTLS}},
		{name: "everything", in: map[string]string{
			"base_url": "https://kc.example.gov.cn/", "remind.hour": "8",
			"webhook.kind": "dingtalk", "webhook.url": "https://oapi.dingtalk.com/robot/send?access_token=x", "webhook.secret": "SEC1",
			"smtp.host": "smtp.exmail.qq.com", "smtp.port": "465", "smtp.username": "kc@example.gov.cn", "smtp.password": " p w ",
			"smtp.from": "科创系统 <kc@example.gov.cn>", "smtp.security": "tls"},
			want: Settings{BaseURL: "https://kc.example.gov.cn", RemindHour: 8,
				WebhookKind: WebhookDingTalk, WebhookURL: "https://oapi.dingtalk.com/robot/send?access_token=x", WebhookSecret: "SEC1",
				SMTPHost: "smtp.exmail.qq.com", SMTPPort: 465, SMTPUsername: "kc@example.gov.cn", SMTPPassword: " p w ",
				SMTPFrom: "科创系统 <kc@example.gov.cn>", SMTPSecurity: SecurityTLS}},
		{name: "robot kind from its host, port from the security", in: map[string]string{
			"webhook.url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
			"smtp.host":   "mail.example", "smtp.from": "kc@example"},
			want: Settings{RemindHour: 9, WebhookKind: WebhookWeCom, WebhookURL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
				SMTPHost: "mail.example", SMTPPort: 587, SMTPFrom: "kc@example", SMTPSecurity: SecuritySTARTTLS}},
		{name: "bad URLs", in: map[string]string{"base_url": "kc.example", "webhook.url": "ftp://x/y", "webhook.kind": "wecom"},
			errs: []string{"“系统访问地址”“kc.example”", "Webhook 地址“ftp://x/y”"}},
		{name: "unknown robot host needs a kind", in: map[string]string{"webhook.url": "http://10.0.0.5/robot"},
			errs: []string{"请选择机器人类型"}},
		{name: "bad kind", in: map[string]string{"webhook.url": "http://10.0.0.5/robot", "webhook.kind": "slack"},
			errs: []string{"机器人类型“slack”无效"}},
		{name: "a secret is DingTalk's only", in: map[string]string{"webhook.url": "https://qyapi.weixin.qq.com/x", "webhook.secret": "SEC"},
			want: Settings{RemindHour: 9, WebhookKind: WebhookWeCom, WebhookURL: "https://qyapi.weixin.qq.com/x", SMTPSecurity: SecuritySTARTTLS}},
		{name: "bad SMTP", in: map[string]string{"smtp.host": "mail.example:25", "smtp.port": "七", "smtp.security": "ssl3", "remind.hour": "24"},
			errs: []string{"每日催报时间", "SMTP 加密方式“ssl3”", "SMTP 端口应为 1–65535 的整数，而不是“七”", "只填主机名或 IP", "必须填写发件人"}},
		{name: "port out of range, bad from", in: map[string]string{"smtp.host": "mail.example", "smtp.port": "70000", "smtp.from": "kc at example"},
			errs: []string{"而不是“70000”", "发件人地址“kc at example”无效"}},
		{name: "password in clear", in: map[string]string{"smtp.host": "mail.example", "smtp.from": "kc@example", "smtp.security": "none", "smtp.username": "kc"},
			errs: []string{"不加密的连接不能发送 SMTP 密码"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseSettings(c.in)
			if len(c.errs) == 0 {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if !reflect.DeepEqual(got, c.want) {
					t.Errorf("got  %+v\nwant %+v", got, c.want)
				}
				// What is saved reads back the same.
				if again, err := ParseSettings(got.Map()); err != nil || !reflect.DeepEqual(again, got) {
					t.Errorf("round trip: %+v, %v", again, err)
				}
				return
			}
			if plan.ErrorCode(err) != plan.EINVALID {
				t.Fatalf("error %v, want EINVALID", err)
			}
			msg := plan.ErrorMessage(err)
			if n := strings.Count(msg, "\n") + 1; n != len(c.errs) {
				t.Errorf("%d problems, want %d:\n%s", n, len(c.errs), msg)
			}
			for _, part := range c.errs {
				if !strings.Contains(msg, part) {
					t.Errorf("error lacks %q:\n%s", part, msg)
				}
			}
		})
	}
}
