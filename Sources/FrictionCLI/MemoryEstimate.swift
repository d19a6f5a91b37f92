import ArgumentParser
import FrictionAnalysis
import FrictionCompare
import FrictionCore
import FrictionLoaders
import FrictionReport
import FrictionRules
import Foundation

/// The pieces of a memory prediction for one input.
struct MemoryEstimate {
    var path: String
    var weights: WeightMemory?
    /// Parameters estimated from config.json alone (no weights read).
    var configEstimate: ParameterEstimate?
    var weightBytes: Double
    var declared: DeclaredPrecision?
    var kv: KVCacheModel?
    var kvBytesPerElement: Double
    var kvBytes: Double
    var activations: ActivationPeak?
    /// Bytes of ONNX initializers nothing uses.
    var deadBytes: UInt64 = 0
    var notes: [String] = []

    static let kvSizes: [String: Double] = ["bf16": 2, "bfloat16": 2, "fp16": 2, "float16": 2, "fp32": 4, "float32": 4, "fp8": 1, "int8": 1, "int4": 0.5]

    static func build(path: String, batch: Int64, seq: Int64, kvDtype: String?, dims: [String: Int64]) throws -> MemoryEstimate {
        var e = MemoryEstimate(path: path, weightBytes: 0, kvBytesPerElement: 2, kvBytes: 0)
        var config: JSONValue?
        var metadata: [MetadataEntry] = []
        if path.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: path), let json = try? JSONParser.parse(Array(data)).value else {
                throw ValidationError("\(path) is not a readable config.json")
            }
            config = json
            e.configEstimate = ParameterEstimate.from(config: json)
            let dtypeName = (json["torch_dtype"] ?? json["dtype"])?.stringValue ?? "float32"
            let bytes = Double((DType(rawValue: dtypeName)?.bits ?? 32) / 8)
            e.weightBytes = Double(e.configEstimate?.parameters ?? 0) * bytes
            if e.configEstimate == nil { e.notes.append("model_type \(json["model_type"]?.stringValue ?? "?") is not one the estimator knows") }
        } else {
            let model: Model
            do throws(LoadError) { model = try ModelLoader.load(path) } catch {
                FileHandleOutput.standardError("error: \(error)\n")
                throw ExitCode(2)
            }
            let w = WeightMemory.of(model)
            e.weights = w
            e.weightBytes = Double(w.totalBytes)
            e.declared = DeclaredPrecision.check(model, weights: w)
            config = model.config
            metadata = model.metadata
            if let graph = model.graph {
                let unused = Set(GraphTopology(graph).unusedInitializers)
                e.deadBytes = graph.initializers.filter { unused.contains($0.name) }.reduce(0) { $0 &+ $1.storage.byteCount }
                var bindings = dims
                for input in graph.inputs {
                    guard case .tensor(_, let shape)? = input.type else { continue }
                    for (i, d) in (shape?.dims ?? []).enumerated() {
                        guard case .symbolic(let s) = d, bindings[s] == nil else { continue }
                        let lower = s.lowercased()
                        bindings[s] = i == 0 || lower.contains("batch") ? batch : (lower.contains("seq") || lower.contains("len") || lower.contains("token") ? seq : 1)
                    }
                }
                let inference = ShapeInference.infer(graph, values: ReaderValues(reader: TensorReader()), functions: model.functions)
                e.activations = ActivationPeak.estimate(graph, inference: inference, dims: bindings)
            }
        }
        e.kv = config.flatMap(KVCacheModel.from(config:)) ?? KVCacheModel.from(gguf: metadata)
        let modelKV = config.flatMap { ($0["torch_dtype"] ?? $0["dtype"])?.stringValue }.flatMap { kvSizes[$0] } ?? 2
        e.kvBytesPerElement = kvDtype.flatMap { kvSizes[$0.lowercased()] } ?? modelKV
        if let kvDtype, kvSizes[kvDtype.lowercased()] == nil { throw ValidationError("unknown --kv-dtype \(kvDtype) (\(kvSizes.keys.sorted().joined(separator: ", ")))") }
        e.kvBytes = e.kv?.bytes(batch: batch, context: seq, bytesPerElement: e.kvBytesPerElement) ?? 0
        return e
    }

    struct Fit {
        var gpu: GPUInfo
        var usable: Double
        var needed: Double
        var fits: Bool
        /// Largest context at the given batch, and largest batch at the given context (nil: no KV model).
        var maxContext: Int64?
        var maxBatch: Int64?
    }

    static func fit(_ e: MemoryEstimate, gpu: GPUInfo, utilization: Double, overheadGiB: Double, batch: Int64, seq: Int64) -> Fit {
        let usable = gpu.memoryGiB * utilization * Double(1 << 30) - overheadGiB * Double(1 << 30)
        let activation = Double(e.activations?.peakBytes ?? 0)
        let needed = e.weightBytes + e.kvBytes + activation
        var maxContext: Int64?, maxBatch: Int64?
        if let kv = e.kv {
            let perToken = kv.bytesPerToken(bytesPerElement: e.kvBytesPerElement)
            let room = usable - e.weightBytes - activation
            if perToken > 0 {
                maxContext = room > 0 ? Int64(saturating: room / (perToken * Double(max(batch, 1)))) : 0
                let perSequence = kv.bytes(batch: 1, context: seq, bytesPerElement: e.kvBytesPerElement)
                maxBatch = room > 0 && perSequence > 0 ? Int64(saturating: room / perSequence) : 0
            }
        }
        return Fit(gpu: gpu, usable: usable, needed: needed, fits: needed <= usable, maxContext: maxContext, maxBatch: maxBatch)
    }

    static func gib(_ b: Double) -> String { String(format: "%.2f GiB", b / Double(1 << 30)) }

    static func text(_ e: MemoryEstimate, fits: [Fit], batch: Int64, seq: Int64) -> String {
        var lines = ["\(e.path): memory"]
        if let w = e.weights {
            lines.append("  weights: \(Units.bytes(w.totalBytes)) (\(w.totalBytes) bytes), \(Units.count(w.parameters)) parameters")
            for (k, v) in w.byDType.sorted(by: { $0.value > $1.value }) { lines.append("    \(k): \(Units.bytes(v))") }
            for (k, v) in w.byRole.sorted(by: { $0.value > $1.value }) where k != "weights" { lines.append("    role \(k): \(Units.bytes(v))") }
            if w.sharedViewBytes > 0 { lines.append("    views sharing a storage: \(Units.bytes(w.sharedViewBytes)) not counted twice") }
            if e.deadBytes > 0 { lines.append("    dead weight: \(Units.bytes(e.deadBytes)) in initializers no node uses") }
        }
        if let c = e.configEstimate {
            lines.append("  weights (estimated from config.json, \(c.family)): \(Units.count(UInt64(c.parameters))) parameters, \(gib(e.weightBytes))")
            for (k, v) in c.parts.sorted(by: { $0.key < $1.key }) { lines.append("    \(k): \(Units.count(UInt64(max(v, 0))))") }
        }
        if let d = e.declared {
            lines.append(String(format: "  declared vs stored: %@ — loads at %.1fx (%@ instead of %@)", d.reason, d.factor, gib(Double(d.loadedBytes)), gib(Double(d.expectedBytes))))
        }
        if let kv = e.kv {
            lines.append("  KV cache: \(Units.bytes(UInt64(saturating: kv.bytesPerToken(bytesPerElement: e.kvBytesPerElement)))) per token (\(kv.source), \(e.kvBytesPerElement) bytes/element); \(gib(e.kvBytes)) at batch \(batch), context \(seq)")
        }
        if let a = e.activations {
            lines.append("  activations (ONNX, liveness over the node order): peak \(Units.bytes(UInt64(max(a.peakBytes, 0)))) after \(a.peakNode)")
            lines.append("    formula: \(a.formula) bytes")
            for v in a.live.prefix(5) { lines.append("    live: \(v.name) (\(v.producer)) \(Units.bytes(UInt64(max(v.bytes, 0)))) = \(v.formula)") }
            for v in a.callouts.prefix(5) { lines.append("    large \(v.producer.isEmpty ? v.name : v.producer): \(v.name) \(Units.bytes(UInt64(max(v.bytes, 0)))) = \(v.formula)") }
            let unbound = a.symbols.filter { !$0.value }.keys.sorted()
            if !unbound.isEmpty { lines.append("    unbounded dims (taken as 1): \(unbound.joined(separator: ", "))") }
        }
        for n in e.notes { lines.append("  note: \(n)") }
        lines.append("")
        lines.append("  fit (weights + KV + activations + overhead, within the usable share)")
        for f in fits {
            var line = "    \(f.gpu.id.padding(toLength: 14, withPad: " ", startingAt: 0)) \(f.fits ? "fits " : "NO   ") needs \(gib(f.needed)) of \(gib(max(f.usable, 0)))"
            if let c = f.maxContext { line += "; max context at batch \(batch): \(c)" }
            if let b = f.maxBatch { line += "; max batch at \(seq) tokens: \(b)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ e: MemoryEstimate, fits: [Fit]) -> JSONValue {
        func num(_ x: Double) -> JSONValue { .double(x) }
        var members: [(String, JSONValue)] = [("schema", .string("friction.memory/1")), ("path", .string(e.path)), ("weight_bytes", num(e.weightBytes))]
        if let w = e.weights {
            members.append(("weights", .object([("bytes", .uint(w.totalBytes)), ("parameters", .uint(w.parameters)),
                                                ("by_dtype", .object(w.byDType.sorted { $0.key < $1.key }.map { ($0.key, .uint($0.value)) })),
                                                ("by_role", .object(w.byRole.sorted { $0.key < $1.key }.map { ($0.key, .uint($0.value)) }))])))
        }
        if let c = e.configEstimate {
            members.append(("config_estimate", .object([("family", .string(c.family)), ("parameters", .int(c.parameters)),
                                                        ("parts", .object(c.parts.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) }))])))
        }
        if let d = e.declared {
            members.append(("declared_precision", .object([("declared", .string(d.declared)), ("stored", .string(d.stored)), ("factor", num(d.factor)),
                                                           ("loaded_bytes", .uint(d.loadedBytes)), ("expected_bytes", .uint(d.expectedBytes))])))
        }
        if let kv = e.kv {
            members.append(("kv_cache", .object([("bytes_per_token", num(kv.bytesPerToken(bytesPerElement: e.kvBytesPerElement))),
                                                 ("bytes", num(e.kvBytes)), ("source", .string(kv.source))])))
        }
        if let a = e.activations {
            members.append(("activations", .object([("peak_bytes", .int(a.peakBytes)), ("peak_node", .string(a.peakNode)), ("formula", .string(a.formula)),
                                                    ("live", .array(a.live.map { .object([("name", .string($0.name)), ("bytes", .int($0.bytes)), ("formula", .string($0.formula))]) }))])))
        }
        members.append(("fit", .array(fits.map { f in
            .object([("gpu", .string(f.gpu.id)), ("fits", .bool(f.fits)), ("needed_bytes", num(f.needed)), ("usable_bytes", num(f.usable)),
                     ("max_context", f.maxContext.map { .int($0) } ?? .null), ("max_batch", f.maxBatch.map { .int($0) } ?? .null)])
        })))
        return .object(members)
    }
}
