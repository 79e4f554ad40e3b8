/// One setting of a training run, declared once: its names in every place a user meets it (the
/// `schedtui train` option, the key in a config's `training` section, the explorer's row label),
/// the one wording of what is allowed, the check, and the default per model when it has one.
///
/// ``TrainingSetting/all`` is the table. The config's `training` section reads, writes and
/// validates through it; the engine's `TrainingConfig.validate` checks a run's settings with
/// the section's ``TrainingSection/validate(source:)``, so a refusal is worded the same on the
/// command line, in a file and in the explorer, and differs only in how the field is named
/// (``name(for:)``). A test walks the table and checks every setting is reachable as an option
/// of `train`, a config key, a training-screen row and (where it belongs) a sweep row.
public struct TrainingSetting {
  /// The key in the config's `training` section: `batch`, `min_snr_gamma`.
  public let key: String
  /// The command-line option with its dashes: `--batch`.
  public let option: String
  /// The explorer's row label: `batch`, `learning rate`.
  public let label: String
  /// What a value may be, as every message states it: `a whole number in 1 … 4096`.
  public let allowed: String
  /// The value as a message shows it when it is not allowed, nil when it is.
  let refusal: (TrainingSection) -> String?
  /// The value as the section's JSON holds it; nil leaves the key out (an unset optional).
  let write: (TrainingSection) -> JSONValue?
  /// Reads the key's value (types and names only: ranges are ``refusal``'s).
  let read: (ObjectReader, JSONValue, inout TrainingSection) throws(ConfigError) -> Void
  /// Sets the model's own value (``ModelKind``'s budget) when neither a file nor an option gave
  /// one; nil for a setting whose default does not depend on the model.
  let modelDefault: ((inout TrainingSection) -> Void)?
  /// How an explorer row edits the value: a number (stepped, typed), a choice (cycled) or
  /// parsed text (typed, with named values to cycle).
  public var edit: Edit = .none
  /// Which explorer rows edit the setting, besides `train`'s option and the config key that
  /// every setting has (the other commands' options are ``commandLine``'s).
  public var places: Places = []
  /// The setting's JSON Schema (`config.schema.json`): a choice's names, a number's bounds, a
  /// text's pattern. Each kind of setting below writes its own from what it checks.
  public var schema: [(key: String, value: JSONValue)] = []
  /// The setting's command-line option in each command that takes it (every setting is an
  /// option of `train`): generated at build time (``CommandLineOption``).
  public var commandLine = CommandLineOption()

  /// The places a setting may be edited beyond `train` and the config.
  public struct Places: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// A row of the explorer's training screen (3).
    public static let trainingScreen = Places(rawValue: 1)
    /// A row of the explorer's sweep screen (4).
    public static let sweepScreen = Places(rawValue: 4)
  }

  /// How a row reads and sets the setting's value.
  public enum Edit {
    case none
    /// A number: `get` as a Double, `set` from one (whole-number settings round and clamp into
    /// what their type holds; the check then refuses what is out of range).
    case number(
      whole: Bool, get: (TrainingSection) -> Double, set: (inout TrainingSection, Double) -> Void)
    /// A choice among `names` (the files' name and the shown one), in ←/→ order.
    case choice(
      names: [(raw: String, shown: String)], get: (TrainingSection) -> String,
      set: (inout TrainingSection, String) -> Void)
    /// Text with parameters (`logit-normal:0:1`): `get` writes the canonical text, `set` parses
    /// one and returns false when the text is not a value; ←/→ cycle through `presets`.
    case text(
      presets: [String], get: (TrainingSection) -> String,
      set: (inout TrainingSection, String) -> Bool)
  }

  /// The same setting, editable in `places` too.
  func and(_ places: Places) -> TrainingSetting {
    var out = self
    out.places = places
    return out
  }

  /// The same setting with its JSON Schema.
  func withSchema(_ members: [(key: String, value: JSONValue)]) -> TrainingSetting {
    var out = self
    out.schema = members
    return out
  }

  /// The key with its section: `training.batch`.
  public var configKey: String { "training." + key }

  /// The setting as the user names it where a value came from.
  public func name(for source: FieldError.Source) -> String {
    switch source {
    case .commandLine: return option
    case .file: return configKey
    case .explorer: return label
    }
  }

  /// The setting whose config key is `key`; a programmer error if there is none.
  public static subscript(key key: String) -> TrainingSetting {
    guard let s = all.first(where: { $0.key == key }) else {
      preconditionFailure("no training setting \(key)")
    }
    return s
  }

  /// Refuses `section`'s value of this setting, naming it for `source`.
  func check(_ section: TrainingSection, source: FieldError.Source) throws(FieldError) {
    if let value = refusal(section) {
      throw FieldError(field: name(for: source), value: value, allowed: allowed, source: source)
    }
  }
}

