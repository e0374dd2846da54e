package examples

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"time"

	"kechuang/internal/plan"
)

// DemoPrefix starts the file name of every generated demo list.
const DemoPrefix = plan.DemoFilePrefix

// DemoList is one generated register list: a CSV file as a bureau receives
// it, to be read and imported like any other.
type DemoList struct {
	Kind plan.RegisterKind
	Name string // file name, starting with DemoPrefix
	Data []byte
}

// demoUnits are the 2022 plan's sub-districts with their shares of the
// 科技型中小企业 split (附件2): where the generated enterprises sit.
var demoUnits = []struct {
	name  string
	share int
	roads []string
}{
	{"三家店街道", 21, []string{"三店西路", "三店南路", "昌南大道"}},
	{"洪都街道", 8, []string{"洪都中大道", "洪都南大道", "解放西路"}},
	{"徐家坊街道", 39, []string{"迎宾北大道", "井冈山大道", "南莲路"}},
	{"京山街道", 13, []string{"京山北路", "京山南路", "广州路"}},
	{"岱山街道", 8, []string{"岱山东路", "岱山西路", "昌南大道"}},
	{"青云谱镇", 16, []string{"施尧路", "青云谱路", "丁公路"}},
	{"新经济产业集聚区", 35, []string{"迎宾中大道", "新溪桥西路", "洪城路"}},
}

// demoFirm is a generated enterprise.
type demoFirm struct {
	uscc, name, unit, address, area, industry string
	revenue, rd                               float64 // 2021, 万元
	rdInstitute                               bool
}

// DemoRegisters generates the 2022 plan's demo registers: a few hundred
// enterprises with valid 统一社会信用代码 across the seven sub-districts,
// 科技型中小企业 lists in batches over 2020–2022 (some revoked), 高新技术企业
// certificates issued 2018–2022 (some expired, some cancelled), technology
// contracts, patents, platforms and the district's 2020–2021 statistics.
// It is deterministic: the same lists at every start.
func DemoRegisters() []DemoList {
	r := rand.New(rand.NewPCG(2022, 16))
	firms := demoFirms(r, 320)
	lists := []DemoList{demoEnterprises(firms)}
	lists = append(lists, demoMemberships(r, firms)...)
	lists = append(lists, demoSMEs(r, firms)...)
	lists = append(lists, demoHighTech(r, firms))
	lists = append(lists, demoContracts(r, firms), demoPatents(r, firms), demoPlatforms(r, firms), demoStatistics())
	return lists
}

var (
	namePrefixes = []string{"江西", "南昌"}
	nameCores    = []string{"洪城", "赣江", "豫章", "昌南", "青云", "滕王", "瑶湖", "象湖", "八一", "梅岭", "鄱湖", "庐山", "赣鄱", "红谷", "艾溪", "朝阳", "盛世", "华科", "恒信", "中科", "智航", "联创", "鼎盛", "博远", "凯源", "天佑", "新华", "瑞丰", "星火", "金洲"}
	nameTrades   = []string{"智能装备", "电子科技", "生物医药", "新材料", "软件", "航空科技", "信息技术", "光电", "环保科技", "精密制造", "检测技术", "数据科技", "汽车零部件", "医疗器械", "新能源", "物联网", "食品科技", "节能技术"}
	nameForms    = []string{"有限公司", "股份有限公司", "科技有限公司"}
	industries   = []string{"制造业", "信息传输、软件和信息技术服务业", "科学研究和技术服务业", "批发和零售业"}
)

func demoFirms(r *rand.Rand, n int) []demoFirm {
	total := 0
	for _, u := range demoUnits {
		total += u.share
	}
	seen := map[string]bool{}
	var out []demoFirm
	for i := 0; len(out) < n; i++ {
		name := namePrefixes[r.IntN(len(namePrefixes))] + nameCores[r.IntN(len(nameCores))] + nameTrades[r.IntN(len(nameTrades))] + nameForms[r.IntN(len(nameForms))]
		if seen[name] {
			continue
		}
		seen[name] = true
		pick, u := r.IntN(total), demoUnits[0]
		for _, c := range demoUnits {
			if pick < c.share {
				u = c
				break
			}
			pick -= c.share
		}
		f := demoFirm{uscc: demoUSCC(r), name: name, unit: u.name, industry: industries[r.IntN(len(industries))]}
		road := u.roads[r.IntN(len(u.roads))]
		f.address = fmt.Sprintf("江西省南昌市青云谱区%s%d号", road, 1+r.IntN(999))
		switch k := i % 50; {
		case k < 45: // most lists carry the 属地 column
			f.area = u.name
		case k < 49: // the address names the sub-district
			f.address = fmt.Sprintf("江西省南昌市青云谱区%s%s%d号", u.name, road, 1+r.IntN(999))
		default: // only a road: left for staff to attribute (待归属)
		}
		f.revenue = float64(500+r.IntN(60000)) + float64(r.IntN(100))/100
		f.rd = f.revenue * (0.01 + r.Float64()*0.06)
		f.rdInstitute = f.revenue >= 30000 && r.IntN(4) > 0
		out = append(out, f)
	}
	return out
}

