package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

// A register list is imported from the page in steps — upload, check and
// preview, map unknown headers, confirm — that may reach different
// instances behind a load balancer. The uploaded file is therefore kept in
// the database, in parts read one at a time (memory does not grow with the
// file), until it is imported or expires; the import's answer and its
// rejected rows' workbook are kept beside it for the result page.

// Upload states.
const (
	UploadStaged    = "staged"    // waiting to be imported (or refused, with Result and Error)
	UploadImporting = "importing" // an import is under way
	UploadDone      = "done"      // imported: Result, and BatchID
)

// Upload parts.
const (
	PartFile     = "file"     // the list as uploaded
	PartRejected = "rejected" // the rejected rows' .xlsx, after an import that skipped them
)

const (
	uploadPartSize = 1 << 20
	// UploadTTL is how long an uploaded list waits to be imported.
	UploadTTL = 24 * time.Hour
	// claimTimeout frees an upload whose import stopped with its instance.
	claimTimeout = time.Hour
)

// Upload is a list uploaded for import.
type Upload struct {
	ID          string
	Org         int64 // the organisation whose registers it is imported into: the one it was uploaded in
	Kind        plan.RegisterKind
	File        string
	SHA256      string
	Size        int64
	Username    string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	State       string
	SkipInvalid bool
	BatchID     int64
	Result      *ImportResult // the last import's answer; nil before one
	Error       string        // why the last import wrote nothing, "" when it did
	Rejected    bool          // the rejected rows' .xlsx is kept
}

// StageUpload keeps an uploaded list for import, read from r, and drops
// expired uploads. It does not read the list: the page checks it next.
func (s *Store) StageUpload(ctx context.Context, kind plan.RegisterKind, fileName string, r io.Reader, by *auth.User) (*Upload, error) {
	if !kind.Valid() {
		return nil, plan.Errorf(plan.EINVALID, "台账类型“%s”不存在", kind)
	}
	fileName = strings.TrimSpace(fileName)
	if fileName == "" {
		return nil, plan.Errorf(plan.EINVALID, "导入的文件没有名称")
	}
	now := s.nowUTC()
	u := &Upload{ID: newPublicID(), Kind: kind, File: fileName, CreatedAt: now, ExpiresAt: now.Add(UploadTTL), State: UploadStaged}
	var userID int64
	if by != nil {
		userID, u.Username = by.ID, by.Username
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM register_uploads WHERE expires_at < $1`, now); err != nil {
			return wrap(err, "drop expired uploads")
		}
		org, err := homeOrg(ctx, tx)
		if err != nil {
			return err
		}
		u.Org = org
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO register_uploads (id, kind, file_name, sha256, size, user_id, username, created_at, expires_at, state, org_id)
			VALUES ($1, $2, $3, '', 0, $4, $5, $6, $7, $8, $9)`,
			u.ID, string(kind), fileName, nullID(userID), u.Username, now, u.ExpiresAt, UploadStaged, org); err != nil {
			return wrap(err, "stage %s", fileName)
		}
		h := sha256.New()
		n, err := writeParts(ctx, tx, u.ID, PartFile, io.TeeReader(r, h))
		if err != nil {
			return err
		}
		if n == 0 {
			return plan.Errorf(plan.EINVALID, "%s 是空文件", fileName)
		}
		u.Size, u.SHA256 = n, hex.EncodeToString(h.Sum(nil))
		if _, err := tx.ExecContext(ctx, `UPDATE register_uploads SET sha256 = $1, size = $2 WHERE id = $3`, u.SHA256, u.Size, u.ID); err != nil {
			return wrap(err, "stage %s", fileName)
		}
		return s.audit(ctx, tx, "register.upload", "register_upload:"+u.ID, nil,
			map[string]any{"kind": kind, "file": fileName, "sha256": u.SHA256, "size": u.Size})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// writeParts stores r as the upload's numbered parts and returns its size.
func writeParts(ctx context.Context, tx *sql.Tx, id, part string, r io.Reader) (int64, error) {
	buf := make([]byte, uploadPartSize)
	var total int64
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO register_upload_parts (upload_id, part, seq, data) VALUES ($1, $2, $3, $4)`,
				id, part, seq, buf[:n]); err != nil {
				return 0, wrap(err, "keep part %d of upload %s", seq, id)
			}
			total += int64(n)
		}
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return total, nil
		case err != nil:
			return 0, err // the request's body: the caller's to explain
		}
	}
}

// Upload returns an upload that has not expired.
func (s *Store) Upload(ctx context.Context, id string) (*Upload, error) {
	return loadUpload(ctx, s.read, id, s.nowUTC())
}

func loadUpload(ctx context.Context, q queryer, id string, now time.Time) (*Upload, error) {
	u := &Upload{ID: id}
	var batch sql.NullInt64
	var result string
	err := q.QueryRowContext(ctx, `
		SELECT org_id, kind, file_name, sha256, size, username, created_at, expires_at, state, skip_invalid, batch_id, result, error,
		       EXISTS (SELECT 1 FROM register_upload_parts p WHERE p.upload_id = r.id AND p.part = $2)
		FROM register_uploads r WHERE id = $1`, id, PartRejected).
		Scan(&u.Org, &u.Kind, &u.File, &u.SHA256, &u.Size, &u.Username, &u.CreatedAt, &u.ExpiresAt, &u.State, &u.SkipInvalid, &batch, &result, &u.Error, &u.Rejected)
	if errors.Is(err, sql.ErrNoRows) || err == nil && (u.ExpiresAt.Before(now) || !reaches(ctx, u.Org)) {
		return nil, plan.Errorf(plan.ENOTFOUND, "上传的文件不存在或已过期（保留 %d 小时），请重新上传。", int(UploadTTL.Hours()))
	}
	if err != nil {
		return nil, wrap(err, "read upload %s", id)
	}
	u.BatchID = batch.Int64
	if result != "" {
		u.Result = &ImportResult{}
		if err := json.Unmarshal([]byte(result), u.Result); err != nil {
			return nil, wrap(err, "decode the result of upload %s", id)
		}
	}
	return u, nil
}

// CopyUpload writes a part of an upload (PartFile, PartRejected) to w, a
// part at a time.
func (s *Store) CopyUpload(ctx context.Context, id, part string, w io.Writer) error {
	if _, err := s.Upload(ctx, id); err != nil {
		return err
	}
	found := false
	err := eachRow(ctx, s.read, `SELECT data FROM register_upload_parts WHERE upload_id = $1 AND part = $2 ORDER BY seq`, func(r *sql.Rows) error {
		var data []byte
		if err := r.Scan(&data); err != nil {
			return err
		}
		found = true
		_, err := w.Write(data)
		return err
	}, id, part)
	if err != nil {
		return wrap(err, "read upload %s", id)
	}
	if !found {
		return plan.Errorf(plan.ENOTFOUND, "没有这个文件。")
	}
	return nil
}

// ClaimUpload marks an upload as being imported, so that a second click
// (or a second instance) does not import it twice. An upload already
// imported, or being imported, is refused.
func (s *Store) ClaimUpload(ctx context.Context, id string, skipInvalid bool) (*Upload, error) {
	var u *Upload
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.nowUTC()
		var err error
		if u, err = loadUpload(ctx, tx, id, now); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE register_uploads SET state = $1, claimed_at = $2, skip_invalid = $3
			WHERE id = $4 AND (state = $5 OR state = $1 AND claimed_at < $6)`,
			UploadImporting, now, skipInvalid, id, UploadStaged, now.Add(-claimTimeout))
		if err != nil {
			return wrap(err, "claim upload %s", id)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if u.State == UploadDone {
				return plan.Errorf(plan.ECONFLICT, "%s 已导入（批次 %d）。", u.File, u.BatchID)
			}
			return plan.Errorf(plan.ECONFLICT, "%s 正在导入，请稍候。", u.File)
		}
		u.State, u.SkipInvalid = UploadImporting, skipInvalid
		return nil
	})
	return u, err
}

