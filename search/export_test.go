package search

// SetCombine switches how query parts combine, for the relevance
// comparison; it returns the previous value.
func SetCombine(c int) int { old := combine; combine = c; return old }
