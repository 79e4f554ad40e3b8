import Engine
import Testing

/// The OpenBLAS core choice as a pure function of CPU features, environment and OpenBLAS's own
/// pick (BLASCore.decide); the re-exec itself is exercised by running the binaries.
@Suite struct BLASCoreTests {
  /// XCR0 with XMM/YMM saved, and with opmask/ZMM too.
  static let ymmOnly: UInt64 = 0b0000_0111
  static let zmm: UInt64 = 0b1110_0111

  static func features(_ level: String, xcr0: UInt64) -> CPUFeatures {
    var f = CPUFeatures()
    f.sse3 = true
    f.ssse3 = true
    f.sse41 = true
    f.sse42 = true
    f.osxsave = xcr0 != 0
    f.xcr0 = xcr0
    if level == "sse" { return f }
    f.avx = true
    if level == "avx" { return f }
    f.avx2 = true
    f.fma = true
    if level == "avx2" { return f }
    f.avx512f = true
    f.avx512bw = true
    f.avx512dq = true
    f.avx512vl = true
    return f
  }

  struct Row: Sendable, CustomTestStringConvertible {
    let name: String
    let level: String
    let xcr0: UInt64
    let best: String?
    var testDescription: String { name }
  }

  static let rows: [Row] = [
    Row(name: "AVX-512 with ZMM state saved", level: "avx512", xcr0: zmm, best: "SkylakeX"),
    // A hypervisor that shows AVX-512 in CPUID but does not enable ZMM state.
    Row(name: "AVX-512 hidden by the hypervisor", level: "avx512", xcr0: ymmOnly, best: "Haswell"),
    Row(name: "AVX2 + FMA", level: "avx2", xcr0: ymmOnly, best: "Haswell"),
    Row(name: "AVX only", level: "avx", xcr0: ymmOnly, best: "Sandybridge"),
    // The OS does not use XSAVE at all: no AVX of any width.
    Row(name: "AVX-512 without OSXSAVE", level: "avx512", xcr0: 0, best: nil),
    Row(name: "SSE only", level: "sse", xcr0: ymmOnly, best: nil),
  ]

  @Test("the best core follows the CPU's features and the state the OS saves", arguments: rows)
  func bestCore(row: Row) {
    #expect(BLASCore.best(for: Self.features(row.level, xcr0: row.xcr0)) == row.best)
  }

  @Test("AVX-512 without one of F, BW, DQ, VL falls back to Haswell")
  func partialAVX512() {
    var f = Self.features("avx512", xcr0: Self.zmm)
    f.avx512vl = false
    #expect(BLASCore.best(for: f) == "Haswell")
  }

  /// OpenBLAS's pick on a CPU, with the environment the process started with, and what
  /// schedtui then does.
  struct Decision: Sendable, CustomTestStringConvertible {
    let name: String
    var environment: [String: String] = [:]
    let chosen: String
    let level: String
    let xcr0: UInt64
    let expected: BLASCore.Decision
    var testDescription: String { name }
  }

  static let decisions: [Decision] = [
    Decision(
      name: "an unknown CPU that OpenBLAS gave Prescott is restarted with SkylakeX",
      chosen: "Prescott", level: "avx512", xcr0: zmm, expected: .reexec(core: "SkylakeX")),
    // OpenBLAS's choice stays when it is as strong: Cooperlake, SkylakeX, Zen on AVX2.
    Decision(
      name: "Cooperlake on AVX-512 stays", chosen: "Cooperlake", level: "avx512", xcr0: zmm,
      expected: .keep(why: "OpenBLAS's own choice")),
    Decision(
      name: "SkylakeX on AVX-512 stays", chosen: "SkylakeX", level: "avx512", xcr0: zmm,
      expected: .keep(why: "OpenBLAS's own choice")),
    Decision(
      name: "SapphireRapids on AVX-512 stays", chosen: "SapphireRapids", level: "avx512",
      xcr0: zmm, expected: .keep(why: "OpenBLAS's own choice")),
    Decision(
      name: "Zen on AVX2 stays", chosen: "Zen", level: "avx2", xcr0: ymmOnly,
      expected: .keep(why: "OpenBLAS's own choice")),
    Decision(
      name: "Haswell on an AVX-512 CPU whose hypervisor hides ZMM state stays Haswell",
      chosen: "Haswell", level: "avx512", xcr0: ymmOnly,
      expected: .keep(why: "OpenBLAS's own choice")),
    Decision(
      name: "Prescott on an AVX2 CPU is restarted with Haswell, never SkylakeX",
      chosen: "Prescott", level: "avx2", xcr0: ymmOnly, expected: .reexec(core: "Haswell")),
    Decision(
      name: "a variable the user set wins, even a weaker core",
      environment: ["OPENBLAS_CORETYPE": "Prescott"], chosen: "Prescott", level: "avx512",
      xcr0: zmm, expected: .keep(why: "OPENBLAS_CORETYPE=Prescott set by the user")),
    Decision(
      name: "the marker of a restart stops a second one, even if OpenBLAS ignored the variable",
      environment: [BLASCore.markerVariable: "Prescott", "OPENBLAS_CORETYPE": "SkylakeX"],
      chosen: "Prescott", level: "avx512", xcr0: zmm,
      expected: .keep(why: "already restarted once")),
    Decision(
      name: "a core name schedtui does not know is left alone",
      chosen: "NeoverseV1", level: "avx512", xcr0: zmm,
      expected: .keep(why: "OpenBLAS's core NeoverseV1 is not in schedtui's table")),
  ]

  @Test("restart or keep: from OpenBLAS's pick, the CPU and the environment", arguments: decisions)
  func decide(_ d: Decision) {
    let decision = BLASCore.decide(
      environment: d.environment, chosen: d.chosen, features: Self.features(d.level, xcr0: d.xcr0))
    #expect(decision == d.expected)
  }

  @Test("every core schedtui may choose is one its table ranks")
  func choicesAreRanked() {
    for name in ["SkylakeX", "Haswell", "Sandybridge"] {
      #expect(BLASCore.level(ofCore: name) != nil)
    }
    #expect(BLASCore.level(ofCore: "skylakex") == 4)
  }
}
