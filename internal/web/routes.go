package web

import (
	"net/http"

	"kechuang/internal/auth"
	"kechuang/internal/notice"
)

// routes is the whole surface of kechuang: every page, action and API call,
// with the permission the authorization check demands of it.
func (s *Server) routes() []route {
	public, view, admin := auth.PermPublic, auth.PermView, auth.PermAdmin
	formRead, formWrite, formComment := auth.PermFormRead, auth.PermFormWrite, auth.PermFormComment
	oversee, report := auth.PermOversee, auth.PermReport
	instruct, unitRead, unitReply := auth.PermInstruct, auth.PermUnitRead, auth.PermUnitReply
	return []route{
		{"GET", "/static/", public, http.StripPrefix("/static/", http.FileServerFS(staticFS())).ServeHTTP},
		{"GET", "/healthz", public, s.healthz},
		{"GET", "/metrics", admin, s.metricsPage},
		{"GET", "/login", public, s.loginPage},
		{"POST", "/login", public, s.login},
		{"POST", "/logout", view, s.logout},
		{"GET", "/{$}", view, s.home},

		{"GET", "/plans", view, s.planList},
		{"GET", "/plans/new", admin, s.planNew},
		{"GET", "/plans/import", admin, s.planImportPage},
		{"POST", "/plans/import", admin, s.planImportPreview},
		{"POST", "/plans/import/confirm", admin, s.planImportConfirm},
		{"POST", "/plans", admin, s.planCreate},
		{"GET", "/plans/{plan}", view, s.planShow},
		{"GET", "/plans/{plan}/edit", admin, s.planEdit},
		{"POST", "/plans/{plan}", admin, s.planUpdate},
		{"POST", "/plans/{plan}/delete", admin, s.planDelete},

		{"GET", "/plans/{plan}/goals/new", admin, s.goalEdit},
		{"GET", "/plans/{plan}/goals/{goal}/edit", admin, s.goalEdit},
		{"POST", "/plans/{plan}/goals", admin, s.goalSave},
		{"POST", "/plans/{plan}/goals/{goal}", admin, s.goalSave},
		{"POST", "/plans/{plan}/goals/{goal}/delete", admin, s.goalDelete},
		{"POST", "/plans/{plan}/goals/{goal}/archive", admin, s.goalArchive},
		{"POST", "/plans/{plan}/goals/{goal}/unarchive", admin, s.goalUnarchive},
		{"GET", "/plans/{plan}/goals/{goal}/link", admin, s.goalLinkPage},
		{"POST", "/plans/{plan}/goals/{goal}/link", admin, s.goalLinkSave},
		{"POST", "/plans/{plan}/goals/{goal}/unlink", admin, s.goalUnlink},
		{"GET", "/plans/{plan}/goals/{goal}/years", admin, s.goalYears},
		{"POST", "/plans/{plan}/goals/{goal}/years", admin, s.goalYearsSave},
		{"POST", "/plans/{plan}/next-year", admin, s.planNextYear},
		{"GET", "/plans/{plan}/targets", admin, s.planTargets},
		{"POST", "/plans/{plan}/targets", admin, s.planTargetsSave},

		{"GET", "/plans/{plan}/sections/new", admin, s.sectionEdit},
		{"GET", "/plans/{plan}/sections/{section}/edit", admin, s.sectionEdit},
		{"POST", "/plans/{plan}/sections", admin, s.sectionSave},
		{"POST", "/plans/{plan}/sections/{section}", admin, s.sectionSave},
		{"POST", "/plans/{plan}/sections/{section}/delete", admin, s.sectionDelete},

		{"GET", "/plans/{plan}/sections/{section}/tasks/new", admin, s.taskEdit},
		{"GET", "/plans/{plan}/tasks/{task}/edit", admin, s.taskEdit},
		{"POST", "/plans/{plan}/sections/{section}/tasks", admin, s.taskSave},
		{"POST", "/plans/{plan}/tasks/{task}", admin, s.taskSave},
		{"POST", "/plans/{plan}/tasks/{task}/delete", admin, s.taskDelete},
		{"POST", "/plans/{plan}/tasks/{task}/archive", admin, s.taskArchive},
		{"POST", "/plans/{plan}/tasks/{task}/unarchive", admin, s.taskUnarchive},

		{"GET", "/plans/{plan}/rows/new", admin, s.rowEdit},
		{"GET", "/plans/{plan}/rows/{row}/edit", admin, s.rowEdit},
		{"POST", "/plans/{plan}/rows", admin, s.rowSave},
		{"POST", "/plans/{plan}/rows/{row}", admin, s.rowSave},
		{"POST", "/plans/{plan}/rows/{row}/delete", admin, s.rowDelete},

		{"GET", "/plans/{plan}/annex1.xlsx", view, s.planAnnex1},
		{"GET", "/plans/{plan}/annex2.xlsx", view, s.planAnnex2},
		{"POST", "/plans/{plan}/rows/import", admin, s.planRowsImport},
		{"POST", "/plans/{plan}/tables/import", admin, s.planTablesImport},
		{"GET", "/plans/{plan}/tables/{table}/edit", admin, s.tableEdit},
		{"POST", "/plans/{plan}/tables/{table}", admin, s.tableSave},

		{"GET", "/plans/{plan}/dashboard", view, s.dashboard},
		{"GET", "/plans/{plan}/goals/{goal}/progress", view, s.goalProgress},
		{"GET", "/plans/{plan}/goals/{goal}/records", view, s.goalRecords},
		{"GET", "/plans/{plan}/goals/{goal}/records.xlsx", view, s.goalRecordsXLSX},
		{"GET", "/plans/{plan}/goals/{goal}/definition", admin, s.definitionEdit},
		{"POST", "/plans/{plan}/goals/{goal}/definition", admin, s.definitionSave},
		{"POST", "/plans/{plan}/goals/{goal}/definition/unbind", admin, s.definitionUnbind},
		{"GET", "/plans/{plan}/progress-settings", admin, s.progressSettingsPage},
		{"POST", "/plans/{plan}/progress-settings", admin, s.progressSettingsSave},
		{"GET", "/plans/{plan}/rounds", view, s.roundList},
		{"POST", "/plans/{plan}/rounds", admin, s.roundCreate},
		{"GET", "/rounds/{round}", view, s.roundShow},
		{"GET", "/rounds/{round}/edit", admin, s.roundEdit},
		{"POST", "/rounds/{round}", admin, s.roundUpdate},
		{"POST", "/rounds/{round}/deadline", admin, s.roundDeadline},
		{"POST", "/rounds/{round}/delete", admin, s.roundDelete},
		{"POST", "/rounds/{round}/open", admin, s.roundOpen},
		{"POST", "/rounds/{round}/close", admin, s.roundClose},
		{"POST", "/rounds/{round}/reopen", admin, s.roundReopen},
		{"POST", "/rounds/{round}/remind", admin, s.roundRemind},
		{"GET", "/rounds/{round}/status.xlsx", oversee, s.roundStatusXLSX},
		{"GET", "/rounds/{round}/forms.xlsx", admin, s.roundFormsXLSX},
		{"GET", "/rounds/{round}/bulletin", view, s.bulletinView},
		{"POST", "/rounds/{round}/bulletin", admin, s.bulletinNumber},
		{"GET", "/rounds/{round}/bulletin/{format}", view, s.bulletinDownload},
		{"GET", "/bulletin.css", public, s.bulletinCSS},
		{"GET", "/public/plans/{plan}", public, s.publicPlan},
		{"GET", "/my", view, s.inbox},
		{"GET", "/reviews", view, s.reviewQueue},
		{"POST", "/reviews", view, s.reviewBulk},
		{"GET", "/rounds", view, s.currentRounds},
		{"GET", "/dashboard", view, s.currentDashboard},
		{"GET", "/forms/{form}", formRead, s.formShow},
		{"POST", "/forms/{form}", formWrite, s.formSave},
		{"POST", "/forms/{form}/review", formComment, s.formReview},
		{"POST", "/forms/{form}/comments", formComment, s.formComment},
		{"GET", "/forms/{form}/versions/{version}", formRead, s.formVersionShow},
		{"POST", "/forms/{form}/attachments", formWrite, s.attachmentUpload},
		{"GET", "/attachments/{attachment}", formRead, s.attachmentDownload},
		{"POST", "/attachments/{attachment}/delete", formWrite, s.attachmentDelete},

		{"GET", "/plans/{plan}/supervision", view, s.supervisionGrid},
		{"GET", "/plans/{plan}/tasks/{task}/supervision", oversee, s.taskSupervision},
		{"POST", "/plans/{plan}/tasks/{task}/milestones", admin, s.milestonesSave},
		{"POST", "/plans/{plan}/tasks/{task}/notices", admin, s.noticeIssue},
		{"POST", "/plans/{plan}/tasks/{task}/close", admin, s.taskClose},
		{"POST", "/plans/{plan}/tasks/{task}/reopen", admin, s.taskReopen},
		{"POST", "/plans/{plan}/tasks/{task}/instructions", instruct, s.instructTask},
		{"GET", "/notices/{notice}", unitRead, s.noticeShow},
		{"POST", "/notices/{notice}/reply", unitReply, s.noticeReply},
		{"GET", "/notices/{notice}/file", unitRead, s.noticeFile},
		{"POST", "/forms/{form}/instructions", instruct, s.instructForm},
		{"POST", "/units/{unit}/instructions", instruct, s.instructUnit},
		{"GET", "/instructions", instruct, s.instructionList},
		{"GET", "/instructions/{instruction}", unitRead, s.instructionShow},
		{"POST", "/instructions/{instruction}/answer", unitReply, s.instructionAnswer},

		{"GET", "/units", view, s.unitList},
		{"GET", "/units/new", admin, s.unitEdit},
		{"GET", "/units/{unit}", view, s.unitShow},
		{"GET", "/units/{unit}/edit", admin, s.unitEdit},
		{"POST", "/units", admin, s.unitSave},
		{"POST", "/units/{unit}", admin, s.unitSave},
		{"POST", "/units/{unit}/delete", admin, s.unitDelete},
		{"POST", "/units/{unit}/archive", admin, s.unitArchive},
		{"POST", "/units/{unit}/unarchive", admin, s.unitUnarchive},

		{"POST", "/units/{unit}/keywords", admin, s.keywordAdd},
		{"POST", "/units/{unit}/keywords/{keyword}/delete", admin, s.keywordDelete},

		{"GET", "/registers", oversee, s.registerIndex},
		{"GET", "/registers/{kind}", oversee, s.registerShow},
		{"GET", "/registers/{kind}/unattributed", oversee, s.unattributedList},
		{"POST", "/registers/{kind}/unattributed", admin, s.attributionSet},
		{"POST", "/registers/{kind}/uploads", admin, s.uploadCreate},
		{"GET", "/registers/{kind}/uploads/{upload}", admin, s.uploadShow},
		{"POST", "/registers/{kind}/uploads/{upload}/mapping", admin, s.uploadMapping},
		{"POST", "/registers/{kind}/uploads/{upload}/import", admin, s.uploadImport},
		{"GET", "/registers/{kind}/uploads/{upload}/rejected.xlsx", admin, s.uploadRejected},
		{"GET", "/disputes", oversee, s.disputeList},
		{"POST", "/disputes", report, s.disputeCreate},
		{"POST", "/disputes/{dispute}/resolve", admin, s.disputeResolve},

		{"GET", "/groups/new", admin, s.groupEdit},
		{"GET", "/groups/{group}/edit", admin, s.groupEdit},
		{"POST", "/groups", admin, s.groupSave},
		{"POST", "/groups/{group}", admin, s.groupSave},
		{"POST", "/groups/{group}/delete", admin, s.groupDelete},

		{"GET", "/orgs", oversee, s.orgList},
		{"POST", "/orgs", admin, s.orgCreate},
		{"POST", "/orgs/switch", view, s.orgSwitch},

		{"GET", "/users", admin, s.userList},
		{"GET", "/users/new", admin, s.userEdit},
		{"POST", "/users", admin, s.userCreate},
		{"GET", "/users/{user}/edit", admin, s.userEdit},
		{"POST", "/users/{user}", admin, s.userUpdate},
		{"POST", "/users/{user}/password", admin, s.userPassword},
		{"POST", "/users/{user}/unlock", admin, s.userUnlock},
		{"POST", "/users/{user}/tokens/{token}/revoke", admin, s.userTokenRevoke},
		{"GET", "/account", view, s.account},
		{"POST", "/account/password", view, s.accountPassword},
		{"POST", "/account/tokens", view, s.tokenCreate},
		{"POST", "/account/tokens/{token}/revoke", view, s.tokenRevoke},
		{"GET", "/audit", admin, s.auditLog},
		{"GET", "/audit.csv", admin, s.auditCSV},

		{"GET", "/notifications", view, s.notificationList},
		{"GET", "/settings", admin, s.settingsPage},
		{"POST", "/settings", admin, s.settingsSave},
		{"POST", "/settings/test", admin, s.settingsTest},

		{"GET", "/api/v1/openapi.json", public, s.apiOpenAPI},
		{"GET", "/api/v1/plans", view, s.apiPlans},
		{"POST", "/api/v1/plans", admin, s.apiPlanCreate},
		{"GET", "/api/v1/plans/{plan}", view, s.apiPlan},
		{"GET", "/api/v1/units", view, s.apiDirectory},
		{"GET", "/api/v1/plans/{plan}/rounds", view, s.apiRounds},
		{"GET", "/api/v1/plans/{plan}/actuals", view, s.apiActuals},
		{"GET", "/api/v1/rounds/{round}", view, s.apiRound},
		{"GET", "/api/v1/forms/{form}", formRead, s.apiForm},
		{"POST", "/api/v1/forms/{form}", formWrite, s.apiFormSave},
		{"POST", "/api/v1/forms/{form}/review", formComment, s.apiFormReview},
	}
}

