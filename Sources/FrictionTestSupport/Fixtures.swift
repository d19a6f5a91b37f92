import FrictionCore
import Foundation

/// Locates the repository and its committed fixtures from a test's source file.
public enum Fixtures {
    /// The repository root: the nearest folder above this file holding Package.swift.
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// Absolute path of `fixtures/<relative>`.
    public static func path(_ relative: String) -> String {
        root.appendingPathComponent("fixtures").appendingPathComponent(relative).path
    }

    /// Parsed `fixtures/manifest.json`, written by the reference libraries.
    public static let manifest: JSONValue = {
        guard let data = FileManager.default.contents(atPath: path("manifest.json")),
              let node = try? JSONParser.parse(Array(data)) else { return .null }
        return node.value
    }()

    /// The manifest entries of good fixtures, optionally of one format.
    public static func good(format: String? = nil) -> [JSONValue] {
        guard case .array(let items)? = manifest["fixtures"] else { return [] }
        return items.filter { format == nil || $0["format"]?.stringValue == format }
    }

    /// The manifest entries of bad fixtures.
    public static func bad() -> [JSONValue] {
        guard case .array(let items)? = manifest["bad"] else { return [] }
        return items
    }
}
