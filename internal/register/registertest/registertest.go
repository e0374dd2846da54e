// Package registertest generates register lists of any size as CSV files,
// laid out as bureaus publish them, for benchmarks of reading and
// importing: enterprises of a directory's units, technology contracts whose
// sellers are those enterprises, patents they hold. Generation is fast
// (a few seconds for a national year) and deterministic.
package registertest

import (
	"bufio"
	"fmt"
	"os"
	"strconv"

	"kechuang/internal/plan"
)

// Scale is a size of registers: the national statistics' orders of
// magnitude, a province's, a district's.
type Scale struct {
	Name        string
	Units       int // 街道/区 the records are attributed to
	Enterprises int
	Contracts   int // a year's registrations
	Patents     int
}

// Scales by name, for KECHUANG_BENCH_SCALE.
var Scales = map[string]Scale{
	"national": {Name: "national", Units: 300, Enterprises: 500_000, Contracts: 1_000_000, Patents: 5_000_000},
	"province": {Name: "province", Units: 100, Enterprises: 50_000, Contracts: 100_000, Patents: 500_000},
	"district": {Name: "district", Units: 20, Enterprises: 5_000, Contracts: 10_000, Patents: 50_000},
}

// ScaleEnv names the variable that picks a scale; district when unset.
const ScaleEnv = "KECHUANG_BENCH_SCALE"

// ScaleFromEnv returns the scale KECHUANG_BENCH_SCALE names.
func ScaleFromEnv() (Scale, error) {
	name := os.Getenv(ScaleEnv)
	if name == "" {
		name = "district"
	}
	s, ok := Scales[name]
	if !ok {
		return Scale{}, fmt.Errorf("registertest: %s=%q: want national, province or district", ScaleEnv, name)
	}
	return s, nil
}

// UnitName is the name of unit u (1-based) of a generated directory.
func UnitName(u int) string { return fmt.Sprintf("第%03d区", u) }

// Directory is a directory of n 街道 under one government, named as
// UnitName names them.
func Directory(n int) *plan.Directory {
	dir := &plan.Directory{Units: []plan.Unit{{Name: "某省", Kind: plan.UnitGovernment}}}
	for u := 1; u <= n; u++ {
		dir.Units = append(dir.Units, plan.Unit{Name: UnitName(u), Kind: plan.UnitSubdistrict, Parent: "某省"})
	}
	return dir
}

// USCC is the valid 统一社会信用代码 of generated enterprise i.
func USCC(i int) string {
	b := make([]byte, 0, 18)
	b = append(b, "91360104"...)
	b = appendBase31(b, i)
	c, _ := plan.USCCCheckChar(string(b))
	return string(append(b, c))
}

const usccDigits = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// appendBase31 writes i as nine characters of the code's set.
func appendBase31(b []byte, i int) []byte {
	var d [9]byte
	for k := 8; k >= 0; k-- {
		d[k] = usccDigits[i%31]
		i /= 31
	}
	return append(b, d[:]...)
}

func firmName(b []byte, i int) []byte {
	b = append(b, "江西"...)
	b = strconv.AppendInt(b, int64(i), 10)
	return append(b, "号科技有限公司"...)
}

// day is a civil date of year y spread over the year by i.
func day(b []byte, y, i int) []byte {
	m, d := 1+i%12, 1+(i/12)%28
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
	return b
}

// WriteEnterprises writes a 企业库 of n firms spread over units: 属地 given
// for four in five, an address naming the unit for the rest.
func WriteEnterprises(path string, n, units int) error {
	return write(path, "统一社会信用代码,企业名称,注册地址,所属街道,所属行业\n", n, func(b []byte, i int) []byte {
		u := 1 + i%units
		b = append(b, USCC(i)...)
		b = append(b, ',')
		b = firmName(b, i)
		b = append(b, ",某省"...)
		b = append(b, UnitName(u)...)
		b = append(b, "创新路"...)
		b = strconv.AppendInt(b, int64(i%997), 10)
		b = append(b, "号,"...)
		if i%5 != 0 {
			b = append(b, UnitName(u)...)
		}
		return append(b, ",制造业"...)
	})
}