// MARK: - The table

extension TrainingSetting {
  /// Every training setting, in the order a config's `training` section writes and reads them
  /// (`prediction` before `weighting`: a prediction alone brings its own weighting, as files
  /// from before the weighting existed were trained). Adding a setting is an entry here (with
  /// its options' help) and its property in ``TrainingSection``.
  public static var all: [TrainingSetting] {
    [
      choice(\.model, label: "model").and(.trainingScreen).read(as: "String")
        .option(
          VocabularyHelp.model + "; auto (the default): mlp-s up to 32 px, unet-s above (sides a "
            + "multiple of 8), convres-s at other sides above 32 px; a folder of images (--data "
            + "DIR) gets unet-s at every side a multiple of 8.", value: "model")
        .option(
          .sweep, "Denoiser: auto (what train picks at each resolution: mlp-s for the digits and "
            + "patches up to 32 px, unet-s for a folder of images at sides a multiple of 8; see README "
            + "\"Sweeps\"), " + ModelKind.namesList + " (default: auto).", value: "model"),
      whole(
        "steps", label: "steps", \.steps, in: TrainingLimits.steps, modelDefault: \.defaultSteps
      ).and([.trainingScreen, .sweepScreen])
        .option(
          "Optimiser steps, \(TrainingLimits.steps.text) (default "
            + "\(VocabularyHelp.perModel(\.defaultSteps))).")
        .option(
          .sweep, "Training steps per run, \(TrainingLimits.steps.text) (default: "
            + "\(SweepDefaults.steps))."),
      whole(
        "batch", label: "batch", \.batch, in: TrainingLimits.batch, modelDefault: \.defaultBatch
      ).and(.trainingScreen)
        .option(
          "Examples per step, \(TrainingLimits.batch.text) (default "
            + "\(VocabularyHelp.perModel(\.defaultBatch))).")
        .option(
          .sweep, "Examples per step, \(TrainingLimits.batch.text) (default: "
            + "\(SweepDefaults.batch) for \(ModelKind.mlpS.name), the model's own for the others: "
            + ModelKind.allCases.filter { $0 != .mlpS }.map { "\($0.name) \(SweepDefaults.batch(model: $0))" }
              .joined(separator: ", ") + ")."),
      number(
        "lr", label: "learning rate", \.lr, TrainingLimits.learningRate,
        modelDefault: \.defaultLearningRate
      ).and(.trainingScreen)
        .option(
          "Peak learning rate in \(TrainingLimits.learningRateInterval) (default "
            + "\(VocabularyHelp.perModel(\.defaultLearningRate))).")
        .option(
          .sweep, "Peak learning rate in \(TrainingLimits.learningRateInterval) (default: "
            + "\(VocabularyHelp.perModel(\.defaultLearningRate)))."),
      seed.and(.trainingScreen).option("Seed of every random draw (default 0).")
        .option(.sweep, "Seed of the first repeat; repeat k uses seed + k (default: 0)."),
      data.and([.trainingScreen, .sweepScreen])
        .option(
          VocabularyHelp.data + "; any other value is a folder of PNG images (every PNG under "
            + "it, every 6th held out; ./digits for a folder called digits).", value: "data")
        .option(
          .sweep, "Data: digits (default), patches (the bundled photographs), or a folder of PNG "
            + "images.", value: "name|dir"),
      resolution.and(.trainingScreen).option(
        "Image side: 8, 16 or 32 for digits; 16, 32 or 64 for patches; 8 to 64 for a folder "
          + "(default 8 / 16 / 32)."),
      channels.option(
        "Channels of a folder's images: 1 (grey) or 3 (RGB) (default 3 if any image has colour)."),
      norm.and(.trainingScreen).option(
        "UNet-S's normalisation before each SiLU of its blocks: \(BlockNorm.allowed) (default "
          + "\(ModelKind.unetS.defaultNorm.name)).", value: "norm"),
      prediction.and(.trainingScreen).objectiveOption(
        VocabularyHelp.prediction + ". " + VocabularyHelp.objectiveDefaults, value: "output"),
      choice(\.weighting, label: "weighting").and(.trainingScreen)
        .objectiveOption(VocabularyHelp.weighting + ".", value: "weighting"),
      number(
        "min_snr_gamma", label: "min-SNR γ", \.minSNRGamma, TrainingLimits.minSNRGamma,
        allowed: TrainingLimits.minSNRGammaText
      ).objectiveOption("γ of --weighting min-snr, \(TrainingLimits.minSNRGammaText) (default 5)."),
      x0Skip.objectiveOption(x0SkipHelp, value: "none|λ"),
      tSampling.and(.trainingScreen)
        .option(
          "How training draws its noise levels: \(TimestepSampling.allowed) (default uniform).",
          value: "sampling")
        .option(
          .export, "--train-flags: how training draws t, \(TimestepSampling.allowed) (default: "
            + "the config's or preset's training t-sampling, else uniform).", value: "sampling")
        .option(
          .curve, "How training draws t, for the density column: \(TimestepSampling.allowed). "
            + "Default: the --config's or --preset's training t-sampling, else uniform.",
          value: "sampling")
        .option(
          .plot, "How training draws t, for the density panel: \(TimestepSampling.allowed). "
            + "Default: a --config's training.t_sampling, else uniform.", value: "sampling"),
      choice(\.sampler, label: "sampler").and(.trainingScreen)
        .option(VocabularyHelp.sampler + " (default ddpm).", value: "sampler")
        .option(.sample, VocabularyHelp.sampler + " (default: the run's, ddpm).", value: "sampler"),
      number("guidance", label: "guidance w", \.guidance, Bounds(TrainingLimits.guidance))
        .and(.trainingScreen)
        .option(
          "Classifier-free guidance weight w in \(TrainingLimits.guidance.interval) when "
            + "sampling (default 1; none for unlabelled data).")
        .option(
          .sweep, "Guidance weight w in \(TrainingLimits.guidance.interval) when sampling "
            + "(default 0: none, as the paper's Table 4).")
        .option(
          .sample, "Classifier-free guidance weight w in \(TrainingLimits.guidance.interval): "
            + "(1+w)·ε(y) − w·ε(∅) (default: the run's, 1)."),
      choice(\.optimizer, label: "optimiser")
        .option(VocabularyHelp.optimizer + ".", value: "optimizer"),
      whole("warmup", label: "warm-up", \.warmup, Bounds(min: 0))
        .option("Warm-up steps before the cosine decay (default 100)."),
      number("ema", label: "EMA decay", \.ema, Bounds(min: 0, exclusiveMax: 1))
        .option("EMA decay of the sampling weights, in [0, 1) (default 0.999)."),
      number(
        "label_dropout", label: "label dropout", \.labelDropout, Bounds(min: 0, exclusiveMax: 1)
      ).option("Probability of dropping the label (default 0.1)."),
      whole(
        "eval_samples", label: "eval samples", \.evalSamples,
        Bounds(TrainingLimits.evalSamples, alsoZero: true),
        allowed: "0 (no metric) or a whole number in \(TrainingLimits.evalSamples.text)",
        modelDefault: \.defaultEvalSamples
      )
        .option(
          "Samples for the Fréchet distance; 0 skips it (default "
            + "\(VocabularyHelp.perModel(\.defaultEvalSamples))).")
        .option(
          .sweep, "Samples per run for the Fréchet distance, \(TrainingLimits.evalSamples.text) "
            + "(default: \(SweepDefaults.evalSamples))."),
      whole("checkpoint_every", label: "checkpoint every", \.checkpointEvery, Bounds(min: 1))
        .option("Steps between checkpoints (default 500)."),
    ]
  }

