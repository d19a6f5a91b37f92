import FrictionCore

/// The `friction inspect` terminal report: one block per input with its tensor table, totals
/// by dtype, metadata (long arrays summarised), config summary and load issues.
public enum InspectText {
    /// Metadata arrays longer than this show their first items and a count.
    public static let arrayHead = 8
    /// Strings longer than this are cut with an ellipsis and their length.
    public static let stringHead = 120

    public static func render(_ model: Model, style: Style, graph: GraphSummary? = nil) -> String {
        var lines: [String] = []
        let summary = "\(model.tensors.count) tensor\(model.tensors.count == 1 ? "" : "s"), \(Units.count(model.parameterCount)) parameters, \(Units.bytes(model.tensorBytes))"
        lines.append(style.bold(model.path) + "  " + style.cyan(model.format.rawValue) + "  " + summary)
        for (key, value) in model.properties.sorted(by: { $0.key < $1.key }) { lines.append("  \(key): \(value)") }
        for source in model.sources where source.path != model.path || !source.encodings.isEmpty {
            var text = "  file \(source.path)  \(source.format.rawValue)  \(Units.bytes(source.size))"
            if !source.encodings.isEmpty, let decoded = source.decodedSize {
                text += "  (\(source.encodings.joined(separator: "+")), \(Units.bytes(decoded)) decoded)"
            }
            lines.append(text)
        }
        if let graph { lines += graph.lines(style: style) }
        if !(model.tensors.isEmpty && (model.format == .pickle || !model.pickleGlobals.isEmpty)) {
            lines.append("")
            lines += tensorTable(model).render(header: style.dim)
            lines.append("")
            lines.append(style.bold("  totals by dtype"))
            var totals = TextTable(columns: [("dtype", .left), ("tensors", .right), ("parameters", .right), ("bytes", .right)])
            for row in DTypeTotals.of(model) {
                totals.add([row.type, String(row.tensors), Units.count(row.parameters), Units.bytes(row.bytes)])
            }
            totals.add(["all", String(model.tensors.count), Units.count(model.parameterCount), Units.bytes(model.tensorBytes)])
            lines += totals.render(indent: "    ", header: style.dim)
        }
        if case .json(let json)? = model.metadata("config.json") {
            lines.append("")
            lines.append(style.bold("  config.json"))
            for (label, value) in HFConfig(json).summary { lines.append("    \(label): \(value)") }
        }
        let plain = model.metadata.filter { if case .json = $0.value { false } else { true } }
        if !plain.isEmpty {
            lines.append("")
            lines.append(style.bold("  metadata"))
            for entry in plain { lines.append("    \(entry.key) = \(describe(entry.value))  " + style.dim(entry.value.typeName)) }
        }
        if !model.pickleGlobals.isEmpty {
            lines.append("")
            lines.append(style.bold("  pickle globals") + style.dim("  (imported and called on load; `friction lint` classifies them)"))
            var table = TextTable(columns: [("global", .left), ("opcode", .left), ("offset", .right)])
            for g in model.pickleGlobals {
                table.add([g.dottedPath, g.opcode, g.location.offset.map(String.init) ?? "?"])
            }
            lines += table.render(indent: "    ", header: style.dim)
        }
        if !model.issues.isEmpty {
            lines.append("")
            lines.append(style.bold("  load issues"))
            for issue in model.issues {
                let tag = issue.level == .warning ? style.yellow("warning") : style.cyan("info")
                lines.append("    \(tag) \(issue.location): \(issue.message) [\(issue.code)]")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func tensorTable(_ model: Model) -> TextTable {
        let multiFile = Set(model.tensors.map(\.storage.file)).count > 1
        var columns: [(String, TextTable.Align)] = [("name", .left), ("dtype", .left), ("shape", .left), ("params", .right), ("bytes", .right), ("range", .left)]
        if multiFile { columns.append(("file", .left)) }
        // Views of shared storages (PyTorch): which storage, from which element, with which strides.
        let views = model.tensors.contains { t in t.view.map { !$0.isContiguous(t.shape.fixedDims ?? []) || $0.storageOffset != 0 } ?? false }
        if views { columns.append(("view", .left)) }
        var table = TextTable(columns: columns)
        for t in model.tensors {
            let dtype = t.type.description == t.storedType ? t.storedType : "\(t.type.description) (\(t.storedType))"
            var range = "[\(t.storage.range.lowerBound), \(t.storage.range.upperBound))"
            if let container = t.storage.container { range += " in \(container)" }
            var row = [printable(t.name), dtype, t.shape.description, t.parameterCount.map(Units.count) ?? "?", Units.bytes(t.storage.byteCount), range]
            if multiFile { row.append(t.storage.file.split(separator: "/").last.map(String.init) ?? t.storage.file) }
            if views {
                row.append(t.view.map { v in
                    "storage \(v.storageKey) +\(v.storageOffset) stride (\(v.strides.map(String.init).joined(separator: ", ")))"
                } ?? "")
            }
            table.add(row)
        }
        return table
    }

    /// A metadata value on one line: strings cut, arrays summarised.
    public static func describe(_ value: MetadataValue) -> String {
        switch value {
        case .string(let s): return quote(s)
        case .array(let type, let items):
            let head = items.prefix(arrayHead).map(describe).joined(separator: ", ")
            let more = items.count > arrayHead ? ", … (\(items.count) \(type.name) items)" : ""
            return "[\(head)\(more)]"
        case .json(let json): return json.serialized()
        case .float32(let v): return v.isFinite ? "\(v)" : JSONValue.double(Double(v)).serialized()
        default: return value.jsonValue.serialized()
        }
    }

    static func quote(_ s: String) -> String {
        let cut = s.count > stringHead ? String(s.prefix(stringHead)) + "… (\(s.utf8.count) bytes)" : s
        return JSONValue.string(cut).serialized()
    }

    /// Names with control characters are shown escaped so they cannot move the cursor.
    static func printable(_ s: String) -> String {
        s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } ? JSONValue.string(s).serialized() : s
    }
}
