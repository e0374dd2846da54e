package regimport_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kechuang/examples"
	"kechuang/internal/plan"
	"kechuang/internal/regimport"
	"kechuang/internal/register"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

func uscc(n int) string {
	first := fmt.Sprintf("91360104MA%07d", n)
	c, _ := plan.USCCCheckChar(first)
	return first + string(c)
}

// TestRejectedRowsKeepTheirCells: rows the reader rejects and rows the
// store rejects (a duplicate of an earlier row) both come back in the
// rejected rows' workbook with their cells as read and why; progress is
// reported to the end.
func TestRejectedRowsKeepTheirCells(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ex, _ := examples.Qingyunpu2022()
		if err := s.ImportDirectory(ctx, ex.Directory); err != nil {
			t.Fatal(err)
		}
		list := []byte("企业名称,统一社会信用代码,所属街道,注册地址\n" +
			"甲公司," + uscc(1) + ",三家店街道,迎宾大道1号\n" +
			"乙公司,,洪都街道,洪都中大道2号\n" + // the reader's: no USCC
			"甲公司（重复）," + uscc(1) + ",三家店街道,迎宾大道1号\n" + // the store's: a duplicate
			"丙公司," + uscc(3) + ",京山街道,京山北路3号\n")
		rd, err := register.Open("企业库.csv", bytes.NewReader(list), int64(len(list)), plan.RegEnterprises, register.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Close()
		var rejected bytes.Buffer
		var calls, lastRows int
		res, err := regimport.Import(ctx, s, rd, store.ImportMeta{Kind: plan.RegEnterprises, File: "企业库.csv", SHA256: "x", Size: int64(len(list))},
			regimport.Options{SkipInvalid: true, Rejected: &rejected, Progress: func(p register.Progress, rows int) { calls++; lastRows = rows }}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.New != 2 || res.Rejected != 2 || calls == 0 || lastRows != 4 {
			t.Errorf("result %+v, %d progress calls, last at %d rows", res, calls, lastRows)
		}
		wb, err := excelize.OpenReader(&rejected)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := wb.GetRows(wb.GetSheetList()[0])
		if len(rows) != 3 || rows[0][4] != "原因" {
			t.Fatalf("rejected rows: %q", rows)
		}
		if rows[1][0] != "乙公司" || !strings.Contains(rows[1][4], "统一社会信用代码") {
			t.Errorf("the reader's rejection: %q", rows[1])
		}
		if rows[2][0] != "甲公司（重复）" || rows[2][3] != "迎宾大道1号" || !strings.Contains(rows[2][4], "重复") {
			t.Errorf("the store's rejection: %q", rows[2])
		}

		// Nothing rejected: nothing written to Rejected.
		rd2, _ := register.Open("企业库2.csv", bytes.NewReader(list[:bytes.Index(list, []byte("乙公司"))]), int64(bytes.Index(list, []byte("乙公司"))), plan.RegEnterprises, register.Options{})
		defer rd2.Close()
		var none bytes.Buffer
		if _, err := regimport.Import(ctx, s, rd2, store.ImportMeta{Kind: plan.RegEnterprises, File: "企业库2.csv", SHA256: "y", Size: 1}, regimport.Options{Rejected: &none}, nil); err != nil {
			t.Fatal(err)
		}
		if none.Len() != 0 {
			t.Errorf("%d bytes of rejected rows for a list with none", none.Len())
		}
	})
}
