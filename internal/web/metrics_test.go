package web

import (
	"net/http"
	"strings"
	"testing"

	"kechuang/internal/store/storetest"
)

// TestMetrics: /metrics is for administrators (a bearer token is how a
// scraper gets in) and counts requests by route and status, the pools and
// the open round's forms by state.
func TestMetrics(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	admin := f.client(t, "admin")
	get(t, admin, f.srv.URL+"/plans/"+itoa(f.planID))
	get(t, admin, f.srv.URL+"/no/such/page")
	if code, _ := get(t, f.client(t, "leader"), f.srv.URL+"/metrics"); code != http.StatusForbidden {
		t.Errorf("a leader reading /metrics: %d", code)
	}
	code, body := get(t, admin, f.srv.URL+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`kechuang_http_requests_total{route="GET /plans/{plan}",status="200"} 1`,
		`kechuang_http_requests_total{route="other",status="404"} 1`,
		`kechuang_http_request_duration_seconds_bucket{route="GET /plans/{plan}",le="+Inf"} 1`,
		`kechuang_db_connections{pool="write",state="in_use"}`,
		`kechuang_round_forms{round="` + itoa(f.roundID) + `",state="empty"} 18`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
