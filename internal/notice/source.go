package notice

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Source returns the text of a notice file as the parser numbers its lines:
// line n of the result is the source line n that items' Line fields point
// to (for a .docx, paragraph or table row n, cells joined by tabs). The
// review page shows it beside the extraction.
func Source(name string, data []byte, opt Options) (string, error) {
	limit := opt.MaxSize
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	if int64(len(data)) > limit {
		return "", fmt.Errorf("notice: %s is %s, over the %s limit: %w", name, sizeText(int64(len(data))), sizeText(limit), ErrTooLarge)
	}
	var lines []line
	if strings.ToLower(filepath.Ext(name)) == ".docx" {
		var err error
		if lines, err = docxLines(data, limit); err != nil {
			return "", fmt.Errorf("notice: %s: %w", name, err)
		}
	} else {
		lines = splitLines(decodeText(data))
	}
	var out []string
	for _, l := range lines {
		for len(out) < l.no-1 {
			out = append(out, "")
		}
		out = append(out, strings.NewReplacer("\r", " ", "\n", " ").Replace(l.text))
	}
	return strings.Join(out, "\n"), nil
}
