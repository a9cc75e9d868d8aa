package plumtest_test

import "testing"

// TestExamples runs the tests the package example shows, so the documentation cannot rot.
func TestExamples(t *testing.T) {
	t.Run("token expires", testTokenExpires)
	t.Run("refresh survives a 503", testRefreshSurvives503)
}
