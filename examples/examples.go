// Package examples holds the example notices, plan documents and unit
// directories (public documents), embedded so that `serve --demo` and tests
// load them from the binary itself.
package examples

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"

	"kechuang/internal/plan"
)

// files holds one folder per example: notice.txt, plan.json, units.json.
//
//go:embed */notice.txt */plan.json */units.json
var files embed.FS

// Example is a shipped example: a notice, its plan document and its units.
type Example struct {
	Notice    string          // the notice text as extracted from the PDF
	Document  *plan.Document  // its plan document
	Directory *plan.Directory // the district's units and groups
}

// Qingyunpu2022 returns the 2022 Qingyunpu example.
func Qingyunpu2022() (*Example, error) {
	return load("qingyunpu-2022")
}

func load(name string) (*Example, error) {
	notice, err := files.ReadFile(name + "/notice.txt")
	if err != nil {
		return nil, fmt.Errorf("examples: %w", err)
	}
	docJSON, err := files.ReadFile(name + "/plan.json")
	if err != nil {
		return nil, fmt.Errorf("examples: %w", err)
	}
	doc, err := plan.DecodeDocument(bytes.NewReader(docJSON))
	if err != nil {
		return nil, fmt.Errorf("examples: %s/plan.json: %w", name, err)
	}
	dirJSON, err := files.ReadFile(name + "/units.json")
	if err != nil {
		return nil, fmt.Errorf("examples: %w", err)
	}
	var dir plan.Directory
	if err := json.Unmarshal(dirJSON, &dir); err != nil {
		return nil, fmt.Errorf("examples: %s/units.json: %w", name, err)
	}
	return &Example{Notice: string(notice), Document: doc, Directory: &dir}, nil
}

// cascade holds the demo chain of plans around the 2022 Qingyunpu notice
// (演示数据, generated): the city's 2022 points whose 附件2 splits the six
// goals over 青云谱区 and two more districts, the district's 2021–2023
// three-year plan with per-year targets, and the two districts as units.
//
//go:embed cascade/*.json
var cascade embed.FS

// Cascade is the demo chain: the city plan, the three-year parent plan and
// the districts the city's split names besides 青云谱区.
type Cascade struct {
	City      *plan.Document
	ThreeYear *plan.Document
	Districts *plan.Directory
}

// CascadeDemo returns the demo chain of plans (演示数据).
func CascadeDemo() (*Cascade, error) {
	var c Cascade
	var err error
	if c.City, err = cascadeDoc("nanchang-2022.json"); err != nil {
		return nil, err
	}
	if c.ThreeYear, err = cascadeDoc("qingyunpu-2021-2023.json"); err != nil {
		return nil, err
	}
	b, err := cascade.ReadFile("cascade/units.json")
	if err != nil {
		return nil, fmt.Errorf("examples: %w", err)
	}
	c.Districts = &plan.Directory{}
	if err := json.Unmarshal(b, c.Districts); err != nil {
		return nil, fmt.Errorf("examples: cascade/units.json: %w", err)
	}
	return &c, nil
}

func cascadeDoc(name string) (*plan.Document, error) {
	b, err := cascade.ReadFile("cascade/" + name)
	if err != nil {
		return nil, fmt.Errorf("examples: %w", err)
	}
	doc, err := plan.DecodeDocument(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("examples: cascade/%s: %w", name, err)
	}
	return doc, nil
}
