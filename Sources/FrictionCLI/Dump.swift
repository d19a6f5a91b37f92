import FrictionCompare
import ArgumentParser
import FrictionCore
import FrictionLoaders
import FrictionRules

/// `friction dump`: tensors into NumPy files, dequantized to float32 (or as stored with --raw).
struct Dump: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write tensors to .npy / .npz, dequantized to float32 (GGUF blocks, FP8 with scales, GPTQ/AWQ) or raw.",
        discussion: "A .npy output takes exactly one tensor; .npz takes any number (members named after the tensors).")

    @Argument(help: "A model file or folder.")
    var path: String

    @Option(help: "Tensor names or globs to dump (repeatable; default all).")
    var tensor: [String] = []

    @Option(name: .shortAndLong, help: "Output file (.npy or .npz).")
    var output: String

    @Flag(help: "Write the stored values without dequantizing (types NumPy lacks are written as unsigned integers of the same width).")
    var raw = false

    func run() throws {
        guard output.hasSuffix(".npy") || output.hasSuffix(".npz") else { throw ValidationError("--output must end in .npy or .npz") }
        let model: Model
        do throws(LoadError) { model = try ModelLoader.load(path) } catch {
            FileHandleOutput.standardError("error: \(error)\n")
            throw ExitCode(2)
        }
        let selected = model.tensors.filter { t in tensor.isEmpty || tensor.contains { $0 == t.name || Glob.matches($0, t.name) } }
        guard !selected.isEmpty else { throw ValidationError("no tensor matches \(tensor.joined(separator: ", "))") }
        if output.hasSuffix(".npy"), selected.count != 1 {
            throw ValidationError("\(selected.count) tensors match; a .npy file holds one (use .npz)")
        }
        let payloads = PayloadMap()
        let decoder = TensorDecoder(model: model, payloads: payloads)
        var members: [(name: String, npy: [UInt8])] = []
        for t in selected {
            if raw {
                guard case .dtype(let d) = t.type, let payload = try? payloads.bytes(for: t) else {
                    throw ValidationError("\(t.name): \(t.type) has no raw NumPy form (dump it dequantized)")
                }
                let descr = NpyWriter.descr(d) ?? (d.bits == 16 ? "<u2" : "|u1")
                var shape = t.shape.fixedDims ?? []
                if (d.bits ?? 8) < 8, let last = shape.last { shape[shape.count - 1] = last / 8 * UInt64(d.bits ?? 8) + (last % 8 * UInt64(d.bits ?? 8) + 7) / 8 }
                if NpyWriter.descr(d) == nil { FileHandleOutput.standardError("note: \(t.name): \(d) written as \(descr) codes\n") }
                members.append((t.name, NpyWriter.npy(descr: descr, shape: shape, payload: payload)))
            } else {
                guard let decoded = decoder.decode(t) else {
                    throw ValidationError("\(t.name): cannot dequantize \(t.type) (\(t.storage.container ?? "no decoder"))")
                }
                if let note = decoded.note { FileHandleOutput.standardError("note: \(t.name): \(note)\n") }
                let npy = decoded.values.withUnsafeBytes { NpyWriter.npy(descr: "<f4", shape: decoded.shape, payload: $0) }
                members.append((t.name, npy))
            }
        }
        let bytes = output.hasSuffix(".npy") ? members[0].npy : NpyWriter.npz(members)
        try writeFile(output, bytes)
        FileHandleOutput.standardError("wrote \(members.count) tensor(s) to \(output)\n")
    }
}
