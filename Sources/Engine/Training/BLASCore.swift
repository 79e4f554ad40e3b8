import CCPUID
import COpenBLAS
import Foundation

/// What the CPU can run and what the OS lets it use, as far as OpenBLAS's kernels care.
///
/// A feature counts only when both hold: CPUID reports it and XCR0 says the OS saves its
/// registers (a hypervisor may show AVX-512 in CPUID and still not enable ZMM state).
public struct CPUFeatures: Equatable, Sendable {
  public var sse3 = false, ssse3 = false, sse41 = false, sse42 = false
  public var avx = false, fma = false, avx2 = false
  public var avx512f = false, avx512bw = false, avx512dq = false, avx512vl = false
  /// CPUID.1:ECX.OSXSAVE: the OS uses XSAVE, so XCR0 can be read.
  public var osxsave = false
  /// XCR0: bits 1, 2 (XMM, YMM) for AVX; 5, 6, 7 (opmask, ZMM upper halves, ZMM16–31) for
  /// AVX-512.
  public var xcr0: UInt64 = 0

  public init() {}

  /// This machine's, read once through the CCPUID shim (all false off x86).
  public static let current: CPUFeatures = {
    var f = CPUFeatures()
    var r = schedtui_cpuid_regs()
    guard schedtui_cpuid(1, 0, &r) != 0 else { return f }
    f.sse3 = r.ecx & (1 << 0) != 0
    f.ssse3 = r.ecx & (1 << 9) != 0
    f.fma = r.ecx & (1 << 12) != 0
    f.sse41 = r.ecx & (1 << 19) != 0
    f.sse42 = r.ecx & (1 << 20) != 0
    f.osxsave = r.ecx & (1 << 27) != 0
    f.avx = r.ecx & (1 << 28) != 0
    if schedtui_cpuid(7, 0, &r) != 0 {
      f.avx2 = r.ebx & (1 << 5) != 0
      f.avx512f = r.ebx & (1 << 16) != 0
      f.avx512dq = r.ebx & (1 << 17) != 0
      f.avx512bw = r.ebx & (1 << 30) != 0
      f.avx512vl = r.ebx & (1 << 31) != 0
    }
    f.xcr0 = schedtui_xgetbv0()
    return f
  }()

  /// The OS saves XMM and YMM state: AVX instructions are usable.
  public var osSavesYMM: Bool { osxsave && xcr0 & 0b110 == 0b110 }
  /// The OS also saves opmask and ZMM state: AVX-512 instructions are usable.
  public var osSavesZMM: Bool { osSavesYMM && xcr0 & 0b1110_0000 == 0b1110_0000 }
}

/// Which OpenBLAS kernel ("core") runs sgemm, and the start-up step that corrects OpenBLAS's
/// own choice when it does not know the CPU.
///
/// OpenBLAS (a DYNAMIC_ARCH build, as distributions ship it) picks its core when the library
/// loads, from a table of CPU models; a CPU newer than the table (Debian's 0.3.21 on an Intel
/// Xeon of family 6, model 207) gets Prescott's SSE3 kernel, 5× slower than SkylakeX's. The
/// only way to change the core is the `OPENBLAS_CORETYPE` variable, read at load time, so
/// ``reexecWithBetterCoreIfNeeded()`` restarts the process with it set, once.
public enum BLASCore {
  /// Set in the re-executed process's environment to the core OpenBLAS chose on its own; its
  /// presence stops a second re-exec (if OpenBLAS ignored the variable, it would loop).
  public static let markerVariable = "SCHEDTUI_OPENBLAS_DETECTED"
  public static let coreVariable = "OPENBLAS_CORETYPE"

  /// The instruction-set level of an OpenBLAS x86-64 core name: 1 SSE, 2 AVX, 3 AVX2 + FMA,
  /// 4 AVX-512. nil for a name this table does not know (then schedtui leaves OpenBLAS alone).
  public static func level(ofCore name: String) -> Int? {
    switch name.lowercased() {
    case "skylakex", "cooperlake", "sapphirerapids": return 4
    case "haswell", "zen", "steamroller", "excavator": return 3
    case "sandybridge", "bulldozer", "piledriver": return 2
    case "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "athlon", "opteron",
      "opteron_sse3", "barcelona", "bobcat", "nano", "katmai", "coppermine", "northwood",
      "banias", "unknown":
      return 1
    default: return nil
    }
  }