// demoUSCC is a valid code of an enterprise registered in 青云谱区 (360104).
func demoUSCC(r *rand.Rand) string {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	b := []byte("91360104")
	for range 9 {
		b = append(b, chars[r.IntN(len(chars))])
	}
	c, _ := plan.USCCCheckChar(string(b))
	return string(append(b, c))
}

func csvList(kind plan.RegisterKind, name, title string, header []string, rows [][]string) DemoList {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if title != "" {
		w.Write([]string{title})
	}
	w.Write(append([]string{"序号"}, header...))
	for i, row := range rows {
		w.Write(append([]string{fmt.Sprint(i + 1)}, row...))
	}
	w.Flush()
	return DemoList{Kind: kind, Name: DemoPrefix + name + ".csv", Data: buf.Bytes()}
}

func money(v float64) string { return fmt.Sprintf("%.2f", v) }

func demoEnterprises(firms []demoFirm) DemoList {
	var rows [][]string
	for _, f := range firms {
		inst := "否"
		if f.rdInstitute {
			inst = "是"
		}
		rows = append(rows, []string{f.name, f.uscc, f.address, f.area, f.industry, money(f.revenue), money(f.rd), inst})
	}
	return csvList(plan.RegEnterprises, "青云谱区企业库", "青云谱区企业库（演示数据）",
		[]string{"企业名称", "统一社会信用代码", "注册地址", "所属街道", "所属行业", "2021年营业收入（万元）", "2021年研发费用（万元）", "是否建有研发机构"}, rows)
}

func demoMemberships(r *rand.Rand, firms []demoFirm) []DemoList {
	var out []DemoList
	for _, l := range []struct {
		list, file string
		n          int
	}{
		{plan.ListIncubation, "高新技术企业培育库入库名单", 45},
		{plan.ListGazelle, "瞪羚企业名单", 12},
		{plan.ListUnicorn, "独角兽企业名单", 2},
		{plan.ListLoan, "科贷通备选企业名单", 30},
		{plan.ListIPO, "拟上市后备资源库名单", 10},
	} {
		var rows [][]string
		for _, i := range r.Perm(len(firms))[:l.n] {
			f := firms[i]
			entered := fmt.Sprintf("202%d-%02d-%02d", 1+r.IntN(2), 1+r.IntN(12), 1+r.IntN(28))
			rows = append(rows, []string{f.name, f.uscc, f.area, l.list, entered})
		}
		out = append(out, csvList(plan.RegEnterprises, l.file, l.file+"（演示数据）", []string{"企业名称", "统一社会信用代码", "所属街道", "名单", "入库日期"}, rows))
	}
	return out
}

func demoSMEs(r *rand.Rand, firms []demoFirm) []DemoList {
	// Batches of each year's lists: 2022 has three by the July round and
	// one after it, so the figure grows with the date asked about.
	batches := map[int][]struct {
		date string
		n    int
	}{
		2020: {{"2020-05-15", 40}, {"2020-09-10", 30}},
		2021: {{"2021-04-20", 45}, {"2021-08-16", 40}},
		2022: {{"2022-03-25", 38}, {"2022-05-20", 34}, {"2022-07-15", 24}, {"2022-09-20", 36}},
	}
	var out []DemoList
	for _, year := range []int{2020, 2021, 2022} {
		order := r.Perm(len(firms))
		var rows [][]string
		serial := 0
		for bi, b := range batches[year] {
			for range b.n {
				f := firms[order[serial]]
				serial++
				revoked := "" // a few of 2022's first batch, revoked in June
				if year == 2022 && bi == 0 && serial%15 == 7 {
					revoked = "2022-06-30"
				}
				regNo := fmt.Sprintf("%d3601%02d%06d", year, 4, 100000+serial)
				rows = append(rows, []string{f.name, f.uscc, regNo, fmt.Sprint(year), fmt.Sprintf("第%d批", bi+1), b.date, revoked, f.area})
			}
		}
		out = append(out, csvList(plan.RegSMEs, fmt.Sprintf("%d年科技型中小企业入库名单", year), fmt.Sprintf("%d年科技型中小企业入库名单（演示数据）", year),
			[]string{"企业名称", "统一社会信用代码", "入库登记编号", "年度", "批次", "入库日期", "撤销日期", "所属街道"}, rows))
	}
	return out
}

