package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kechuang/internal/store/storetest"
)

// TestAliasInUseIsAConflict is the finding: adding a unit with an alias
// another unit has answered 服务器内部错误; it is a 409 naming both.
func TestAliasInUseIsAConflict(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		admin := f.client(t, "admin")
		code, body, _ := postForm(t, admin, f.srv.URL+"/units", url.Values{"name": {"青云谱区科技局"}, "kind": {"department"}, "aliases": {"科工局"}})
		if code != http.StatusConflict || !strings.Contains(body, "别名“科工局”已被其他单位（区科工局）使用。") {
			t.Errorf("a unit with an alias in use: %d, want 409 naming the alias\n%s", code, body)
		}
		if !strings.Contains(body, `value="青云谱区科技局"`) {
			t.Error("the form does not keep what was typed")
		}
	})
}

// TestDeleteRefusedOffersArchive walks the delete buttons of a unit, a
// task, a goal, an action and the plan once forms exist: each answers 409
// with the reason, units, tasks and goals offer archiving, and archiving
// and restoring show on the pages.
func TestDeleteRefusedOffersArchive(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		admin, leader := f.client(t, "admin"), f.client(t, "leader")
		dir, _ := f.store.Directory(context.Background())
		sjd := itoa(dir.Index()["三家店街道"].UnitID)
		p := f.srv.URL + "/plans/" + itoa(f.planID)
		task, goal, sec := f.doc.Sections[0].Tasks[0], f.doc.Goals[1], f.doc.Sections[0]
		taskPath := "/plans/" + itoa(f.planID) + "/tasks/" + itoa(task.ID)
		goalPath := "/plans/" + itoa(f.planID) + "/goals/" + itoa(goal.ID)

		refusals := []struct {
			path    string
			message string
			archive string // the archive action offered, "" for none
		}{
			{"/units/" + sjd + "/delete", "三家店街道已有 1 份填报表（2022年7月调度），不能删除；可改为归档", "/units/" + sjd + "/archive"},
			{taskPath + "/delete", "任务 1“" + task.Title + "”已在 ", taskPath + "/archive"},
			{goalPath + "/delete", "目标“" + goal.Indicator + "”已在 ", goalPath + "/archive"},
			{"/plans/" + itoa(f.planID) + "/sections/" + itoa(sec.ID) + "/delete", "行动“（一）" + sec.Title + "”下的任务 ", ""},
			{"/plans/" + itoa(f.planID) + "/delete", "已有 18 份填报表（2022年7月调度），不能删除", ""},
		}
		for _, r := range refusals {
			code, body, _ := postForm(t, admin, f.srv.URL+r.path, nil)
			if code != http.StatusConflict || !strings.Contains(body, r.message) {
				t.Errorf("POST %s: %d, want 409 with %q\n%s", r.path, code, r.message, body)
				continue
			}
			if offered := strings.Contains(body, `action="`+r.archive+`"`); r.archive != "" && !offered {
				t.Errorf("POST %s: archiving is not offered", r.path)
			}
			if r.archive == "" && strings.Contains(body, "改为归档</button>") {
				t.Errorf("POST %s: offers an archive action it has none of", r.path)
			}
		}

		// Archive the unit, the task and the goal.
		for _, path := range []string{"/units/" + sjd + "/archive", taskPath + "/archive", goalPath + "/archive"} {
			if code, body, _ := postForm(t, admin, f.srv.URL+path, nil); code != http.StatusSeeOther {
				t.Fatalf("POST %s: %d\n%s", path, code, body)
			}
		}
		if _, body := get(t, admin, f.srv.URL+"/units"); !strings.Contains(body, `三家店街道</a> <span class="tag">已归档</span>`) {
			t.Error("the unit list does not mark the archived unit")
		}
		_, body := get(t, admin, f.srv.URL+"/units/"+sjd)
		if !strings.Contains(body, "已归档") || !strings.Contains(body, `action="/units/`+sjd+`/unarchive"`) {
			t.Error("the unit page does not show the unit archived with 恢复")
		}
		if _, body := get(t, admin, f.srv.URL+"/units/"+sjd+"/edit"); !strings.Contains(body, "恢复此单位") {
			t.Error("the unit's edit page does not offer 恢复")
		}
		if _, body := get(t, admin, f.srv.URL+taskPath+"/edit"); !strings.Contains(body, "恢复此任务") {
			t.Error("the task's edit page does not offer 恢复")
		}
		_, body = get(t, admin, p)
		if n := strings.Count(body, `<span class="tag">已归档</span>`); n != 2 {
			t.Errorf("the plan page marks %d parts archived, want 2", n)
		}
		if !strings.Contains(body, `action="`+taskPath+`/unarchive"`) || !strings.Contains(body, `action="`+goalPath+`/unarchive"`) {
			t.Error("the plan page does not offer 恢复 for the archived task and goal")
		}
		if _, body := get(t, leader, p); strings.Count(body, "已归档") != 2 || strings.Contains(body, "/unarchive") {
			t.Error("a leader should see the marks without the 恢复 buttons")
		}
		if _, body := get(t, admin, p+"/rounds"); strings.Contains(body, `name="units" value="`+sjd+`"`) {
			t.Error("a new round offers the archived unit")
		}

		for _, path := range []string{"/units/" + sjd + "/unarchive", taskPath + "/unarchive", goalPath + "/unarchive"} {
			if code, body, _ := postForm(t, admin, f.srv.URL+path, nil); code != http.StatusSeeOther {
				t.Fatalf("POST %s: %d\n%s", path, code, body)
			}
		}
		if _, body := get(t, admin, p); strings.Contains(body, "已归档") {
			t.Error("the plan page still shows parts archived after 恢复")
		}
		if _, body := get(t, admin, f.srv.URL+"/units/"+sjd); strings.Contains(body, "已归档") {
			t.Error("the unit page still shows the unit archived after 恢复")
		}
		if _, body := get(t, admin, p+"/rounds"); !strings.Contains(body, `name="units" value="`+sjd+`" checked`) {
			t.Error("a new round does not offer the restored unit")
		}
	})
}
