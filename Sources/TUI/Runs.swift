import Engine
import Foundation
import Schedules

/// Runs the user asked for in one go (`S`: every pin and the current setting), trained one
/// after another with the same setup and seed. The queue only orders them; the run going now
/// is ``AppState/training``, and each finished one becomes a ``RunEntry``.
public struct TrainingQueue: Sendable, Equatable {
  /// One run to train: the setting, and the legend name and colour it is compared under.
  public struct Item: Sendable, Equatable {
    public var name: String
    public var setting: Setting
    /// The pin's colour (``Theme/pinColor(_:)``); nil for the current setting's colour.
    public var colorIndex: Int?

    public init(name: String, setting: Setting, colorIndex: Int?) {
      self.name = name
      self.setting = setting
      self.colorIndex = colorIndex
    }
  }

  public var items: [Item]
  /// The index of the item training now (or last started).
  public var position = 0
  /// How many ended with a summary (finished), and how many failed.
  public var finished = 0
  public var failed = 0

  public init(items: [Item]) { self.items = items }

  /// The queue for `S`: the pins in their order, then the current setting (a pin equal to the
  /// current setting is trained once, under the pin's name).
  public static func pinsAndCurrent(_ d: Document) -> TrainingQueue {
    var items = d.pins.map { Item(name: $0.name, setting: $0.setting, colorIndex: $0.colorIndex) }
    if !d.pins.contains(where: { $0.setting == d.current }) {
      items.append(Item(name: d.current.label, setting: d.current, colorIndex: nil))
    }
    return TrainingQueue(items: items)
  }

  public var current: Item? { items.indices.contains(position) ? items[position] : nil }
  /// Items after the current one.
  public var remaining: Int { max(0, items.count - position - 1) }

  /// "2/3": the current run's place in the queue.
  public var progressText: String { "\(min(position + 1, items.count))/\(items.count)" }
}

/// A finished run on the runs screen (5): read from its folder, named and coloured as the
/// pin it was trained from, so the comparison's legend matches the schedule plots.
public struct RunEntry: Sendable, Equatable {
  public var record: RunRecord
  public var name: String
  /// The pin's colour index, nil for the current setting's colour; runs found on disk that
  /// this session did not train take a colour by their place in the list (``color(at:)``).
  public var colorIndex: Int?
  /// Trained in this session (shown first, with its pin's name and colour).
  public var thisSession: Bool

  public init(record: RunRecord, name: String, colorIndex: Int?, thisSession: Bool) {
    self.record = record
    self.name = name
    self.colorIndex = colorIndex
    self.thisSession = thisSession
  }

  /// A run found on disk, named from what it trained: "1−t b=0.5 · 32² · 500 steps".
  public init(found record: RunRecord) {
    self.init(
      record: record, name: RunEntry.describe(record.summary.config), colorIndex: nil,
      thisSession: false)
  }

  public static func describe(_ c: TrainingConfig) -> String {
    let setting = Setting(spec: c.schedule, inputScale: c.inputScale, normalize: c.normalize)
    return "\(setting.label) · \(c.resolution)² · \(c.steps) steps"
  }

  /// The schedule, b and normalisation the run trained: what Enter loads and `e` exports.
  public var setting: Setting {
    let c = record.summary.config
    return Setting(spec: c.schedule, inputScale: c.inputScale, normalize: c.normalize)
  }
}

/// The runs screen's list: this session's runs and the finished runs in the runs folder, and
/// which are marked for comparison.
public struct RunsList: Sendable, Equatable {
  /// Where the explorer writes its runs and looks for earlier ones (`--runs`).
  public var folder: String
  public var entries: [RunEntry] = []
  public var selected = 0
  /// Folders of the marked runs, in the order they were marked (the comparison's order).
  public var marked: [String] = []
  /// Sub-folders of ``folder`` that could not be read, from the last scan.
  public var problems: [String] = []

  public init(folder: String) { self.folder = folder }

