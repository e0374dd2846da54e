package plan_test

import (
	"strings"
	"testing"

	"kechuang/internal/plan"
)

func attributionDirectory() *plan.Directory {
	return &plan.Directory{Units: []plan.Unit{
		{ID: 1, Name: "南昌市青云谱区", ShortName: "青云谱区", Kind: plan.UnitGovernment, Aliases: []string{"全区"}},
		{ID: 2, Name: "青云谱区科学技术和工业信息化局", ShortName: "区科工局", Kind: plan.UnitDepartment},
		{ID: 10, Name: "洪都街道", Kind: plan.UnitSubdistrict},
		{ID: 11, Name: "徐家坊街道", Kind: plan.UnitSubdistrict},
		{ID: 12, Name: "京山街道", Kind: plan.UnitSubdistrict, Aliases: []string{"京山"}},
		{ID: 13, Name: "三家店街道", Kind: plan.UnitSubdistrict},
		{ID: 14, Name: "青云谱镇", Kind: plan.UnitTown},
		{ID: 15, Name: "新经济产业集聚区", Kind: plan.UnitZone, Aliases: []string{"集聚区"}},
	}}
}

func TestAttribute(t *testing.T) {
	a := plan.NewAttributor(attributionDirectory(), []plan.AttributionKeyword{
		{UnitID: 15, Keyword: "昌南工业园"},
		{UnitID: 13, Keyword: "井冈山大道"},
	})
	for _, c := range []struct {
		name, area, address string
		unit                int64
		source              plan.AttributionSource
	}{
		{"area column", "洪都街道", "", 10, plan.AttrArea},
		{"area column with suffix", "洪都街道办事处", "", 10, plan.AttrArea},
		{"area column with district", "青云谱区徐家坊街道", "", 11, plan.AttrArea},
		{"area alias", "京山", "", 12, plan.AttrArea},
		{"area wins over address", "三家店街道", "南昌市青云谱区洪都街道1号", 13, plan.AttrArea},
		{"address", "", "江西省南昌市青云谱区徐家坊街道解放西路8号", 11, plan.AttrAddress},
		{"road is not the sub-district", "", "南昌市青云谱区洪都大道599号", 0, plan.AttrNone},
		{"road named after an alias", "", "南昌市京山北路3号", 0, plan.AttrNone},
		{"alias followed by 街道", "", "南昌市京山街道某某小区", 12, plan.AttrAddress},
		{"district only", "青云谱区", "南昌市青云谱区", 0, plan.AttrNone},
		{"department is no place", "", "区科工局大楼", 0, plan.AttrNone},
		{"keyword", "", "南昌市昌南工业园12栋", 15, plan.AttrAddress},
		{"longest wins: keyword over alias", "", "井冈山大道与京山交界", 13, plan.AttrAddress},
		{"longest wins: full zone name over alias", "", "新经济产业集聚区A座", 15, plan.AttrAddress},
		{"ambiguous", "", "洪都街道与京山街道交界处", 0, plan.AttrNone},
		{"unknown area falls back to address", "某某街道", "南昌市青云谱镇100号", 14, plan.AttrAddress},
		{"spaces as PDFs leave them", " 洪 都 街 道 ", "", 10, plan.AttrArea},
		{"nothing", "", "", 0, plan.AttrNone},
	} {
		t.Run(c.name, func(t *testing.T) {
			unit, source := a.Attribute(c.area, c.address)
			if unit != c.unit || source != c.source {
				t.Errorf("Attribute(%q, %q) = %d %q, want %d %q", c.area, c.address, unit, source, c.unit, c.source)
			}
		})
	}
}

func TestNamesDistrict(t *testing.T) {
	a := plan.NewAttributor(attributionDirectory(), nil)
	for text, want := range map[string]bool{
		"南昌市青云谱区":    true,
		"江西省南昌市青云谱区": true,
		"全区":         true,
		"北京市海淀区":     false,
		"":           false,
		"洪都街道":       false, // a unit, not the district
	} {
		if got := a.NamesDistrict(text); got != want {
			t.Errorf("NamesDistrict(%q) = %v, want %v", text, got, want)
		}
	}
}

func FuzzAttribute(f *testing.F) {
	dir := attributionDirectory()
	keywords := []plan.AttributionKeyword{{UnitID: 15, Keyword: "昌南工业园"}}
	a := plan.NewAttributor(dir, keywords)
	names := map[int64][]string{15: {"昌南工业园"}}
	for _, u := range dir.Units {
		names[u.ID] = append(names[u.ID], append([]string{u.Name, u.ShortName}, u.Aliases...)...)
	}
	for _, s := range []string{"洪都街道", "南昌市青云谱区洪都大道599号", "京山北路", "\xff\xfe洪都街道\x80", "洪都街道与京山街道", ""} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, area, address string) {
		unit, source := a.Attribute(area, address)
		if (unit == 0) != (source == plan.AttrNone) {
			t.Fatalf("Attribute(%q, %q) = %d %q", area, address, unit, source)
		}
		if unit == 0 {
			return
		}
		text := plan.CleanName(address)
		if source == plan.AttrArea {
			text = plan.CleanName(area)
		}
		for _, n := range names[unit] {
			if n != "" && strings.Contains(text, n) {
				return
			}
		}
		t.Fatalf("Attribute(%q, %q) = unit %d, whose names are not in the text", area, address, unit)
	})
}
