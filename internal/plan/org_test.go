package plan

import (
	"slices"
	"testing"
)

func TestOrgTree(t *testing.T) {
	tree := NewOrgTree([]Org{
		{ID: 3, Name: "西湖区", Kind: OrgDistrict, ParentID: 2, Position: 2},
		{ID: 1, Name: "青云谱区", Kind: OrgDistrict, ParentID: 2, Position: 1},
		{ID: 2, Name: "南昌市", Kind: OrgCity},
		{ID: 4, Name: "某街道办", Kind: OrgCounty, ParentID: 3},
		{ID: 5, Name: "孤儿", Kind: OrgCounty, ParentID: 99},
	})
	names := func(os []Org) []string {
		var out []string
		for _, o := range os {
			out = append(out, o.Name)
		}
		return out
	}
	if got, want := names(tree.Orgs), []string{"南昌市", "青云谱区", "西湖区", "某街道办", "孤儿"}; !slices.Equal(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
	tests := []struct {
		id          int64
		descendants []int64
		path        []string
	}{
		{2, []int64{2, 1, 3, 4}, []string{"南昌市"}},
		{1, []int64{1}, []string{"南昌市", "青云谱区"}},
		{3, []int64{3, 4}, []string{"南昌市", "西湖区"}},
		{4, []int64{4}, []string{"南昌市", "西湖区", "某街道办"}},
		{5, []int64{5}, []string{"孤儿"}},
		{42, nil, nil},
	}
	for _, tt := range tests {
		if got := tree.Descendants(tt.id); !slices.Equal(got, tt.descendants) {
			t.Errorf("Descendants(%d) = %v, want %v", tt.id, got, tt.descendants)
		}
		if got := names(tree.Path(tt.id)); !slices.Equal(got, tt.path) {
			t.Errorf("Path(%d) = %v, want %v", tt.id, got, tt.path)
		}
	}
	if tree.Root() != 2 || tree.Depth(4) != 2 {
		t.Errorf("Root = %d, Depth(4) = %d", tree.Root(), tree.Depth(4))
	}
	if o, ok := tree.ByName(" 西湖区 "); !ok || o.ID != 3 {
		t.Errorf("ByName = %v, %v", o, ok)
	}
	if err := CheckOrg(Org{Name: "x", Kind: "village"}); err == nil {
		t.Error("CheckOrg accepted kind village")
	}
}
