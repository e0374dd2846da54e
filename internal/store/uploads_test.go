package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// TestUploads: a list is kept across requests in parts, read back whole,
// imported once however often it is confirmed, and gone when it expires.
func TestUploads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2022, 8, 1, 2, 0, 0, 0, time.UTC)
		s.SetClockForTest(func() time.Time { return now })
		data := bytes.Repeat([]byte("统一社会信用代码,企业名称\n"), 100_000) // 3.5 MB: four parts
		u, err := s.StageUpload(ctx, plan.RegEnterprises, " 企业库.csv ", bytes.NewReader(data), nil)
		if err != nil {
			t.Fatal(err)
		}
		if u.File != "企业库.csv" || u.Size != int64(len(data)) || len(u.SHA256) != 64 || u.State != store.UploadStaged {
			t.Errorf("staged %+v", u)
		}
		var back bytes.Buffer
		if err := s.CopyUpload(ctx, u.ID, store.PartFile, &back); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(back.Bytes(), data) {
			t.Fatalf("read back %d bytes, want %d", back.Len(), len(data))
		}
		if err := s.CopyUpload(ctx, u.ID, store.PartRejected, &back); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("rejected rows before an import: %v", err)
		}

		// A refused import leaves it staged with why; a second claim while
		// one runs is refused; a finished one cannot be imported again.
		if _, err := s.ClaimUpload(ctx, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ClaimUpload(ctx, u.ID, false); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("second claim: %v", err)
		}
		refused := &store.ImportResult{Kind: plan.RegEnterprises, Read: 3, Rejected: 1}
		if err := s.FinishUpload(ctx, u.ID, refused, plan.Errorf(plan.EINVALID, "1 行有问题"), nil); err != nil {
			t.Fatal(err)
		}
		got, err := s.Upload(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != store.UploadStaged || got.Error != "1 行有问题" || got.Result == nil || got.Result.Rejected != 1 || got.Rejected {
			t.Errorf("after a refused import: %+v", got)
		}
		if _, err := s.ClaimUpload(ctx, u.ID, true); err != nil {
			t.Fatalf("claim after a refusal: %v", err)
		}
		res, err := s.ImportRegister(ctx, store.ImportMeta{Kind: plan.RegEnterprises, File: u.File, SHA256: u.SHA256, Size: u.Size}, listRows(u.File), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.FinishUpload(ctx, u.ID, res, nil, strings.NewReader("PK rejected")); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Upload(ctx, u.ID)
		if got.State != store.UploadDone || got.BatchID != res.BatchID || !got.SkipInvalid || !got.Rejected || got.Error != "" {
			t.Errorf("after the import: %+v", got)
		}
		back.Reset()
		if err := s.CopyUpload(ctx, u.ID, store.PartRejected, &back); err != nil || back.String() != "PK rejected" {
			t.Errorf("rejected rows: %q %v", back.String(), err)
		}
		if _, err := s.ClaimUpload(ctx, u.ID, false); plan.ErrorCode(err) != plan.ECONFLICT || !strings.Contains(plan.ErrorMessage(err), "已导入") {
			t.Errorf("claim after the import: %v", err)
		}

		// An empty file is refused; an expired upload is gone, and the next
		// upload drops it.
		if _, err := s.StageUpload(ctx, plan.RegEnterprises, "空.csv", strings.NewReader(""), nil); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("empty file: %v", err)
		}
		now = now.Add(store.UploadTTL + time.Minute)
		if _, err := s.Upload(ctx, u.ID); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("expired upload: %v", err)
		}
		if _, err := s.StageUpload(ctx, plan.RegSMEs, "入库.csv", strings.NewReader("x"), nil); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, s, "register_upload_parts"); n != 1 {
			t.Errorf("%d parts left after the expired upload was dropped, want 1", n)
		}
	})
}
