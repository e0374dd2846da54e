package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"kechuang/internal/plan"
)

// The API's answer of a form is kept by the form and the caller's sight
// (apiForm). Every change to what the form shows must show in the next
// answer — a save, an evidence file added or deleted, the plan's wording of
// a task — and each sight keeps its own: 区科工局, reviewing the tasks it
// leads, never gets the unit's own whole form, nor the unit its cut.
func TestFormAnswerFollowsEveryChange(t *testing.T) {
	eachDatabase(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		id := f.forms["三家店街道"]
		get := func(who string) (plan.Form, string) {
			t.Helper()
			token, err := f.store.CreateAPIToken(ctx, who, "kept", 0)
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/v1/forms/"+id, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			var form plan.Form
			if res.StatusCode != http.StatusOK || json.Unmarshal(body, &form) != nil {
				t.Fatalf("GET as %s: %d %s", who, res.StatusCode, body)
			}
			return form, string(body)
		}
		// Twice each, in turn: the second answer of each is the kept one.
		var own, led string
		for range 2 {
			_, own = get("sjd")
			_, led = get("kgj")
		}
		if own == led || !strings.Contains(led, `"values":null`) || strings.Contains(own, `"values":null`) {
			t.Fatalf("the unit's and the lead unit's answers:\n%s\n%s", own, led)
		}
		first, _ := get("sjd")
		task := first.Tasks[0]

		att := f.newAttachment(t) // on the first task
		if got, _ := get("sjd"); got.Tasks[0].Attachments != task.Attachments+1 || got.Version != first.Version {
			t.Errorf("after an upload: %d evidence files, version %d; want %d, %d", got.Tasks[0].Attachments, got.Version, task.Attachments+1, first.Version)
		}
		if err := f.store.DeleteAttachment(ctx, att); err != nil {
			t.Fatal(err)
		}
		if got, _ := get("sjd"); got.Tasks[0].Attachments != task.Attachments {
			t.Errorf("after the deletion: %d evidence files, want %d", got.Tasks[0].Attachments, task.Attachments)
		}

		body := `{"version":` + itoa(int64(first.Version)) + `,"tasks":[{"task_id":` + itoa(task.TaskID) + `,"status":"in_progress","progress":"第二次填报","problems":"","next_steps":""}]}`
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/forms/"+id, strings.NewReader(body))
		token, _ := f.store.CreateAPIToken(ctx, "sjd", "save", 0)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("save: %d", res.StatusCode)
		}
		if got, _ := get("sjd"); got.Version != first.Version+1 || got.Tasks[0].Progress != "第二次填报" {
			t.Errorf("after a save: version %d, progress %q", got.Version, got.Tasks[0].Progress)
		}

		doc, err := f.store.Plan(ctx, f.planID)
		if err != nil {
			t.Fatal(err)
		}
		for _, sec := range doc.Sections {
			for _, tk := range sec.Tasks {
				if tk.ID == task.TaskID {
					tk.Title = "改写后的任务名称"
					if _, err := f.store.SaveTask(ctx, f.planID, sec.ID, tk); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		if got, _ := get("sjd"); got.Tasks[0].Title != "改写后的任务名称" {
			t.Errorf("after the plan's edit: the task is titled %q", got.Tasks[0].Title)
		}
	})
}
