package notify

import (
	"context"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// Webhook kinds: the group robots kechuang can post to.
const (
	WebhookWeCom    = "wecom"    // 企业微信群机器人
	WebhookDingTalk = "dingtalk" // 钉钉群机器人
)

// SMTP connection security.
const (
	SecuritySTARTTLS = "starttls" // plain connection upgraded with STARTTLS (port 587, or 25)
	SecurityTLS      = "tls"      // TLS from the first byte (port 465), as most Chinese mail services offer
	SecurityNone     = "none"     // no encryption: only for a relay on the same host or a trusted intranet
)

// Keys of the settings table that Settings reads and writes; forms use
// them as field names.
const (
	KeyBaseURL       = "base_url"
	KeyRemindHour    = "remind.hour"
	KeyWebhookKind   = "webhook.kind"
	KeyWebhookURL    = "webhook.url"
	KeyWebhookSecret = "webhook.secret"
	KeySMTPHost      = "smtp.host"
	KeySMTPPort      = "smtp.port"
	KeySMTPUsername  = "smtp.username"
	KeySMTPPassword  = "smtp.password"
	KeySMTPFrom      = "smtp.from"
	KeySMTPSecurity  = "smtp.security"
)

const defaultRemindHour = 9

// maxSetting bounds each setting's text: a webhook URL with its key is
// the longest, at about 150 characters.
const maxSetting = 1000

// Keys lists every key Settings reads, in the order a form shows them.
func Keys() []string {
	return []string{KeyBaseURL, KeyRemindHour, KeyWebhookKind, KeyWebhookURL, KeyWebhookSecret,
		KeySMTPHost, KeySMTPPort, KeySMTPSecurity, KeySMTPUsername, KeySMTPPassword, KeySMTPFrom}
}

// Settings say where reminders go besides the in-app list: a group robot's
// webhook and an SMTP server. An empty webhook URL or SMTP host turns that
// channel off. They are read from the settings table and validated as a
// whole (ParseSettings), so a saved configuration is always usable.
type Settings struct {
	// BaseURL is how users reach kechuang (https://kc.example.gov.cn);
	// links in reminders start with it. Empty: links are paths only.
	BaseURL string
	// RemindHour is the earliest hour of the day (Asia/Shanghai) at which
	// scheduled reminders go out; 9 unless set.
	RemindHour int

	WebhookKind   string // WebhookWeCom or WebhookDingTalk
	WebhookURL    string // the robot's address, with its key or access_token
	WebhookSecret string // DingTalk 加签 secret (SEC…); optional

	SMTPHost     string
	SMTPPort     int
	SMTPUsername string // empty: no authentication
	SMTPPassword string
	SMTPFrom     string // 科创系统 <kc@example.gov.cn>, or a bare address
	SMTPSecurity string // SecuritySTARTTLS, SecurityTLS or SecurityNone
}

// WebhookOn reports whether reminders are posted to a group robot.
func (s Settings) WebhookOn() bool { return s.WebhookURL != "" }

// SMTPOn reports whether reminders are e-mailed.
func (s Settings) SMTPOn() bool { return s.SMTPHost != "" }

// WebhookLabel is the robot's Chinese name.
func (s Settings) WebhookLabel() string {
	if s.WebhookKind == WebhookDingTalk {
		return msgDingTalk
	}
	return msgWeCom
}

// ParseSettings reads settings from the table's key/value pairs (or a
// form's), fills defaults and checks them as a whole. The error, EINVALID,
// lists every problem, one per line; the settings are returned with it so
// that a form can show what was typed.
func ParseSettings(m map[string]string) (Settings, error) {
	get := func(k string) string { return strings.TrimSpace(m[k]) }
	s := Settings{
		BaseURL:       strings.TrimRight(get(KeyBaseURL), "/"),
		WebhookKind:   get(KeyWebhookKind),
		WebhookURL:    get(KeyWebhookURL),
		WebhookSecret: get(KeyWebhookSecret),
		SMTPHost:      get(KeySMTPHost),
		SMTPUsername:  get(KeySMTPUsername),
		SMTPPassword:  m[KeySMTPPassword], // a password may have spaces at its ends
		SMTPFrom:      get(KeySMTPFrom),
		SMTPSecurity:  get(KeySMTPSecurity),
		RemindHour:    defaultRemindHour,
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, k := range Keys() {
		if utf8.RuneCountInString(m[k]) > maxSetting {
			bad(msgTooLong, settingLabels[k], maxSetting)
		}
	}

	if v := get(KeyRemindHour); v != "" {
		h, err := strconv.Atoi(v)
		if err != nil || h < 0 || h > 23 {
			bad(msgBadHour, v)
		} else {
			s.RemindHour = h
		}
	}
	if s.BaseURL != "" && !httpURL(s.BaseURL) {
		bad(msgBadBaseURL, s.BaseURL)
	}

	if s.WebhookURL != "" {
		if !httpURL(s.WebhookURL) {
			bad(msgBadWebhookURL, s.WebhookURL)
		}
		if s.WebhookKind == "" {
			s.WebhookKind = guessWebhookKind(s.WebhookURL)
		}
	}
	switch s.WebhookKind {
	case "", WebhookWeCom, WebhookDingTalk:
		if s.WebhookURL != "" && s.WebhookKind == "" {
			bad(msgNoWebhookKind)
		}
	default:
		bad(msgBadWebhookKind, s.WebhookKind)
	}
	if s.WebhookKind != WebhookDingTalk {
		s.WebhookSecret = "" // only DingTalk signs; a secret left from one is dropped
	}

	switch s.SMTPSecurity {
	case "":
		s.SMTPSecurity = SecuritySTARTTLS
	case SecuritySTARTTLS, SecurityTLS, SecurityNone:
	default:
		bad(msgBadSecurity, s.SMTPSecurity)
	}
	if v := get(KeySMTPPort); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			bad(msgBadPort, v)
		} else {
			s.SMTPPort = p
		}
	}
	if s.SMTPHost != "" {
		if strings.ContainsAny(s.SMTPHost, " /:") && net.ParseIP(s.SMTPHost) == nil {
			bad(msgBadSMTPHost, s.SMTPHost)
		}
		if s.SMTPPort == 0 && get(KeySMTPPort) == "" {
			s.SMTPPort = map[string]int{SecuritySTARTTLS: 587, SecurityTLS: 465, SecurityNone: 25}[s.SMTPSecurity]
		}
		if s.SMTPFrom == "" {
			bad(msgNoFrom)
		} else if _, err := mail.ParseAddress(s.SMTPFrom); err != nil {
			bad(msgBadFrom, s.SMTPFrom)
		}
		if s.SMTPUsername != "" && s.SMTPSecurity == SecurityNone && !isLocalhost(s.SMTPHost) {
			bad(msgPasswordInClear)
		}
	}
	if len(problems) > 0 {
		return s, plan.Errorf(plan.EINVALID, "%s", strings.Join(problems, "\n"))
	}
	return s, nil
}

