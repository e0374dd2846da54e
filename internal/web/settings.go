package web

import (
	"net/http"

	"kechuang/internal/notify"
)

// secretSettings are the settings a form never shows back: an empty field
// keeps the saved value, and a checkbox clears it.
var secretSettings = []string{notify.KeySMTPPassword, notify.KeyWebhookSecret}

// settingsPage is where an administrator sets where the reminders of the
// organisation worked in go: its group robot and mail server.
func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) {
	saved, err := s.store.Settings(r.Context(), workOrg(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Saved settings are valid; parsing fills the defaults the form shows.
	st, _ := notify.ParseSettings(saved)
	s.render(w, r, http.StatusOK, "settings", settingsForm(st.Map(), saved))
}

// settingsForm is what settings.html shows: the values (secrets left out)
// and which secrets are saved.
func settingsForm(values, saved map[string]string) map[string]any {
	shown := map[string]string{}
	for k, v := range values {
		shown[k] = v
	}
	set := map[string]bool{}
	for _, k := range secretSettings {
		delete(shown, k)
		set[k] = saved[k] != ""
	}
	return map[string]any{"Values": shown, "SecretSet": set}
}

// postedSettings reads the form: every key as typed, and the secrets from
// the saved settings when left empty (unless their clear box is ticked).
func (s *Server) postedSettings(r *http.Request) (values, saved map[string]string, err error) {
	saved, err = s.store.Settings(r.Context(), workOrg(r))
	if err != nil {
		return nil, nil, err
	}
	values = map[string]string{}
	for _, k := range notify.Keys() {
		values[k] = r.PostFormValue(k)
	}
	for _, k := range secretSettings {
		switch {
		case r.PostFormValue("clear:"+k) != "":
			values[k] = ""
		case values[k] == "":
			values[k] = saved[k]
		}
	}
	return values, saved, nil
}

func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request) {
	values, saved, err := s.postedSettings(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := notify.ParseSettings(values)
	if err == nil {
		err = notify.SaveSettings(r.Context(), s.store, workOrg(r), st)
	}
	if err != nil {
		s.formError(w, r, err, "settings", settingsForm(values, saved))
		return
	}
	http.Redirect(w, r, "/settings?saved", http.StatusSeeOther)
}

// settingsTest sends a test message with the settings as typed, before
// they are saved, and shows how each channel went.
func (s *Server) settingsTest(w http.ResponseWriter, r *http.Request) {
	values, saved, err := s.postedSettings(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := settingsForm(values, saved)
	data["TestTo"] = r.PostFormValue("test_to")
	st, err := notify.ParseSettings(values)
	if err != nil {
		s.formError(w, r, err, "settings", data)
		return
	}
	data["Tested"] = true
	data["Results"] = notify.SendTest(r.Context(), st, r.PostFormValue("test_to"))
	s.render(w, r, http.StatusOK, "settings", data)
}
