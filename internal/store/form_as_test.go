package store_test

import (
	"context"
	"encoding/json"
	"testing"

	"kechuang/internal/auth"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// The API's read of a form (FormAs) gives each viewer what the form page
// shows of it, through a form's life: untouched, a first draft (hidden
// from leaders and lead units), submitted, returned and saved again as a
// draft (they see the returned submission).
func TestFormAsIsWhatThePageShows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, july := openJulyRound(t, s)
		admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
		viewers := []*auth.User{
			admin,
			{Username: "leader", Role: auth.RoleLeader},
			{Username: "sjd", Role: auth.RoleReporter, UnitID: unitID(t, s, "三家店街道")},
			{Username: "kgj", Role: auth.RoleReporter, UnitID: unitID(t, s, "区科工局")},
		}
		f := formOf(t, s, july, "三家店街道")
		res, err := s.FormResource(ctx, f.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		same := func(stage string) {
			t.Helper()
			for _, u := range viewers {
				p, err := s.FormPage(ctx, f.PublicID, -1, u)
				if err != nil {
					t.Fatal(err)
				}
				got, st, err := s.FormAs(ctx, f.PublicID, u, res)
				if err != nil {
					t.Fatal(err)
				}
				if now, err := s.FormStamp(ctx, f.PublicID); err != nil || now != st {
					t.Errorf("%s, %s: FormStamp %+v, %v; FormAs read at %+v", stage, u.Username, now, err, st)
				}
				want, _ := json.Marshal(p.Form)
				if g, _ := json.Marshal(got); string(g) != string(want) {
					t.Errorf("%s, %s: FormAs\n%s\nthe page\n%s", stage, u.Username, g, want)
				}
			}
		}
		same("untouched")
		e := fill(f, map[string]string{"科技型中小企业": "21", "高新技术企业": "14", "技术合同成交额": "3"})
		saved, err := s.SaveForm(ctx, f.PublicID, e, viewers[2])
		if err != nil {
			t.Fatal(err)
		}
		same("first draft")
		e.Version, e.Submit = saved.Version, true
		if saved, err = s.SaveForm(ctx, f.PublicID, e, viewers[2]); err != nil {
			t.Fatal(err)
		}
		same("submitted")
		if err := s.ReviewForm(ctx, f.PublicID, saved.Version, store.Return, "请补充", admin); err != nil {
			t.Fatal(err)
		}
		cur, _ := s.Form(ctx, f.PublicID)
		e.Version, e.Submit = cur.Version, false
		if _, err = s.SaveForm(ctx, f.PublicID, e, viewers[2]); err != nil {
			t.Fatal(err)
		}
		same("draft after the return")
	})
}