  /// The strongest core this CPU and OS can run: AVX-512 F/BW/DQ/VL with ZMM state saved →
  /// SkylakeX; AVX2 + FMA with YMM state saved → Haswell; AVX → Sandybridge; else nil (the
  /// SSE kernels OpenBLAS falls back to are all it has below that).
  public static func best(for f: CPUFeatures) -> String? {
    if f.avx512f && f.avx512bw && f.avx512dq && f.avx512vl && f.avx2 && f.fma && f.osSavesZMM {
      return "SkylakeX"
    }
    if f.avx2 && f.fma && f.avx && f.osSavesYMM { return "Haswell" }
    if f.avx && f.osSavesYMM { return "Sandybridge" }
    return nil
  }

  /// What start-up should do, as a pure function of the environment, OpenBLAS's chosen core
  /// and the CPU's features.
  public enum Decision: Equatable, Sendable {
    /// Leave OpenBLAS as it is; `why` says so in words.
    case keep(why: String)
    /// Restart with `OPENBLAS_CORETYPE` = `core`.
    case reexec(core: String)
  }

  public static func decide(
    environment: [String: String], chosen: String, features: CPUFeatures
  ) -> Decision {
    if environment[markerVariable] != nil {
      return .keep(why: "already restarted once")
    }
    if let user = environment[coreVariable], !user.isEmpty {
      return .keep(why: "\(coreVariable)=\(user) set by the user")
    }
    guard let best = best(for: features), let want = level(ofCore: best) else {
      return .keep(why: "no AVX core usable on this CPU and OS")
    }
    guard let have = level(ofCore: chosen) else {
      return .keep(why: "OpenBLAS's core \(chosen) is not in schedtui's table")
    }
    return have < want ? .reexec(core: best) : .keep(why: "OpenBLAS's own choice")
  }

  /// The core OpenBLAS runs in this process.
  public static var inUse: String { String(cString: openblas_get_corename()) }

  /// The core in use and how it was chosen, for the benchmark, `summary.json` and the explorer:
  /// "SkylakeX (set by schedtui; OpenBLAS chose Prescott)", "Haswell (OPENBLAS_CORETYPE set by
  /// the user; this CPU runs SkylakeX)", "Cooperlake (OpenBLAS's choice)".
  public static var description: String {
    let env = ProcessInfo.processInfo.environment
    let core = inUse
    if let detected = env[markerVariable] {
      // OpenBLAS ignores a core it was built without: say so rather than claim the choice.
      if let asked = env[coreVariable], asked.lowercased() != core.lowercased() {
        return "\(core) (schedtui asked for \(asked); this OpenBLAS kept \(detected))"
      }
      return "\(core) (set by schedtui; OpenBLAS chose \(detected))"
    }
    if let user = env[coreVariable], !user.isEmpty {
      var text = "\(core) (\(coreVariable)=\(user) set by the user"
      if let best = best(for: .current), let b = level(ofCore: best),
        let u = level(ofCore: core), u < b
      {
        text += "; this CPU runs \(best): unset it to let schedtui choose"
      }
      return text + ")"
    }
    return "\(core) (OpenBLAS's choice)"
  }

  /// Restarts this process with a better `OPENBLAS_CORETYPE` when ``decide(environment:chosen:features:)``
  /// says so; returns (having changed nothing) otherwise or when the exec fails.
  ///
  /// Call it first thing in an executable's start-up, before any BLAS call and before threads
  /// exist: the exec replaces the process (same pid, same arguments), and the new one loads
  /// OpenBLAS with the variable set.
  public static func reexecWithBetterCoreIfNeeded() {
    let chosen = inUse
    guard
      case .reexec(let core) = decide(
        environment: ProcessInfo.processInfo.environment, chosen: chosen, features: .current)
    else { return }
    setenv(coreVariable, core, 1)
    setenv(markerVariable, chosen, 1)
    let arguments = CommandLine.arguments
    // /proc/self/exe names this binary even when argv[0] is a bare name found on PATH.
    let path = FileManager.default.fileExists(atPath: "/proc/self/exe")
      ? "/proc/self/exe" : arguments[0]
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
    argv.append(nil)
    fflush(nil)  // nothing should be buffered yet; if it is, it must not be lost
    execv(path, argv)
    // Still here: the exec failed. Carry on with OpenBLAS's choice, and say nothing of ours.
    for p in argv { free(p) }
    unsetenv(coreVariable)
    unsetenv(markerVariable)
  }
}
