// Package loadtest drives a running kechuang over HTTP the way a reporting
// day does — reporters saving and submitting their unit's form in the open
// round, leaders reading the dashboard, the plan and the rounds — for a
// fixed time, with a bounded number of requests in flight, and then checks
// that every write the server acknowledged is stored. It is the operator's
// tool for sizing a deployment (`kechuang loadtest`): it speaks only the
// public API and pages, as any client does.
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config is one run.
type Config struct {
	URL       string        // the deployment, e.g. http://127.0.0.1:8080
	Reporters int           // concurrent reporters, spread over the reporter accounts
	Leaders   int           // concurrent leaders reading
	Reviewers int           // concurrent reviewers returning submitted forms (an admin account)
	Duration  time.Duration // how long to drive the load
	Timeout   time.Duration // per request; 0 means 10 s
	// MaxInFlight bounds the requests in flight at once; 0 means one per
	// simulated person.
	MaxInFlight int
	// SubmitEvery: every n-th edit of a reporter submits the form; 0 means 3.
	SubmitEvery int

	// Accounts with a password: every account's (the demo's). Reporter
	// accounts are ReporterUsers, or else named as `serve --demo` names
	// them: one per unit of the directory, by its short name.
	Password      string
	LeaderUser    string // default "leader"
	AdminUser     string // default "admin"; reviewers use it
	ReporterUsers []string
	// Accounts with API tokens instead (Bearer): each with its role.
	Tokens []Account
	// PlanID picks the plan; 0: the first plan with an open round.
	PlanID int64
}

// Account is an API token and the role it acts in.
type Account struct {
	Role  string // "reporter", "leader" or "admin"
	Token string
}

// ParseTokenFile reads accounts, one a line: a role and a token,
// separated by spaces ("reporter kct_…"); blank lines and lines starting
// with # are passed over.
func ParseTokenFile(r io.Reader) ([]Account, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var out []Account
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 || (f[0] != "reporter" && f[0] != "leader" && f[0] != "admin") {
			return nil, fmt.Errorf("第%d行应为“角色 令牌”，角色为 reporter、leader 或 admin", i+1)
		}
		out = append(out, Account{Role: f[0], Token: f[1]})
	}
	return out, nil
}

// Request kinds.
const (
	KindLogin     = "login"
	KindFormGet   = "form.get"
	KindFormSave  = "form.save"
	KindSubmit    = "form.submit"
	KindReview    = "form.review"
	KindDashboard = "dashboard"
	KindPlan      = "plan"
	KindRounds    = "rounds"
	KindRound     = "round"
)

// Result is what a run measured and found.
type Result struct {
	Elapsed  time.Duration
	Kinds    map[string]*KindStats
	Forms    int // forms the reporters wrote
	Verified int // forms whose stored version and state are those of the last write acknowledged
	Lost     int // forms whose stored version is older than a write the server acknowledged
	// Unacknowledged: forms stored at a later version than any write
	// acknowledged (a request that timed out on the client but committed).
	Unacknowledged int
	Problems       []string // the first forms that did not verify, in words
}

// KindStats are one kind of request's figures.
type KindStats struct {
	Requests  int
	Durations []time.Duration // of requests that got an answer
	Statuses  map[int]int
	Failures  int // no answer: timeouts, refused or reset connections
}

// Quantile returns the q-th quantile (0…1) of the answered requests.
func (k *KindStats) Quantile(q float64) time.Duration {
	if len(k.Durations) == 0 {
		return 0
	}
	d := slices.Clone(k.Durations)
	slices.Sort(d)
	return d[min(len(d)-1, int(q*float64(len(d))))]
}

// ServerErrors counts the answers of the server's making that are errors:
// 5xx statuses and requests without an answer. 409 (another writer got the
// version first) and 4xx are not.
func (r *Result) ServerErrors() int {
	n := 0
	for _, k := range r.Kinds {
		n += k.Failures
		for status, c := range k.Statuses {
			if status >= 500 {
				n += c
			}
		}
	}
	return n
}

