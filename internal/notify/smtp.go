package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"strconv"
	"strings"
	"time"
)

// smtpTimeout bounds one whole SMTP conversation.
const smtpTimeout = 60 * time.Second

// mailError is an SMTP failure. setup failures (connecting, STARTTLS,
// logging in) will fail every message the same way; the others concern
// one message.
type mailError struct {
	setup bool
	err   error
}

func (e *mailError) Error() string { return e.err.Error() }
func (e *mailError) Unwrap() error { return e.err }

// sendMail sends one plain-text UTF-8 message to the addresses in to
// through the configured server: implicit TLS or STARTTLS as configured,
// PLAIN authentication when a username is set. tlsConf, when not nil, is
// the base TLS configuration (tests trust their own certificate with it).
func sendMail(ctx context.Context, s Settings, tlsConf *tls.Config, to []string, subject, body string, now time.Time) error {
	from, err := mail.ParseAddress(s.SMTPFrom)
	if err != nil {
		return &mailError{setup: true, err: fmt.Errorf(msgBadFrom, s.SMTPFrom)}
	}
	var rcpts []*mail.Address
	for _, a := range to {
		if addr, err := mail.ParseAddress(a); err == nil {
			rcpts = append(rcpts, addr)
		}
	}
	if len(rcpts) == 0 {
		return &mailError{err: errors.New(msgNoRecipients)}
	}
	msg := buildMessage(from, rcpts, subject, body, now)

	ctx, cancel := context.WithTimeout(ctx, smtpTimeout)
	defer cancel()
	addr := net.JoinHostPort(s.SMTPHost, strconv.Itoa(s.SMTPPort))
	tc := &tls.Config{}
	if tlsConf != nil {
		tc = tlsConf.Clone()
	}
	tc.ServerName = s.SMTPHost
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	var conn net.Conn
	if s.SMTPSecurity == SecurityTLS {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: tc}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return &mailError{setup: true, err: err}
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	c, err := smtp.NewClient(conn, s.SMTPHost)
	if err != nil {
		return &mailError{setup: true, err: err}
	}
	defer c.Close()
	if err := c.Hello(helloName()); err != nil {
		return &mailError{setup: true, err: err}
	}
	if s.SMTPSecurity == SecuritySTARTTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return &mailError{setup: true, err: errors.New(msgNoSTARTTLS)}
		}
		if err := c.StartTLS(tc); err != nil {
			return &mailError{setup: true, err: err}
		}
	}
	if s.SMTPUsername != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return &mailError{setup: true, err: errors.New(msgNoAUTH)}
		}
		if err := c.Auth(smtp.PlainAuth("", s.SMTPUsername, s.SMTPPassword, s.SMTPHost)); err != nil {
			return &mailError{setup: true, err: err}
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return &mailError{err: err}
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r.Address); err != nil {
			return &mailError{err: fmt.Errorf("%s: %w", r.Address, err)}
		}
	}
	w, err := c.Data()
	if err != nil {
		return &mailError{err: err}
	}
	if _, err := w.Write(msg); err != nil {
		return &mailError{err: err}
	}
	if err := w.Close(); err != nil {
		return &mailError{err: err}
	}
	return c.Quit()
}

// buildMessage writes the message: headers with the subject and names
// B-encoded (RFC 2047), the body base64 so that any relay carries UTF-8
// untouched.
func buildMessage(from *mail.Address, to []*mail.Address, subject, body string, now time.Time) []byte {
	var b strings.Builder
	list := make([]string, len(to))
	for i, a := range to {
		list[i] = a.String()
	}
	domain := "kechuang"
	if at := strings.LastIndexByte(from.Address, '@'); at >= 0 {
		domain = from.Address[at+1:]
	}
	id := make([]byte, 12)
	rand.Read(id)
	header := [][2]string{
		{"From", from.String()},
		{"To", strings.Join(list, ", ")},
		{"Subject", mime.BEncoding.Encode("UTF-8", subject)},
		{"Date", now.Format(time.RFC1123Z)},
		{"Message-ID", "<" + hex.EncodeToString(id) + "@" + domain + ">"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=UTF-8"},
		{"Content-Transfer-Encoding", "base64"},
	}
	for _, h := range header {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	b.WriteString("\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(body, "\n", "\r\n")))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return []byte(b.String())
}

// helloName is the name kechuang gives in EHLO: this host's, when it is a
// plain host name; some servers refuse "localhost".
func helloName() string {
	name, err := os.Hostname()
	if err != nil || name == "" || strings.ContainsAny(name, " \r\n") {
		return "localhost"
	}
	return name
}
