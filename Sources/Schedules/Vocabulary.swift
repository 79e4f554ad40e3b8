/// A closed set of names a user chooses from: a model, the data, the sampler, the optimiser, the
/// schedule family, the objective's output and weighting.
///
/// Each vocabulary is one enum, defined once, here in Schedules (names only, no engine code; the
/// schedule families are the exception, a struct whose values are declared in `Families/`), and
/// everything that shows or reads its names derives them from it: the command line
/// (`ExpressibleByArgument` in the executable), the config reader (``Config``'s `training`
/// section), the explorer's setup rows and the README's table (``Vocabularies/markdownTable``,
/// which a test compares with the README). The engine switches over the cases exhaustively, so
/// adding a case is one line here plus what the compiler then asks for.
///
/// A case has one spelling, its ``name`` (the raw value), both on the command line and in a
/// config file, so a flag and a file can never disagree about what a value is called.
public protocol Vocabulary: CaseIterable, RawRepresentable, Hashable, Sendable, Codable
where RawValue == String, AllCases == [Self] {
  /// What the set is called in messages and tables: "model", "data", ….
  static var concept: String { get }
  /// The option that chooses it on the command line, with its dashes: `--model`.
  static var option: String { get }
  /// The key in a config file, with its section: `training.model`.
  static var configKey: String { get }
  /// The name the explorer and the tables show (for most vocabularies the name itself).
  var displayName: String { get }
  /// One line for `--help`, the explorer's help and the README.
  var help: String { get }
}

extension Vocabulary {
  /// By default the option without its dashes: `model`.
  public static var concept: String { String(option.dropFirst(2)) }
  /// By default the option's name in the `training` section: `training.model`.
  public static var configKey: String { "training." + option.dropFirst(2) }
  /// By default the name itself: `mlp-s`, `digits`, `ddpm` are what the papers call them.
  public var displayName: String { name }

  /// The name on the command line and in a config file (one spelling for both).
  public var name: String { rawValue }

  /// Every name, in declaration order (the order ←/→ cycle them in the explorer).
  public static var names: [String] { allCases.map(\.rawValue) }

  /// The case called `name`, if there is one (names are case-sensitive, as in a file).
  public init?(name: String) { self.init(rawValue: name) }

  /// `mlp-s, convres-s`: what a message lists as allowed.
  public static var namesList: String { names.joined(separator: ", ") }

  /// `mlp-s: a 512-wide MLP …; convres-s: …` for an option's `--help`.
  public static var helpList: String {
    allCases.map { "\($0.name): \($0.help)" }.joined(separator: "; ")
  }
}

// MARK: - The vocabularies

/// Which reference denoiser to train (issue 4's two).
public enum ModelKind: String, Vocabulary {
  /// MLP-S: the image flattened through a 512-wide MLP; up to 32 px. See Engine's `MLPS`.
  case mlpS = "mlp-s"
  /// ConvRes-S: a small convolutional residual network; any resolution. See Engine's `ConvResS`.
  case convResS = "convres-s"
  /// UNet-S: a small U-Net (three resolutions, pixels folded 2×2 at the stem); sides a multiple
  /// of 8. See Engine's `UNetS`.
  case unetS = "unet-s"

  public static let option = "--model"
  public var help: String {
    switch self {
    case .mlpS: return "a 512-wide MLP on the flattened image, up to 32 px"
    case .convResS: return "a small convolutional residual network, any resolution"
    case .unetS: return "a small U-Net, most of its work at low resolution; sides a multiple of 8"
    }
  }
}

/// The budget a run of each model gets where neither the command line nor the config's
/// `training` section names it: `schedtui train` without a file, and each of these keys a
/// section leaves out. Here, in Schedules, so that the config reader and the engine default
/// to the same numbers.
extension ModelKind {
  /// Default steps, batch, peak learning rate and Fréchet samples. A ConvRes-S step at 32×32
  /// costs about 600 times an MLP-S example here, so its budget is smaller. UNet-S's is sized
  /// so that a 64×64 run, samples included, takes under 5 minutes on 2 quiet cores of the
  /// slowest VM of this kind measured (sgemm 167 GFLOP/s, where 1,500 × 32 took 7:28): 1,500
  /// steps × 16 at lr 1e-3 train half the examples and scored as well on the held-out bound
  /// (README "Training", DECISIONS 2026-12-06); 100 samples fill the samples grid.
  public var defaultSteps: Int {
    switch self {
    case .mlpS: return 5000
    case .convResS: return 1000
    case .unetS: return 1500
    }
  }
  public var defaultBatch: Int {
    switch self {
    case .mlpS: return 256
    case .convResS: return 32
    case .unetS: return 16
    }
  }
  public var defaultLearningRate: Double {
    switch self {
    case .mlpS: return 1e-3
    case .convResS: return 5e-4
    case .unetS: return 1e-3
    }
  }
  public var defaultEvalSamples: Int {
    switch self {
    case .mlpS: return 500
    case .convResS: return 250
    case .unetS: return 100
    }
  }
  /// The block normalisation a new run of the model gets (``BlockNorm``): GroupNorm with 8
  /// groups for UNet-S, which measured 6–11% lower held-out error at λ ≤ 0 on 32 px digits and
  /// 28–34% at λ = 4 on 64 px patches for about 4% more CPU per step (DECISIONS 2026-12-05);
  /// none for the others, which have no norm. A key left out of a config the user writes means
  /// this; left out of a run's own record it means none (``BlockNorm/unrecorded``).
  public var defaultNorm: BlockNorm {
    switch self {
    case .mlpS, .convResS: return .none
    case .unetS: return .group(BlockNorm.defaultGroups)
    }
  }