// Requests counts every request sent, and the writes among them.
func (r *Result) Requests() (all, writes int) {
	for name, k := range r.Kinds {
		all += k.Requests
		if name == KindFormSave || name == KindSubmit || name == KindReview {
			writes += k.Requests
		}
	}
	return all, writes
}

// Print writes the figures: requests per second, p50/p99 per kind,
// statuses, errors, and the verification.
func (r *Result) Print(w io.Writer) {
	secs := r.Elapsed.Seconds()
	all, writes := r.Requests()
	fmt.Fprintf(w, "%-12s %9s %9s %9s %9s  %s\n", "请求", "次数", "次/秒", "p50", "p99", "状态")
	names := make([]string, 0, len(r.Kinds))
	for n := range r.Kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		k := r.Kinds[n]
		var st []string
		codes := make([]int, 0, len(k.Statuses))
		for c := range k.Statuses {
			codes = append(codes, c)
		}
		sort.Ints(codes)
		for _, c := range codes {
			st = append(st, fmt.Sprintf("%d×%d", c, k.Statuses[c]))
		}
		if k.Failures > 0 {
			st = append(st, fmt.Sprintf("无应答×%d", k.Failures))
		}
		fmt.Fprintf(w, "%-12s %9d %9.1f %9s %9s  %s\n", n, k.Requests, float64(k.Requests)/secs, round(k.Quantile(0.5)), round(k.Quantile(0.99)), strings.Join(st, " "))
	}
	fmt.Fprintf(w, "合计 %d 次请求，%.1f 次/秒，其中写入 %.1f 次/秒；用时 %s\n", all, float64(all)/secs, float64(writes)/secs, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "服务器错误（5xx 与无应答）：%d\n", r.ServerErrors())
	fmt.Fprintf(w, "核对 %d 张表：%d 张与最后一次确认的写入一致，%d 张丢失已确认的写入，%d 张有未确认但已保存的写入\n",
		r.Forms, r.Verified, r.Lost, r.Unacknowledged)
	for _, p := range r.Problems {
		fmt.Fprintln(w, "  "+p)
	}
}

func round(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(10 * time.Millisecond)
	case d > time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// Run drives the load and verifies. Progress and problems of setting up
// go to log (nil: none).
func Run(ctx context.Context, cfg Config, log io.Writer) (*Result, error) {
	if log == nil {
		log = io.Discard
	}
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, kinds: map[string]*KindStats{}, sem: make(chan struct{}, cfg.MaxInFlight)}
	r.transport = &http.Transport{MaxIdleConnsPerHost: cfg.MaxInFlight, MaxConnsPerHost: cfg.MaxInFlight, IdleConnTimeout: 30 * time.Second}
	defer r.transport.CloseIdleConnections()
	if err := r.setUp(ctx); err != nil {
		return nil, err
	}
	r.kinds = map[string]*KindStats{} // setting up is not the load
	fmt.Fprintf(log, "方案 %d，调度 %d：%d 个填报账号，%d 张表；%d 个填报员、%d 个领导、%d 个审核员，持续 %s\n",
		r.planID, r.roundID, len(r.reporters), len(r.forms), cfg.Reporters, cfg.Leaders, cfg.Reviewers, cfg.Duration)

	runCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range cfg.Reporters {
		wg.Go(func() { r.reporter(runCtx, r.reporters[i%len(r.reporters)], i) })
	}
	for i := range cfg.Leaders {
		wg.Go(func() { r.leader(runCtx, r.leaders[i%len(r.leaders)], i) })
	}
	for i := range cfg.Reviewers {
		wg.Go(func() { r.reviewer(runCtx, r.admins[i%len(r.admins)], i) })
	}
	wg.Wait()
	res := &Result{Elapsed: time.Since(start), Kinds: map[string]*KindStats{}}
	r.mu.Lock()
	for k, v := range r.kinds {
		res.Kinds[k] = v
	}
	r.mu.Unlock()
	if err := r.verify(ctx, res); err != nil {
		return res, err
	}
	return res, nil
}