// FinishUpload keeps what an import of the upload did: its result (nil
// when the file could not be read), and the rejected rows' workbook read
// from rejected (nil when none), and why it failed (importErr, nil when
// it did not). An import that wrote nothing (no batch) leaves the upload
// staged, to be imported again — with 跳过错误行, or after a new mapping.
func (s *Store) FinishUpload(ctx context.Context, id string, res *ImportResult, importErr error, rejected io.Reader) error {
	state, msg, result := UploadDone, "", ""
	var batch int64
	if res != nil {
		b, err := json.Marshal(res)
		if err != nil {
			return wrap(err, "encode the result of upload %s", id)
		}
		batch, result = res.BatchID, string(b)
	}
	if batch == 0 {
		state = UploadStaged
	}
	if importErr != nil {
		msg = plan.ErrorMessage(importErr)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM register_upload_parts WHERE upload_id = $1 AND part = $2`, id, PartRejected); err != nil {
			return wrap(err, "replace the rejected rows of upload %s", id)
		}
		if rejected != nil {
			if _, err := writeParts(ctx, tx, id, PartRejected, rejected); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE register_uploads SET state = $1, batch_id = $2, result = $3, error = $4 WHERE id = $5`,
			state, nullID(batch), result, msg, id); err != nil {
			return wrap(err, "finish upload %s", id)
		}
		return s.audit(ctx, tx, "register.upload.finish", "register_upload:"+id, nil, map[string]any{"state": state, "batch_id": batch, "error": msg})
	})
}
