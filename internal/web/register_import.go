package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"kechuang/internal/plan"
	"kechuang/internal/regimport"
	"kechuang/internal/register"
	"kechuang/internal/store"
)

// Importing a list from the page: the file is uploaded and kept in the
// database (store.StageUpload), so that checking it, mapping its headers
// and importing it may reach any instance; each step reads it from there.
//
//	POST /registers/{kind}/uploads                      keep the file → its page
//	GET  /registers/{kind}/uploads/{upload}             the first rows and every problem, the mapping step; or the result
//	POST /registers/{kind}/uploads/{upload}/mapping     remember the mapping for this header shape → the page
//	POST /registers/{kind}/uploads/{upload}/import      import: NDJSON progress for the page's script, else → the page
//	GET  /registers/{kind}/uploads/{upload}/rejected.xlsx  the rows 跳过错误行 left out, with 原因

// maxRegisterUpload bounds an uploaded list; the reader bounds what it
// unzips and how many rows it reads.
const maxRegisterUpload = register.DefaultMaxFileSize + 1<<20

// previewRows is how many of the list's first rows the page shows.
const previewRows = 10

// uploadCreate keeps an uploaded list and shows its check.
func (s *Server) uploadCreate(w http.ResponseWriter, r *http.Request) {
	kind, err := registerKind(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.registerError(w, r, kind, plan.Errorf(plan.EINVALID, "请选择要导入的 .xlsx 或 CSV 文件（不超过 %d MB）。", register.DefaultMaxFileSize>>20))
		return
	}
	defer f.Close()
	u, err := s.store.StageUpload(r.Context(), kind, hdr.Filename, f, currentUser(r))
	if err != nil {
		s.registerError(w, r, kind, err)
		return
	}
	http.Redirect(w, r, uploadURL(u), http.StatusSeeOther)
}

// registerError shows the register page again with what went wrong.
func (s *Server) registerError(w http.ResponseWriter, r *http.Request, kind plan.RegisterKind, err error) {
	if plan.ErrorCode(err) != plan.EINVALID {
		s.fail(w, r, err)
		return
	}
	sums, serr := s.store.RegisterSummaries(r.Context(), kind, 50)
	if serr != nil {
		s.fail(w, r, serr)
		return
	}
	s.render(w, r, http.StatusBadRequest, "register", map[string]any{"R": sums[0], "Error": plan.ErrorMessage(err)})
}

func uploadURL(u *store.Upload) string {
	return "/registers/" + string(u.Kind) + "/uploads/" + u.ID
}

// upload is the upload in the path, of the register in the path.
func (s *Server) upload(r *http.Request) (*store.Upload, error) {
	kind, err := registerKind(r)
	if err != nil {
		return nil, err
	}
	u, err := s.store.Upload(r.Context(), r.PathValue("upload"))
	if err != nil {
		return nil, err
	}
	if u.Kind != kind {
		return nil, plan.Errorf(plan.ENOTFOUND, "页面不存在。")
	}
	return u, nil
}

// openedUpload is an upload copied to a temporary file and opened by the
// reader, with the mapping remembered for its header's shape applied.
type openedUpload struct {
	file    *os.File
	rd      *register.Reader
	mapping map[string]string // applied; nil when none is remembered
	note    string            // why a remembered mapping was not applied
}

func (o *openedUpload) Close() {
	if o.rd != nil {
		o.rd.Close()
	}
	o.file.Close()
	os.Remove(o.file.Name())
}

// openUpload copies an upload out of the database (a part at a time) and
// opens it: first as it is, to learn its header's shape, then with the
// mapping remembered for that shape, if any.
func (s *Server) openUpload(ctx context.Context, u *store.Upload) (*openedUpload, error) {
	f, err := os.CreateTemp("", "kechuang-list-*")
	if err != nil {
		return nil, err
	}
	o := &openedUpload{file: f}
	if err := s.store.CopyUpload(ctx, u.ID, store.PartFile, f); err != nil {
		o.Close()
		return nil, err
	}
	if o.rd, err = register.Open(u.File, f, u.Size, u.Kind, register.Options{}); err != nil {
		o.Close()
		return nil, err
	}
	m, kind, found, err := s.store.HeaderMapping(ctx, o.rd.Header().Shape)
	if err != nil {
		o.Close()
		return nil, err
	}
	if !found || kind != u.Kind || len(m) == 0 {
		return o, nil
	}
	mapped, err := register.Open(u.File, f, u.Size, u.Kind, register.Options{Mapping: m})
	switch {
	case plan.ErrorCode(err) == plan.EINVALID:
		o.note = "上次为同样表头选择的列对应关系不再适用（" + plan.ErrorMessage(err) + "），请重新选择。"
	case err != nil:
		o.Close()
		return nil, err
	default:
		o.rd.Close()
		o.rd, o.mapping = mapped, m
	}
	return o, nil
}

