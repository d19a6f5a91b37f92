import Foundation
import FrictionCore

extension Fixtures {
    /// The bundled rules directory of this checkout.
    public static var rulesDirectory: String { root.appendingPathComponent("rules").path }

    /// Parses a JSON file under the repository root.
    public static func json(_ relative: String) -> JSONValue {
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(relative).path),
              let node = try? JSONParser.parse(Array(data)) else { return .null }
        return node.value
    }

    /// A fresh temporary folder, removed by the caller.
    public static func temporaryDirectory(_ prefix: String = "friction-test") -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Writes `text` to `path`.
    public static func write(_ text: String, to path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }
}
