//go:build !unix

package benchmarks

// cpuNanos returns 0 where the process's CPU time is not read.
func cpuNanos() int64 { return 0 }
