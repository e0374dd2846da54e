// Package regimport imports a register list that internal/register reads
// into the store, for the web page and the command line alike: rows
// stream from the reader to store.ImportRegister in one transaction,
// rejected rows are written back as an .xlsx with a 原因 column as they
// are found, and the reader's progress is reported as it goes.
package regimport

import (
	"context"
	"io"
	"strings"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/register"
	"kechuang/internal/store"
)

// Options refine an import.
type Options struct {
	// SkipInvalid writes the valid rows and gives the rejected ones back;
	// by default a list with any rejected row writes nothing.
	SkipInvalid bool
	// Rejected, when set, receives the rejected rows as an .xlsx: the
	// list's header, each row's cells as read and why it was not written
	// (原因). It is written only when some row was rejected.
	Rejected io.Writer
	// Progress, when set, is called as rows are read with how far the
	// reader is and how many rows were read, at most once per Every, and
	// once more at the end.
	Progress func(p register.Progress, rows int)
	Every    time.Duration
}

// Import streams the reader's rows into the store as one batch. meta names
// the file (its SHA-256 and size); SkipInvalid and OnReject are set here.
// The result and the error are store.ImportRegister's.
func Import(ctx context.Context, st *store.Store, rd *register.Reader, meta store.ImportMeta, opts Options, by *auth.User) (*store.ImportResult, error) {
	meta.SkipInvalid = opts.SkipInvalid
	var (
		rw        *register.RejectedWriter
		out       = &target{w: io.Discard}
		rejectErr error
	)
	if opts.Rejected != nil {
		var err error
		if rw, err = register.NewRejectedWriter(out, rd.Header().Headers); err != nil {
			return nil, err
		}
		meta.OnReject = func(r store.Rejection) {
			if rejectErr == nil {
				rejectErr = rw.Add(r.Cells, Reason(r.Problems))
			}
		}
	}
	var last time.Time
	progress := func(n int) {
		if opts.Progress == nil {
			return
		}
		if now := time.Now(); now.Sub(last) >= opts.Every {
			last = now
			opts.Progress(rd.Progress(), n)
		}
	}
	res, err := st.ImportRegister(ctx, meta, rd.Rows(), by, progress)
	if opts.Progress != nil && res != nil {
		opts.Progress(rd.Progress(), res.Read)
	}
	if rw != nil {
		// The workbook reaches Rejected only when it holds rows; closing
		// it either way removes its temporary files.
		if res != nil && res.Rejected > 0 && rejectErr == nil {
			out.w = opts.Rejected
		}
		if cerr := rw.Close(); cerr != nil && rejectErr == nil && out.w != io.Discard {
			rejectErr = cerr
		}
	}
	if err == nil && rejectErr != nil {
		err = rejectErr
	}
	return res, err
}

// target is a writer whose destination is chosen after it was handed out.
type target struct{ w io.Writer }

func (t *target) Write(p []byte) (int, error) { return t.w.Write(p) }

// Reason words a rejected row's problems for the 原因 column: 统一社会信用代码
// （C列）：不能为空；….
func Reason(problems []plan.RowProblem) string {
	parts := make([]string, 0, len(problems))
	for _, p := range problems {
		if p.Column == "" {
			parts = append(parts, p.Message)
		} else {
			parts = append(parts, p.Column+"："+p.Message)
		}
	}
	return strings.Join(parts, "；")
}
