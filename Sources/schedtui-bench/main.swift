// schedtui's benchmarks: each prints its figures; none asserts a time. See README "Benchmarks"
// and Registry.swift (one line per benchmark).
import Foundation

exit(BenchmarkRunner.main(Array(CommandLine.arguments.dropFirst())))