  /// The image side: what is allowed depends on the data (checked by ``TrainingSection/validate(source:)``
  /// with the data's sizes; ``allowed`` lists every data's).
  static var resolution: TrainingSetting {
    let allowed = DataKind.allCases.map {
      $0.resolutions.map(String.init).joined(separator: ", ") + " (\($0.name))"
    }.joined(separator: " or ")
    return TrainingSetting(
      key: "resolution", option: "--resolution", label: "image side", allowed: allowed,
      refusal: { $0.data.resolutions.contains($0.resolution) ? nil : "\($0.resolution)" },
      write: { .int($0.resolution) },
      read: { (r, v, s) throws(ConfigError) in
        s.resolution = try r.integer(v, allowed: allowed)
      }, modelDefault: nil,
      edit: .number(
        whole: true, get: { Double($0.resolution) }, set: { $0.resolution = clampedWhole($1) })
    ).withSchema([
      ("enum", .array(Set(DataKind.allCases.flatMap(\.resolutions)).sorted().map { .int($0) })),
      ("description", .string("image side: " + allowed)),
    ]).read(as: "Int", unconditional: true) { $0.resolution = $1 as! Int }
  }

  /// The data: a built-in name, or the path of a folder of PNG images, as `--data` reads it.
  /// One key rather than a `data_folder` beside `data`: every older file (a built-in name) reads
  /// as before, a file cannot name both, and a folder run's config.json, which holds the path,
  /// trains on the folder again (DECISIONS 2026-12-04). Whether the folder exists is the data
  /// loader's check, when the run starts.
  static var data: TrainingSetting {
    let base = choice(\.data, label: "data")
    let allowed = base.allowed + ", or the path of a folder of PNG images"
    guard case .choice(let names, _, _) = base.edit else { preconditionFailure() }
    return TrainingSetting(
      key: base.key, option: base.option, label: base.label, allowed: allowed,
      refusal: { $0.dataFolder == "" ? "\"\"" : nil },
      write: { .string($0.dataFolder ?? $0.data.name) },
      read: { (r, v, s) throws(ConfigError) in
        guard case .string(let text) = v else { throw r.mistyped(v, "is \(v.kindName)", allowed) }
        guard !text.isEmpty else { throw r.notAllowed(v, allowed) }
        s.dataFolder = DataKind(name: text) == nil ? text : nil
        s.data = DataKind(name: text) ?? s.data
      }, modelDefault: nil,
      // ←/→ cycle the built-in data (leaving a folder); a folder is typed (the explorer's row).
      edit: .choice(
        names: names, get: { $0.data.name },
        set: { s, raw in
          s.data = DataKind(name: raw)!
          s.dataFolder = nil
        })
    ).withSchema([
      ("description", .string(allowed)), ("type", .string("string")), ("minLength", .int(1)),
    ])
  }

