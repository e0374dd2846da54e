package web

import (
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode"

	"kechuang/internal/plan"
)

// MaxAttachment bounds one evidence file.
const MaxAttachment = 10 << 20

// allowedTypes are the evidence files accepted, by the type sniffed from
// their first bytes (never the name's or the browser's word). Office files
// are zip archives; their extension decides which.
var allowedTypes = map[string]string{
	"application/pdf": "PDF",
	"image/jpeg":      "JPEG 图片",
	"image/png":       "PNG 图片",
	"application/zip": "Office 文档或压缩包",
}

var officeTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".zip":  "application/zip",
}

// sanitizeFilename keeps a file's base name readable (Chinese included)
// while dropping paths, control characters and characters that break
// headers or file systems.
func sanitizeFilename(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), strings.ContainsRune(`"/\:*?<>|`, r):
			return '_'
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	if r := []rune(name); len(r) > 100 {
		ext := path.Ext(name)
		name = string(r[:100-len([]rune(ext))]) + ext
	}
	if name == "" {
		name = "附件"
	}
	return name
}

// sniff decides the stored type of an upload, or refuses it.
func sniff(name string, data []byte) (string, error) {
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if _, ok := allowedTypes[ct]; !ok {
		return "", plan.Errorf(plan.EINVALID, "“%s”不是可接受的佐证材料：请上传 PDF、JPEG/PNG 图片、Word/Excel（.docx/.xlsx）或 zip 文件。", name)
	}
	if ct == "application/zip" {
		office, ok := officeTypes[strings.ToLower(path.Ext(name))]
		if !ok {
			return "", plan.Errorf(plan.EINVALID, "“%s”：压缩格式文件须为 .docx、.xlsx、.pptx 或 .zip。", name)
		}
		ct = office
	}
	return ct, nil
}

func (s *Server) attachmentUpload(w http.ResponseWriter, r *http.Request) {
	publicID := r.PathValue("form")
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.fail(w, r, plan.Errorf(plan.EINVALID, "请选择文件（不超过 %d MB）。", MaxAttachment>>20))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxAttachment+1))
	if err != nil {
		s.fail(w, r, plan.Errorf(plan.EINVALID, "读取上传文件失败。"))
		return
	}
	name := sanitizeFilename(hdr.Filename)
	if len(data) > MaxAttachment {
		s.fail(w, r, plan.Errorf(plan.EINVALID, "“%s”超过 %d MB 上限。", name, MaxAttachment>>20))
		return
	}
	if len(data) == 0 {
		s.fail(w, r, plan.Errorf(plan.EINVALID, "“%s”是空文件。", name))
		return
	}
	ct, err := sniff(name, data)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	taskID, _ := strconv.ParseInt(r.PostFormValue("task"), 10, 64)
	if _, err := s.store.AddAttachment(r.Context(), publicID, taskID, name, ct, data, currentUser(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/forms/"+publicID+"?saved#task-"+strconv.FormatInt(taskID, 10), http.StatusSeeOther)
}

// attachmentDownload serves an evidence file as a download, never inline:
// what a unit uploaded is not rendered in another user's browser.
func (s *Server) attachmentDownload(w http.ResponseWriter, r *http.Request) {
	a, err := s.store.AttachmentData(r.Context(), r.PathValue("attachment"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Disposition", "attachment; filename=\"file"+path.Ext(a.Filename)+"\"; filename*=UTF-8''"+url.PathEscape(a.Filename))
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Data)))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(a.Data)
}

func (s *Server) attachmentDelete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("attachment")
	a, err := s.store.AttachmentData(r.Context(), id)
	if err == nil {
		err = s.store.DeleteAttachment(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/forms/"+a.FormID+"?saved", http.StatusSeeOther)
}