func (c *Config) defaults() error {
	if c.URL == "" {
		return errors.New("请给出服务地址（--url）")
	}
	c.URL = strings.TrimRight(c.URL, "/")
	if c.Reporters < 0 || c.Leaders < 0 || c.Reviewers < 0 || c.Reporters+c.Leaders+c.Reviewers == 0 {
		return errors.New("填报员、领导、审核员人数不能为负，且至少一人")
	}
	if c.Duration <= 0 {
		return errors.New("持续时间应大于 0")
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = c.Reporters + c.Leaders + c.Reviewers
	}
	if c.SubmitEvery <= 0 {
		c.SubmitEvery = 3
	}
	if c.LeaderUser == "" {
		c.LeaderUser = "leader"
	}
	if c.AdminUser == "" {
		c.AdminUser = "admin"
	}
	if c.Password == "" && len(c.Tokens) == 0 {
		return errors.New("请给出账号密码（--password）或令牌文件（--token-file）")
	}
	return nil
}

// session is one account: its cookies or token.
type session struct {
	name   string
	token  string
	client *http.Client
	form   *formState // reporters: the form of their unit
}

// formState is what the run knows of a form: the last write the server
// acknowledged.
type formState struct {
	id string
	mu sync.Mutex
	// acked is the highest version a write was acknowledged at, with the
	// state and values it wrote.
	acked       int
	ackedState  string
	ackedValues map[int64]string
	writes      atomic.Int64
}

type runner struct {
	cfg       Config
	transport *http.Transport
	sem       chan struct{}
	mu        sync.Mutex
	kinds     map[string]*KindStats

	planID, roundID int64
	reporters       []*session
	leaders         []*session
	admins          []*session
	forms           []*formState
}