  /// A folder's channels, 1 or 3; nil (the key left out) lets the images decide: 3 when any is
  /// in colour. Stored so that a run folder's config.json, a resume and a comparison see a run
  /// forced to grey on colour images as what it is (the images alone would say RGB).
  static var channels: TrainingSetting {
    let allowed = "1 (grey) or 3 (RGB), for a folder of images only (built-in data is grey)"
    return TrainingSetting(
      key: "channels", option: "--channels", label: "channels", allowed: allowed,
      refusal: { s in
        guard let c = s.channels else { return nil }
        return (c == 1 || c == 3) && s.dataFolder != nil ? nil : "\(c)"
      },
      write: { s in s.channels.map { .int($0) } },
      read: { (r, v, s) throws(ConfigError) in s.channels = try r.integer(v, allowed: allowed) },
      modelDefault: nil,
      edit: .text(
        presets: ["auto", "1", "3"], get: { $0.channels.map(String.init) ?? "auto" },
        set: { s, text in
          guard text == "auto" || text == "1" || text == "3" else { return false }
          s.channels = Int(text)
          return true
        })
    ).withSchema([("enum", .array([.int(1), .int(3)]))])
      // Read by `train`, which refuses it without a folder (built-in data is grey).
      .read(as: "Int", unconditional: true)
  }

