import Foundation

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
    case "=": continue
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
