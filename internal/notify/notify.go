// Package notify sends reminders (催报) to the units of a reporting round
// that have not reported: in the app, to a WeCom or DingTalk group robot,
// and by e-mail. Run schedules them: remind_days before a round's due date
// and on the date itself, once however many app instances run (a lease
// picks the instance that looks, and a claim per round, unit, kind and day
// makes each reminder go out once).
package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"kechuang/internal/metrics"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// Notifier sends reminders. Set its exported fields, if at all, before
// Run.
type Notifier struct {
	store *store.Store
	log   *slog.Logger

	// Interval is how often Run looks for reminders due; a minute unless
	// set. The scheduler's lease lasts two intervals.
	Interval time.Duration
	// Now is the clock; time.Now unless set.
	Now func() time.Time
	// Holder names this instance in the lease; random unless set.
	Holder string

	client    *http.Client
	tlsConfig *tls.Config // base TLS configuration for SMTP; nil: the system's roots

	sent, failed *metrics.Counter // by channel; nil until Instrument
}

// Instrument counts the reminders sent and failed, by channel (app, email,
// webhook), in reg.
func (n *Notifier) Instrument(reg *metrics.Registry) {
	n.sent = reg.NewCounter("kechuang_reminders_sent_total", "Reminders (催报) sent, by channel.", "channel")
	n.failed = reg.NewCounter("kechuang_reminder_failures_total", "Reminders (催报) that failed, by channel.", "channel")
}

// count records a send on a channel, failed when err is not nil.
func (n *Notifier) count(channel string, err error) {
	switch {
	case err != nil && n.failed != nil:
		n.failed.Inc(channel)
	case err == nil && n.sent != nil:
		n.sent.Inc(channel)
	}
}

// New returns a notifier sending through the settings saved in st.
func New(st *store.Store, log *slog.Logger) *Notifier {
	return &Notifier{
		store:    st,
		log:      log,
		Interval: time.Minute,
		Now:      time.Now,
		Holder:   instanceName(),
		client:   &http.Client{Timeout: webhookTimeout},
	}
}

func instanceName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// SendError says which channels failed while the others went on. Its
// message is Chinese, holds no secrets, and is fit to show an
// administrator.
type SendError struct {
	Failures []string
}

func (e *SendError) Error() string { return strings.Join(e.Failures, "；") }

// Remind reminds the units of an open round that have not reported — the
// given ones, or all of them when unitIDs is empty — and returns how many
// it reminded. kind is store.ReminderBeforeDue or store.ReminderDue (the
// scheduler's, once per unit and day) or store.ReminderManual (the 催报
// button, once per unit and minute, so that repeated clicks do not spam).
//
// Each unit is first claimed, then told on every configured channel: in
// the app, by e-mail to its users with an address, and in one message to
// the group robot naming every unit reminded. A failed channel does not
// stop the others; the failures come back as a *SendError beside the count.
func (n *Notifier) Remind(ctx context.Context, roundID int64, unitIDs []int64, kind string) (int, error) {
	switch kind {
	case store.ReminderBeforeDue, store.ReminderDue, store.ReminderManual:
	default:
		return 0, plan.Errorf(plan.EINVALID, msgBadKind, kind)
	}
	// Once started, finish: a unit claimed but not told would not be told
	// again (the 催报 button's request may end before the mail is out).
	// Every send has its own timeout.
	ctx = context.WithoutCancel(ctx)
	settings, err := n.roundSettings(ctx, roundID)
	if err != nil {
		return 0, err
	}
	pending, err := n.store.PendingUnits(ctx, roundID)
	if err != nil {
		return 0, err
	}
	if len(unitIDs) > 0 {
		pending = slices.DeleteFunc(pending, func(p store.PendingUnit) bool { return !slices.Contains(unitIDs, p.UnitID) })
	}
	now := n.Now()
	day := now.In(plan.Zone).Format(time.DateOnly)
	if kind == store.ReminderManual {
		day = now.In(plan.Zone).Format("2006-01-02 15:04")
	}

	var reminded []store.PendingUnit
	var failures []string
	mailDown := false // a connection or login failure: the rest would fail the same way
	mailSkipped := 0
	for _, p := range pending {
		ok, err := n.store.ClaimReminder(ctx, roundID, p.UnitID, kind, day)
		if err != nil {
			return len(reminded), errors.Join(err, sendError(failures))
		}
		if !ok {
			continue
		}
		reminded = append(reminded, p)
		text := unitMessage(kind, p, settings.FormLink(p.FormPublicID))
		err = n.store.AddNotification(ctx, p.UnitID, roundID, text)
		n.count("app", err)
		if err != nil {
			return len(reminded), errors.Join(err, sendError(failures))
		}
		if !settings.SMTPOn() || len(p.Emails) == 0 {
			continue
		}
		if mailDown {
			mailSkipped++
			continue
		}
		err = sendMail(ctx, settings, n.tlsConfig, p.Emails, mailSubject(p), text+msgMailFooter, now)
		n.count("email", err)
		if err != nil {
			n.log.Warn("reminder e-mail failed", "round", roundID, "unit", p.UnitName, "err", err)
			failures = append(failures, fmt.Sprintf(msgChannelError, fmt.Sprintf(msgMailUnit, msgMail, p.UnitName), describe(err)))
			var me *mailError
			mailDown = errors.As(err, &me) && me.setup
		}
	}
	if mailSkipped > 0 {
		failures = append(failures, fmt.Sprintf(msgMailSkipped, mailSkipped))
	}
	if settings.WebhookOn() {
		for _, text := range groupMessages(kind, reminded, settings.BaseURL) {
			err := postWebhook(ctx, n.client, settings, text, now)
			n.count("webhook", err)
			if err != nil {
				n.log.Warn("reminder webhook failed", "round", roundID, "kind", settings.WebhookKind, "err", err)
				failures = append(failures, fmt.Sprintf(msgChannelError, settings.WebhookLabel(), describe(err)))
				break
			}
		}
	}
	return len(reminded), sendError(failures)
}