  /// `--x0-skip`'s help (a separate constant: inside the table the type checker gives up on it).
  static let x0SkipHelp: String =
    "The x0 output's skip path: none, or the logSNR λ_s where x̂0 = c·z/α + (1 − c)·F is "
    + "half the input's z/α, c = sigmoid(λ − λ_s) (default for the x0 output "
    + "\(shortNumber(Objective.defaultX0Skip)), \(shortNumber(Objective.photographX0Skip)) for "
    + "\(ModelKind.unetS.name) on photographs: patches or a folder; none for the others)."

  /// UNet-S's block normalisation (``BlockNorm``), refused with any other model. Its default is
  /// the model's (``ModelKind/defaultNorm``, group:8 for UNet-S). Always written for UNet-S, so
  /// a run's record says which network it trained; left out for the other models, which have
  /// none. A key left out means the model's default in a config the user writes, none in a
  /// run's own record (``ConfigOrigin``).
  static var norm: TrainingSetting {
    TrainingSetting(
      key: "norm", option: "--norm", label: "norm", allowed: BlockNorm.allowed,
      refusal: { s in s.norm == .none || s.model == .unetS ? nil : "\(s.norm.name) with model \(s.model.name)" },
      write: { $0.norm == .none && $0.model != .unetS ? nil : .string($0.norm.name) },
      read: { (r, v, s) throws(ConfigError) in
        guard case .string(let text) = v else { throw r.mistyped(v, "is \(v.kindName)", BlockNorm.allowed) }
        guard let norm = BlockNorm(parsing: text) else { throw r.notAllowed(v, BlockNorm.allowed) }
        s.norm = norm
      }, modelDefault: { $0.norm = $0.model.defaultNorm },
      edit: .text(
        presets: [BlockNorm.none, .group(BlockNorm.defaultGroups)].map(\.name),
        get: { $0.norm.name },
        set: { s, text in
          guard let v = BlockNorm(parsing: text) else { return false }
          s.norm = v
          return true
        })
    ).withSchema([
      ("description", .string(
        "UNet-S's normalisation in its residual blocks: " + BlockNorm.allowed
          + "; left out, the model's default (group:8 for unet-s)")),
      ("type", .string("string")), ("pattern", .string(BlockNorm.pattern)),
    ])
  }

  /// Seeds are whole numbers a JSON config holds exactly (JSON numbers are doubles).
  static var seed: TrainingSetting {
    TrainingSetting(
      key: "seed", option: "--seed", label: "seed", allowed: TrainingLimits.seedText,
      refusal: { $0.seed <= TrainingLimits.seedMax ? nil : "\($0.seed)" },
      write: { .number("\($0.seed)", Double($0.seed)) },
      read: { (r, v, s) throws(ConfigError) in
        let seed = try r.integer(v, allowed: TrainingLimits.seedText)
        guard seed >= 0, UInt64(seed) <= TrainingLimits.seedMax else {
          throw r.notAllowed(v, TrainingLimits.seedText)
        }
        s.seed = UInt64(seed)
      }, modelDefault: nil,
      edit: .number(
        whole: true, get: { Double($0.seed) },
        set: { s, v in s.seed = UInt64(max(0, min(v.rounded(), Double(TrainingLimits.seedMax)))) })
    ).withSchema(
      [("type", .string("integer")), ("minimum", .int(0)), ("maximum", .int(Int(TrainingLimits.seedMax)))]
    ).read(as: "UInt64", unconditional: true) { $0.seed = $1 as! UInt64 }
  }

  /// The network's output; read alone it brings its own weighting (``Parameterization/ownWeighting``).
  static var prediction: TrainingSetting {
    let base = choice(\.prediction, label: "outputs")
    return TrainingSetting(
      key: base.key, option: base.option, label: base.label, allowed: base.allowed,
      refusal: base.refusal, write: base.write,
      read: { (r, v, s) throws(ConfigError) in
        s.prediction = try r.choice(v)
        s.weighting = s.prediction.ownWeighting
        s.x0Skip = s.defaultX0Skip
      }, modelDefault: nil, edit: base.edit
    ).withSchema(base.schema).read(as: "Parameterization")
  }

