package notice

import "strings"

// Source returns the text of a notice file as the parser numbers its lines:
// line n of the result is the source line n that items' Line fields point
// to (for a .docx, paragraph or table row n, cells joined by tabs). The
// review page shows it beside the extraction.
func Source(name string, data []byte, opt Options) (string, error) {
	lines, err := readLines(name, data, opt)
	if err != nil {
		return "", err
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
