package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"syscall"

	"kechuang/internal/store"
)

// settingLabels name the settings in messages, as the settings form does.
var settingLabels = map[string]string{
	KeyBaseURL: "系统访问地址", KeyRemindHour: "每日催报时间", KeyWebhookKind: "机器人类型", KeyWebhookURL: "Webhook 地址",
	KeyWebhookSecret: "加签密钥", KeySMTPHost: "SMTP 服务器", KeySMTPPort: "SMTP 端口", KeySMTPUsername: "SMTP 用户名",
	KeySMTPPassword: "SMTP 密码或授权码", KeySMTPFrom: "发件人", KeySMTPSecurity: "SMTP 加密方式",
}

// The Chinese text of reminders and of this package's errors, in one place.
const (
	msgWeCom    = "企业微信机器人"
	msgDingTalk = "钉钉机器人"
	msgMail     = "邮件"

	msgBadHour         = "“每日催报时间”应为 0–23 的整数，而不是“%s”"
	msgBadBaseURL      = "“系统访问地址”“%s”不是有效的 http(s) 网址"
	msgBadWebhookURL   = "机器人 Webhook 地址“%s”不是有效的 http(s) 网址"
	msgNoWebhookKind   = "请选择机器人类型：企业微信或钉钉"
	msgBadWebhookKind  = "机器人类型“%s”无效，应为企业微信（wecom）或钉钉（dingtalk）"
	msgBadSecurity     = "SMTP 加密方式“%s”无效"
	msgBadPort         = "SMTP 端口应为 1–65535 的整数，而不是“%s”"
	msgBadSMTPHost     = "SMTP 服务器“%s”无效：只填主机名或 IP，端口另填"
	msgNoFrom          = "填写了 SMTP 服务器时必须填写发件人地址"
	msgBadFrom         = "发件人地址“%s”无效，应如 kc@example.gov.cn 或 科创系统 <kc@example.gov.cn>"
	msgPasswordInClear = "不加密的连接不能发送 SMTP 密码：请选择 STARTTLS 或 SSL/TLS"
	msgTooLong         = "“%s”最多 %d 字"

	msgBadKind        = "催报类型“%s”无效"
	msgChannelError   = "%s发送失败：%s"
	msgMailUnit       = "%s（%s）"
	msgMailSkipped    = "其余 %d 个单位的邮件未发送"
	msgNoSTARTTLS     = "服务器不支持 STARTTLS"
	msgNoAUTH         = "服务器不支持登录认证（AUTH）"
	msgHTTPStatus     = "服务器返回 HTTP %d"
	msgErrcode        = "返回错误码 %d：%s"
	msgTimeout        = "连接超时"
	msgWebhookInvalid = "Webhook 地址无效"
	msgNoSuchHost     = "找不到服务器“%s”"
	msgRefused        = "连接被拒绝：地址或端口不对，或服务未启动"
	msgBadCert        = "服务器证书无法验证：%v"
	msgServerSaid     = "服务器拒绝：%d %s"
	msgNoRecipients   = "没有有效的收件地址"

	msgTestWebhook   = "【催报】科创系统测试消息：%s配置正确，催报将发送到本群。"
	msgTestSubject   = "【催报】科创系统测试邮件"
	msgTestBody      = "这是科创系统发送的测试邮件：SMTP 配置正确，各单位的催报邮件将由此发出。"
	msgTestNoMailTo  = "未填写测试收件地址，未发送"
	msgTestSentGroup = "已发送到群，请在群里查看"
	msgTestSentMail  = "已发送到 %s，请查收"
	msgMailFooter    = "\n\n此邮件由科创系统自动发送，请勿直接回复。"
)

// unitMessage is the reminder a unit reads in the app and by e-mail.
func unitMessage(kind string, p store.PendingUnit, link string) string {
	var b strings.Builder
	if kind == store.ReminderDue {
		fmt.Fprintf(&b, "【催报】“%s”填报今天（%s）截止，请%s尽快完成填报（%s）。", p.RoundLabel, p.DueOn, p.UnitName, p.PlanTitle)
	} else {
		fmt.Fprintf(&b, "【催报】请%s于%s前完成“%s”填报（%s）。", p.UnitName, p.DueOn, p.RoundLabel, p.PlanTitle)
	}
	if link != "" {
		b.WriteString(linkLabel + link)
	}
	return b.String()
}

// linkLabel comes before a form's address at the end of a message.
const linkLabel = store.LinkLabel

// SplitLink splits a reminder into its text and the form's address at its
// end ("" when it has none), so that a page can show the address as a link.
func SplitLink(message string) (text, link string) {
	i := strings.LastIndex(message, linkLabel)
	if i < 0 {
		return message, ""
	}
	link = message[i+len(linkLabel):]
	if !strings.HasPrefix(link, "/") && !strings.HasPrefix(link, "https://") && !strings.HasPrefix(link, "http://") {
		return message, ""
	}
	return message[:i], link
}

// mailSubject is the subject of a unit's reminder e-mail.
func mailSubject(p store.PendingUnit) string {
	return fmt.Sprintf("【催报】请于%s前完成“%s”填报", p.DueOn, p.RoundLabel)
}

// groupMessages are the reminders posted to the group robot: one message
// naming every unit reminded, split when it would pass the robots' length
// limit (企业微信 2048 bytes).
func groupMessages(kind string, units []store.PendingUnit, baseURL string) []string {
	if len(units) == 0 {
		return nil
	}
	first := units[0]
	head := func(n int) string {
		if kind == store.ReminderDue {
			return fmt.Sprintf("【催报】“%s”（%s）填报今天（%s）截止，以下%d个单位尚未完成：", first.RoundLabel, first.PlanTitle, first.DueOn, n)
		}
		return fmt.Sprintf("【催报】“%s”（%s）填报截止日期为%s，以下%d个单位尚未完成：", first.RoundLabel, first.PlanTitle, first.DueOn, n)
	}
	tail := "。请尽快登录科创系统填报。"
	if baseURL != "" {
		tail += "\n系统地址：" + baseURL
	}
	const limit = 2000
	var out []string
	for len(units) > 0 {
		n := len(units)
		for n > 1 && len(message(head(n), units[:n], tail)) > limit {
			n--
		}
		out = append(out, message(head(n), units[:n], tail))
		units = units[n:]
	}
	return out
}

func message(head string, units []store.PendingUnit, tail string) string {
	names := make([]string, len(units))
	for i, u := range units {
		// The contact named beside the unit: whom the group should chase.
		names[i] = u.UnitName
		if c := strings.TrimSpace(u.Contact + " " + u.Phone); c != "" {
			names[i] += "（" + c + "）"
		}
	}
	return head + strings.Join(names, "、") + tail
}

// describe says in Chinese what a sending error means, for the common
// network and protocol failures; others keep their own text.
func describe(err error) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var protoErr *textproto.Error
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr):
		return fmt.Sprintf(msgNoSuchHost, dnsErr.Name)
	case errors.Is(err, syscall.ECONNREFUSED):
		return msgRefused
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return msgTimeout
	case errors.As(err, &certErr):
		return fmt.Sprintf(msgBadCert, certErr.Err)
	case errors.As(err, &protoErr):
		return fmt.Sprintf(msgServerSaid, protoErr.Code, protoErr.Msg)
	}
	return err.Error()
}
