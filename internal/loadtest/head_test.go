package loadtest

import "testing"

// formHead reads what a reporter needs of a form's answer, however it is
// spaced, and says so when the answer has no head to read.
func TestFormHead(t *testing.T) {
	for _, c := range []struct {
		body    string
		version int
		state   string
		ok      bool
	}{
		{`{"id":"a1","round_id":1,"unit_name":"三家店街道","state":"draft","version":7,"tasks":[{"task_id":3}]}`, 7, "draft", true},
		{"{\n  \"id\": \"a1\",\n  \"state\": \"submitted\",\n  \"version\": 12\n}", 12, "submitted", true},
		{`{"id":"a1","version":3}`, 0, "", false}, // no state before the version
		{`{"id":"a1","state":"draft"}`, 0, "", false},
		{`[1,2]`, 0, "", false},
		{`{"state":"draft","version":"七"}`, 0, "", false},
		{``, 0, "", false},
	} {
		version, state, err := formHead([]byte(c.body))
		if (err == nil) != c.ok || err == nil && (version != c.version || state != c.state) {
			t.Errorf("formHead(%s) = %d, %q, %v", c.body, version, state, err)
		}
	}
}
