package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kechuang/internal/auth"
	"kechuang/internal/store/storetest"
)

// TestAdminManagesUsers: an administrator creates a reporter for
// 三家店街道, who logs in; a weak password is refused with the rule shown;
// disabling a user ends their session.
func TestAdminManagesUsers(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	admin := f.client(t, "admin")
	dir, _ := f.store.Directory(t.Context())
	sjd := dir.Index()["三家店街道"].UnitID

	code, body := get(t, admin, f.srv.URL+"/users/new")
	if code != http.StatusOK || !strings.Contains(body, auth.PasswordRule) || !strings.Contains(body, `<option value="`+itoa(sjd)+`">三家店街道</option>`) {
		t.Fatalf("new user form: %d, lacks the rule or the unit choice", code)
	}
	form := url.Values{"username": {"sjd2"}, "display_name": {"李四"}, "role": {"reporter"}, "unit": {itoa(sjd)}, "email": {"ls@example.cn"}, "password": {"short1"}}
	code, body, _ = postForm(t, admin, f.srv.URL+"/users", form)
	if code != http.StatusBadRequest || !strings.Contains(body, auth.PasswordRule) || !strings.Contains(body, `value="李四"`) {
		t.Errorf("weak password: %d; want 400 with the rule and the form kept", code)
	}
	form.Set("password", "digitsonly1234x")
	form.Set("unit", "0")
	if code, body, _ = postForm(t, admin, f.srv.URL+"/users", form); code != http.StatusBadRequest || !strings.Contains(body, "填报员必须绑定一个单位") {
		t.Errorf("reporter without a unit: %d", code)
	}
	form.Set("unit", itoa(sjd))
	form.Set("password", testPassword)
	if code, _, loc := postForm(t, admin, f.srv.URL+"/users", form); code != http.StatusSeeOther || loc != "/users?saved" {
		t.Fatalf("create: %d → %s", code, loc)
	}
	code, body = get(t, admin, f.srv.URL+"/users")
	if code != http.StatusOK || !strings.Contains(body, "<td>sjd2</td><td>李四</td><td>填报员</td>") || !strings.Contains(body, "ls@example.cn") {
		t.Errorf("user list lacks the new reporter")
	}

	// The reporter logs in and sees their unit on the account page.
	reporter := f.client(t, "sjd2")
	code, body = get(t, reporter, f.srv.URL+"/account")
	if code != http.StatusOK || !strings.Contains(body, "三家店街道") || !strings.Contains(body, "李四") {
		t.Errorf("account page of the new reporter: %d", code)
	}

	// Disabling them ends the session: the next request goes to the login.
	var id int64
	users, _ := f.store.Users(t.Context())
	for _, u := range users {
		if u.Username == "sjd2" {
			id = u.ID
		}
	}
	code, body = get(t, admin, f.srv.URL+"/users/"+itoa(id)+"/edit")
	if code != http.StatusOK || !strings.Contains(body, "编辑用户 sjd2") || !strings.Contains(body, `action="/users/`+itoa(id)+`/password"`) {
		t.Fatalf("edit page: %d", code)
	}
	edit := url.Values{"display_name": {"李四"}, "role": {"reporter"}, "unit": {itoa(sjd)}, "email": {"ls@example.cn"}, "disabled": {"1"}}
	if code, _, _ := postForm(t, admin, f.srv.URL+"/users/"+itoa(id), edit); code != http.StatusSeeOther {
		t.Fatalf("disable: %d", code)
	}
	res, err := reporter.Get(f.srv.URL + "/plans")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("disabled user's next request: %d → %s, want a redirect to /login", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = (&http.Client{CheckRedirect: reporter.CheckRedirect}).PostForm(f.srv.URL+"/login", url.Values{"username": {"sjd2"}, "password": {testPassword}})
	res.Body.Close()
	if res.StatusCode == http.StatusSeeOther {
		t.Error("a disabled user logged in")
	}

	// The last administrator cannot be disabled; the error shows on the form.
	edit = url.Values{"role": {"admin"}, "disabled": {"1"}}
	if code, body, _ := postForm(t, admin, f.srv.URL+"/users/"+itoa(f.users["admin"].ID), edit); code != http.StatusConflict || !strings.Contains(body, "至少要保留一个可用的管理员") {
		t.Errorf("disabling the last admin: %d", code)
	}

	// A reset by the administrator: the rule holds, then the old password stops working.
	leader := f.client(t, "leader")
	if code, body, _ := postForm(t, admin, f.srv.URL+"/users/"+itoa(f.users["leader"].ID)+"/password", url.Values{"password": {"abc"}}); code != http.StatusBadRequest || !strings.Contains(body, auth.PasswordRule) {
		t.Errorf("weak reset: %d", code)
	}
	if code, _, loc := postForm(t, admin, f.srv.URL+"/users/"+itoa(f.users["leader"].ID)+"/password", url.Values{"password": {"newpassword2026"}}); code != http.StatusSeeOther || !strings.HasSuffix(loc, "/edit?saved") {
		t.Errorf("reset: %d → %s", code, loc)
	}
	if res, _ := leader.Get(f.srv.URL + "/plans"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("leader's session survived a password reset: %d", res.StatusCode)
	}
}

func TestLeaderCannotManageUsers(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	for _, name := range []string{"leader", "sjd"} {
		c := f.client(t, name)
		for _, p := range []string{"/users", "/users/new", "/audit", "/audit.csv"} {
			if code, _ := get(t, c, f.srv.URL+p); code != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", name, p, code)
			}
		}
		if code, _, _ := postForm(t, c, f.srv.URL+"/users", url.Values{"username": {"x"}, "role": {"admin"}, "password": {testPassword}}); code != http.StatusForbidden {
			t.Errorf("%s POST /users: %d, want 403", name, code)
		}
		_, body := get(t, c, f.srv.URL+"/plans")
		if strings.Contains(body, `href="/users"`) || !strings.Contains(body, `href="/account"`) {
			t.Errorf("%s's menu: user management shown or account missing", name)
		}
	}
	_, body := get(t, f.client(t, "admin"), f.srv.URL+"/plans")
	if !strings.Contains(body, `href="/users"`) || !strings.Contains(body, `href="/audit"`) {
		t.Error("admin's menu lacks 用户管理 or 审计日志")
	}
}