func demoHighTech(r *rand.Rand, firms []demoFirm) DemoList {
	// Certificates last three years: 2019's are valid in July 2022, 2018's
	// have expired (some renewed in 2021), 2022's come after the July round.
	batches := []struct {
		date string
		n    int
	}{{"2018-11-30", 12}, {"2019-12-03", 24}, {"2020-12-01", 18}, {"2021-12-15", 16}, {"2022-11-18", 22}}
	order := r.Perm(len(firms))
	var rows [][]string
	firm, serial := 0, 0
	for _, b := range batches {
		issued, _ := time.Parse(time.DateOnly, b.date)
		for i := range b.n {
			serial++
			f := firms[order[firm%len(firms)]]
			if b.date == "2021-12-15" && i < 5 {
				f = firms[order[i]] // 重新认定 of an expired 2018 certificate
			} else {
				firm++
			}
			cancelled := ""
			if b.date == "2020-12-01" && i < 2 {
				cancelled = "2022-04-10"
			}
			cert := fmt.Sprintf("GR%d36%06d", issued.Year(), 1000+serial*7)
			rows = append(rows, []string{f.name, f.uscc, cert, b.date, issued.AddDate(3, 0, 0).Format(time.DateOnly), cancelled, f.area})
		}
	}
	return csvList(plan.RegHighTech, "高新技术企业认定名单", "青云谱区高新技术企业名单（演示数据）",
		[]string{"企业名称", "统一社会信用代码", "证书编号", "发证日期", "有效期至", "取消日期", "所属街道"}, rows)
}

var contractTypes = []string{"技术开发", "技术转让", "技术许可", "技术咨询", "技术服务"}

// contractShares weigh where contracts' sellers sit, after the split of
// 技术合同成交额 in 附件2 (亿元 × 100).
var contractShares = map[string]int{"三家店街道": 300, "洪都街道": 5, "徐家坊街道": 300, "京山街道": 50, "岱山街道": 15, "青云谱镇": 10, "新经济产业集聚区": 20}

func demoContracts(r *rand.Rand, firms []demoFirm) DemoList {
	var sellers []demoFirm // each firm as often as its unit's share
	for _, f := range firms {
		for range max(1, contractShares[f.unit]/10) {
			sellers = append(sellers, f)
		}
	}
	buyers := []struct{ name, area string }{
		{"江西洪都航空工业集团有限责任公司", "青云谱区"}, {"南昌市政公用集团有限公司", "东湖区"}, {"江铃汽车股份有限公司", "青山湖区"},
		{"上海华谊精细化工有限公司", "上海市"}, {"深圳智联科技有限公司", "深圳市"}, {"江西省交通投资集团有限责任公司", "红谷滩区"},
	}
	var rows [][]string
	serial := 0
	for _, month := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10} {
		n := 9 + r.IntN(7)
		for range n {
			serial++
			seller := sellers[r.IntN(len(sellers))]
			b := buyers[r.IntN(len(buyers))]
			amount := float64(30+r.IntN(1000)) + float64(r.IntN(100))/100
			date := fmt.Sprintf("2022-%02d-%02d", month, 1+r.IntN(28))
			rows = append(rows, []string{
				fmt.Sprintf("2022360104%06d", serial), seller.name[len("江西"):] + "技术" + contractTypes[serial%5][len("技术"):] + "项目",
				seller.name, seller.uscc, seller.area, b.name, b.area, contractTypes[serial%5], money(amount), money(amount * 0.8), date,
			})
		}
	}
	return csvList(plan.RegContracts, "2022年技术合同登记台账", "2022年青云谱区技术合同登记台账（演示数据，金额单位：万元）",
		[]string{"合同登记号", "项目名称", "卖方名称", "卖方统一社会信用代码", "卖方所在地区", "买方名称", "买方所在地区", "合同类型", "成交额（万元）", "技术交易额（万元）", "登记日期"}, rows)
}

