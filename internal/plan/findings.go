package plan

// lintCodes are the findings Lint recomputes from a plan as it stands; the
// others (a truncated cell in the source text) are only seen at import.
var lintCodes = map[string]bool{
	FindingUnitsDiffer:     true,
	FindingSumMismatch:     true,
	FindingGoalWithoutTask: true,
	FindingUnknownUnit:     true,
	FindingNoLeadUnit:      true,
	FindingUnmappedRow:     true,
	FindingUnknownColumn:   true,
}

// ImportFindings returns the findings of an import that Lint cannot
// recompute, so that a stored plan shows them beside its current lint
// without repeating the rest.
func ImportFindings(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if !lintCodes[f.Code] {
			out = append(out, f)
		}
	}
	return out
}