// uploadView is the page of an uploaded list.
type uploadView struct {
	Upload    *store.Upload
	Header    register.HeaderInfo
	Fields    []register.Field
	Mapping   map[string]string // applied: header → field
	Mappable  []register.Column // the columns the mapping step offers: unknown ones and mapped ones
	Note      string
	Check     *register.CheckResult
	FileError string // the list cannot be read (or lacks required columns)
	Preview   []previewRow
}

// previewRow is one of the list's first rows, its cells under the
// header's columns.
type previewRow struct {
	Row   int
	Cells []string
	Bad   bool // the row has problems: it would not be imported
}

// Ready reports whether the list can be imported: it was read, and every
// required column was found.
func (v *uploadView) Ready() bool {
	return v.Check != nil && v.Upload.State == store.UploadStaged
}

// FieldLabel names a field of the list's register.
func (v *uploadView) FieldLabel(name string) string {
	for _, f := range v.Fields {
		if f.Name == name {
			return f.Label
		}
	}
	return name
}

// uploadShow checks an uploaded list — the first rows and every problem,
// nothing written — and offers the mapping of unknown headers and the
// import; after the import it shows what the import did.
func (s *Server) uploadShow(w http.ResponseWriter, r *http.Request) {
	u, err := s.upload(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := &uploadView{Upload: u, Fields: register.Fields(u.Kind)}
	if u.State == store.UploadStaged {
		if err := s.checkUpload(r.Context(), u, v); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "register_upload", v)
}

// checkUpload reads the list through once for the page; problems with the
// file itself are the page's to show, not failures.
func (s *Server) checkUpload(ctx context.Context, u *store.Upload, v *uploadView) error {
	o, err := s.openUpload(ctx, u)
	if plan.ErrorCode(err) == plan.EINVALID {
		v.FileError = plan.ErrorMessage(err)
		return nil
	}
	if err != nil {
		return err
	}
	defer o.Close()
	v.Header, v.Mapping, v.Note = o.rd.Header(), o.mapping, o.note
	for _, c := range v.Header.Columns {
		if _, mapped := o.mapping[c.Header]; c.Field == "" || mapped {
			v.Mappable = append(v.Mappable, c)
		}
	}
	check, err := o.rd.Check(previewRows)
	if plan.ErrorCode(err) == plan.EINVALID {
		v.FileError = plan.ErrorMessage(err)
		return nil
	}
	if err != nil {
		return err
	}
	v.Check = check
	for _, row := range check.Preview {
		p := previewRow{Row: row.Origin.Row, Bad: len(row.Problems) > 0}
		for _, c := range v.Header.Columns {
			cell := ""
			if c.Index < len(row.Cells) {
				cell = row.Cells[c.Index]
			}
			p.Cells = append(p.Cells, cell)
		}
		v.Preview = append(v.Preview, p)
	}
	return nil
}

// uploadMapping remembers the fields chosen for the list's unknown headers,
// for this list and the next one of the same header shape.
func (s *Server) uploadMapping(w http.ResponseWriter, r *http.Request) {
	u, err := s.upload(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	mapping := map[string]string{}
	for i := 0; ; i++ {
		header, ok := r.PostForm["header_"+strconv.Itoa(i)]
		if !ok {
			break
		}
		if field := r.PostFormValue("field_" + strconv.Itoa(i)); field != "" && len(header) == 1 && strings.TrimSpace(header[0]) != "" {
			mapping[header[0]] = field
		}
	}
	if err := s.store.SaveHeaderMapping(r.Context(), u.Kind, r.PostFormValue("shape"), mapping); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, uploadURL(u)+"?saved", http.StatusSeeOther)
}

// importProgress is a line of the NDJSON answer of an import: how far the
// reader is (Done of Total rows or bytes), how many rows were read; the
// last line carries the page to go to.
type importProgress struct {
	Done    int64  `json:"done"`
	Total   int64  `json:"total"`
	Unit    string `json:"unit"`
	Rows    int    `json:"rows"`
	URL     string `json:"url,omitempty"`
	Message string `json:"message,omitempty"`
}

// uploadImport imports the list. The page's script asks for progress
// (Accept: application/x-ndjson) and reads lines as the rows go in; a
// browser without script waits for the import and lands on its result.
// The import runs to its end even if the browser leaves: its result stays
// with the upload.
func (s *Server) uploadImport(w http.ResponseWriter, r *http.Request) {
	u, err := s.upload(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if u, err = s.store.ClaimUpload(r.Context(), u.ID, r.PostFormValue("skip_invalid") != ""); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := context.WithoutCancel(r.Context())
	o, err := s.openUpload(ctx, u)
	if err != nil {
		if ferr := s.store.FinishUpload(ctx, u.ID, nil, err, nil); ferr != nil {
			s.log.Error("release upload", "upload", u.ID, "err", ferr)
		}
		if plan.ErrorCode(err) == plan.EINVALID {
			http.Redirect(w, r, uploadURL(u), http.StatusSeeOther)
		} else {
			s.fail(w, r, err)
		}
		return
	}
	defer o.Close()

	ro := regimport.Options{SkipInvalid: u.SkipInvalid, Every: 200 * time.Millisecond}
	var rejected *os.File
	if u.SkipInvalid {
		if rejected, err = os.CreateTemp("", "kechuang-rejected-*.xlsx"); err != nil {
			s.store.FinishUpload(ctx, u.ID, nil, err, nil)
			s.fail(w, r, err)
			return
		}
		defer os.Remove(rejected.Name())
		defer rejected.Close()
		ro.Rejected = rejected
	}
	stream := strings.Contains(r.Header.Get("Accept"), "application/x-ndjson")
	var enc *json.Encoder
	rc := http.NewResponseController(w)
	// A long list outlasts the server's write timeout: this answer comes
	// when the import is done, or is written as it goes.
	rc.SetWriteDeadline(time.Now().Add(2 * time.Hour))
	if stream {
		w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Accel-Buffering", "no")
		w.WriteHeader(http.StatusOK)
		enc = json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		ro.Progress = func(p register.Progress, rows int) {
			enc.Encode(importProgress{Done: p.Done, Total: p.Total, Unit: p.Unit, Rows: rows})
			rc.Flush()
		}
	}
	meta := store.ImportMeta{Kind: u.Kind, File: u.File, SHA256: u.SHA256, Size: u.Size, Org: u.Org}
	res, ierr := regimport.Import(ctx, s.store, o.rd, meta, ro, currentUser(r))
	var rejectedRows io.Reader
	if rejected != nil && res != nil && res.Rejected > 0 && res.BatchID != 0 {
		if _, err := rejected.Seek(0, io.SeekStart); err == nil {
			rejectedRows = rejected
		}
	}
	if err := s.store.FinishUpload(ctx, u.ID, res, ierr, rejectedRows); err != nil {
		s.log.Error("finish upload", "upload", u.ID, "err", err)
	}
	if ierr != nil && plan.ErrorCode(ierr) == plan.EINTERNAL {
		s.log.Error("register import failed", "upload", u.ID, "err", ierr)
	}
	if !stream {
		http.Redirect(w, r, uploadURL(u)+"#result", http.StatusSeeOther)
		return
	}
	last := importProgress{URL: uploadURL(u) + "#result", Message: "导入完成"}
	if p := o.rd.Progress(); p.Total > 0 {
		last.Done, last.Total, last.Unit = p.Total, p.Total, p.Unit
	}
	if res != nil {
		last.Rows = res.Read
	}
	if ierr != nil {
		last.Message = plan.ErrorMessage(ierr)
	}
	enc.Encode(last)
	rc.Flush()
}

// uploadRejected downloads the rows an import with 跳过错误行 left out, in
// the list's columns with 原因 after them, to be corrected and imported.
func (s *Server) uploadRejected(w http.ResponseWriter, r *http.Request) {
	u, err := s.upload(r)
	if err == nil && !u.Rejected {
		err = plan.Errorf(plan.ENOTFOUND, "这次导入没有未导入的行。")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := strings.TrimSuffix(strings.TrimSuffix(u.File, ".xlsx"), ".csv") + " 未导入的行.xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"rejected.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
	if err := s.store.CopyUpload(r.Context(), u.ID, store.PartRejected, w); err != nil {
		s.log.Warn("rejected rows download cut short", "upload", u.ID, "err", err)
	}
}
