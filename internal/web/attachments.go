package web

import (
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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

// maxFilename bounds a stored file name, in characters.
const maxFilename = 100

// sanitizeFilename keeps a file's base name readable (Chinese included)
// while dropping paths, control characters and characters that break
// headers or file systems. A long name is cut by characters, keeping its
// extension.
func sanitizeFilename(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), r == utf8.RuneError, strings.ContainsRune(`"/\:*?<>|`, r):
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(strings.TrimSpace(name), ". ")
	base, ext := splitExt(name)
	if r := []rune(base); len(r)+len(ext) > maxFilename {
		base = strings.TrimSpace(string(r[:maxFilename-len(ext)]))
	}
	if base == "" {
		base = "附件"
	}
	return base + ext
}

// splitExt splits a name's extension off when it looks like one: a dot and
// one to eight ASCII letters or digits.
func splitExt(name string) (base, ext string) {
	ext = path.Ext(name)
	if len(ext) < 2 || len(ext) > 9 {
		return name, ""
	}
	for _, r := range ext[1:] {
		if r > unicode.MaxASCII || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return name, ""
		}
	}
	return strings.TrimSuffix(name, ext), ext
}

// typeExtensions are the extensions a stored file may have, by its sniffed
// type; the first is the one given to a file named otherwise.
var typeExtensions = map[string][]string{
	"application/pdf":    {".pdf"},
	"image/jpeg":         {".jpg", ".jpeg"},
	"image/png":          {".png"},
	officeTypes[".docx"]: {".docx"},
	officeTypes[".xlsx"]: {".xlsx"},
	officeTypes[".pptx"]: {".pptx"},
	"application/zip":    {".zip"},
}

// withTypeExtension makes a sanitized name's extension follow the type
// sniffed from the content, so that "名单.hta" holding a PDF is stored as
// "名单.pdf" and opens as what it is.
func withTypeExtension(name, contentType string) string {
	exts := typeExtensions[contentType]
	if len(exts) == 0 {
		return name
	}
	base, ext := splitExt(name)
	for _, e := range exts {
		if strings.EqualFold(ext, e) {
			return base + e
		}
	}
	if r := []rune(base); len(r)+len(exts[0]) > maxFilename {
		base = string(r[:maxFilename-len(exts[0])])
	}
	return base + exts[0]
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
	name = withTypeExtension(name, ct)
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