func (r *runner) newSession(name, token string) *session {
	jar, _ := cookiejar.New(nil)
	return &session{name: name, token: token, client: &http.Client{
		Transport: r.transport, Jar: jar, Timeout: r.cfg.Timeout,
		// The API answers; a redirect is the login page, an error here.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends one request of a kind, counted, and returns the status and body
// (status 0 when no answer came). It waits for a slot: at most MaxInFlight
// requests are in flight.
func (r *runner) do(ctx context.Context, s *session, kind, method, path string, body any) (int, []byte) {
	var rd io.Reader
	var ctype string
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case rawJSON:
		rd, ctype = bytes.NewReader(b), "application/json"
	default:
		j, _ := json.Marshal(b)
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return 0, nil
	}
	defer func() { <-r.sem }()
	// A request is let finish when the run ends: its answer counts, and
	// its write is verified.
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), method, r.cfg.URL+path, rd)
	if err != nil {
		return 0, nil
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	start := time.Now()
	resp, err := s.client.Do(req)
	var out []byte
	if err == nil {
		out, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	took := time.Since(start)
	r.mu.Lock()
	defer r.mu.Unlock()
	k := r.kinds[kind]
	if k == nil {
		k = &KindStats{Statuses: map[int]int{}}
		r.kinds[kind] = k
	}
	k.Requests++
	if err != nil {
		k.Failures++
		return 0, nil
	}
	k.Durations = append(k.Durations, took)
	k.Statuses[resp.StatusCode]++
	return resp.StatusCode, out
}

// answered sends a request as do does, again when no answer came — the
// server restarting, as scripts/crashtest makes it — up to five times,
// pausing longer each time (2.5 s in all).
func (r *runner) answered(ctx context.Context, s *session, kind, method, path string, body any) (int, []byte) {
	for try := 1; ; try++ {
		status, out := r.do(ctx, s, kind, method, path, body)
		if status != 0 || try == 5 || ctx.Err() != nil {
			return status, out
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(try) * 250 * time.Millisecond):
		}
	}
}

// get sends a GET (answered) and decodes a 200 answer into v.
func (r *runner) get(ctx context.Context, s *session, kind, path string, v any) error {
	status, body := r.answered(ctx, s, kind, http.MethodGet, path, nil)
	if status != http.StatusOK {
		return fmt.Errorf("GET %s：%s", path, answer(status, body))
	}
	if v == nil {
		return nil
	}
	return json.Unmarshal(body, v)
}

func answer(status int, body []byte) string {
	if status == 0 {
		return "无应答"
	}
	var e struct {
		Error struct{ Message string } `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		return fmt.Sprintf("%d %s", status, e.Error.Message)
	}
	return fmt.Sprintf("%d", status)
}

func (r *runner) login(ctx context.Context, name string) (*session, error) {
	s := r.newSession(name, "")
	status, body := r.answered(ctx, s, KindLogin, http.MethodPost, "/login", url.Values{"username": {name}, "password": {r.cfg.Password}})
	if status != http.StatusSeeOther {
		return nil, fmt.Errorf("账号 %s 登录失败（%s）", name, answer(status, body))
	}
	return s, nil
}

type roundJSON struct {
	ID    int64  `json:"id"`
	State string `json:"state"`
	AsOf  string `json:"as_of"`
}

type formJSON struct {
	ID      string `json:"id"`
	State   string `json:"state"`
	Version int    `json:"version"`
	Tasks   []struct {
		TaskID int64 `json:"task_id"`
	} `json:"tasks"`
	Values []struct {
		GoalID int64           `json:"goal_id"`
		Value  json.RawMessage `json:"value"`
	} `json:"values"`
}

// setUp logs the accounts in and finds the plan, its open round and each
// reporter's form.
func (r *runner) setUp(ctx context.Context) error {
	if len(r.cfg.Tokens) > 0 {
		for i, a := range r.cfg.Tokens {
			s := r.newSession(fmt.Sprintf("%s#%d", a.Role, i+1), a.Token)
			switch a.Role {
			case "reporter":
				r.reporters = append(r.reporters, s)
			case "leader":
				r.leaders = append(r.leaders, s)
			case "admin":
				r.admins = append(r.admins, s)
			}
		}
	} else {
		if r.cfg.Leaders > 0 || len(r.cfg.ReporterUsers) == 0 {
			s, err := r.login(ctx, r.cfg.LeaderUser)
			if err != nil {
				return err
			}
			r.leaders = append(r.leaders, s)
		}
		if r.cfg.Reviewers > 0 {
			s, err := r.login(ctx, r.cfg.AdminUser)
			if err != nil {
				return err
			}
			r.admins = append(r.admins, s)
		}
		names := r.cfg.ReporterUsers
		if len(names) == 0 && r.cfg.Reporters > 0 {
			var dir struct {
				Units []struct {
					Name      string `json:"name"`
					ShortName string `json:"short_name"`
					Kind      string `json:"kind"`
					Archived  bool   `json:"archived"`
				} `json:"units"`
			}
			if err := r.get(ctx, r.leaders[0], KindPlan, "/api/v1/units", &dir); err != nil {
				return fmt.Errorf("读取单位名录（以找出填报账号）：%w", err)
			}
			for _, u := range dir.Units {
				if u.Kind != "government" && !u.Archived {
					names = append(names, cmp(u.ShortName, u.Name))
				}
			}
		}
		if r.cfg.Reporters > 0 {
			for _, n := range names {
				s, err := r.login(ctx, n)
				if err != nil {
					return err
				}
				r.reporters = append(r.reporters, s)
			}
		}
	}
	for _, need := range []struct {
		n        int
		sessions []*session
		what     string
	}{{r.cfg.Reporters, r.reporters, "填报"}, {r.cfg.Leaders, r.leaders, "领导"}, {r.cfg.Reviewers, r.admins, "管理员"}} {
		if need.n > 0 && len(need.sessions) == 0 {
			return fmt.Errorf("没有%s账号", need.what)
		}
	}
	first := append(append(append([]*session{}, r.leaders...), r.admins...), r.reporters...)[0]
	if err := r.findRound(ctx, first); err != nil {
		return err
	}
	byID := map[string]*formState{}
	for _, s := range r.reporters {
		var rd struct {
			Forms []struct {
				ID string `json:"id"`
			} `json:"forms"`
		}
		if err := r.get(ctx, s, KindRound, fmt.Sprintf("/api/v1/rounds/%d", r.roundID), &rd); err != nil {
			return err
		}
		if len(rd.Forms) != 1 {
			return fmt.Errorf("账号 %s 在调度 %d 中可见 %d 张表，应为其单位的一张：它不是填报员账号？", s.name, r.roundID, len(rd.Forms))
		}
		f := byID[rd.Forms[0].ID]
		if f == nil {
			f = &formState{id: rd.Forms[0].ID}
			byID[f.id] = f
			r.forms = append(r.forms, f)
		}
		s.form = f
	}
	return nil
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// findRound picks the plan and its latest open round.
func (r *runner) findRound(ctx context.Context, s *session) error {
	ids := []int64{r.cfg.PlanID}
	if r.cfg.PlanID == 0 {
		var ps struct {
			Plans []struct {
				ID int64 `json:"id"`
			} `json:"plans"`
		}
		if err := r.get(ctx, s, KindPlan, "/api/v1/plans", &ps); err != nil {
			return err
		}
		ids = ids[:0]
		for _, p := range ps.Plans {
			ids = append(ids, p.ID)
		}
	}
	for _, id := range ids {
		var rs struct {
			Rounds []roundJSON `json:"rounds"`
		}
		if err := r.get(ctx, s, KindRounds, fmt.Sprintf("/api/v1/plans/%d/rounds", id), &rs); err != nil {
			return err
		}
		for _, rd := range rs.Rounds {
			if rd.State == "open" && (r.roundID == 0 || rd.ID > r.roundID) {
				r.planID, r.roundID = id, rd.ID
			}
		}
		if r.roundID != 0 {
			return nil
		}
	}
	return errors.New("没有进行中的调度：请先开启一轮调度")
}

// reporter opens its form, fills every value and task, and saves it;
// every SubmitEvery-th edit submits. It saves on the version the server
// answered: the saved form's after a save, then with a new edit; the one a
// conflict names (409: another writer took the version, or the form is
// not open to edits) after a loss, sending the same edit again, as a
// person presses save again. It reads the form again only when no answer
// named a version. The form's entries are read whole the first time;
// after that only the head of an answer (formHead), and an edit's entries
// are encoded once, so that the load's own CPU — on the server's machine —
// stays small beside the server's.
func (r *runner) reporter(ctx context.Context, s *session, n int) {
	var entries formJSON
	version := -1 // not known: read the form
	var edit *reporterEdit
	for i := 1; ctx.Err() == nil; {
		if version < 0 {
			status, out := r.do(ctx, s, KindFormGet, http.MethodGet, "/api/v1/forms/"+s.form.id, nil)
			if status != http.StatusOK {
				continue
			}
			var err error
			if entries.ID == "" {
				err = json.Unmarshal(out, &entries)
				version = entries.Version
			} else {
				version, _, err = formHead(out)
			}
			if err != nil {
				version = -1
				continue
			}
		}
		if edit == nil {
			edit = newEdit(entries, n, i, i%r.cfg.SubmitEvery == 0)
			i++
		}
		kind := KindFormSave
		if edit.submit {
			kind = KindSubmit
		}
		status, out := r.do(ctx, s, kind, http.MethodPost, "/api/v1/forms/"+s.form.id, edit.body(version))
		version = -1
		switch status {
		case http.StatusOK:
			if v, state, err := formHead(out); err == nil {
				s.form.ack(v, state, edit.values)
				version = v
			}
			edit = nil
		case http.StatusConflict:
			version = conflictVersion(out)
		default:
			edit = nil
		}
	}
}

// reporterEdit is one edit of a reporter's form: the values it writes
// (for the check afterwards) and its entries encoded, without the version.
type reporterEdit struct {
	submit  bool
	values  map[int64]string
	entries []byte // `"values":[…],"tasks":[…]}`
}

func newEdit(entries formJSON, n, i int, submit bool) *reporterEdit {
	e := &reporterEdit{submit: submit, values: make(map[int64]string, len(entries.Values))}
	body := saveJSON{Values: make([]saveValue, 0, len(entries.Values)), Tasks: make([]saveTask, 0, len(entries.Tasks))}
	for _, v := range entries.Values {
		val := strconv.Itoa((n*7 + i) % 97)
		e.values[v.GoalID] = val
		body.Values = append(body.Values, saveValue{GoalID: v.GoalID, Value: json.RawMessage(val)})
	}
	progress := "第" + strconv.Itoa(n+1) + "位填报员第" + strconv.Itoa(i) + "次填报：按计划推进。"
	for _, t := range entries.Tasks {
		body.Tasks = append(body.Tasks, saveTask{TaskID: t.TaskID, Status: "in_progress", Progress: progress, NextSteps: "继续推进"})
	}
	j, _ := json.Marshal(body)
	e.entries = j[1:] // after the opening brace
	return e
}

// body is the edit's request on version.
func (e *reporterEdit) body(version int) rawJSON {
	b := make([]byte, 0, len(e.entries)+40)
	b = append(b, `{"version":`...)
	b = strconv.AppendInt(b, int64(version), 10)
	b = append(b, `,"submit":`...)
	b = strconv.AppendBool(b, e.submit)
	b = append(b, ',')
	return append(b, e.entries...)
}

// rawJSON is a request body already encoded.
type rawJSON []byte

// conflictVersion is the version a 409's answer names the form at, -1
// when it names none.
func conflictVersion(body []byte) int {
	var e struct {
		Error struct {
			Current *struct {
				Version int `json:"version"`
			} `json:"current"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil || e.Error.Current == nil {
		return -1
	}
	return e.Error.Current.Version
}

// saveJSON is a save's entries, as the API reads them (reporterEdit.body
// adds the version and whether it submits).
type saveJSON struct {
	Values []saveValue `json:"values"`
	Tasks  []saveTask  `json:"tasks"`
}

type saveValue struct {
	GoalID int64           `json:"goal_id"`
	Value  json.RawMessage `json:"value"`
	Note   string          `json:"note"`
}

type saveTask struct {
	TaskID    int64  `json:"task_id"`
	Status    string `json:"status"`
	Progress  string `json:"progress"`
	Problems  string `json:"problems"`
	NextSteps string `json:"next_steps"`
}

// formHead reads a form's state and version from its answer, stopping
// there: the API gives them before the entries.
func formHead(body []byte) (version int, state string, err error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0, "", fmt.Errorf("表的应答不是对象")
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return 0, "", err
		}
		switch key {
		case "state":
			err = dec.Decode(&state)
		case "version":
			err = dec.Decode(&version)
			if state == "" {
				err = fmt.Errorf("表的应答在版本号之前没有状态")
			}
			return version, state, err
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return 0, "", err
		}
	}
	return 0, "", fmt.Errorf("表的应答没有版本号")
}

