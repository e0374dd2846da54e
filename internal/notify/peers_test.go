package notify

// Real protocol peers on loopback for the tests: a group robot (HTTP) and
// a small SMTP server, and the databases both app instances share.

import (
	"kechuang/internal/plan"

	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/textproto"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"kechuang/examples"
	"kechuang/internal/auth"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// eachDSN runs fn on a fresh database of each dialect, given by DSN so
// that a test can open it more than once (two app instances).
func eachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, storetest.SQLiteDSN(t)) })
	t.Run("postgres", func(t *testing.T) {
		base := os.Getenv(storetest.PostgresEnv)
		if base == "" {
			t.Skip(storetest.PostgresEnv + " is not set: no PostgreSQL server for this run")
		}
		fn(t, storetest.PostgresDSN(t, base))
	})
}

// rawDB opens dsn with plain database/sql, to lay out rows the store has
// no method for (rounds and forms belong to the rounds code).
func rawDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		u := url.URL{Scheme: "file", Opaque: path}
		db, err = sql.Open("sqlite", u.String()+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_time_format=sqlite")
	} else {
		db, err = sql.Open("pgx", dsn)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

const (
	planTitle  = "2022年青云谱区科技创新基础大提升工作要点"
	roundLabel = "2022年7月调度"
)

// layoutRound stores the 2022 Qingyunpu plan and an open round 101 due
// 2022-08-05, reminding 3 days before, over 三家店街道 (form empty, two
// users with e-mail), 洪都街道 (submitted), 区科工局 (returned, one user
// with e-mail) and 青云谱镇 (no form yet, no e-mail). It returns the unit IDs.
func layoutRound(t *testing.T, st *store.Store, db *sql.DB) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	ex, err := examples.Qingyunpu2022()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ImportDirectory(ctx, ex.Directory); err != nil {
		t.Fatal(err)
	}
	planID, err := st.CreatePlan(ctx, ex.Document, ex.Notice)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := st.Directory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, n := range []string{"三家店街道", "洪都街道", "区科工局", "青云谱镇"} {
		ids[n] = dir.Index()[n].UnitID
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	now := time.Now().UTC()
	exec(`INSERT INTO rounds (id, plan_id, label, as_of, opens_on, due_on, state, remind_days, created_at)
		VALUES (101, $1, $2, '2022-07-31', '2022-07-25', '2022-08-05', 'open', 3, $3)`, planID, roundLabel, now)
	for n, id := range ids {
		exec(`INSERT INTO round_units (round_id, unit_id) VALUES (101, $1)`, id)
		state := map[string]string{"三家店街道": "empty", "洪都街道": "submitted", "区科工局": "returned"}[n]
		if state != "" {
			exec(`INSERT INTO forms (public_id, round_id, unit_id, state, updated_at) VALUES ($1, 101, $2, $3, $4)`, formID(ids, n), id, state, now)
		}
	}
	for _, u := range []struct{ name, unit, email string }{
		{"sjd1", "三家店街道", "zhang@sjd.example"},
		{"sjd2", "三家店街道", "li@sjd.example"},
		{"hd", "洪都街道", "hd@hd.example"},
		{"kgj", "区科工局", "kgj@kgj.example"},
	} {
		if _, err := st.CreateUser(ctx, store.NewUser{Username: u.name, Role: auth.RoleReporter, UnitID: ids[u.unit]}); err != nil {
			t.Fatal(err)
		}
		exec(`UPDATE users SET email = $1 WHERE username = $2`, u.email, u.name)
	}
	return ids
}

func formID(ids map[string]int64, unit string) string { return fmt.Sprintf("f101-%d", ids[unit]) }

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// clock is a settable clock shared by notifiers.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(s string) *clock {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, plan.Zone)
	if err != nil {
		panic(err)
	}
	return &clock{now: t}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(s string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, plan.Zone)
	if err != nil {
		panic(err)
	}
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// robot is a WeCom/DingTalk group robot: it checks that each post is the
// robots' text message and nothing else, and records it.
type robot struct {
	*httptest.Server
	t      *testing.T
	mu     sync.Mutex
	posts  []robotPost
	status int    // answer status; 200 unless set
	answer string // answer body; {"errcode":0,"errmsg":"ok"} unless set
}

type robotPost struct {
	Path    string
	Query   url.Values
	Content string
}

func newRobot(t *testing.T) *robot {
	r := &robot{t: t}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *robot) serve(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		r.t.Errorf("robot: %s with Content-Type %q", req.Method, req.Header.Get("Content-Type"))
	}
	body, _ := io.ReadAll(req.Body)
	var msg struct {
		MsgType string `json:"msgtype"`
		Text    struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&msg); err != nil || msg.MsgType != "text" || msg.Text.Content == "" {
		r.t.Errorf("robot: body %s is not a text message: %v", body, err)
	}
	r.mu.Lock()
	r.posts = append(r.posts, robotPost{Path: req.URL.Path, Query: req.URL.Query(), Content: msg.Text.Content})
	status, answer := r.status, r.answer
	r.mu.Unlock()
	if status == 0 {
		status = http.StatusOK
	}
	if answer == "" {
		answer = `{"errcode":0,"errmsg":"ok"}`
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, answer)
}

