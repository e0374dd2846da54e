package web

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// TestAuditPage: a user created in the UI shows in the audit log with who
// did it, from where, and the record after; the chain is reported intact;
// the CSV export opens in Excel (BOM) and holds the same rows.
func TestAuditPage(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	admin := f.client(t, "admin")
	dir, _ := f.store.Directory(t.Context())
	form := url.Values{"username": {"sjd2"}, "display_name": {"李四"}, "role": {"reporter"},
		"unit": {itoa(dir.Index()["三家店街道"].UnitID)}, "password": {testPassword}}
	if code, _, _ := postForm(t, admin, f.srv.URL+"/users", form); code != http.StatusSeeOther {
		t.Fatalf("create: %d", code)
	}

	code, body := get(t, admin, f.srv.URL+"/audit?action=user.create&user=admin")
	body = html.UnescapeString(body)
	if code != http.StatusOK {
		t.Fatalf("audit page: %d", code)
	}
	for _, want := range []string{"审计日志完整：已校验", "新建用户", "user.create", "<td>admin</td>", "<td>127.0.0.1</td>",
		`"username": "sjd2"`, `"unit": "三家店街道"`, "<th>姓名 <code>display_name</code></th><td class=\"old\"></td><td class=\"new\">李四</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("audit page lacks %q", want)
		}
	}
	if strings.Contains(body, "argon2") {
		t.Error("the audit page shows a password hash")
	}
	if n := strings.Count(body, `<tr id="audit-`); n != 1 {
		t.Errorf("filtered to admin's user.create: %d rows, want 1", n)
	}
	// The fixture's own setup has no actor: it shows as system.
	if _, body := get(t, admin, f.srv.URL+"/audit?user=system&action=plan.create"); !strings.Contains(body, "新建方案") {
		t.Error("the fixture's plan.create by system is not listed")
	}
	if code, body := get(t, admin, f.srv.URL+"/audit?from=2022-13-01"); code != http.StatusBadRequest || !strings.Contains(body, "起始日期") {
		t.Errorf("bad date: %d", code)
	}

	res, err := admin.Get(f.srv.URL + "/audit.csv?object=user")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
		t.Fatal("CSV lacks the UTF-8 byte-order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// A header, then the fixture's users (by system) and sjd2 by admin, oldest first.
	_, total, _ := f.store.AuditLog(t.Context(), store.AuditFilter{Object: "user"})
	if len(rows) != total+1 || total < 2 || rows[0][0] != "编号" || rows[0][9] != "修改前" {
		t.Fatalf("CSV has %d rows for %d entries: %q", len(rows), total, rows)
	}
	last, prev := rows[total], rows[total-1]
	if last[4] != "admin" || last[6] != "user.create" || last[7] != "新建用户" || last[9] != "" || !strings.Contains(last[10], `"username":"sjd2"`) || len(last[12]) != 64 {
		t.Errorf("CSV row: %q", last)
	}
	// The row's prev hash is the hash of the entry just before it in the
	// whole log (other objects' entries may lie between two user rows).
	newest, _, _ := f.store.AuditLog(t.Context(), store.AuditFilter{Limit: 2})
	if len(newest) < 2 || newest[0].Hash != last[12] || newest[1].Hash != last[11] || prev[12] == "" {
		t.Error("CSV rows do not chain: the last row's prev hash is not the hash of the entry before it")
	}
}

// TestAuditPageShowsBrokenChain: an entry edited in the database is shown
// in red at the top.
func TestAuditPageShowsBrokenChain(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	f := newFixture(t, dsn)
	// Someone with access to the database file, behind kechuang's back.
	db, err := sql.Open("sqlite", strings.TrimPrefix(dsn, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE audit_log SET after = '{}' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	_, body := get(t, f.client(t, "admin"), f.srv.URL+"/audit")
	if !strings.Contains(body, `<p class="error" role="alert" id="chain-status">审计日志校验失败：第 2 号记录`) || !strings.Contains(body, `class="bad-row"`) {
		t.Error("a broken chain is not shown")
	}
}
