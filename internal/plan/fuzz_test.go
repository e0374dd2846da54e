package plan

import (
	"bytes"
	"os"
	"testing"
)

// FuzzDecodeDocument: a plan document from anywhere never panics the
// importer, and whatever it accepts passes CheckDocument and survives Lint,
// Resolve and Diff.
func FuzzDecodeDocument(f *testing.F) {
	if b, err := os.ReadFile("../../examples/qingyunpu-2022/plan.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"title":"x","goals":[{"indicator":"a","comparator":"range","target":1,"target_max":"3"}]}`))
	f.Add([]byte(`{"title":"x","decomposition_tables":[{"columns":["a"],"rows":[{"unit":"u","total":true,"values":{"a":"0.05"}}]}]}`))
	f.Add([]byte(`{`))
	// A multi-year plan: a period and per-year targets (issue 12).
	f.Add([]byte(`{"title":"三年行动","start_year":2021,"end_year":2023,"goals":[{"indicator":"高新技术企业","comparator":">=","target":90,"unit":"家","year_targets":[{"year":2021,"target":60},{"year":2022,"target":"76"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := DecodeDocument(bytes.NewReader(data))
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("error without EINVALID: %v", err)
			}
			return
		}
		if err := CheckDocument(doc); err != nil {
			t.Fatalf("accepted document fails its check: %v", err)
		}
		Lint(doc, func(string) bool { return false })
		Resolve(doc, testDirectory())
		Diff(doc, doc)
		for i := range doc.DecompositionTables {
			SumColumns(&doc.DecompositionTables[i], doc.Goals)
		}
	})
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"140", "0.55", "-0.05", "１４０", "1,234.5", ".5", "999999999999.999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDecimal(s)
		if err != nil {
			return
		}
		back, err := ParseDecimal(d.String())
		if err != nil || back != d {
			t.Fatalf("%q → %s does not read back (%v)", s, d, err)
		}
	})
}
