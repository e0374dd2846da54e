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

func TestCivilDate(t *testing.T) {
	tests := []struct{ y, m, d, want string }{
		{"2022", "6", "16", "2022-06-16"},
		{"２０２２", "０６", "１６", "2022-06-16"},
		{"二〇二二", "六", "十六", "2022-06-16"},
		{"二○二三", "十二", "三十一", "2023-12-31"},
		{"2023", "2", "30", ""},
		{"2023", "13", "1", ""},
	}
	for _, tt := range tests {
		if got := civilDate(tt.y, tt.m, tt.d); got != tt.want {
			t.Errorf("civilDate(%s, %s, %s) = %q, want %q", tt.y, tt.m, tt.d, got, tt.want)
		}
	}
}
