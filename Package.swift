// swift-tools-version:6.1
import PackageDescription

// One-way chain: C shims → Schedules (pure math) → Engine → TUI (terminal-free) → TUICurses
// (the only ncurses caller) → schedtui (wiring). See ARCHITECTURE.md.
let package = Package(
  name: "schedtui",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "schedtui", targets: ["schedtui"]),
    .library(name: "Schedules", targets: ["Schedules"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
  ],
  targets: [
    // MARK: - C system libraries (each imported by exactly one Swift target)
    .systemLibrary(
      name: "CNcursesw", pkgConfig: "ncursesw", providers: [.apt(["libncursesw5-dev"])]),
    .systemLibrary(
      name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
    // CPUID and XGETBV (C source, not a system library): which OpenBLAS core this CPU and OS run.
    .target(name: "CCPUID"),
    // The Winograd tile transforms (C source): compiled for AVX-512, AVX2 and the baseline, one
    // picked at load time (target_clones), where the Swift engine is built for the baseline.
    .target(name: "CWinograd"),
    // SiLU and GroupNorm's elementwise loops (C source), built the same three ways (with
    // CWinograd's CLONES).
    .target(name: "CElementwise", dependencies: ["CWinograd"]),

    // MARK: - Pure schedule math
    .target(
      name: "Schedules",
      dependencies: [.product(name: "RealModule", package: "swift-numerics")]),

    // MARK: - Engine: images, noising, tensors, training
    .target(name: "Engine", dependencies: ["Schedules", "COpenBLAS", "CPNG", "CCPUID", "CWinograd", "CElementwise"]),

    // MARK: - Terminal UI
    .target(name: "TUI", dependencies: ["Schedules", "Engine"]),
    .target(name: "TUICurses", dependencies: ["TUI", "CNcursesw"]),

    // MARK: - Executables
    .executableTarget(
      name: "schedtui",
      dependencies: [
        "Schedules", "Engine", "TUI", "TUICurses",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      plugins: ["ScheduleOptionsPlugin"]),
    .executableTarget(
      name: "schedtui-bench",
      dependencies: ["Schedules", "Engine", "TUI"],
      swiftSettings: [.unsafeFlags(["-Ounchecked"])]),

    // MARK: - Generated from the declarations
    // The schedule options (at build time, through the plugin) and the committed files users
    // read without building: the JSON Schema and the README's tables (`scripts/regenerate`).
    .executableTarget(name: "schedtui-generate", dependencies: ["Schedules"]),
    .plugin(
      name: "ScheduleOptionsPlugin", capability: .buildTool(),
      dependencies: ["schedtui-generate"]),

    // MARK: - Tests
    .target(
      name: "TestSupport", dependencies: [.product(name: "Numerics", package: "swift-numerics")],
      path: "Tests/TestSupport"),
    .testTarget(
      name: "SchedulesTests", dependencies: ["Schedules", "TestSupport"],
      exclude: ["Fixtures"]),  // golden JSON read from the checkout by path
    .testTarget(
      name: "EngineTests", dependencies: ["Engine", "CElementwise", "TestSupport"],
      exclude: ["Fixtures"]),  // read by path (#filePath), not bundled
    .testTarget(name: "TUITests", dependencies: ["TUI", "Engine", "TestSupport"]),
  ]
)
