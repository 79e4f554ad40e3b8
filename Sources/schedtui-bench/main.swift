// schedtui's benchmarks: each prints its figures; none asserts a time. See README "Benchmarks"
// and Registry.swift (one line per benchmark).
import Engine
import Foundation

// Before any BLAS call: may restart the process with a faster OpenBLAS core (BLASCore).
BLASCore.reexecWithBetterCoreIfNeeded()
exit(BenchmarkRunner.main(Array(CommandLine.arguments.dropFirst())))
