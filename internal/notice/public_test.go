package notice

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kechuang/internal/plan"
)

// testdata/public holds real notices of the genre from other governments'
// web pages (each the opening ~2 KB of its page, damage kept; INDEX.md says
// where each is from), with the plan document a person reading it expects.
// Each must score at least its minimum against that document, scored as
// the project's scorer does (score_test.go).
var publicMinimum = map[string]float64{
	"01_caidian-2023-govreport-duty-split":             1,
	"02_xianyang-2022-fangguanfu-points-trad":          1,
	"03_heze-2023-newold-kinetic-division":             1,
	"04_hebei-2018-2020-scitech-3yr-trad":              1,
	"05_jiangxian-2023-zhuanyezhen-plan-trad-damaged":  1,
	"06_sichuan-2015-county-economy-trad-damaged":      1,
	"07_hangzhou-2020-govreport-duty-split":            1,
	"08_zhongxian-2023-kjqy-township-decomp":           1,
	"09_yaoan-2023-tobacco-township-targets":           1,
	"10_yinchuan-2022-2025-innovation-plan":            1,
	"11_dadukou-2021-14fyp-scitech":                    1,
	"12_beijing-2016-govopen-points":                   1,
	"13_changqing-2021-govreport-division":             1,
	"14_jiayu-2024-govreport-duty-split":               1,
	"15_huanxian-2023-2025-qiangkeji-plan":             1,
	"16_kunshan-2024-rd-institutions-3yr-trad-damaged": 1,
	"17_jianghan-2022-govreport-duty-split":            1,
	"18_qingshan-2021-kj-performance-target-table":     1,
	"19_wuzhou-2012-innovation-plan-2011-2015":         1,
	"20_jinxiang-2021-econ-plan-targets":               1,
}

func TestPublicNotices(t *testing.T) {
	files, _ := filepath.Glob("testdata/public/*.txt")
	if len(files) != len(publicMinimum) {
		t.Fatalf("%d public notices, %d minimums", len(files), len(publicMinimum))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			min, ok := publicMinimum[name]
			if !ok {
				t.Fatalf("no minimum score for %s", name)
			}
			doc := mustParse(t, filepath.Base(f), readFile(t, f))
			got, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			score, parts, err := scoreDoc(readFile(t, strings.TrimSuffix(f, ".txt")+".json"), got)
			if err != nil {
				t.Fatal(err)
			}
			if score < min-1e-9 {
				t.Errorf("score %.2f (%s), want at least %.2f", score, formatParts(parts), min)
			}
		})
	}
}

// The Go scorer agrees with the project's Python scorer, where there is one
// (KECHUANG_SCORER, else ../shared/tools beside the repository).
func TestScorerAgrees(t *testing.T) {
	scorer := os.Getenv("KECHUANG_SCORER")
	if scorer == "" {
		scorer = "../../../../shared/tools/score_notice.py"
	}
	if _, err := os.Stat(scorer); err != nil {
		t.Skip("no score_notice.py")
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	files, _ := filepath.Glob("testdata/public/*.json")
	for _, want := range files {
		parsed := mustParse(t, "n.txt", readFile(t, strings.TrimSuffix(want, ".json")+".txt"))
		// The parse, and the parse damaged, so that partial matches and
		// scores below 1 have to agree too.
		for _, doc := range []*plan.Document{parsed, damaged(parsed)} {
			data, _ := json.Marshal(doc)
			got := filepath.Join(t.TempDir(), "got.json")
			if err := os.WriteFile(got, data, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(python, scorer, want, got).Output()
			if err != nil {
				t.Fatalf("%s: %v", scorer, err)
			}
			i := bytes.LastIndex(out, []byte("overall="))
			py, _ := strconv.ParseFloat(strings.Fields(string(out[i+len("overall="):]))[0], 64)
			goScore, parts, err := scoreDoc(readFile(t, want), data)
			if err != nil {
				t.Fatal(err)
			}
			if d := py - goScore; d > 0.0051 || d < -0.0051 { // python prints two decimals
				t.Errorf("%s: python %.2f, go %.3f (%s)", filepath.Base(want), py, goScore, formatParts(parts))
			}
		}
	}
}

// damaged returns a copy of doc with every other goal dropped and the rest
// off by one, task titles shortened, first units dropped, the date lost.
func damaged(doc *plan.Document) *plan.Document {
	d := withoutLines(doc)
	d.Date = ""
	var goals []plan.DocGoal
	for i, g := range d.Goals {
		if i%2 == 1 {
			g.Target = g.Target.Add(plan.MustDecimal("1"))
			goals = append(goals, g)
		}
	}
	d.Goals = goals
	for i := range d.Sections {
		for j := range d.Sections[i].Tasks {
			t := &d.Sections[i].Tasks[j]
			if r := []rune(t.Title); len(r) > 4 {
				t.Title = string(r[:len(r)*2/3]) + "工作"
			}
			if len(t.ResponsibleUnits) > 0 {
				t.ResponsibleUnits = t.ResponsibleUnits[1:]
			}
		}
	}
	return &d
}
