package plan

import (
	"slices"
	"testing"
)

func TestTaskLists(t *testing.T) {
	tests := []struct {
		name, title, text string
		want              []string
	}{
		{"task 3", "培育企业研发机构", "落实《南昌市推动年营收3亿元以上工业企业研发机构全覆盖行动实施方案》，引导全区年营收3亿元以上工业企业自建或共建研发机构的比例达到100%。", []string{ListRDCoverage}},
		{"task 7", "培育高新技术企业", "挖掘我区成长性好的科技型中小企业……纳入高新技术企业培育库。", []string{ListIncubation}},
		{"task 8", "壮大创新领军企业", "大力实施独角兽、瞪羚企业培育工程", []string{ListUnicorn, ListGazelle}},
		{"task 10", "加强科技金融的服务力度", "加大“洪城科贷通”科技信贷政策的宣传力度，不断扩大科贷通备选企业数量", []string{ListLoan}},
		{"task 11", "推动科技企业上市“映山红行动”", "深入挖掘一批优质科技企业进入拟上市后备资源库", []string{ListIPO}},
		{"上市后备 without 拟", "企业上市", "建立上市后备企业名单", []string{ListIPO}},
		{"研发机构 without 全覆盖", "培育企业研发机构", "力争新组建1-3家科研机构，企业研发机构数量增加", nil},
		{"科贷通 without 备选", "科技金融", "宣传洪城科贷通政策", nil},
		{"培育库 of another kind", "人才", "建立人才培育库", nil},
		{"task 4", "打造专业化创新载体", "推进众创空间和科技企业孵化器专业化打造", nil},
		{"spaces from line breaks", "壮大", "独 角兽企业", []string{ListUnicorn}},
		{"empty", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TaskLists(tt.title, tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("TaskLists = %q, want %q", got, tt.want)
			}
		})
	}
}
