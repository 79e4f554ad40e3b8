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

  @Test("an unknown CPU that OpenBLAS gave Prescott is restarted with SkylakeX")
  func prescottOnAVX512() {
    let d = BLASCore.decide(
      environment: [:], chosen: "Prescott", features: Self.features("avx512", xcr0: Self.zmm))
    #expect(d == .reexec(core: "SkylakeX"))
  }

  @Test("OpenBLAS's choice stays when it is as strong: Cooperlake, SkylakeX, Zen on AVX2")
  func strongEnoughStays() {
    let avx512 = Self.features("avx512", xcr0: Self.zmm)
    for chosen in ["Cooperlake", "SkylakeX", "SapphireRapids"] {
      #expect(
        BLASCore.decide(environment: [:], chosen: chosen, features: avx512)
          == .keep(why: "OpenBLAS's own choice"))
    }
    #expect(
      BLASCore.decide(
        environment: [:], chosen: "Zen", features: Self.features("avx2", xcr0: Self.ymmOnly))
        == .keep(why: "OpenBLAS's own choice"))
  }

  @Test("Haswell on an AVX-512 CPU whose hypervisor hides ZMM state stays Haswell")
  func hiddenAVX512Stays() {
    let d = BLASCore.decide(
      environment: [:], chosen: "Haswell", features: Self.features("avx512", xcr0: Self.ymmOnly))
    #expect(d == .keep(why: "OpenBLAS's own choice"))
  }

  @Test("Prescott on an AVX2 CPU is restarted with Haswell, never SkylakeX")
  func prescottOnAVX2() {
    let d = BLASCore.decide(
      environment: [:], chosen: "Prescott", features: Self.features("avx2", xcr0: Self.ymmOnly))
    #expect(d == .reexec(core: "Haswell"))
  }

  @Test("a variable the user set wins, even a weaker core")
  func userWins() {
    let d = BLASCore.decide(
      environment: ["OPENBLAS_CORETYPE": "Prescott"], chosen: "Prescott",
      features: Self.features("avx512", xcr0: Self.zmm))
    #expect(d == .keep(why: "OPENBLAS_CORETYPE=Prescott set by the user"))
  }

  @Test("the marker of a restart stops a second one, even if OpenBLAS ignored the variable")
  func noLoop() {
    let d = BLASCore.decide(
      environment: [BLASCore.markerVariable: "Prescott", "OPENBLAS_CORETYPE": "SkylakeX"],
      chosen: "Prescott", features: Self.features("avx512", xcr0: Self.zmm))
    #expect(d == .keep(why: "already restarted once"))
  }

  @Test("a core name schedtui does not know is left alone")
  func unknownName() {
    let d = BLASCore.decide(
      environment: [:], chosen: "NeoverseV1", features: Self.features("avx512", xcr0: Self.zmm))
    #expect(d == .keep(why: "OpenBLAS's core NeoverseV1 is not in schedtui's table"))
  }

  @Test("every core schedtui may choose is one its table ranks")
  func choicesAreRanked() {
    for name in ["SkylakeX", "Haswell", "Sandybridge"] {
      #expect(BLASCore.level(ofCore: name) != nil)
    }
    #expect(BLASCore.level(ofCore: "skylakex") == 4)
  }
}
