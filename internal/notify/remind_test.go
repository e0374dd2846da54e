package notify

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// TestRemindAllChannels reminds a round's pending units in the app, by
// e-mail (STARTTLS and login) and through a WeCom robot, and checks that a
// reminder goes out once, that manual ones are limited to one a minute,
// and that a failed channel does not stop the others.
func TestRemindAllChannels(t *testing.T) {
	eachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st := storetest.Open(t, dsn)
		ids := layoutRound(t, st, rawDB(t, dsn))
		robot := newRobot(t)
		serverTLS, clientTLS := testCert(t)
		mailer := startSMTP(t, &smtpServer{tls: serverTLS, user: "kc", pass: "secret"})
		settings, err := ParseSettings(map[string]string{
			"base_url":     "https://kc.example.gov.cn/",
			"webhook.kind": "wecom", "webhook.url": robot.URL + "/cgi-bin/webhook/send?key=k1",
			"smtp.host": "127.0.0.1", "smtp.port": mailer.Port(), "smtp.security": "starttls",
			"smtp.username": "kc", "smtp.password": "secret", "smtp.from": "科创系统 <kc@kc.example>",
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := SaveSettings(ctx, st, 1, settings); err != nil {
			t.Fatal(err)
		}
		clk := newClock("2022-08-02 10:00")
		n := New(st, quietLog())
		n.Now, n.tlsConfig = clk.Now, clientTLS

		count, err := n.Remind(ctx, 101, nil, store.ReminderBeforeDue)
		if err != nil || count != 3 {
			t.Fatalf("Remind = %d, %v; want 3 units (区科工局 returned, 三家店街道 empty, 青云谱镇 without a form)", count, err)
		}
		posts := robot.Posts()
		wantGroup := "【催报】“2022年7月调度”（2022年青云谱区科技创新基础大提升工作要点）填报截止日期为2022-08-05，以下3个单位尚未完成：区科工局、三家店街道、青云谱镇。请尽快登录科创系统填报。\n系统地址：https://kc.example.gov.cn"
		if len(posts) != 1 || posts[0].Content != wantGroup || posts[0].Query.Get("key") != "k1" {
			t.Errorf("robot got %+v\nwant %q", posts, wantGroup)
		}
		sjdText := "【催报】请三家店街道于2022-08-05前完成“2022年7月调度”填报（2022年青云谱区科技创新基础大提升工作要点）。填报地址：https://kc.example.gov.cn/forms/" + formID(ids, "三家店街道")
		mails := mailer.Mails()
		if len(mails) != 2 {
			t.Fatalf("mail server got %d mails, want 2 (三家店街道 and 区科工局; 青云谱镇 has no address)", len(mails))
		}
		for _, m := range mails {
			if !m.Secure || m.Subject != "【催报】请于2022-08-05前完成“2022年7月调度”填报" {
				t.Errorf("mail secure %v subject %q", m.Secure, m.Subject)
			}
		}
		sjdMail := mails[slices.IndexFunc(mails, func(m receivedMail) bool { return strings.Contains(m.Body, "三家店街道") })]
		if strings.Join(sjdMail.Rcpt, ",") != "li@sjd.example,zhang@sjd.example" && strings.Join(sjdMail.Rcpt, ",") != "zhang@sjd.example,li@sjd.example" {
			t.Errorf("三家店街道's mail went to %v", sjdMail.Rcpt)
		}
		if !strings.HasPrefix(sjdMail.Body, sjdText+"\n\n") {
			t.Errorf("mail body %q\nwant it to start with %q", sjdMail.Body, sjdText)
		}
		inApp := func(unit string) []store.Notification {
			t.Helper()
			list, err := st.Notifications(ctx, ids[unit], 20)
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		if list := inApp("三家店街道"); len(list) != 1 || list[0].Message != sjdText || list[0].RoundID != 101 {
			t.Errorf("三家店街道's notifications: %+v", list)
		}
		if list := inApp("青云谱镇"); len(list) != 1 || strings.Contains(list[0].Message, "填报地址") {
			t.Errorf("青云谱镇 (no form yet): %+v", list)
		}
		if list := inApp("洪都街道"); len(list) != 0 {
			t.Errorf("洪都街道 has reported but got %+v", list)
		}

		// The same scheduled reminder again, later that day: nobody is told twice.
		clk.Set("2022-08-02 15:00")
		if count, err := n.Remind(ctx, 101, nil, store.ReminderBeforeDue); count != 0 || err != nil {
			t.Errorf("second before_due = %d, %v; want 0", count, err)
		}
		// Manual 催报: one unit, at most once a minute.
		if count, err := n.Remind(ctx, 101, []int64{ids["三家店街道"], ids["洪都街道"]}, store.ReminderManual); count != 1 || err != nil {
			t.Errorf("manual = %d, %v; want 1 (洪都街道 has reported)", count, err)
		}
		if count, _ := n.Remind(ctx, 101, []int64{ids["三家店街道"]}, store.ReminderManual); count != 0 {
			t.Errorf("manual again within the minute = %d", count)
		}
		clk.Set("2022-08-02 15:01")
		if count, _ := n.Remind(ctx, 101, []int64{ids["三家店街道"]}, store.ReminderManual); count != 1 {
			t.Errorf("manual a minute later = %d", count)
		}
		if len(inApp("三家店街道")) != 3 || len(robot.Posts()) != 3 || len(mailer.Mails()) != 4 {
			t.Errorf("after the manual reminders: %d in app, %d posts, %d mails", len(inApp("三家店街道")), len(robot.Posts()), len(mailer.Mails()))
		}

		// The robot refuses (a keyword rule, say): the units are still told
		// in the app and by mail, and the error says what failed.
		robot.Fail(200, `{"errcode":310000,"errmsg":"keywords not in content"}`)
		clk.Set("2022-08-05 09:00")
		count, err = n.Remind(ctx, 101, nil, store.ReminderDue)
		var se *SendError
		if count != 3 || !errors.As(err, &se) || len(se.Failures) != 1 || !strings.Contains(err.Error(), "企业微信机器人发送失败：返回错误码 310000") {
			t.Errorf("robot failing: %d, %v", count, err)
		}
		if list := inApp("三家店街道"); len(list) != 4 || !strings.HasPrefix(list[0].Message, "【催报】“2022年7月调度”填报今天（2022-08-05）截止，请三家店街道尽快完成填报") {
			t.Errorf("due-day notification: %+v", list[0])
		}
		if len(mailer.Mails()) != 6 {
			t.Errorf("mails with the robot down: %d, want 6", len(mailer.Mails()))
		}

		// The mail server is gone: the first unit's failure is reported and
		// the rest are not tried; the robot and the app still work.
		robot.Fail(200, "")
		mailer.ln.Close()
		clk.Set("2022-08-05 09:30")
		count, err = n.Remind(ctx, 101, nil, store.ReminderManual)
		if count != 3 || !errors.As(err, &se) || len(se.Failures) != 2 ||
			se.Failures[0] != "邮件（区科工局）发送失败：连接被拒绝：地址或端口不对，或服务未启动" || se.Failures[1] != "其余 1 个单位的邮件未发送" {
			t.Errorf("mail server down: %d, %v", count, err)
		}
		if len(robot.Posts()) != 5 || len(inApp("青云谱镇")) != 3 {
			t.Errorf("mail server down: %d posts, %d notifications for 青云谱镇", len(robot.Posts()), len(inApp("青云谱镇")))
		}

		if _, err := n.Remind(ctx, 101, nil, "weekly"); err == nil {
			t.Error("an unknown kind was accepted")
		}
		if _, err := n.Remind(ctx, 999, nil, store.ReminderManual); err == nil {
			t.Error("a missing round was reminded")
		}
	})
}

// TestRemindSchedulerTwoInstances runs the scheduler in two app instances
// sharing one database, with a fake clock, and counts the robot's posts:
// each scheduled reminder goes out once; when the instance holding the
// lease stops, the other takes over.
func TestRemindSchedulerTwoInstances(t *testing.T) {
	eachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st1, st2 := storetest.Open(t, dsn), storetest.Open(t, dsn)
		db := rawDB(t, dsn)
		ids := layoutRound(t, st1, db)
		robot := newRobot(t)
		if err := st1.SaveSettings(ctx, 1, map[string]string{"webhook.kind": "wecom", "webhook.url": robot.URL + "/send?key=k", "remind.hour": "9"}); err != nil {
			t.Fatal(err)
		}
		clk := newClock("2022-08-02 08:00") // the reminder day, before 9:00
		const interval = 100 * time.Millisecond
		var wg sync.WaitGroup
		cancels := map[string]context.CancelFunc{}
		for name, st := range map[string]*store.Store{"a": st1, "b": st2} {
			n := New(st, quietLog())
			n.Interval, n.Now, n.Holder = interval, clk.Now, name
			rctx, cancel := context.WithCancel(ctx)
			cancels[name] = cancel
			wg.Add(1)
			go func() { defer wg.Done(); n.Run(rctx) }()
		}
		stopAll := func() {
			for _, c := range cancels {
				c()
			}
			wg.Wait()
		}
		defer stopAll()

		// waitPosts waits until the robot has n posts, then a while more to
		// see that no other comes.
		waitPosts := func(n int) []robotPost {
			t.Helper()
			deadline := time.Now().Add(10 * time.Second)
			for len(robot.Posts()) < n && time.Now().Before(deadline) {
				time.Sleep(interval / 4)
			}
			time.Sleep(8 * interval)
			posts := robot.Posts()
			if len(posts) != n {
				t.Fatalf("robot got %d posts, want %d: %+v", len(posts), n, posts)
			}
			return posts
		}

		time.Sleep(5 * interval)
		if n := len(robot.Posts()); n != 0 {
			t.Fatalf("%d posts before the reminder hour", n)
		}
		clk.Set("2022-08-02 09:30")
		posts := waitPosts(1)
		if !strings.Contains(posts[0].Content, "填报截止日期为2022-08-05，以下3个单位尚未完成：区科工局、三家店街道、青云谱镇。") {
			t.Errorf("before_due post: %q", posts[0].Content)
		}

		// The instance holding the lease stops; on the due date the other
		// sends the due-day reminder, once.
		var holder string
		if err := db.QueryRowContext(ctx, `SELECT holder FROM leases WHERE name = 'reminders'`).Scan(&holder); err != nil {
			t.Fatal(err)
		}
		cancels[holder]()
		clk.Set("2022-08-05 09:01")
		posts = waitPosts(2)
		if !strings.Contains(posts[1].Content, "填报今天（2022-08-05）截止，以下3个单位尚未完成") {
			t.Errorf("due post: %q", posts[1].Content)
		}
		var newHolder string
		db.QueryRowContext(ctx, `SELECT holder FROM leases WHERE name = 'reminders'`).Scan(&newHolder)
		if newHolder == holder {
			t.Errorf("the lease stayed with the stopped instance %s", holder)
		}
		stopAll()

		for unit, want := range map[string]int{"三家店街道": 2, "区科工局": 2, "青云谱镇": 2, "洪都街道": 0} {
			if list, _ := st1.Notifications(ctx, ids[unit], 10); len(list) != want {
				t.Errorf("%s has %d notifications, want %d", unit, len(list), want)
			}
		}

		// Without the lease, the claims alone keep two instances that
		// remind at the same moment from telling a unit twice.
		clk.Set("2022-08-05 10:00")
		n1, n2 := New(st1, quietLog()), New(st2, quietLog())
		n1.Now, n2.Now = clk.Now, clk.Now
		var counts [2]int
		var rw sync.WaitGroup
		for i, n := range []*Notifier{n1, n2} {
			rw.Add(1)
			go func() {
				defer rw.Done()
				c, err := n.Remind(ctx, 101, nil, store.ReminderManual)
				if err != nil {
					t.Error(err)
				}
				counts[i] = c
			}()
		}
		rw.Wait()
		if counts[0]+counts[1] != 3 {
			t.Errorf("two instances reminded %v units, want 3 in all", counts)
		}
		named := map[string]int{}
		for _, p := range robot.Posts()[2:] {
			_, list, _ := strings.Cut(p.Content, "尚未完成：")
			list, _, _ = strings.Cut(list, "。")
			for _, u := range strings.Split(list, "、") {
				named[u]++
			}
		}
		if named["三家店街道"] != 1 || named["区科工局"] != 1 || named["青云谱镇"] != 1 || len(named) != 3 {
			t.Errorf("units named in the group: %v, want each once", named)
		}
	})
}