// Request bodies: every route takes at most defaultBodyLimit unless it is
// listed in bodyLimits. A route that takes uploads must be listed here.
const (
	defaultBodyLimit = 1 << 20
	loginBodyLimit   = 4 << 10 // a username and a password
	// formBodyLimit takes a whole form: every task's three texts at their
	// longest, percent-encoded (9 bytes a Chinese character).
	formBodyLimit = 8 << 20
)

var bodyLimits = map[string]int64{
	"POST /login":                      loginBodyLimit,
	"POST /forms/{form}":               formBodyLimit,
	"POST /api/v1/forms/{form}":        formBodyLimit,
	"POST /forms/{form}/attachments":   MaxAttachment + 1<<20,
	"POST /plans":                      maxUpload,
	"POST /api/v1/plans":               maxUpload,
	"POST /plans/import":               notice.DefaultMaxSize + 1<<20,
	"POST /plans/import/confirm":       4 * notice.DefaultMaxSize,
	"POST /plans/{plan}/rows/import":   maxExcelUpload,
	"POST /plans/{plan}/tables/import": maxExcelUpload,
	"POST /registers/{kind}/uploads":   maxRegisterUpload,
	"POST /notices/{notice}/reply":     MaxAttachment + 1<<20,
}

// bodyLimit is the most a request to the route ("METHOD pattern") may send.
func bodyLimit(route string) int64 {
	if n, ok := bodyLimits[route]; ok {
		return n
	}
	return defaultBodyLimit
}
