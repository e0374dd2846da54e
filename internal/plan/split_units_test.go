package plan

import (
	"reflect"
	"testing"
)

func TestSplitUnits(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"区科工局", []string{"区科工局"}},
		{"", []string{}},
		{"区科工局、区 商务局、区市\n场监管局", []string{"区科工局", "区商务局", "区市场监管局"}},
		{"区科工局，各街道、镇、集聚区", []string{"区科工局", "各街道、镇、集聚区"}},
		{"区科工局、各街道、镇、集聚区", []string{"区科工局", "各街道、镇、集聚区"}},
		{"区直相关部门,各街道，镇，集聚区。", []string{"区直相关部门", "各街道、镇、集聚区"}},
		{"区科工局、", []string{"区科工局"}},
		{"各街道、青云谱镇", []string{"各街道", "青云谱镇"}},
		{"区发改委（统计、物价）；区税务局", []string{"区发改委（统计、物价）", "区税务局"}},
		{"、，", []string{}},
	}
	for _, tt := range tests {
		if got := SplitUnits(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitUnits(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