func sendError(failures []string) error {
	if len(failures) == 0 {
		return nil
	}
	return &SendError{Failures: failures}
}

// TestResult is the outcome of a test message on one channel.
type TestResult struct {
	Channel string // 企业微信机器人, 钉钉机器人, 邮件
	OK      bool
	Detail  string // the error, or where the message went
}

// SendTest sends a test message on every channel s configures — to the
// robot, and to mailTo when given — and says how each went. It lets an
// administrator try settings before saving them.
func SendTest(ctx context.Context, s Settings, mailTo string) []TestResult {
	return (&Notifier{client: &http.Client{Timeout: webhookTimeout}}).sendTest(ctx, s, mailTo)
}

func (n *Notifier) sendTest(ctx context.Context, s Settings, mailTo string) []TestResult {
	var out []TestResult
	now := time.Now()
	if s.WebhookOn() {
		r := TestResult{Channel: s.WebhookLabel(), OK: true, Detail: msgTestSentGroup}
		if err := postWebhook(ctx, n.client, s, fmt.Sprintf(msgTestWebhook, s.WebhookLabel()), now); err != nil {
			r.OK, r.Detail = false, describe(err)
		}
		out = append(out, r)
	}
	if s.SMTPOn() && strings.TrimSpace(mailTo) == "" {
		out = append(out, TestResult{Channel: msgMail, Detail: msgTestNoMailTo})
	}
	if s.SMTPOn() && strings.TrimSpace(mailTo) != "" {
		r := TestResult{Channel: msgMail, OK: true, Detail: fmt.Sprintf(msgTestSentMail, strings.TrimSpace(mailTo))}
		if err := sendMail(ctx, s, n.tlsConfig, []string{strings.TrimSpace(mailTo)}, msgTestSubject, msgTestBody+msgMailFooter, now); err != nil {
			r.OK, r.Detail = false, describe(err)
		}
		out = append(out, r)
	}
	return out
}

// leaseName is the lease the instances compete for to run the scheduler.
const leaseName = "reminders"

// Run is the reminder scheduler: every Interval it tries to hold the
// "reminders" lease (for two intervals, renewed while it runs), and the
// instance that holds it sends the reminders due today (Asia/plan.Zone),
// from the configured hour on, for every open round. It returns when ctx
// ends.
func (n *Notifier) Run(ctx context.Context) {
	interval := n.Interval
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n.tick(ctx, interval)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// tick is one look for reminders due.
func (n *Notifier) tick(ctx context.Context, interval time.Duration) {
	held, err := n.store.AcquireLease(ctx, leaseName, n.Holder, 2*interval)
	if err != nil {
		if ctx.Err() == nil {
			n.log.Warn("reminder lease", "err", err)
		}
		return
	}
	if !held {
		return
	}
	// Keep the lease while working: sending to many units may take longer
	// than the lease lasts, and another instance must not start meanwhile.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	go n.holdLease(ctx, interval, stop)

	now := n.Now().In(plan.Zone)
	due, err := n.store.DueRounds(ctx, now.Format(time.DateOnly))
	if err != nil {
		if ctx.Err() == nil {
			n.log.Warn("reminder rounds", "err", err)
		}
		return
	}
	for _, r := range due {
		if ctx.Err() != nil {
			return
		}
		// Each organisation sends at its own hour.
		settings, err := n.roundSettings(ctx, r.RoundID)
		if err != nil {
			if ctx.Err() == nil {
				n.log.Warn("reminder settings", "round", r.RoundID, "err", err)
			}
			continue
		}
		if now.Hour() < settings.RemindHour {
			continue
		}
		count, err := n.Remind(ctx, r.RoundID, nil, r.Kind)
		if count > 0 {
			n.log.Info("reminders sent", "round", r.RoundID, "label", r.Label, "kind", r.Kind, "units", count)
		}
		if err != nil && ctx.Err() == nil {
			n.log.Warn("reminders", "round", r.RoundID, "kind", r.Kind, "err", err)
		}
	}
}

// roundSettings are the settings of the organisation whose round it is.
func (n *Notifier) roundSettings(ctx context.Context, roundID int64) (Settings, error) {
	org, err := n.store.ObjectOrg(ctx, "round", strconv.FormatInt(roundID, 10))
	if err != nil {
		return Settings{}, err
	}
	return LoadSettings(ctx, n.store, org)
}

// holdLease renews the lease every half interval until ctx ends, and calls
// lost when another instance has taken it (this one stalled past its
// expiry): the work stops, and the claims keep what was sent from going out
// again.
func (n *Notifier) holdLease(ctx context.Context, interval time.Duration, lost context.CancelFunc) {
	t := time.NewTicker(interval / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		held, err := n.store.AcquireLease(ctx, leaseName, n.Holder, 2*interval)
		if err == nil && !held {
			n.log.Warn("reminder lease lost", "holder", n.Holder)
			lost()
			return
		}
	}
}