func (f *formState) ack(version int, state string, values map[int64]string) {
	f.writes.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	if version > f.acked {
		f.acked, f.ackedState, f.ackedValues = version, state, values
	}
}

// leader reads what a leader reads on a reporting day, in turn.
func (r *runner) leader(ctx context.Context, s *session, n int) {
	for i := n; ctx.Err() == nil; i++ {
		switch i % 4 {
		case 0:
			r.do(ctx, s, KindDashboard, http.MethodGet, fmt.Sprintf("/plans/%d/dashboard", r.planID), nil)
		case 1:
			r.do(ctx, s, KindPlan, http.MethodGet, fmt.Sprintf("/api/v1/plans/%d", r.planID), nil)
		case 2:
			r.do(ctx, s, KindRounds, http.MethodGet, fmt.Sprintf("/api/v1/plans/%d/rounds", r.planID), nil)
		default:
			r.do(ctx, s, KindRound, http.MethodGet, fmt.Sprintf("/api/v1/rounds/%d", r.roundID), nil)
		}
	}
}

// reviewer returns submitted forms to their units, so that the reporters
// go on writing (approving would close them to edits).
func (r *runner) reviewer(ctx context.Context, s *session, n int) {
	for ctx.Err() == nil {
		var rd struct {
			Forms []struct {
				ID    string `json:"id"`
				State string `json:"state"`
			} `json:"forms"`
		}
		if err := r.get(ctx, s, KindRound, fmt.Sprintf("/api/v1/rounds/%d", r.roundID), &rd); err != nil {
			continue
		}
		for k, f := range rd.Forms {
			if f.State != "submitted" || (k+n)%max(1, r.cfg.Reviewers) != 0 || ctx.Err() != nil {
				continue
			}
			var cur formJSON
			if err := r.get(ctx, s, KindFormGet, "/api/v1/forms/"+f.ID, &cur); err != nil || cur.State != "submitted" {
				continue
			}
			status, out := r.do(ctx, s, KindReview, http.MethodPost, "/api/v1/forms/"+f.ID+"/review",
				map[string]any{"version": cur.Version, "decision": "return", "comment": "请补充进展"})
			if status == http.StatusOK {
				var reviewed formJSON
				if json.Unmarshal(out, &reviewed) == nil {
					for _, fs := range r.forms {
						if fs.id == f.ID {
							fs.ack(reviewed.Version, reviewed.State, nil)
						}
					}
				}
			}
		}
	}
}