func TestOwnPassword(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	c := f.client(t, "sjd")
	other := f.client(t, "sjd") // the same user on another device
	tests := []struct {
		name                    string
		current, password, conf string
		want                    string
	}{
		{"mismatch", testPassword, "newpassword2026", "newpassword2027", "两次输入的新密码不一致"},
		{"weak", testPassword, "short", "short", auth.PasswordRule},
		{"wrong current", "wrongpassword1", "newpassword2026", "newpassword2026", "当前密码不正确"},
	}
	for _, tt := range tests {
		code, body, _ := postForm(t, c, f.srv.URL+"/account/password", url.Values{"current": {tt.current}, "password": {tt.password}, "confirm": {tt.conf}})
		if code != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), tt.want) {
			t.Errorf("%s: %d, want 400 saying %q", tt.name, code, tt.want)
		}
	}
	code, _, loc := postForm(t, c, f.srv.URL+"/account/password", url.Values{"current": {testPassword}, "password": {"newpassword2026"}, "confirm": {"newpassword2026"}})
	if code != http.StatusSeeOther || loc != "/account?saved" {
		t.Fatalf("change: %d → %s", code, loc)
	}
	if code, _ := get(t, c, f.srv.URL+"/account"); code != http.StatusOK {
		t.Errorf("after changing the password this session should go on: %d", code)
	}
	if code, _ := get(t, other, f.srv.URL+"/account"); code != http.StatusSeeOther {
		t.Errorf("the other session should have ended: %d", code)
	}
	res, _ := (&http.Client{CheckRedirect: c.CheckRedirect}).PostForm(f.srv.URL+"/login", url.Values{"username": {"sjd"}, "password": {"newpassword2026"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("login with the new password: %d", res.StatusCode)
	}
}
