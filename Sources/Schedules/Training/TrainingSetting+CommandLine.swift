/// A training setting as a command-line option: the commands that take it, its help there, the
/// Swift type ArgumentParser reads it as. `schedtui-generate options` writes one native
/// `@Option` per setting and command from these at build time (Plugins/ScheduleOptionsPlugin),
/// as it does for the schedule fields, so a new setting is an option of `train` (and of
/// `sweep`, `sample`, `export` where declared) without a hand-written property (issue 17).
public struct CommandLineOption {
  /// The value's Swift type as ArgumentParser reads it: `Int`, `UInt64`, `Double`, `String` or a
  /// vocabulary (`OptimizerKind`).
  public var type = "String"
  /// Whether a value starting with a dash is read as the value (`--x0-skip -2`, `--lr -1`
  /// refused by the check) rather than as an unknown option. Every number's option is.
  public var unconditional = false
  /// One of the objective's options (output, weighting, min-SNR γ, x0 skip): generated into
  /// `ObjectiveOptions`, the group `train`, `sweep` and `export --python` share with one help.
  public var objective = false
  /// The commands that take the option, each with its help line there (a command states its
  /// own default where it differs: a sweep trains 1500 steps whatever the model).
  public var help: [Help] = []
  /// Sets a value of ``type`` in a section; nil where the command reads the value itself
  /// (`--model auto`, `--data DIR`, a text parsed with its own refusal).
  var assign: ((inout TrainingSection, Any) -> Void)?

  /// An option's help in one command.
  public struct Help {
    public let command: SettingCommand
    public let text: String
    /// The `<…>` after the option in `--help`; nil for ArgumentParser's, the property's name.
    public let valueName: String?
  }

  /// The commands that take the option.
  public var commands: [SettingCommand] { help.map(\.command) }

  /// The help in `command`; a programmer error if the command does not take the option.
  public func help(in command: SettingCommand) -> Help {
    guard let h = help.first(where: { $0.command == command }) else {
      preconditionFailure("\(command) takes no such option")
    }
    return h
  }
}

/// The commands that take training settings as options.
public enum SettingCommand: String, CaseIterable, Sendable {
  case train, sweep, sample, export, curve, plot
}

extension TrainingSetting {
  /// The same setting, an option of `train` with this help.
  func option(_ text: String, value valueName: String? = nil) -> TrainingSetting {
    option(.train, text, value: valueName)
  }

  /// The same setting, an option of `command` with this help.
  func option(
    _ command: SettingCommand, _ text: String, value valueName: String? = nil
  ) -> TrainingSetting {
    var out = self
    out.commandLine.help.append(.init(command: command, text: text, valueName: valueName))
    return out
  }

  /// The same setting, an option of the objective group (`train`, `sweep`, `export`).
  func objectiveOption(_ text: String, value valueName: String? = nil) -> TrainingSetting {
    var out = self
    out.commandLine.objective = true
    out.commandLine.help = [SettingCommand.train, .sweep, .export].map {
      .init(command: $0, text: text, valueName: valueName)
    }
    return out
  }

  /// Sets `value` (of the option's type) in `section`: what the generated options' `apply`
  /// calls for every setting read as its own type.
  public func assign(_ value: Any, in section: inout TrainingSection) {
    guard let assign = commandLine.assign else {
      preconditionFailure("\(option) is read by its command, not assigned")
    }
    assign(&section, value)
  }

  /// Whether the option's value is set by ``assign(_:in:)``.
  public var isAssigned: Bool { commandLine.assign != nil }

  /// The help of the setting whose key is `key` in `command`.
  public static func help(_ key: String, in command: SettingCommand) -> CommandLineOption.Help {
    self[key: key].commandLine.help(in: command)
  }
}

/// Option help from the vocabularies' own lines.
public enum VocabularyHelp {
  public static let prediction =
    "What the network outputs: \(Parameterization.helpList)"
  public static let weighting =
    "How the loss weights noise levels, as w(λ) on the ε-MSE: \(LossWeighting.helpList)"
  public static let objectiveDefaults =
    "Default: \(Objective.defaultPrediction.name) with \(Objective.defaultWeighting.name) "
    + "(see README \"Training\"); --prediction alone trains with that output's own MSE"
  public static let model = "Denoiser: \(ModelKind.helpList)"
  public static let data = "Training data: \(DataKind.helpList)"
  public static let optimizer = "Optimiser: \(OptimizerKind.helpList) (default adamw)"
  public static let sampler = "Sampler: \(SamplerKind.helpList)"

  /// `256 for mlp-s, 32 for convres-s`: a model default as --help states it.
  public static func perModel<T>(_ value: (ModelKind) -> T) -> String {
    ModelKind.allCases.map { "\(value($0)) for \($0.name)" }.joined(separator: ", ")
  }
}
