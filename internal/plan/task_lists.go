package plan

import "strings"

// Some tasks keep a list rather than reach a figure: 7 puts firms into the
// 高新技术企业培育库, 8 grows the 独角兽/瞪羚, 10 the 科贷通备选企业, 11 the
// 拟上市后备资源库, 3 brings R&D institutions to every industrial firm with
// 营业收入 of 3亿元 or more. The registers hold those lists, and the task
// shows how many firms they hold.

// ListRDCoverage names the 研发机构全覆盖 count beside the membership lists:
// how many of the enterprises with 营业收入 of at least RDCoverageRevenue
// have an R&D institution.
const ListRDCoverage = "研发机构全覆盖"

// RDCoverageRevenue is the 营业收入 (万元) from which 研发机构全覆盖 counts
// an enterprise: 3亿元.
var RDCoverageRevenue = NewDecimal(30000)

// taskListKeys are the words by which a task names a list, per list, in
// the order a task shows its lists.
var taskListKeys = []struct {
	list string
	all  []string // every one of these
	any  []string // and one of these
}{
	{ListRDCoverage, []string{"研发机构"}, []string{"全覆盖"}},
	{ListIncubation, []string{"培育库"}, []string{"高新技术企业", "高企"}},
	{ListUnicorn, nil, []string{"独角兽"}},
	{ListGazelle, nil, []string{"瞪羚"}},
	{ListLoan, []string{"科贷通"}, []string{"备选"}},
	{ListIPO, nil, []string{"拟上市", "上市后备"}},
}

// TaskLists returns the registers' lists a task keeps, found by the words
// of its title and text (培育库, 瞪羚, 科贷通备选, 拟上市后备资源库,
// 研发机构全覆盖 …); none for a task that keeps no list.
func TaskLists(title, text string) []string {
	s := strings.ReplaceAll(title+"\n"+text, " ", "")
	var out []string
	for _, k := range taskListKeys {
		ok := containsAny(s, k.any...)
		for _, w := range k.all {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			out = append(out, k.list)
		}
	}
	return out
}

// ListLabel is how a task names a list's count: 高新技术企业培育库,
// 瞪羚企业 ….
func ListLabel(list string) string {
	switch list {
	case ListIncubation:
		return "高新技术企业培育库"
	case ListUnicorn:
		return "独角兽企业"
	case ListGazelle:
		return "瞪羚企业"
	case ListLoan:
		return "科贷通备选企业"
	case ListIPO:
		return "拟上市后备资源库"
	case ListRDCoverage:
		return "年营收3亿元以上企业研发机构"
	}
	return list
}
