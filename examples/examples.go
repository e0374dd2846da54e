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