func (r *robot) Posts() []robotPost {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]robotPost(nil), r.posts...)
}

func (r *robot) Fail(status int, answer string) {
	r.mu.Lock()
	r.status, r.answer = status, answer
	r.mu.Unlock()
}

// smtpServer is a small SMTP server: EHLO, STARTTLS, AUTH PLAIN, MAIL,
// RCPT, DATA, RSET, NOOP, QUIT.
type smtpServer struct {
	ln       net.Listener
	tls      *tls.Config // the server's certificate; nil: no TLS
	implicit bool        // TLS from the first byte
	user     string      // when set, AUTH PLAIN with user/pass is required
	pass     string

	mu    sync.Mutex
	mails []receivedMail
}

type receivedMail struct {
	From    string
	Rcpt    []string
	Header  mail.Header
	Subject string // decoded
	Body    string // decoded
	Secure  bool   // whether it came over TLS
}

func startSMTP(t *testing.T, s *smtpServer) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.ln = ln
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(t, conn)
		}
	}()
	return s
}

// Port is the port the server listens on.
func (s *smtpServer) Port() string {
	_, port, _ := net.SplitHostPort(s.ln.Addr().String())
	return port
}

func (s *smtpServer) Mails() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.mails...)
}

func (s *smtpServer) serve(t *testing.T, conn net.Conn) {
	defer func() { conn.Close() }()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	secure := false
	if s.implicit {
		conn = tls.Server(conn, s.tls)
		secure = true
	}
	tp := textproto.NewConn(conn)
	tp.PrintfLine("220 mail.test ESMTP")
	authed := false
	var cur receivedMail
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"mail.test"}
			if s.tls != nil && !secure {
				ext = append(ext, "STARTTLS")
			}
			if s.user != "" && (secure || s.tls == nil) {
				ext = append(ext, "AUTH PLAIN")
			}
			ext = append(ext, "8BITMIME")
			for i, e := range ext {
				sep := "-"
				if i == len(ext)-1 {
					sep = " "
				}
				tp.PrintfLine("250%s%s", sep, e)
			}
		case "STARTTLS":
			tp.PrintfLine("220 go ahead")
			tc := tls.Server(conn, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, tp, secure = tc, textproto.NewConn(tc), true
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			b, _ := base64.StdEncoding.DecodeString(resp)
			if strings.ToUpper(mech) == "PLAIN" && string(b) == "\x00"+s.user+"\x00"+s.pass {
				authed = true
				tp.PrintfLine("235 2.7.0 accepted")
			} else {
				tp.PrintfLine("535 5.7.8 bad credentials")
			}
		case "MAIL":
			if s.user != "" && !authed {
				tp.PrintfLine("530 5.7.0 authentication required")
				continue
			}
			cur = receivedMail{From: pathArg(arg), Secure: secure}
			tp.PrintfLine("250 ok")
		case "RCPT":
			cur.Rcpt = append(cur.Rcpt, pathArg(arg))
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 go on")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			msg, err := mail.ReadMessage(bytes.NewReader(data))
			if err != nil {
				t.Errorf("smtp: unreadable message: %v\n%s", err, data)
				tp.PrintfLine("554 bad message")
				continue
			}
			cur.Header = msg.Header
			cur.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if err != nil {
				t.Errorf("smtp: subject %q: %v", msg.Header.Get("Subject"), err)
			}
			raw, _ := io.ReadAll(msg.Body)
			if msg.Header.Get("Content-Transfer-Encoding") == "base64" {
				raw, err = base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(raw)))
				if err != nil {
					t.Errorf("smtp: body: %v", err)
				}
			}
			cur.Body = strings.ReplaceAll(string(raw), "\r\n", "\n")
			s.mu.Lock()
			s.mails = append(s.mails, cur)
			s.mu.Unlock()
			tp.PrintfLine("250 queued")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		case "RSET", "NOOP":
			tp.PrintfLine("250 ok")
		default:
			tp.PrintfLine("502 unknown command")
		}
	}
}

// pathArg is the address of "FROM:<a@b> BODY=8BITMIME" or "TO:<a@b>".
func pathArg(arg string) string {
	_, addr, _ := strings.Cut(arg, ":")
	addr, _, _ = strings.Cut(strings.TrimSpace(addr), " ")
	return strings.Trim(addr, "<>")
}

// testCert makes a certificate for 127.0.0.1: the server's configuration,
// and a client configuration that trusts it.
func testCert(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool}
}