// Map is the settings as the table's key/value pairs.
func (s Settings) Map() map[string]string {
	port := ""
	if s.SMTPPort != 0 {
		port = strconv.Itoa(s.SMTPPort)
	}
	return map[string]string{
		KeyBaseURL:       s.BaseURL,
		KeyRemindHour:    strconv.Itoa(s.RemindHour),
		KeyWebhookKind:   s.WebhookKind,
		KeyWebhookURL:    s.WebhookURL,
		KeyWebhookSecret: s.WebhookSecret,
		KeySMTPHost:      s.SMTPHost,
		KeySMTPPort:      port,
		KeySMTPUsername:  s.SMTPUsername,
		KeySMTPPassword:  s.SMTPPassword,
		KeySMTPFrom:      s.SMTPFrom,
		KeySMTPSecurity:  s.SMTPSecurity,
	}
}

// LoadSettings reads an organisation's saved settings.
func LoadSettings(ctx context.Context, st *store.Store, org int64) (Settings, error) {
	m, err := st.Settings(ctx, org)
	if err != nil {
		return Settings{}, err
	}
	return ParseSettings(m)
}

// SaveSettings checks and saves an organisation's settings, all or nothing.
func SaveSettings(ctx context.Context, st *store.Store, org int64, s Settings) error {
	s, err := ParseSettings(s.Map())
	if err != nil {
		return err
	}
	return st.SaveSettings(ctx, org, s.Map())
}

// FormLink is the address of a form, for messages: the base URL (when
// set) and /forms/{public_id}; "" when the unit has no form yet.
func (s Settings) FormLink(publicID string) string {
	if publicID == "" {
		return ""
	}
	return s.BaseURL + "/forms/" + url.PathEscape(publicID)
}

func httpURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

func guessWebhookKind(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return ""
	}
	switch {
	case strings.HasSuffix(u.Hostname(), "weixin.qq.com"):
		return WebhookWeCom
	case strings.HasSuffix(u.Hostname(), "dingtalk.com"):
		return WebhookDingTalk
	}
	return ""
}

func isLocalhost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
