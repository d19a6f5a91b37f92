import Foundation
import ArgumentParser
import FrictionLoaders

/// `--limit NAME=VALUE`: raises (or lowers) one of the loaders' resource caps.
enum LimitOption {
    static let help = ArgumentHelp("Raise a resource cap, NAME=VALUE (repeatable): "
        + LoadOptions.limitNames.map(\.name).joined(separator: ", ") + ".")

    static func apply(_ specs: [String], to options: inout LoadOptions) throws {
        for spec in specs {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = UInt64(parts[1].replacingOccurrences(of: "_", with: "")) else {
                throw ValidationError("--limit takes NAME=VALUE with an integer value, not '\(spec)'")
            }
            guard options.setLimit(parts[0], value) else {
                let known = LoadOptions.limitNames.map { "\($0.name) (\($0.help))" }.joined(separator: "; ")
                throw ValidationError("--limit \(parts[0])=\(parts[1]) is not a known cap or is out of range; known: \(known)")
            }
        }
    }
}
