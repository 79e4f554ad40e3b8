import RealModule
import Schedules
import Testing

@Suite struct EquivalentsTests {
  /// diffusers' float32 σ lists carry logSNR to about 1e-5 here (ln of a float32 ratio).
  static let float32 = 2e-5

  @Test("SD3's static shift S moves logSNR by −2·ln S, as diffusers' FlowMatch scheduler does")
  func sd3MatchesDiffusers() throws {
    let golden = try Fixtures.load("equivalents_golden.json")
    let rows = try #require(golden["sd3"]?.arrayValue)
    #expect(rows.count == 6)
    for row in rows {
      let s = try #require(row["shift"]?.doubleValue)
      let hi = try #require(row["log_snr_moved_max"]?.doubleValue)
      let lo = try #require(row["log_snr_moved_min"]?.doubleValue)
      #expect(Swift.abs(hi - lo) < 2 * Self.float32, "diffusers moves every level alike (S = \(s))")
      let e = try ShiftEquivalents(inputScale: 1, shift: s)
      #expect(Swift.abs(e.logSNRShift - hi) < Self.float32, "S = \(s): \(e.logSNRShift) vs \(hi)")
      // Said the other way round: the b with the same shift gives back S.
      let asScale = try ShiftEquivalents(inputScale: Double.exp(hi / 2))
      #expect(Swift.abs(asScale.sd3Shift - s) / s < 1e-4, "S = \(s) from b")
    }
  }

  @Test("Flux's μ (exponential time shift) moves logSNR by −2·μ, as diffusers does")
  func fluxMuMatchesDiffusers() throws {
    let rows = try #require(try Fixtures.load("equivalents_golden.json")["flux_mu"]?.arrayValue)
    #expect(rows.count == 6)
    for row in rows {
      let mu = try #require(row["mu"]?.doubleValue)
      let hi = try #require(row["log_snr_moved_max"]?.doubleValue)
      let e = try ShiftEquivalents(inputScale: Double.exp(hi / 2))
      #expect(Swift.abs(e.fluxMu - mu) < Self.float32, "μ = \(mu): \(e.fluxMu)")
    }
  }

  @Test("Flux's μ at an image side and back, as diffusers' calculate_shift computes it")
  func calculateShift() throws {
    let rows = try #require(
      try Fixtures.load("equivalents_golden.json")["calculate_shift"]?.arrayValue)
    #expect(rows.count == 5)
    let flux = FluxShift()
    for row in rows {
      let side = try #require(row["image_side"]?.doubleValue)
      let mu = try #require(row["mu"]?.doubleValue)
      #expect(Swift.abs(flux.mu(imageSide: Int(side)) - mu) < 1e-12, "side \(side)")
      let back = flux.imageSide(mu: mu)
      #expect(Swift.abs((back.side ?? .nan) - side) < 1e-9 * side, "μ \(mu) → \(back)")
      #expect(back.rangeName == (side > 1024 ? "extrapolated" : "in-range"), "side \(side)")
    }
    #expect(flux.imageSide(mu: 0.49) == .belowRange)
  }

  @Test("b = 0.5 is SD3 shift 2, Flux μ ln 2 and simple diffusion at 128 (the issue's numbers)")
  func halfScale() throws {
    let e = try ShiftEquivalents(inputScale: 0.5)
    #expect(Swift.abs(e.sd3Shift - 2) < 1e-15)
    #expect(Swift.abs(e.fluxMu - 0.6931471805599453) < 1e-15)
    #expect(Swift.abs(e.simpleDiffusionResolution - 128) < 1e-12)
    // (side/16)² = (ln 2 − 0.5)·3840/0.65 + 256 by hand: 1396.2…, side 597.99…
    let tokens = (0.6931471805599453 - 0.5) * 3840 / 0.65 + 256
    #expect(Swift.abs(e.fluxImageSide.side! - 16 * tokens.squareRoot()) < 1e-9)
    let json = e.json
    #expect(json["shift"]?.doubleValue == e.sd3Shift)
    #expect(json["input_scale"]?.doubleValue == 0.5)
    #expect(json["flux_image_side_range"]?.stringValue == "in-range")
    #expect(e.compactLine == "b ≡ S 2 · μ 0.693 · d 128")
    #expect(try ShiftEquivalents(inputScale: 0.3).compactLine == "b ≡ S 3.33 · μ 1.2 · d 213")
  }

  @Test("simple diffusion's resolution d₀/b is the shifted cosine whose logSNR moved by 2·ln b")
  func simpleDiffusionAgreesWithTheFamily() throws {
    for b in [0.3, 0.5, 1.0, 2.0] {
      let e = try ShiftEquivalents(inputScale: b)
      let base = try Schedule(ScheduleSpec(family: .shiftedCosine))
      let moved = try Schedule(
        ScheduleSpec(family: .shiftedCosine, resolution: e.simpleDiffusionResolution))
      for t in [0.2, 0.5, 0.8] {
        let d = moved.logSNR(t) - base.logSNR(t)
        #expect(Swift.abs(d - 2 * Double.log(b)) < 1e-12, "b = \(b), t = \(t)")
      }
    }
  }

  @Test("b and a shift add on one axis: b = 0.5 with S = 2 is b = 0.25")
  func scaleAndShiftCompose() throws {
    let both = try ShiftEquivalents(inputScale: 0.5, shift: 2)
    #expect(Swift.abs(both.inputScale - 0.25) < 1e-15)
    #expect(Swift.abs(both.sd3Shift - 4) < 1e-14)
  }

  @Test(
    "values outside the allowed ranges are refused, naming the field",
    arguments: [
      (0.0, 1.0, FluxShift(), "inputScale"), (Double.nan, 1.0, FluxShift(), "inputScale"),
      (1.0, -2.0, FluxShift(), "shift"), (1.0, 1.0, FluxShift(maxShift: 0.3), "maxShift"),
      (1.0, 1.0, FluxShift(baseSequence: 0), "baseSequence"),
      (1.0, 1.0, FluxShift(maxSequence: 100), "maxSequence"),
    ])
  func refusals(b: Double, s: Double, flux: FluxShift, field: String) {
    #expect {
      _ = try ShiftEquivalents(inputScale: b, shift: s, flux: flux)
    } throws: { error in
      guard case .invalid(let f, _, _) = error as? ScheduleError else { return false }
      return f == field
    }
  }
}
