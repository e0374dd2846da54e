package plan

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Attribution (归属) decides which unit a register record belongs to. An
// enterprise belongs to the unit its 属地 column names; else to the unit its
// address names; else it waits in the 待归属 list until staff decide, and
// the decision is remembered for later lists.
//
// Names match whole: the directory's names, short names and aliases of the
// units that hold enterprises (街道, 镇, 集聚区), and for addresses also the
// keywords admins add per unit (a road, a park). A name followed by what
// continues a road or a building — 洪都大道, 京山北路, 岱山小区 — is part of that
// longer name and does not match: 洪都大道 is not 洪都街道. Among the names an
// address holds the longest wins; two different units with a longest name
// of the same length leave the record unresolved rather than guess.

// AttributionSource says how a record's unit was found.
type AttributionSource string

const (
	AttrArea    AttributionSource = "属地" // the list's 属地 column
	AttrAddress AttributionSource = "地址" // the address
	AttrManual  AttributionSource = "人工" // a staff decision, remembered
	AttrNone    AttributionSource = ""   // 待归属
)

// AttributionKeyword is an address keyword an admin added for a unit.
type AttributionKeyword struct {
	ID      int64  `json:"id"`
	UnitID  int64  `json:"unit_id"`
	Keyword string `json:"keyword"`
}

// Attributor matches text from registers against the directory. Build one
// per import (NewAttributor); it is read-only afterwards.
type Attributor struct {
	names    []attrName // unit names, longest first
	keywords []attrName // unit names and keywords, longest first
	district []attrName // names of the area itself (government units)
	exact    map[string]int64
	whole    map[string]bool
}

type attrName struct {
	text  string
	runes int
	unit  int64
}

// NewAttributor prepares matching against the directory's sub-district,
// town and zone units and the keywords given.
func NewAttributor(dir *Directory, keywords []AttributionKeyword) *Attributor {
	a := &Attributor{exact: map[string]int64{}, whole: map[string]bool{}}
	for _, u := range dir.Units {
		switch u.Kind {
		case UnitSubdistrict, UnitTown, UnitZone:
			for _, n := range u.names() {
				a.exact[n] = u.ID
				a.names = append(a.names, attrName{n, utf8.RuneCountInString(n), u.ID})
			}
		case UnitGovernment:
			for _, n := range u.names() {
				a.whole[n] = true
				a.district = append(a.district, attrName{n, utf8.RuneCountInString(n), u.ID})
			}
		}
	}
	a.keywords = append(a.keywords, a.names...)
	for _, k := range keywords {
		if n := CleanName(k.Keyword); n != "" {
			a.keywords = append(a.keywords, attrName{n, utf8.RuneCountInString(n), k.UnitID})
		}
	}
	for _, l := range [][]attrName{a.names, a.keywords, a.district} {
		sort.SliceStable(l, func(i, j int) bool { return l[i].runes > l[j].runes })
	}
	return a
}

// Attribute returns the unit an enterprise belongs to by its 属地 column
// (area) and else its address, with how it was found; 0 and AttrNone when
// neither names exactly one unit.
func (a *Attributor) Attribute(area, address string) (int64, AttributionSource) {
	if id := a.AreaUnit(area); id != 0 {
		return id, AttrArea
	}
	if id := a.find(address, a.keywords); id != 0 {
		return id, AttrAddress
	}
	return 0, AttrNone
}

// AreaUnit returns the unit an area as written (所属街道, 地区) names: the
// unit whose name it is, else the one whole name inside it
// ("青云谱区洪都街道办事处"); 0 when none or several.
func (a *Attributor) AreaUnit(area string) int64 {
	area = CleanName(area)
	if area == "" {
		return 0
	}
	if id, ok := a.exact[area]; ok {
		return id
	}
	return a.find(area, a.names)
}

// NamesDistrict reports whether text is, or holds as a whole name, the
// area itself (南昌市青云谱区, 全区): an address in the district that names
// none of its units.
func (a *Attributor) NamesDistrict(text string) bool {
	text = CleanName(text)
	if a.whole[text] {
		return true
	}
	for _, n := range a.district {
		if containsWhole(text, n.text) {
			return true
		}
	}
	return false
}

// find returns the unit of the longest whole name in text, 0 when there is
// none or when two units tie.
func (a *Attributor) find(text string, names []attrName) int64 {
	text = CleanName(text)
	if text == "" {
		return 0
	}
	best, unit, tie := 0, int64(0), false
	for _, n := range names {
		if n.runes < best {
			break
		}
		if !containsWhole(text, n.text) {
			continue
		}
		switch {
		case n.runes > best:
			best, unit, tie = n.runes, n.unit, false
		case n.unit != unit:
			tie = true
		}
	}
	if tie {
		return 0
	}
	return unit
}

// containsWhole reports whether name occurs in text as a whole name: not
// followed by what continues a road, street or building name.
func containsWhole(text, name string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], name)
		if j < 0 {
			return false
		}
		end := i + j + len(name)
		if !continuesName(text[end:]) {
			return true
		}
		i += j + 1
		for i < len(text) && !utf8.RuneStart(text[i]) {
			i++
		}
	}
}

// nameContinuations begin the rest of a longer place name: what follows
// 洪都 in 洪都大道 or 京山 in 京山北路.
var nameContinuations = []string{
	"大道", "大街", "路", "巷", "弄", "胡同", "大厦", "广场", "小区", "花园", "公园", "大桥", "桥",
	"新村", "村", "东路", "西路", "南路", "北路", "中路", "东街", "西街", "南街", "北街", "中街",
	"一路", "二路", "三路", "四路", "五路", "支路", "街",
}

func continuesName(rest string) bool {
	if strings.HasPrefix(rest, "街道") {
		return false // 洪都 + 街道 is the sub-district itself
	}
	for _, c := range nameContinuations {
		if strings.HasPrefix(rest, c) {
			return true
		}
	}
	return false
}
