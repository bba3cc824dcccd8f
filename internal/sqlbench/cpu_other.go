//go:build !unix

package sqlbench

// cpuNanos is not measured on this system.
func cpuNanos() int64 { return 0 }