// WriteContracts writes a year's 技术合同登记 of n contracts: sellers are
// the enterprises (by USCC), buyers local or elsewhere, registered over
// the year.
func WriteContracts(path string, n, enterprises, units int, year int) error {
	return write(path, "合同登记号,项目名称,卖方名称,卖方统一社会信用代码,卖方所在地区,买方名称,买方所在地区,合同类型,成交额（万元）,技术交易额（万元）,登记日期\n", n, func(b []byte, i int) []byte {
		firm := (i * 7919) % enterprises
		b = strconv.AppendInt(b, int64(year), 10)
		b = append(b, "3601"...)
		b = appendPadded(b, i, 8)
		b = append(b, ",技术开发项目"...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, ',')
		b = firmName(b, firm)
		b = append(b, ',')
		b = append(b, USCC(firm)...)
		b = append(b, ',')
		b = append(b, UnitName(1+firm%units)...)
		b = append(b, ",买方制造有限公司"...)
		b = strconv.AppendInt(b, int64(i%50_000), 10)
		if i%3 == 0 {
			b = append(b, ",北京市海淀区"...)
		} else {
			b = append(b, ',')
			b = append(b, UnitName(1+i%units)...)
		}
		b = append(b, ",技术开发,"...)
		b = strconv.AppendInt(b, int64(1+i%9000), 10)
		b = append(b, '.', byte('0'+i%10), byte('0'+i/10%10), ',')
		b = strconv.AppendInt(b, int64(1+i%800), 10)
		b = append(b, ',')
		return day(b, year, i)
	})
}

// WritePatents writes n granted patents held by the enterprises, granted
// over twenty years up to year; one in four lapsed.
func WritePatents(path string, n, enterprises int, year int) error {
	types := []string{"发明", "发明", "实用新型", "外观设计"}
	typeDigit := []byte{'1', '1', '2', '3'}
	return write(path, "专利号,专利名称,专利类型,专利权人,专利权人统一社会信用代码,授权公告日,失效日期\n", n, func(b []byte, i int) []byte {
		firm := (i * 104729) % enterprises
		t := i % 4
		granted := year - 19 + i%20
		b = append(b, "ZL"...)
		b = strconv.AppendInt(b, int64(granted-2), 10)
		b = append(b, typeDigit[t])
		b = appendPadded(b, i, 7)
		b = append(b, '.', byte('0'+i%10))
		b = append(b, ",一种装置"...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, ',')
		b = append(b, types[t]...)
		b = append(b, ',')
		b = firmName(b, firm)
		b = append(b, ',')
		b = append(b, USCC(firm)...)
		b = append(b, ',')
		b = day(b, granted, i)
		b = append(b, ',')
		if i%4 == 3 && granted < year {
			b = day(b, granted+1+i%(year-granted), i/7)
		}
		return b
	})
}

// WriteSMEs writes the year's 科技型中小企业 入库 list: n of the
// enterprises, entered in batches over the year, one in twenty revoked.
func WriteSMEs(path string, n, enterprises, year int) error {
	return write(path, "统一社会信用代码,企业名称,入库登记编号,年度,入库日期,撤销日期\n", n, func(b []byte, i int) []byte {
		firm := (i * 7) % enterprises
		b = append(b, USCC(firm)...)
		b = append(b, ',')
		b = firmName(b, firm)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(year), 10)
		b = append(b, "3601"...)
		b = appendPadded(b, i, 8)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(year), 10)
		b = append(b, ',')
		b = day(b, year, i%4*3)
		b = append(b, ',')
		if i%20 == 19 {
			b = day(b, year, 9+i%3)
		}
		return b
	})
}

// WriteCerts writes 高新技术企业 certificates issued over the three years
// up to year: n of the enterprises, some certified twice, one in fifty
// cancelled.
func WriteCerts(path string, n, enterprises, year int) error {
	return write(path, "证书编号,企业名称,统一社会信用代码,发证日期,取消日期\n", n, func(b []byte, i int) []byte {
		firm := (i * 13) % enterprises
		issued := year - 2 + i%3
		b = append(b, "GR"...)
		b = strconv.AppendInt(b, int64(issued), 10)
		b = append(b, "36"...)
		b = appendPadded(b, i, 8)
		b = append(b, ',')
		b = firmName(b, firm)
		b = append(b, ',')
		b = append(b, USCC(firm)...)
		b = append(b, ',')
		b = day(b, issued, 10+i%3)
		b = append(b, ',')
		if i%50 == 49 {
			b = day(b, year, i%12)
		}
		return b
	})
}

func appendPadded(b []byte, i, width int) []byte {
	s := strconv.Itoa(i)
	for k := len(s); k < width; k++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func write(path, header string, n int, row func([]byte, int) []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(header)
	b := make([]byte, 0, 512)
	for i := range n {
		b = row(b[:0], i)
		b = append(b, '\n')
		w.Write(b)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
