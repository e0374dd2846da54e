package notice

import (
	"testing"
)

func TestHeader(t *testing.T) {
	const goals = "\n一、工作目标\n高新技术企业76家\n"
	tests := []struct {
		name, in                               string
		docNumber, issuer, date, title, parent string
		year                                   int
	}{
		{
			name:      "RedHeaderOnly",
			in:        "南昌市青云谱区人民政府办公室文件\n青政办发〔2022〕16号\n2022年青云谱区科技工作要点" + goals,
			docNumber: "青政办发〔2022〕16号", issuer: "南昌市青云谱区人民政府办公室", title: "2022年青云谱区科技工作要点", year: 2022,
		},
		{
			name:   "NoticeTitleOverTwoLines",
			in:     "青云谱区人民政府办公室\n关于印发2022年青云谱区科技\n工作要点的通知\n各街办：\n现印发给你们。" + goals,
			issuer: "青云谱区人民政府办公室", title: "2022年青云谱区科技工作要点", year: 2022,
		},
		{
			name:   "SignatureInChineseDigits",
			in:     "2023年科技工作要点" + goals + "\n青云谱区科技局\n二〇二三年三月十日\n",
			issuer: "青云谱区科技局", date: "2023-03-10", title: "2023年科技工作要点", year: 2023,
		},
		{
			name:   "PrintedLine",
			in:     "2023年科技工作要点" + goals + "\n抄送：区委办\n青云谱区人民政府办公室  2023年3月12日印发\n",
			issuer: "青云谱区人民政府办公室", date: "2023-03-12", title: "2023年科技工作要点", year: 2023,
		},
		{
			name:  "CitedNumberIsNotTheDocument's",
			in:    "2023年科技工作要点\n为落实《关于支持科技创新的若干措施》（洪发〔2018〕8号），按照《南昌市科技创新三年行动计划》，制定本要点。" + goals,
			title: "2023年科技工作要点", parent: "南昌市科技创新三年行动计划", year: 2023,
		},
		{
			name:  "PeriodOnItsOwnLine",
			in:    "浔阳区科技创新三年行动方案\n（2023—2025年）" + goals,
			title: "浔阳区科技创新三年行动方案（2023—2025年）",
		},
		{
			name:   "MetadataBlock",
			in:     "索 引 号 MB1534522/2023-05475 发文日期 2023-01-03\n发布机构 区人民政府办公室 文    号 蔡政办〔2023〕1号\n2023年科技工作要点" + goals,
			issuer: "区人民政府办公室", date: "2023-01-03", docNumber: "蔡政办〔2023〕1号", title: "2023年科技工作要点", year: 2023,
		},
		{
			name:   "PipeMetadata",
			in:     "文 号 | 江政办〔2022〕1号 | 发文日期 | 2022-01-30 16:20 |\n---|---|---|---|\n发布机构 | 江汉区人民政府办公室 | 有 效 性 | 有效 |\n区人民政府办公室关于印发2022年科技工作要点的通知" + goals,
			issuer: "江汉区人民政府办公室", date: "2022-01-30", docNumber: "江政办〔2022〕1号", title: "2022年科技工作要点", year: 2022,
		},
		{
			name:   "JointSignatureCollapsedDate",
			in:     "关于印发《环县强科技行动实施方案（2023—2025）》的通知\n现印发你们。\n中共环县委办公室\n\n环县人民政府办公室\n\n2023411\n" + goals,
			issuer: "中共环县委办公室、环县人民政府办公室", date: "2023-04-11", title: "环县强科技行动实施方案（2023—2025）",
		},
		{
			name:   "JointIssuerInTitle",
			in:     "中共银川市委办公室银川市人民政府办公室关于印发《银川市科技工作要点》的通知" + goals,
			issuer: "中共银川市委办公室、银川市人民政府办公室", title: "银川市科技工作要点",
		},
		{
			name:   "DateWithoutDay",
			in:     "金乡县2021年国民经济和社会发展计划\n                金乡县人民政府\n                2021年2月22\n" + goals,
			issuer: "金乡县人民政府", date: "2021-02-22", title: "金乡县2021年国民经济和社会发展计划", year: 2021,
		},
		{
			name:      "DateInChineseNumeralsAlone",
			in:        "梧州市人民政府关于印发我市创新计划2011至2015年实施方案的通知\n（梧政发〔2012〕3号）\n现将方案印发给你们。\n二○一二年一月二十九日\n梧州市创新计划（2011至2015年）实施方案" + goals,
			docNumber: "梧政发〔2012〕3号", issuer: "梧州市人民政府", date: "2012-01-29", title: "梧州市创新计划（2011至2015年）实施方案",
		},
		{
			name:  "BreadcrumbsAndButtons",
			in:    "首页 >> 下载中心 >> 政策法规\n字号:\n打印整页 打印内容 分享\n关于印发《2023年科技工作要点》的通知\n来源:   作者:   编辑:徐可" + goals,
			title: "2023年科技工作要点", year: 2023,
		},
		{
			name:  "TitleInBookMarks",
			in:    "济南市长清区人民政府办公室关于印发《政府工作报告》重点工作任务分工的通知" + goals,
			title: "《政府工作报告》重点工作任务分工", issuer: "济南市长清区人民政府办公室",
		},
		{
			name:  "InvalidDate",
			in:    "2023年科技工作要点" + goals + "\n青云谱区科技局\n2023年2月30日\n",
			title: "2023年科技工作要点", issuer: "青云谱区科技局", year: 2023,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseText(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if d.DocNumber != tt.docNumber || d.Issuer != tt.issuer || d.Date != tt.date || d.Title != tt.title || d.ParentTitle != tt.parent || d.Year != tt.year {
				t.Errorf("got number %q issuer %q date %q title %q parent %q year %d\nwant number %q issuer %q date %q title %q parent %q year %d",
					d.DocNumber, d.Issuer, d.Date, d.Title, d.ParentTitle, d.Year, tt.docNumber, tt.issuer, tt.date, tt.title, tt.parent, tt.year)
			}
		})
	}
}

