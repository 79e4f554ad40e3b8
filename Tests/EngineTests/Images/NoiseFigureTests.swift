import Foundation
import TestSupport
import Testing

@testable import Engine

@Suite struct NoiseFigureTests {
  @Test("resolution lists parse; anything outside 1–8 distinct values in 2...1024 is refused")
  func resolutions() throws {
    #expect(try NoiseFigure.parseResolutions("64,128,256") == [64, 128, 256])
    #expect(try NoiseFigure.parseResolutions(" 2, 1024 ") == [2, 1024])
    for bad in ["", "1", "1025", "64,,128", "64,64", "a", "1,2,3,4,5,6,7,8,9", "64.5", "-64"] {
      #expect(throws: NoiseFigure.InvalidOption.self, "\(bad)") {
        try NoiseFigure.parseResolutions(bad)
      }
    }
    do {
      _ = try NoiseFigure.parseResolutions("64,2000")
    } catch {
      #expect(error.description.hasPrefix("--resolutions 64,2000 is not allowed: "))
      #expect(error.description.contains("2...1024"))
    }
  }

  @Test("the figure puts equal panels side by side and the table lists each resolution")
  func figureAndTable() {
    let image = Image(width: 20, height: 10, channels: 1, repeating: 0.5)
    let (figure, panels) = NoiseFigure.render(
      image: image, resolutions: [4, 8], gamma: 0.9, inputScale: 1, normalization: .none,
      dataRange: .unit, seed: 0, panelSize: 16)
    #expect(figure.width == 2 * 16 + 8 && figure.height == 16)
    #expect(panels.map(\.resolution) == [4, 8])
    let table = NoiseFigure.table(panels)
    #expect(table.count == 3)
    #expect(table[1].hasPrefix("         4"))
    #expect(table[2].hasPrefix("         8"))
  }

  @Test("the noise-level line gives logSNR = log(γb²/(1−γ)) and its 2·log b shift")
  func noiseLevel() {
    // γ = 0.5, b = 2: log(0.5·4/0.5) = log 4 = 1.3863; at b = 1: 0.
    let line = NoiseFigure.noiseLevel(gamma: 0.5, inputScale: 2)
    #expect(line.contains("logSNR = 1.3863"))
    #expect(line.contains("(0.0000 at b = 1, shifted by 2·log b = 1.3863)"))
    #expect(NoiseFigure.noiseLevel(gamma: 1, inputScale: 1).contains("+inf"))
  }
}

/// `schedtui noise` run as a user would: the executable built beside the tests.
@Suite struct NoiseCommandTests {
  static var executable: String { SchedtuiCommand.executable }

  /// `schedtui noise arguments…`, its standard output and error together.
  static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let r = try SchedtuiCommand.run(["noise"] + arguments)
    return (r.status, r.output + r.error)
  }

  @Test("writes the figure and prints the probe for each resolution")
  func writesFigure() throws {
    let dir = temporaryFolder()
    let out = dir + "/fig.png"
    let (status, output) = try Self.run([
      "--gamma", "0.7", "--resolutions", "16,32", "--size", "32", "--output", out,
    ])
    #expect(status == 0, "\(output)")
    let figure = try PNG.read(path: out)
    #expect(figure.width == 2 * 32 + 8 && figure.height == 32 && figure.channels == 3)
    #expect(output.contains("logSNR = 0.8473"))
    #expect(output.contains("        16 ") && output.contains("        32 "))
  }

  @Test(
    "bad options are refused with the option, the value and what is allowed; no file is written",
    arguments: [
      (["--gamma", "0"], "--gamma 0.0 is not allowed: a number in (0, 1]"),
      (["--gamma", "1.5"], "--gamma 1.5 is not allowed: a number in (0, 1]"),
      (["--gamma", "0.5", "--scale=-1"], "--scale -1.0 is not allowed: a number > 0"),
      (["--gamma", "0.5", "--scale", "0"], "--scale 0.0 is not allowed: a number > 0"),
      ([], "give exactly one of --gamma G (a number in (0, 1]) or --t T (in [0, 1])"),
      (["--gamma", "0.5", "--t", "0.5"], "give exactly one of --gamma G"),
      (["--t", "1.5"], "--t 1.5 is not allowed: a number in [0, 1]"),
      (["--t", "0.5", "--family", "cosine", "--tau", "0"], "--tau 0.0 is not allowed"),
      (["--gamma", "0.5", "--family", "cosine"], "--family cannot be combined with --gamma"),
      (["--gamma", "0.5", "--resolutions", "1,64"], "--resolutions 1,64 is not allowed"),
      (["--gamma", "0.5", "--range", "x"], "--range x is not allowed: one of unit, signed"),
      (["--gamma", "0.5", "--size", "5"], "--size 5 is not allowed"),
      (["--gamma", "0.5", "--image", "/no/such.png"], "cannot read image /no/such.png: no such"),
    ])
  func refuses(arguments: [String], message: String) throws {
    let dir = temporaryFolder()
    let (status, output) = try Self.run(arguments + ["--output", dir + "/fig.png"])
    #expect(status != 0)
    #expect(output.contains(message), "\(output)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }

  @Test("--t takes γ(t) and b from the schedule options, here the paper's Table 1 preset")
  func atTime() throws {
    let dir = temporaryFolder()
    // table1-256: γ = 1 − t, b = 0.5; at t = 0.3, γ = 0.7 and logSNR = log(0.7·0.25/0.3).
    let (status, output) = try Self.run([
      "--t", "0.3", "--preset", "table1-256", "--resolutions", "8", "--size", "16",
      "--no-normalize", "--output", dir + "/t.png",
    ])
    #expect(status == 0, "\(output)")
    #expect(output.contains("γ(t) = 0.7"))
    #expect(output.contains("b = 0.5: logSNR = \(String(format: "%.4f", log(0.7 * 0.25 / 0.3)))"))
    #expect(output.contains("normalisation none"))
  }

  @Test("an output name that is not .png is refused")
  func outputName() throws {
    let (status, output) = try Self.run(["--gamma", "0.5", "--output", "fig.jpg"])
    #expect(status != 0)
    #expect(output.contains("--output fig.jpg is not allowed: a file name ending in .png"))
  }
}
