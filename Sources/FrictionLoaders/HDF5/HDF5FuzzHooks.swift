import FrictionCore

/// Entry points for the fuzzers into the HDF5 layer's own parsing (the worker's JSON answer,
/// the Keras config walk and the dataset checks), without libhdf5.
public enum HDF5FuzzHooks {
    /// Parses `bytes` as a worker answer and describes it (Keras facts, shape-bomb and range
    /// checks, tensor listing) as the loader would; errors are swallowed, crashes are bugs.
    public static func probeAnswer(_ bytes: UnsafeRawBufferPointer) {
        guard let json = try? JSONParser.parse(bytes, maxDepth: 16).value, let probe = try? HDF5Probe(json: json, file: "fuzz.h5") else { return }
        var model = Model(path: "fuzz.h5", format: .hdf5, sources: [])
        let config = probe.attribute("model_config")?.first.flatMap { try? JSONParser.parse(Array($0.utf8), maxDepth: 512).value }
        try? HDF5Loader.describe(probe, into: &model, fileBytes: UInt64(bytes.count), base: 0, container: nil, member: nil, kerasConfig: config)
    }

    /// Walks `bytes` as a Keras config.json.
    public static func kerasConfig(_ bytes: UnsafeRawBufferPointer) {
        guard let json = try? JSONParser.parse(bytes, maxDepth: 512).value else { return }
        var model = Model(path: "fuzz.keras", format: .keras, sources: [])
        HDF5Loader.kerasFacts(KerasConfig(json), datasets: [], layerOf: [:], into: &model, at: { Location(file: "fuzz", path: $0) },
                              configAt: { Location(file: "fuzz", path: $0) })
    }
}