  /// λ_s of the x0 output's skip path a new run of the model gets (``Objective/x0Skip``):
  /// ``Objective/photographX0Skip`` (6) for UNet-S on photographs (the bundled patches or a
  /// folder of images), ``Objective/defaultX0Skip`` (8) otherwise. Measured (DECISIONS.md
  /// 2026-12-06): UNet-S's floor on photographs is about 0.01, so at λ_s = 8 its held-out error
  /// rose from λ = 4 to 5 and its samples were smoother than the photographs (grain
  /// 0.027–0.038 against their 0.040–0.054); at 6 the error fell at high λ, the grain was the
  /// photographs' (0.040–0.054) and the bound 0.05–0.14 bits/dim lower; 5 scored lower still
  /// but 1.2–1.5× grainier. On the digits, whose up-sampled blocks are flat, λ_s = 5 put 3.8×
  /// the grain into UNet-S's samples and scored 0.16 bits/dim worse, and MLP-S's photograph
  /// rise is memorisation, which no skip mends: both keep 8.
  public func defaultX0Skip(photographs: Bool) -> Double {
    self == .unetS && photographs ? Objective.photographX0Skip : Objective.defaultX0Skip
  }
}

/// Which data a run trains on.
public enum DataKind: String, Vocabulary {
  /// The 1,797 handwritten 8×8 digits, optionally up-sampled to 16 or 32 pixels.
  case digits
  /// Greyscale patches cut from the bundled photographs, 16, 32 or 64 pixels.
  case patches

  public static let option = "--data"
  public var help: String {
    switch self {
    case .digits: return "the 1,797 handwritten digits (10 classes) at 8, 16 or 32 px"
    case .patches:
      return "the bundled photographs, as grey patches cut from assets/images (no labels) at 16, 32 or 64 px"
    }
  }

  /// The image sides this data comes in, smallest first (the smallest is the default).
  public var resolutions: [Int] {
    switch self {
    case .digits: return [8, 16, 32]
    case .patches: return [16, 32, 64]
    }
  }
}

/// Which sampler turns noise into samples.
public enum SamplerKind: String, Vocabulary {
  /// DDPM ancestral sampling: the posterior q(z_s | z_t, ẑ0) with its full variance.
  case ddpm
  /// DDIM with stochasticity η (0: deterministic).
  case ddim

  public static let option = "--sampler"
  public var help: String {
    switch self {
    case .ddpm: return "DDPM's ancestral sampler, the posterior with its full variance"
    case .ddim: return "DDIM, deterministic at η = 0"
    }
  }
}

/// Which optimiser updates the weights.
public enum OptimizerKind: String, Vocabulary {
  /// Adam with decoupled weight decay (Loshchilov & Hutter).
  case adamw
  /// LAMB (You et al.): Adam's step rescaled per tensor by ‖w‖ / ‖step‖, as the paper uses.
  case lamb

  public static let concept = "optimiser"
  public static let option = "--optimizer"
  public var help: String {
    switch self {
    case .adamw: return "Adam with decoupled weight decay (Loshchilov & Hutter)"
    case .lamb: return "LAMB, Adam's step scaled per tensor by ‖w‖/‖step‖ (the paper's)"
    }
  }
}

extension ScheduleFamily: Vocabulary {
  public static let concept = "schedule family"
  public static let option = "--family"
  public static let configKey = "schedule.family"
  /// Declared with the family, in its file under `Families/`.
  public var help: String { definition.help }
}

extension Parameterization: Vocabulary {
  public static let option = "--prediction"
}

extension LossWeighting: Vocabulary {
  public static let option = "--weighting"
}

/// Every vocabulary, for the README's table and the tests that hold the two together.
public enum Vocabularies {
  /// One row per vocabulary, in the order the README lists them.
  public static let rows: [Row] = [
    row(ScheduleFamily.self), row(DataKind.self), row(ModelKind.self),
    row(Parameterization.self), row(LossWeighting.self), row(OptimizerKind.self),
    row(SamplerKind.self),
  ]

  /// One vocabulary's names and where they are used.
  public struct Row: Sendable {
    public var concept, option, configKey: String
    public var names: [(name: String, displayName: String)]
  }

  static func row<V: Vocabulary>(_: V.Type) -> Row {
    Row(
      concept: V.concept, option: V.option, configKey: V.configKey,
      names: V.allCases.map { ($0.name, $0.displayName) })
  }

  /// The README's "Names" table, exactly as the README holds it.
  public static var markdownTable: String {
    var lines = ["| concept | option | config key | names |", "|---|---|---|---|"]
    for r in rows {
      let names = r.names.map { $0.name == $0.displayName ? "`\($0.name)`" : "`\($0.name)` (\($0.displayName))" }
        .joined(separator: ", ")
      lines.append("| \(r.concept) | `\(r.option)` | `\(r.configKey)` | \(names) |")
    }
    return lines.joined(separator: "\n")
  }
}
