extension ScheduleFamily {
  /// Every family, in the order `--help`, the explorer, the schema and the README list them.
  /// A new family is its file in `Families/` and one line here.
  static let registry: [FamilyDefinition] = [
    Linear.definition,
    Cosine.definition,
    Sigmoid.definition,
    DDPM.linear,
    DDPM.scaledLinear,
    DDPM.cosine,
    ShiftedCosine.definition,
    EDM.definition,
    Laplace.definition,
    RectifiedFlow.definition,
  ]
}
