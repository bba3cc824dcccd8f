//go:build !race

package tracking_test

// raceEnabled: allocation counts differ under the race detector.
const raceEnabled = false