// verify reads every form the reporters wrote and compares it with the
// last write the server acknowledged.
func (r *runner) verify(ctx context.Context, res *Result) error {
	owner := map[string]*session{}
	for _, s := range r.reporters {
		owner[s.form.id] = s
	}
	for _, f := range r.forms {
		if f.writes.Load() == 0 {
			continue
		}
		res.Forms++
		var got formJSON
		s := owner[f.id]
		// The run's load has ended; a slow answer is retried (get).
		if err := r.get(ctx, s, "verify", "/api/v1/forms/"+f.id, &got); err != nil {
			return fmt.Errorf("核对表 %s：%w", f.id, err)
		}
		f.mu.Lock()
		acked, state, values := f.acked, f.ackedState, f.ackedValues
		f.mu.Unlock()
		switch {
		case got.Version < acked:
			res.Lost++
			res.problem(fmt.Sprintf("表 %s：已确认第 %d 版，库中为第 %d 版", f.id, acked, got.Version))
		case got.Version > acked:
			res.Unacknowledged++
		case got.State != state:
			res.Lost++
			res.problem(fmt.Sprintf("表 %s 第 %d 版：确认时为 %s，库中为 %s", f.id, acked, state, got.State))
		case values != nil && !sameValues(got, values):
			res.Lost++
			res.problem(fmt.Sprintf("表 %s 第 %d 版：数值与确认的写入不同", f.id, acked))
		default:
			res.Verified++
		}
	}
	return nil
}

func (r *Result) problem(p string) {
	if len(r.Problems) < 10 {
		r.Problems = append(r.Problems, p)
	}
}

func sameValues(f formJSON, want map[int64]string) bool {
	for _, v := range f.Values {
		if w, ok := want[v.GoalID]; ok && string(v.Value) != w {
			return false
		}
	}
	return true
}
