package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// noticeView is a 督办单 as its page shows it.
type noticeView struct {
	N        *store.Notice
	CanReply bool // the viewer reports for the unit and it has not replied
	Overdue  bool
	Error    string
	Reply    string // what was typed, shown again after an error
}

func (s *Server) noticeShow(w http.ResponseWriter, r *http.Request) {
	s.renderNotice(w, r, http.StatusOK, "", "")
}

func (s *Server) renderNotice(w http.ResponseWriter, r *http.Request, status int, message, typed string) {
	n, err := s.store.Notice(r.Context(), r.PathValue("notice"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	v := noticeView{N: n, Overdue: n.Overdue(s.opts.Now()), Error: message, Reply: typed,
		CanReply: !n.Replied() && auth.Can(u, auth.PermUnitReply, &auth.Resource{UnitID: n.UnitID})}
	s.render(w, r, status, "notice", v)
}

// noticeReply records the unit's measures, with an evidence file when one
// is attached (its type sniffed as evidence on forms is).
func (s *Server) noticeReply(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("notice")
	text := r.PostFormValue("reply")
	reply := store.NoticeReply{Text: text}
	file, err := evidenceFile(r, "file")
	if err == nil {
		reply.File = file
		err = s.store.ReplyNotice(r.Context(), id, reply, currentUser(r))
	}
	if err != nil {
		code := plan.ErrorCode(err)
		if code != plan.EINVALID && code != plan.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		s.renderNotice(w, r, status(code), plan.ErrorMessage(err), text)
		return
	}
	http.Redirect(w, r, store.NoticeLink(id)+"?saved", http.StatusSeeOther)
}

// evidenceFile reads an optional uploaded file as evidence: nil when none
// was chosen; refused when empty, too large, or of a type not accepted.
func evidenceFile(r *http.Request, field string) (*store.NoticeFile, error) {
	f, hdr, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, nil
	}
	if err != nil {
		return nil, plan.Errorf(plan.EINVALID, "读取上传文件失败。")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxAttachment+1))
	if err != nil {
		return nil, plan.Errorf(plan.EINVALID, "读取上传文件失败。")
	}
	name := sanitizeFilename(hdr.Filename)
	switch {
	case len(data) > MaxAttachment:
		return nil, plan.Errorf(plan.EINVALID, "“%s”超过 %d MB 上限。", name, MaxAttachment>>20)
	case len(data) == 0:
		return nil, plan.Errorf(plan.EINVALID, "“%s”是空文件。", name)
	}
	ct, err := sniff(name, data)
	if err != nil {
		return nil, err
	}
	return &store.NoticeFile{Name: withTypeExtension(name, ct), ContentType: ct, Data: data}, nil
}

// noticeFile serves a reply's evidence as a download, never inline.
func (s *Server) noticeFile(w http.ResponseWriter, r *http.Request) {
	f, err := s.store.NoticeFileData(r.Context(), r.PathValue("notice"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", "attachment; filename=\"file"+path.Ext(f.Name)+"\"; filename*=UTF-8''"+url.PathEscape(f.Name))
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Data)))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(f.Data)
}

// instructionView is a 领导批示 as its page shows it.
type instructionView struct {
	I         *store.Instruction
	CanAnswer bool
	Error     string
	Answer    string
}

func (s *Server) instructionShow(w http.ResponseWriter, r *http.Request) {
	s.renderInstruction(w, r, http.StatusOK, "", "")
}

func (s *Server) renderInstruction(w http.ResponseWriter, r *http.Request, status int, message, typed string) {
	in, err := s.store.Instruction(r.Context(), r.PathValue("instruction"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := instructionView{I: in, Error: message, Answer: typed,
		CanAnswer: !in.Answered() && auth.Can(currentUser(r), auth.PermUnitReply, &auth.Resource{UnitID: in.UnitID})}
	s.render(w, r, status, "instruction", v)
}

// instructionAnswer records the unit's answer and goes back where it was
// given (the form, the inbox), else to the instruction.
func (s *Server) instructionAnswer(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("instruction")
	answer := r.PostFormValue("answer")
	if err := s.store.AnswerInstruction(r.Context(), id, answer, currentUser(r)); err != nil {
		code := plan.ErrorCode(err)
		if code != plan.EINVALID && code != plan.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		s.renderInstruction(w, r, status(code), plan.ErrorMessage(err), answer)
		return
	}
	next := store.InstructionLink(id) + "?saved"
	if back := r.PostFormValue("next"); back != "" && safeNext(back) == back {
		next = back
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// instructForm records an instruction on a report: the form as a whole, or
// one task of it.
func (s *Server) instructForm(w http.ResponseWriter, r *http.Request) {
	publicID := r.PathValue("form")
	taskID, _ := strconv.ParseInt(r.PostFormValue("task"), 10, 64)
	body := r.PostFormValue("body")
	_, err := s.store.IssueInstruction(r.Context(), store.InstructionDraft{FormID: publicID, TaskID: taskID, Body: body}, currentUser(r))
	if err != nil {
		code := plan.ErrorCode(err)
		if code != plan.EINVALID && code != plan.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		v, verr := s.formView(r, publicID, -1)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		v.InstructionError, v.InstructionBody = plan.ErrorMessage(err), body
		s.render(w, r, status(code), "form", v)
		return
	}
	http.Redirect(w, r, "/forms/"+publicID+"?saved#instructions", http.StatusSeeOther)
}

// instructUnit records an instruction on a unit as a whole.
func (s *Server) instructUnit(w http.ResponseWriter, r *http.Request) {
	unitID, err := pathID(r, "unit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.store.IssueInstruction(r.Context(), store.InstructionDraft{UnitID: unitID, Body: r.PostFormValue("body")}, currentUser(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/units/"+strconv.FormatInt(unitID, 10)+"?saved#instructions", http.StatusSeeOther)
}

// instructionList shows leaders every instruction with the unit's answer,
// those not answered first (?open=1: only those).
func (s *Server) instructionList(w http.ResponseWriter, r *http.Request) {
	open := r.URL.Query().Get("open") == "1"
	list, err := s.store.Instructions(r.Context(), store.InstructionFilter{Unanswered: open})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	answered := 0
	for _, in := range list {
		if in.Answered() {
			answered++
		}
	}
	s.render(w, r, http.StatusOK, "instructions", map[string]any{"List": list, "Open": open, "Answered": answered, "Unanswered": len(list) - answered})
}

// unitInstructions are the instructions on a unit as a whole, for its
// page: shown to admins, leaders and the unit's reporters
// (auth.PermUnitRead), answered by the latter.
func (s *Server) unitInstructions(r *http.Request, unitID int64) (map[string]any, error) {
	u, res := currentUser(r), &auth.Resource{UnitID: unitID}
	if !auth.Can(u, auth.PermUnitRead, res) {
		return nil, nil
	}
	list, err := s.store.Instructions(r.Context(), store.InstructionFilter{UnitID: unitID, OnUnit: true})
	return map[string]any{"List": list, "CanAnswer": auth.Can(u, auth.PermUnitReply, res), "UnitID": unitID}, err
}
