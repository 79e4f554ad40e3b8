import Foundation
import Synchronization

/// The folders ``temporaryFolder(_:)`` made; removed, with all they hold, when the test process
/// exits, so a test never has to clean up after itself (a failed one leaves nothing either).
private let madeFolders = Mutex<[String]>([])

/// A fresh empty folder under the temporary directory, named after `name`: every test target's
/// one way to get a folder for its files.
public func temporaryFolder(_ name: String = "test") -> String {
  let path = NSTemporaryDirectory() + "schedtui-\(name)-\(UUID().uuidString)"
  try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  madeFolders.withLock { folders in
    if folders.isEmpty {
      atexit {
        madeFolders.withLock { folders in
          for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
        }
      }
    }
    folders.append(path)
  }
  return path
}