  /// The x0 output's skip path (``Objective/x0Skip``): `none`, or λ_s, the logSNR at which x̂0
  /// is half the input's own z/α; by default the model's for its data for the x0 output
  /// (``TrainingSection/defaultX0Skip``: 6 for UNet-S on photographs, else 8). Written as
  /// `"none"` when off rather than left out, so a config keeps its choice whatever the default.
  static var x0Skip: TrainingSetting {
    let bounds = TrainingLimits.x0Skip
    let allowed =
      "\"none\" or, with prediction x0, \(bounds.wording()) (the logSNR where the x0 output's "
      + "x̂0 is half the input's z/α)"
    return TrainingSetting(
      key: "x0_skip", option: "--x0-skip", label: "x0 skip λ", allowed: allowed,
      // A skip chosen for another output would be ignored: refused rather than silently
      // dropped. The default is the x0 output's and, like min-SNR's γ under another
      // weighting, does not apply to the others (the explorer changes the output alone).
      refusal: { s in
        s.x0Skip.map {
          bounds.contains($0) && (s.prediction == .x0 || $0 == s.x0SkipOfX0Output)
            ? nil : "\(shortNumber($0))" + (s.prediction == .x0 ? "" : " with prediction \(s.prediction.name)")
        } ?? nil
      },
      write: { s in s.x0Skip.map { .double($0) } ?? .string("none") },
      read: { (r, v, s) throws(ConfigError) in
        if case .string("none") = v {
          s.x0Skip = nil
        } else {
          s.x0Skip = try r.double(v, allowed: allowed)
        }
      }, modelDefault: { $0.x0Skip = $0.defaultX0Skip },
      edit: .text(
        presets: ["8", "6", "none", "5"], get: { $0.x0Skip.map(shortNumber) ?? "none" },
        set: { s, text in
          guard let v = x0Skip(parsing: text) else { return false }
          s.x0Skip = v
          return true
        })
    ).withSchema([
      ("description", .string("the x0 output's skip path: " + allowed)),
      ("anyOf", .array([.object([("const", .string("none"))]), .object(bounds.schema(type: "number"))])),
    ]).read(as: "String", unconditional: true)
  }

  /// `none` → nil, a number → itself (checked against the bounds later, as every setting is);
  /// nil for anything else. `--x0-skip` and the explorer's row read the same text.
  public static func x0Skip(parsing text: String) -> Double?? {
    if text == "none" { return .some(nil) }
    return Double(text).map { .some($0) }
  }

  /// The training density of t (``TimestepSampling``), written by its canonical name; a bad
  /// value is refused with the sampling's own wording of what is allowed. Its sweep option is
  /// the list `--t-samplings`, a grid axis like `--scales`, not a single value.
  static var tSampling: TrainingSetting {
    TrainingSetting(
      key: "t_sampling", option: "--t-sampling", label: "t-sampling",
      allowed: TimestepSampling.allowed,
      refusal: { s in (try? s.tSampling.validate()) == nil ? s.tSampling.name : nil },
      write: { .string($0.tSampling.name) },
      read: { (r, v, s) throws(ConfigError) in
        guard case .string(let text) = v else {
          throw r.mistyped(v, "is \(v.kindName)", TimestepSampling.allowed)
        }
        do throws(ScheduleError) { s.tSampling = try TimestepSampling(parsing: text) } catch {
          throw r.notAllowed(v, error.allowedText)
        }
      }, modelDefault: nil,
      edit: .text(
        presets: [
          TimestepSampling.uniform, .defaultLogitNormal, .defaultMode, .defaultLogNormal,
        ].map(\.name),
        get: { $0.tSampling.name },
        set: { s, text in
          guard let v = try? TimestepSampling(parsing: text) else { return false }
          s.tSampling = v
          return true
        })
    ).withSchema([
      ("description", .string("how training draws its noise levels: " + TimestepSampling.allowed)),
      ("type", .string("string")), ("pattern", .string(TimestepSampling.pattern)),
    ])
  }
}
