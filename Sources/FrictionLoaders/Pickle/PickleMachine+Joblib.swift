import FrictionCore

extension PickleMachine {
    /// The wrapper `joblib.dump` pickles in place of each NumPy array; the array's bytes follow
    /// its BUILD opcode in the file, outside the pickle stream.
    static let joblibWrappers: Set<String> = [
        "joblib.numpy_pickle.NumpyArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
    ]
    /// Nested object-array pickles read through joblib wrappers, at most.
    static let maxJoblibNesting = 8

    /// After BUILD on a joblib `NumpyArrayWrapper`, moves past the array data as joblib's
    /// unpickler reads it (joblib 0.10+ `NumpyArrayWrapper.read_array`): a padding-length byte
    /// and its padding when the state has `numpy_array_alignment_bytes`, then `count × itemsize`
    /// raw bytes, or, for object dtypes, a nested pickle. The skipped range is recorded so its
    /// bytes can still be scanned as a plain `pickle.load` would read them.
    mutating func skipJoblibArray(target: Int, state: Int) throws(Stop) {
        guard let cls = constructedClass(target), Self.joblibWrappers.contains(cls) else { return }
        let attributes = stringKeyed(state)
        guard let shapeNode = attributes["shape"], let dtypeNode = attributes["dtype"], let dtype = numpyDType(dtypeNode) else {
            throw stop("pickle-value", "joblib NumpyArrayWrapper state lacks a readable shape or dtype")
        }
        var count: UInt64 = 1
        for dim in result.nodes[shapeNode].items {
            guard case .int(let n) = result.nodes[dim].kind, n >= 0 else { throw stop("pickle-value", "joblib array shape is not non-negative integers") }
            let (product, overflow) = count.multipliedReportingOverflow(by: UInt64(n))
            guard !overflow else { throw stop("pickle-value", "joblib array shape overflows") }
            count = product
        }
        let start = cursor.position
        if dtype.hasObject {
            guard depth < Self.maxJoblibNesting else { throw stop("pickle-limit", "joblib object arrays nested deeper than \(Self.maxJoblibNesting)") }
            let nested = PickleMachine.run(bytes, start: start, limits: limits, depth: depth + 1)
            if let problem = nested.problem { throw Stop(problem: problem) }
            result.embedded.append((start..<nested.end, true))
            guard cursor.seek(to: nested.end) else { throw truncated() }
            return
        }
        if let alignment = attributes["numpy_array_alignment_bytes"], result.nodes[alignment].kind != .none {
            guard let padding = cursor.u8(), cursor.skip(UInt64(padding)) else { throw stop("pickle-truncated", "joblib array padding runs past the end") }
        }
        let (size, overflow) = count.multipliedReportingOverflow(by: dtype.itemsize)
        guard !overflow, cursor.skip(size) else {
            throw stop("pickle-truncated", "joblib array of \(count) × \(dtype.itemsize) bytes runs past the end of the file")
        }
        result.embedded.append((start..<cursor.position, false))
    }

    /// `module.name` of the class a NEWOBJ / REDUCE node constructs.
    func constructedClass(_ node: Int) -> String? {
        let callable: Int
        switch result.nodes[node].kind {
        case .newObject(let cls, _, _): callable = cls
        case .call(let fn, _): callable = fn
        default: return nil
        }
        if case .global(let m, let n) = result.nodes[callable].kind { return m + "." + n }
        return nil
    }

    /// A dict node's string-keyed entries.
    func stringKeyed(_ node: Int) -> [String: Int] {
        var out: [String: Int] = [:]
        for (k, v) in zip(result.nodes[node].keys, result.nodes[node].values) {
            if case .string(let key) = result.nodes[k].kind { out[key] = v }
        }
        return out
    }

    /// Item size and object flag of a pickled `numpy.dtype(typestr, False, True)` with its
    /// BUILD state `(version, byteorder, subarray, names, fields, elsize, alignment, flags)`.
    func numpyDType(_ node: Int) -> (itemsize: UInt64, hasObject: Bool)? {
        guard case .call(_, let args) = result.nodes[node].kind, let first = result.nodes[args].items.first,
              case .string(let typestr) = result.nodes[first].kind else { return nil }
        var elsize: Int64 = -1
        var flags: Int64 = 0
        if let state = result.nodes[node].states.last {
            let items = result.nodes[state].items
            if items.count > 5, case .int(let e) = result.nodes[items[5]].kind { elsize = e }
            if items.count > 7, case .int(let f) = result.nodes[items[7]].kind { flags = f }
        }
        let hasObject = flags & 1 != 0 || typestr.hasPrefix("O")
        if elsize > 0 { return (UInt64(elsize), hasObject) }
        guard let digits = UInt64(typestr.drop { !$0.isNumber }.prefix { $0.isNumber }), digits > 0 else { return hasObject ? (8, true) : nil }
        return (digits, hasObject)
    }
}
