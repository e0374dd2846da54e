package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

func (s *Server) apiRounds(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A plan that does not exist, or is outside the caller's scope, was
	// answered 404 by authorize (objectOrg): no need to read it whole here.
	rounds, err := s.store.Rounds(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rounds": nonNilSlice(rounds)})
}

// formSummaryJSON is a form's line in a round, as the API gives it.
type formSummaryJSON struct {
	ID            string         `json:"id"`
	UnitID        int64          `json:"unit_id"`
	Unit          string         `json:"unit"`
	State         plan.FormState `json:"state"`
	TypedFields   int            `json:"typed_fields"`
	CarriedFields int            `json:"carried_fields"`
	SecondsSpent  int            `json:"seconds_spent"`
	Overdue       bool           `json:"overdue"`                      // 逾期: not reported, past the due date
	Late          bool           `json:"late"`                         // 逾期报送: first submitted after the due date then
	SubmittedAt   *time.Time     `json:"first_submitted_at,omitempty"` // first submission
}

// apiRound answers a round with its forms' states; reporters get their own
// unit's form only, as on the page.
func (s *Server) apiRound(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "round")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd, err := s.store.Round(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	forms, err := s.store.RoundForms(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []formSummaryJSON{}
	now := s.opts.Now()
	for _, f := range visibleForms(currentUser(r), forms) {
		row := timeliness(rd, f, now)
		out = append(out, formSummaryJSON{f.PublicID, f.UnitID, f.UnitName, f.State, f.TypedFields, f.CarriedFields, f.SecondsSpent,
			row.Overdue, row.LateOn != "", f.FirstSubmittedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"round": rd, "forms": out})
}

// apiForm answers the form as the caller may see it: what the form page
// shows of it, read without the rest of the page. The answer is kept by
// the form and the caller's sight (reporters reopen their form after every
// save another has won): while the form's stamp has not moved, one
// statement reads it, and the kept JSON is the answer.
func (s *Server) apiForm(w http.ResponseWriter, r *http.Request) {
	id, u, res := r.PathValue("form"), currentUser(r), currentResource(r)
	st, err := s.store.FormStamp(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := id + "|" + sightKey(auth.FormSightOf(u, res))
	if k, ok := s.forms.Get(key); ok && k.stamp == st {
		writeJSONBody(w, http.StatusOK, k.body)
		return
	}
	f, st, err := s.store.FormAs(r.Context(), id, u, res)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body, err := encodeJSON(f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(body) <= maxKeptForm {
		s.forms.Put(key, keptForm{st, body}, nil)
	}
	writeJSONBody(w, http.StatusOK, body)
}

// keptForm is a form's API answer to one sight, with the stamp of what it
// was read from.
type keptForm struct {
	stamp store.FormStamp
	body  []byte
}

// maxKeptForms and maxKeptForm bound the answers kept (apiForm): larger
// answers — forms of hundreds of tasks — are read each time, so that what
// is kept stays under 64 MB.
const (
	maxKeptForms = 2048
	maxKeptForm  = 32 << 10
)

// sightKey names a sight of a form: whole or not, with drafts or not, and
// the tasks a lead unit's reviewer is shown.
func sightKey(fs auth.FormSight) string {
	b := []byte(fmt.Sprintf("%t %t", fs.Whole, fs.Drafts))
	for _, t := range slices.Sorted(maps.Keys(fs.Tasks)) {
		if fs.Tasks[t] {
			b = strconv.AppendInt(append(b, ' '), t, 10)
		}
	}
	return string(b)
}

// formSaveJSON is the body of POST /api/v1/forms/{id}.
type formSaveJSON struct {
	Version int `json:"version"`
	// The entries are read once the version is known current
	// (store.FormEdit.Entries): a save that lost its race is answered
	// without decoding them.
	Tasks  json.RawMessage `json:"tasks"`
	Values json.RawMessage `json:"values"`
	Submit bool            `json:"submit"`
}

type formTaskJSON struct {
	TaskID    int64           `json:"task_id"`
	Status    plan.TaskStatus `json:"status"`
	Progress  string          `json:"progress"`
	Problems  string          `json:"problems"`
	NextSteps string          `json:"next_steps"`
}

type formValueJSON struct {
	GoalID int64         `json:"goal_id"`
	Value  *plan.Decimal `json:"value"`
	Note   string        `json:"note"`
}

// apiFormSave saves or submits a form; entries not sent keep their values.
func (s *Server) apiFormSave(w http.ResponseWriter, r *http.Request) {
	var body formSaveJSON
	if err := decodeBody(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	// Only what was sent: SaveForm keeps the rest, and refuses entries the
	// form does not have.
	e := store.FormEdit{Version: body.Version, Submit: body.Submit, Strict: true, Entries: func(e *store.FormEdit) error {
		var tasks []formTaskJSON
		var values []formValueJSON
		if len(body.Tasks) > 0 {
			if err := plan.DecodeJSONAt(body.Tasks, "tasks", &tasks); err != nil {
				return err
			}
		}
		if len(body.Values) > 0 {
			if err := plan.DecodeJSONAt(body.Values, "values", &values); err != nil {
				return err
			}
		}
		e.Tasks, e.Values = make(map[int64]plan.FormTask, len(tasks)), make(map[int64]plan.FormValue, len(values))
		for _, t := range tasks {
			e.Tasks[t.TaskID] = plan.FormTask{Status: t.Status, Progress: t.Progress, Problems: t.Problems, NextSteps: t.NextSteps}
		}
		for _, v := range values {
			e.Values[v.GoalID] = plan.FormValue{Value: v.Value, Note: v.Note}
		}
		return nil
	}}
	saved, err := s.store.SaveForm(r.Context(), r.PathValue("form"), e, currentUser(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, saved)
}

// apiFormReview approves or returns a submitted form.
func (s *Server) apiFormReview(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Version  int    `json:"version"`
		Decision string `json:"decision"`
		Comment  string `json:"comment"`
	}
	if err := decodeBody(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.ReviewForm(r.Context(), r.PathValue("form"), body.Version, body.Decision, body.Comment, currentUser(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	// The reply is the form as the reviewer may see it: a lead unit's
	// reviewer gets the tasks it leads, not the whole form.
	f, _, err := s.store.FormAs(r.Context(), r.PathValue("form"), currentUser(r), currentResource(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

// readRequestBody reads the request's body whole: in one buffer of its length
// when the client said it (authorize has held it to the route's limit),
// where io.ReadAll grows one from 512 bytes.
func readRequestBody(r *http.Request) ([]byte, error) {
	if r.ContentLength <= 0 {
		return io.ReadAll(r.Body)
	}
	data := make([]byte, r.ContentLength)
	if _, err := io.ReadFull(r.Body, data); err != nil {
		return nil, err
	}
	return data, nil
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// decodeBody reads a JSON request body into v: errors in Chinese naming
// the field (plan.DecodeJSON), a body over the route's limit ETOOLARGE.
func decodeBody(r *http.Request, v any) error {
	data, err := readRequestBody(r)
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return tooLarge(mbe.Limit)
	case err != nil:
		return plan.Errorf(plan.EINVALID, "读取请求体失败，请重新提交。")
	}
	return plan.DecodeJSON(data, v)
}
