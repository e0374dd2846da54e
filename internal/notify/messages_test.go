package notify

import (
	"fmt"
	"strings"
	"testing"

	"kechuang/internal/store"
)

func TestNotifySplitLink(t *testing.T) {
	for _, c := range []struct{ in, text, link string }{
		{"【催报】请填报。填报地址：/forms/abc", "【催报】请填报。", "/forms/abc"},
		{"【催报】请填报。填报地址：https://kc.example/forms/abc", "【催报】请填报。", "https://kc.example/forms/abc"},
		{"【催报】请填报。", "【催报】请填报。", ""},
		{"【催报】填报地址：javascript:alert(1)", "【催报】填报地址：javascript:alert(1)", ""},
	} {
		if text, link := SplitLink(c.in); text != c.text || link != c.link {
			t.Errorf("SplitLink(%q) = %q, %q", c.in, text, link)
		}
	}
}

// TestNotifyGroupMessagesSplit: a long list of units is spread over
// messages within the robots' length limit, each unit named once.
func TestNotifyGroupMessagesSplit(t *testing.T) {
	var units []store.PendingUnit
	for i := range 300 {
		units = append(units, store.PendingUnit{RoundLabel: roundLabel, PlanTitle: planTitle, DueOn: "2022-08-05", UnitName: fmt.Sprintf("第%d单位", i)})
	}
	msgs := groupMessages(store.ReminderDue, units, "https://kc.example")
	if len(msgs) < 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	named := 0
	for _, m := range msgs {
		if len(m) > 2000 || !strings.HasPrefix(m, "【催报】") || !strings.HasSuffix(m, "系统地址：https://kc.example") {
			t.Errorf("message of %d bytes: %.80s…", len(m), m)
		}
		_, list, _ := strings.Cut(m, "尚未完成：")
		list, _, _ = strings.Cut(list, "。")
		named += len(strings.Split(list, "、"))
	}
	if named != 300 {
		t.Errorf("%d units named, want 300", named)
	}
}

// TestNotifyGroupMessagesContacts: the group is told whom to chase: each
// unit with its contact and phone where the directory has them.
func TestNotifyGroupMessagesContacts(t *testing.T) {
	units := []store.PendingUnit{
		{RoundLabel: roundLabel, PlanTitle: planTitle, DueOn: "2022-08-05", UnitName: "三家店街道", Contact: "张三", Phone: "0791-88886666"},
		{RoundLabel: roundLabel, PlanTitle: planTitle, DueOn: "2022-08-05", UnitName: "洪都街道"},
	}
	msgs := groupMessages(store.ReminderBeforeDue, units, "")
	if len(msgs) != 1 || !strings.Contains(msgs[0], "三家店街道（张三 0791-88886666）、洪都街道。") {
		t.Errorf("group message %q", msgs)
	}
}
