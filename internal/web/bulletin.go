package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/progress"
	"kechuang/internal/report"
	"kechuang/internal/store"
)

// bulletinFor drafts the bulletin of the round in the path, with the
// ranking when the viewer may see it.
func (s *Server) bulletinFor(r *http.Request) (*report.Bulletin, *progress.Data, error) {
	id, err := pathID(r, "round")
	if err != nil {
		return nil, nil, err
	}
	u := currentUser(r)
	sight := func(ps plan.ProgressSettings) auth.Sight { return auth.SightOf(u, ps.HideRanking) }
	return progress.RoundBulletin(r.Context(), s.store, id, sight, time.Now())
}

// bulletinView is the bulletin as a page to read and print.
func (s *Server) bulletinView(w http.ResponseWriter, r *http.Request) {
	b, _, err := s.bulletinFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, err := report.HTMLWith(b, report.HTMLOptions{Stylesheet: "/bulletin.css"})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page)
}

func (s *Server) bulletinCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(report.Stylesheet())
}

// bulletinDownload writes the bulletin as .docx, .xlsx or .pdf.
func (s *Server) bulletinDownload(w http.ResponseWriter, r *http.Request) {
	format := r.PathValue("format")
	types := map[string]string{
		"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"pdf":  "application/pdf",
	}
	ct, ok := types[format]
	if !ok {
		s.fail(w, r, plan.Errorf(plan.ENOTFOUND, "没有这种格式。"))
		return
	}
	if format == "pdf" && s.opts.Chromium == "" {
		s.fail(w, r, plan.Errorf(plan.ECONFLICT, "本服务器未安装 Chromium，暂不能生成 PDF；请下载 Word 版，或安装 chromium 后重启。"))
		return
	}
	b, d, err := s.bulletinFor(r)
	if err == nil && b.Draft {
		// A draft is read on the page; only an issued bulletin is a file.
		err = plan.Errorf(plan.ECONFLICT, "“%s”尚未结束：可在线预览通报草稿，调度结束后再下载正式通报。", d.Round.Label)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := progress.WriteBulletin(r.Context(), &buf, b, format, s.opts.Chromium); err != nil {
		s.fail(w, r, err)
		return
	}
	name := fmt.Sprintf("%s通报.%s", d.Round.Label, format)
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", "attachment; filename=\"bulletin."+format+"\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Write(buf.Bytes())
}

// bulletinNumber records the 文号 and 版记 of a closed round's bulletin
// (store.NumberBulletin); the round page comes back with them.
func (s *Server) bulletinNumber(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "round")
	if err == nil {
		err = s.store.NumberBulletin(r.Context(), id, store.BulletinNumber{
			DocNumber: r.PostFormValue("doc_number"), CopyTo: r.PostFormValue("copy_to"),
			PrintedBy: r.PostFormValue("printed_by"), PrintedOn: r.PostFormValue("printed_on"),
		})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/rounds/%d?saved#bulletin", id), http.StatusSeeOther)
}