func demoPatents(r *rand.Rand, firms []demoFirm) DemoList {
	var rows [][]string
	for i := range 1400 {
		f := firms[r.IntN(len(firms))]
		year := 2012 + r.IntN(11)
		granted := fmt.Sprintf("%d-%02d-%02d", year, 1+r.IntN(12), 1+r.IntN(28))
		if year == 2022 && granted > "2022-10-31" {
			granted = "2022-10-31"
		}
		kind, code := plan.PatentInvention, "1"
		if i%6 == 5 {
			kind, code = plan.PatentUtility, "2"
		}
		number := fmt.Sprintf("ZL%d%s%07d.%d", year-2+r.IntN(2), code, 100000+i, r.IntN(10))
		holders := f.name
		if i%9 == 0 {
			holders += "；南昌大学"
		}
		status, lapsed := "有效", ""
		if i%19 == 3 && year < 2021 { // lapsed for unpaid fees a year or two after grant
			status, lapsed = "未缴年费专利权终止", fmt.Sprintf("%d-%02d-%02d", year+1+r.IntN(2), 1+r.IntN(12), 1+r.IntN(28))
		}
		rows = append(rows, []string{number, f.name[len("江西"):] + "的一种装置及方法", kind, holders, granted, lapsed, status})
	}
	return csvList(plan.RegPatents, "有效专利清单", "青云谱区专利清单（演示数据）",
		[]string{"专利号", "专利名称", "专利类型", "专利权人", "授权公告日", "失效日期", "法律状态"}, rows)
}

func demoPlatforms(r *rand.Rand, firms []demoFirm) DemoList {
	kinds := []string{"工程技术研究中心", "企业技术中心", "重点实验室", "新型研发机构", "众创空间", "科技企业孵化器"}
	levels := []string{plan.LevelCity, plan.LevelCity, plan.LevelProvince, plan.LevelNation}
	var rows [][]string
	for i := range 24 {
		f := firms[r.IntN(len(firms))]
		kind, level := kinds[i%len(kinds)], levels[r.IntN(len(levels))]
		decided := fmt.Sprintf("%d-%02d-%02d", 2015+r.IntN(7), 1+r.IntN(12), 1+r.IntN(28))
		rows = append(rows, []string{f.name[len("江西"):len(f.name)-len("有限公司")] + kind, kind, level, "认定", decided, f.name, f.area})
	}
	// 2022: one recognised before the July round, one after it.
	a, b := firms[3], firms[7]
	rows = append(rows,
		[]string{"南昌市" + a.name[len("江西"):len(a.name)-len("有限公司")] + "工程技术研究中心", "工程技术研究中心", plan.LevelCity, "认定", "2022-05-18", a.name, a.area},
		[]string{b.name[len("江西"):len(b.name)-len("有限公司")] + "省级企业技术中心", "企业技术中心", plan.LevelProvince, "认定", "2022-09-08", b.name, b.area})
	return csvList(plan.RegPlatforms, "研发平台和创新载体名单", "青云谱区研发平台和创新载体（演示数据）",
		[]string{"平台名称", "平台类型", "级别", "认定或备案", "认定日期", "依托单位", "所属街道"}, rows)
}

func demoStatistics() DemoList {
	rows := [][]string{
		{"青云谱区", "地区生产总值", "2020", "4987300", "万元", "区统计局（演示数据）", "正式"},
		{"青云谱区", "R&D经费内部支出", "2020", "25430", "万元", "区统计局（演示数据）", "正式"},
		{"青云谱区", "常住人口", "2020", "36.51", "万人", "第七次全国人口普查（演示数据）", "正式"},
		{"青云谱区", "地区生产总值", "2021", "5316800", "万元", "区统计局（演示数据）", "正式"},
		{"青云谱区", "R&D经费内部支出", "2021", "28710", "万元", "区统计局（演示数据）", "正式"},
		{"青云谱区", "常住人口", "2021", "36.82", "万人", "区统计局（演示数据）", "正式"},
	}
	return csvList(plan.RegStatistics, "统计数据", "青云谱区主要统计数据（演示数据）", []string{"地区", "指标", "年份", "数值", "计量单位", "来源", "数据状态"}, rows)
}
