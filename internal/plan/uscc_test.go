package plan

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckUSCC(t *testing.T) {
	for _, tc := range []struct {
		code string
		want error // nil, ErrUSCCMalformed or ErrUSCCCheck
		text string
	}{
		// Codes of real companies and the standard's own example.
		{code: "91350100M000100Y43"},
		{code: "9144030071526726XG"},
		{code: "914403001922038216"},
		{code: "91330100716105852F"},
		// One character off: the check character catches it.
		{code: "91350100M000100Y44", want: ErrUSCCCheck, text: "第18位应为“3”，实为“4”"},
		{code: "91330100716105853F", want: ErrUSCCCheck},
		{code: "914403001922038215", want: ErrUSCCCheck},
		// Wrong length or characters the code never uses.
		{code: "91350100M000100Y4", want: ErrUSCCMalformed, text: "应为18位，实为17位"},
		{code: "91350100M000100Y433", want: ErrUSCCMalformed},
		{code: "", want: ErrUSCCMalformed},
		{code: "91350100M0001O0Y43", want: ErrUSCCMalformed, text: "第14位“O”不用于信用代码"},
		{code: "91350100m000100Y43", want: ErrUSCCMalformed, text: "第9位“m”不是数字或大写字母"},
		{code: "9135010０M000100Y4", want: ErrUSCCMalformed},
		{code: "91350100Z000100Y43", want: ErrUSCCMalformed},
	} {
		err := CheckUSCC(tc.code)
		switch {
		case tc.want == nil && err != nil:
			t.Errorf("%s: %v", tc.code, err)
		case tc.want != nil && !errors.Is(err, tc.want):
			t.Errorf("%s: got %v, want %v", tc.code, err, tc.want)
		case tc.text != "" && !strings.Contains(err.Error(), tc.text):
			t.Errorf("%s: %q does not say %q", tc.code, err, tc.text)
		}
	}
}

func TestNormalizeUSCC(t *testing.T) {
	for in, want := range map[string]string{
		" 91350100m000100y43 ": "91350100M000100Y43",
		"９１３５０１００Ｍ０００１００Ｙ４３":       "91350100M000100Y43",
		"9135 0100 M000 100Y 43":   "91350100M000100Y43",
		"'91350100M000100Y43":      "91350100M000100Y43",
		`="91350100M000100Y43"`:    "91350100M000100Y43",
		"91350100M000100Y43\u00a0": "91350100M000100Y43",
	} {
		if got := NormalizeUSCC(in); got != want {
			t.Errorf("NormalizeUSCC(%q) = %q, want %q", in, got, want)
		}
		if err := CheckUSCC(NormalizeUSCC(in)); err != nil {
			t.Errorf("%q: %v", in, err)
		}
	}
}

// USCCCheckChar makes valid codes for demo data: each of the 31 values
// of position 17 gives one check character, and codes made so pass.
func TestUSCCCheckChar(t *testing.T) {
	seen := map[byte]bool{}
	for i := range len(usccChars) {
		first := "9136010458" + "12345" + "A" + usccChars[i:i+1]
		c, ok := USCCCheckChar(first)
		if !ok {
			t.Fatalf("%s: not a code", first)
		}
		if err := CheckUSCC(first + string(c)); err != nil {
			t.Errorf("%s%c: %v", first, c, err)
		}
		seen[c] = true
	}
	if len(seen) != 31 {
		t.Errorf("position 17 reaches %d check characters, want all 31", len(seen))
	}
	for _, bad := range []string{"", "9136010458123456", "913601045812345I6", "91360104581234567X"} {
		if _, ok := USCCCheckChar(bad); ok {
			t.Errorf("USCCCheckChar(%q) accepted", bad)
		}
	}
}

func TestPatentLapsedStatus(t *testing.T) {
	for s, want := range map[string]bool{
		"有效": false, "": false, "专利权维持": false, "部分无效": false, "授权": false,
		"失效": true, "权利终止": true, "未缴年费专利权终止": true, "期限届满": true, "避重放弃": true, "全部无效": true, "专利权终止": true,
	} {
		if got := PatentLapsedStatus(s); got != want {
			t.Errorf("PatentLapsedStatus(%q) = %v", s, got)
		}
	}
}

func FuzzUSCC(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y4", "I", "913501\u00a000M000100Y43", "＇", `= "`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code := NormalizeUSCC(s)
		if NormalizeUSCC(code) != code {
			t.Fatalf("NormalizeUSCC not idempotent on %q", s)
		}
		err := CheckUSCC(code)
		if err != nil && !errors.Is(err, ErrUSCCMalformed) && !errors.Is(err, ErrUSCCCheck) {
			t.Fatalf("unexpected error %v", err)
		}
		if len(code) >= 17 {
			if c, ok := USCCCheckChar(code[:17]); ok && CheckUSCC(code[:17]+string(c)) != nil {
				t.Fatalf("code made with its check character fails: %s%c", code[:17], c)
			}
		}
		if err == nil && (len(code) != 18 || strings.ContainsAny(code, "IOSVZ")) {
			t.Fatalf("accepted %q", code)
		}
	})
}
