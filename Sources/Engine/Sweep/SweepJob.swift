import Schedules
import Foundation

/// A sweep (``SweepRunner`` driving ``SweepTrainer``) on its own thread, for a UI whose drawing
/// thread must never block: start it, poll ``drain()`` on each frame, ``cancel()`` at will.
///
/// The same pattern as ``TrainingJob``: events go through a lock-protected queue in order;
/// ``cancel()`` stops the running cell before its next step (it writes its checkpoint, so a later
/// job on the same folder continues it) and no further cell starts; ``outcome`` is set once the
/// thread has finished. The folder gets the same files as `schedtui sweep` (sweep.json, table.md,
/// table.csv, heatmap.png after every run).
public final class SweepJob: @unchecked Sendable {
  /// What the sweep reports while it runs.
  public enum Event: Sendable {
    /// Before each run (with the job about to run) and at the end (`next == nil`).
    case progress(SweepRunner.Progress)
    /// A training step of the running cell: `step` of `total`.
    case step(step: Int, total: Int)
    /// The running cell's training is over; it is being sampled and scored.
    case evaluating
    /// A run finished and the folder was saved: the state with its result.
    case saved(SweepState)
    /// Something found in the folder the user should know (a damaged cell that runs again).
    case note(String)
  }

  /// How the sweep ended.
  public enum Outcome: Sendable {
    /// Every run is done.
    case finished(SweepState)
    /// Stopped by ``cancel()``: the runs done are saved, the running one has a checkpoint.
    case stopped(SweepState)
    /// The folder could not be opened or written, or a run threw: the message.
    case failed(String)
  }

  public let directory: String
  public let grid: SweepGrid
  public let settings: SweepSettings

  private let work = BackgroundWork<Event, Outcome>()

  public init(directory: String, grid: SweepGrid, settings: SweepSettings) {
    self.directory = directory
    self.grid = grid
    self.settings = settings
  }

  /// Starts the background thread. Call once.
  public func start() {
    work.start { [self] _ in runSweep() }
  }

  /// Runs the sweep on the calling thread (``start()`` calls it on the job's own thread).
  func runSweep() -> Outcome {
    var runner: SweepRunner
    do {
      runner = try SweepRunner(
        directory: directory, grid: grid,
        settings: settings.recorded(resolutions: grid.resolutions),
        setup: settings.setup(grid: grid))
    } catch {
      return .failed("\(error)")
    }
    for note in runner.notes { post(.note(note)) }
    let trainer = SweepTrainer(settings: settings, seed: grid.seed)
    let steps = settings.steps
    let stop = { [work] () -> Bool in work.shouldStop }
    do {
      let finished = try runner.run(
        train: { [self] job in
          try trainer.train(
            job,
            progress: { event in
              switch event {
              case .step(let r): post(.step(step: r.step, total: steps))
              case .evaluating: post(.evaluating)
              case .checkpoint, .samples: break
              }
            }, shouldStop: stop)
        },
        shouldStop: stop,
        progress: { [self] p in post(.progress(p)) },
        writeOutputs: { [self] state in
          try SweepJob.writeHeatmap(state, directory: directory)
          post(.saved(state))
        },
        note: { [self] text in post(.note(text)) })
      return finished ? .finished(runner.state) : .stopped(runner.state)
    } catch is SweepTrainer.Interrupted {
      return .stopped(runner.state)
    } catch {
      return .failed("\(error)")
    }
  }

  /// Writes `heatmap.png` for `state` into `directory`, as `schedtui sweep` does.
  public static func writeHeatmap(_ state: SweepState, directory: String) throws {
    let table = SweepTable(grid: state.grid, results: state.results)
    let map = SweepHeatmap(table: table, grid: state.grid)
    try PNG.write(map.image, to: (directory as NSString).appendingPathComponent("heatmap.png"))
  }

  private func post(_ event: Event) { work.post(event) }

  /// Stops the running cell before its next step and starts no other.
  public func cancel() { work.cancel() }

  /// The events posted since the last call, oldest first.
  public func drain() -> [Event] { work.drain() }

  /// Set when the thread has finished; nil while it runs.
  public var outcome: Outcome? { work.outcome }
}

extension SweepState {
  /// Reads the sweep stored at `path` (a `sweep.json`) as it is, for viewing: the grid and
  /// settings come from the file itself, then ``load(path:matching:)`` checks and fills it. A
  /// missing, unreadable or malformed file, or an unknown family in it, throws `.unreadable`
  /// naming the file and the problem.
  public static func open(path: String) throws(LoadError) -> SweepState {
    let file = try readFile(path: path)
    var families: [SweepFamily] = []
    for text in file.families {
      do {
        families.append(try SweepFamily(parsing: text))
      } catch {
        throw .unreadable(path: path, reason: "families: \(error)")
      }
    }
    guard !file.resolutions.isEmpty, !file.scales.isEmpty, !families.isEmpty,
      file.repeats >= 1
    else {
      throw .unreadable(
        path: path, reason: "its grid is empty (resolutions, scales, families, repeats ≥ 1)")
    }
    var samplings: [TimestepSampling] = []
    for text in file.samplingNames {
      do {
        samplings.append(try TimestepSampling(parsing: text))
      } catch {
        throw .unreadable(
          path: path, reason: "t_samplings: '\(text)' is not allowed (\(error.allowedText))")
      }
    }
    var grid = SweepGrid(
      resolutions: file.resolutions, scales: file.scales, families: families,
      tSamplings: samplings, repeats: file.repeats, seed: file.seed)
    grid.ranking = SweepRanking(data: file.settings["data"])
    return try load(path: path, matching: SweepState(grid: grid, settings: file.settings))
  }
}