func TestReadDate(t *testing.T) {
	tests := []struct {
		in, date string
		ok       bool
	}{
		{"2022年6月16日", "2022-06-16", true},
		{"2021年2月22", "2021-02-22", true},
		{"二○一二年一月二十九日", "2012-01-29", true},
		{"2023411", "2023-04-11", true},
		{"2024514", "2024-05-14", true},
		{"20230411", "2023-04-11", true},
		{"2023111", "", false}, // 1月11日 or 11月1日
		{"2021年8月", "", false},
		{"于2023年1月15", "", false}, // a date without 日 only alone
		{"二〇二二年六月十六", "", false},
	}
	for _, tt := range tests {
		d, ok := readDate(key(tt.in))
		if ok != tt.ok || d.date != tt.date {
			t.Errorf("readDate(%q) = %q, %v; want %q, %v", tt.in, d.date, ok, tt.date, tt.ok)
		}
	}
}

func TestCivilDate(t *testing.T) {
	tests := []struct{ y, m, d, want string }{
		{"2022", "6", "16", "2022-06-16"},
		{"２０２２", "０６", "１６", "2022-06-16"},
		{"二〇二二", "六", "十六", "2022-06-16"},
		{"二○二三", "十二", "三十一", "2023-12-31"},
		{"2023", "2", "30", ""},
		{"2023", "13", "1", ""},
		{"2021", "08", "09", "2021-08-09"}, // not octal
	}
	for _, tt := range tests {
		if got := civilDate(tt.y, tt.m, tt.d); got != tt.want {
			t.Errorf("civilDate(%s, %s, %s) = %q, want %q", tt.y, tt.m, tt.d, got, tt.want)
		}
	}
}
