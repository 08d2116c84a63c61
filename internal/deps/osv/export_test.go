package osv

// Test helpers for the external tests (package osv_test).
var (
	LoadShared  = loadShared
	IDs         = ids
	Find        = find
	MaxPages    = maxPages
	MaxAttempts = maxAttempts
)