// TestRemindThroughTheRoundsOrganisation: each organisation has its own
// group robot; a round's reminders go to the robot of the organisation
// whose plan it is, at that organisation's hour.
func TestRemindThroughTheRoundsOrganisation(t *testing.T) {
	eachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st := storetest.Open(t, dsn)
		db := rawDB(t, dsn)
		layoutRound(t, st, db)
		city, err := st.AddOrg(ctx, plan.Org{Name: "南昌市", Kind: plan.OrgCity})
		if err != nil {
			t.Fatal(err)
		}
		own, cityRobot := newRobot(t), newRobot(t)
		for org, r := range map[int64]*robot{1: own, city: cityRobot} {
			if err := st.SaveSettings(ctx, org, map[string]string{"webhook.kind": "wecom", "webhook.url": r.URL + "/send?key=k", "remind.hour": "9"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.SaveSettings(ctx, city, map[string]string{"remind.hour": "11"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Settings(ctx, 1); got["remind.hour"] != "9" {
			t.Errorf("the district's hour moved with the city's: %v", got)
		}
		// The round's plan becomes the city's: the city's robot, at 11.
		if _, err := db.ExecContext(ctx, `UPDATE plans SET org_id = $1`, city); err != nil {
			t.Fatal(err)
		}
		clk := newClock("2022-08-02 10:00") // the reminder day
		n := New(st, quietLog())
		n.Now = clk.Now
		n.tick(ctx, time.Minute)
		if len(own.Posts())+len(cityRobot.Posts()) != 0 {
			t.Errorf("reminded before the city's hour: %d, %d posts", len(own.Posts()), len(cityRobot.Posts()))
		}
		clk.Set("2022-08-02 11:00")
		n.tick(ctx, time.Minute)
		if len(own.Posts()) != 0 || len(cityRobot.Posts()) != 1 {
			t.Errorf("posts: the district's robot %d, the city's %d; want 0 and 1", len(own.Posts()), len(cityRobot.Posts()))
		}
	})
}