  /// Adds a run this session trained (marked, so a queue's runs are compared as they land),
  /// or replaces the entry read from the same folder.
  public mutating func add(_ entry: RunEntry) {
    if let i = entries.firstIndex(where: { $0.record.folder == entry.record.folder }) {
      entries[i] = entry
    } else {
      entries.append(entry)
    }
    if !marked.contains(entry.record.folder) { marked.append(entry.record.folder) }
  }

  /// Takes a scan of the runs folder: new folders are added (unmarked); entries this session
  /// trained keep their names and colours; entries whose folder has gone are dropped.
  public mutating func merge(scanned: [RunRecord], problems: [String]) {
    let byFolder = Dictionary(entries.map { ($0.record.folder, $0) }, uniquingKeysWith: { a, _ in a })
    var merged: [RunEntry] = []
    for record in scanned {
      if var known = byFolder[record.folder] {
        known.record = record
        merged.append(known)
      } else {
        merged.append(RunEntry(found: record))
      }
    }
    // Session runs outside the folder (none today) are kept; so are runs being written.
    let scannedFolders = Set(scanned.map(\.folder))
    for e in entries where e.thisSession && !scannedFolders.contains(e.record.folder) {
      merged.append(e)
    }
    entries = merged
    let present = Set(entries.map(\.record.folder))
    marked.removeAll { !present.contains($0) }
    selected = min(selected, max(0, entries.count - 1))
    self.problems = problems
  }

  public var selectedEntry: RunEntry? {
    entries.indices.contains(selected) ? entries[selected] : nil
  }

  public func isMarked(_ e: RunEntry) -> Bool { marked.contains(e.record.folder) }

  /// Space: marks the selected run, or unmarks it.
  public mutating func toggleMark() {
    guard let e = selectedEntry else { return }
    if let i = marked.firstIndex(of: e.record.folder) {
      marked.remove(at: i)
    } else {
      marked.append(e.record.folder)
    }
  }

  /// What the comparison shows: the marked runs in marking order, or the selected run alone
  /// when none is marked.
  public var compared: [RunEntry] {
    let picked = marked.compactMap { f in entries.first { $0.record.folder == f } }
    if !picked.isEmpty { return picked }
    return selectedEntry.map { [$0] } ?? []
  }

  /// The colour of entry `e`: its pin's, the current setting's, or (found on disk) one of the
  /// pin colours by its place in the list, so that every run in a comparison differs.
  public func color(of e: RunEntry) -> Color {
    if let i = e.colorIndex { return Theme.pinColor(i) }
    if e.thisSession { return Theme.current }
    let place = entries.firstIndex(of: e) ?? 0
    return Theme.pinColor(place)
  }
}

/// Where a queued run's folder goes: `<runs>/<yyyyMMdd-HHmmss>-<name>` with the name reduced to
/// letters, digits, '.', '-' and '_' (so it is one path component in any shell), and a
/// numeric suffix when that folder exists already.
public func runFolderName(
  _ name: String, at date: Date, existing: (String) -> Bool
) -> String {
  let f = DateFormatter()
  f.locale = Locale(identifier: "en_US_POSIX")
  f.timeZone = TimeZone(identifier: "UTC")
  f.dateFormat = "yyyyMMdd-HHmmss"
  var slug = ""
  for ch in name.unicodeScalars {
    switch ch {
    case "a"..."z", "A"..."Z", "0"..."9", ".", "_": slug.unicodeScalars.append(ch)
    case "=": slug += ""
    case "−", "-": slug += "-"
    default: if !slug.hasSuffix("_") { slug += "_" }
    }
  }
  slug = String(slug.trimmingCharacters(in: CharacterSet(charactersIn: "_-")).prefix(48))
  let base = f.string(from: date) + (slug.isEmpty ? "" : "-" + slug)
  var candidate = base
  var n = 2
  while existing(candidate) {
    candidate = "\(base)-\(n)"
    n += 1
  }
  return candidate
}
