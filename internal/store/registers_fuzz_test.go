package store_test

import (
	"context"
	"testing"

	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// FuzzImportRegister feeds rows of any content to the store's import: a
// row is written or rejected with a reason, never an internal error.
func FuzzImportRegister(f *testing.F) {
	s := storetest.Open(f, storetest.SQLiteDSN(f))
	loadDirectory(f, s)
	f.Add("2022360104000001", "洪都企业", "91360104MA00000001", "洪都街道", "北京市", "12.5", "2022-07-31", "GR202236000001", "2019-02-29")
	f.Add("", "", "", "", "", "-1", "2022-13-01", "", "")
	f.Add(" x ", "洪都大道", "x", "青云谱区", "", "0.0000001", "2022/07/31", "gr1", "2020-02-29")
	f.Fuzz(func(t *testing.T, regNo, name, uscc, area, buyerArea, amount, date, certNo, issued string) {
		ctx := context.Background()
		a, err := plan.ParseDecimal(amount)
		if err != nil {
			a = plan.NewDecimal(1)
		}
		rows := []any{ // in the order of plan.RegisterKinds
			&plan.Enterprise{USCC: uscc, Name: name, Area: area, Address: buyerArea},
			&plan.SMERecord{USCC: uscc, Name: name, RegNo: regNo, Year: 2022, Date: date, Area: area},
			&plan.HighTechCert{CertNo: certNo, USCC: uscc, Name: name, Issued: issued, Area: area},
			&plan.Contract{RegNo: regNo, Project: name, Seller: plan.ContractParty{Name: name, USCC: uscc, Area: area},
				Buyer: plan.ContractParty{Name: name, Area: buyerArea}, Amount: a, TechAmount: &a, Registered: date},
			&plan.Patent{Number: regNo, Type: name, Granted: date, Status: area, Holders: []plan.PatentHolder{{Name: name, USCC: uscc, Domestic: true}}},
			&plan.Platform{Name: name, Kind: area, Level: buyerArea, Decided: date, HostUSCC: uscc, HostName: name},
			&plan.Statistic{Area: area, Indicator: name, Year: 2022, Value: a},
		}
		for i, kind := range plan.RegisterKinds {
			_, err := s.ImportRegister(ctx, store.ImportMeta{Kind: kind, File: "fuzz.xlsx", SkipInvalid: true}, listRows("fuzz.xlsx", rows[i]), nil, nil)
			if err != nil && plan.ErrorCode(err) != plan.EINVALID {
				t.Fatalf("%s: %v", kind, err)
			}
		}
	})
}
