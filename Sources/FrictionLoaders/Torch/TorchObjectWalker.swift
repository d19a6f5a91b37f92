import FrictionCore

/// A storage a torch pickle refers to by persistent id:
/// `('storage', storage_type, key, location, numel[, view_metadata])`.
struct TorchStorageRef: Hashable {
    var key: String
    var element: TorchTypes.Element
    /// Elements of `element` (bytes for `UntypedStorage`).
    var numel: UInt64
    var location: String
    /// Legacy storage views: (view key, element offset in the root storage, view elements).
    var view: (key: String, offset: UInt64, size: UInt64)?

    static func == (a: TorchStorageRef, b: TorchStorageRef) -> Bool {
        (a.key, a.element, a.numel, a.location) == (b.key, b.element, b.numel, b.location)
            && a.view?.key == b.view?.key && a.view?.offset == b.view?.offset && a.view?.size == b.view?.size
    }

    func hash(into h: inout Hasher) { h.combine(key); h.combine(numel) }

    var byteCount: UInt64? {
        let (n, o) = numel.multipliedReportingOverflow(by: element.size)
        return o ? nil : n
    }
}

/// One tensor a torch pickle rebuilds, as `torch.load` would: storage, dtype, offset, sizes, strides.
struct TorchTensorRef {
    var name: String
    var storage: TorchStorageRef
    var element: TorchTypes.Element
    var storageOffset: UInt64
    var sizes: [UInt64]
    var strides: [Int64]
    var requiresGrad = false
    var isParameter = false
    /// Offset in the pickle of the REDUCE that rebuilds it.
    var offset: Int
}

/// Walks the value tree of a torch pickle (`data.pkl`, a legacy checkpoint's main pickle) and
/// lists the tensors it rebuilds, named by their path: dict keys, list indices and object
/// attributes joined by `.`. Nothing is called; the rebuild functions are recognised by name
/// (`torch._utils._rebuild_tensor_v2` and friends) and their arguments read from the tree.
struct TorchObjectWalker {
    let nodes: [PickleNode]
    let bytes: UnsafeRawBufferPointer
    var tensors: [TorchTensorRef] = []
    /// Rebuilds that could not be read, and other problems, with the pickle offset.
    var problems: [(code: String, message: String, offset: Int)] = []
    var visits = 0
    var onPath = Set<Int>()
    /// Bound on nodes visited: shared sub-trees are walked once per path, so a crafted DAG
    /// could otherwise cost exponential time.
    static let maxVisits = 4_000_000

    init(_ result: PickleResult, _ bytes: UnsafeRawBufferPointer) {
        nodes = result.nodes
        self.bytes = bytes
    }

    static let rebuildFunctions: Set<String> = [
        "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3",
        "torch._utils._rebuild_qtensor", "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
        "torch._tensor._rebuild_from_type_v2",
    ]
    /// Rebuilds of tensors that have no plain storage in the file (listed as problems).
    static let storagelessRebuilds: Set<String> = [
        "torch._utils._rebuild_sparse_tensor", "torch._utils._rebuild_nested_tensor", "torch._utils._rebuild_meta_tensor_no_storage",
        "torch._utils._rebuild_wrapper_subclass", "torch._utils._rebuild_device_tensor_from_numpy",
        "torch._utils._rebuild_device_tensor_from_cpu_tensor", "torch._utils._rebuild_xla_tensor",
        "torch._utils._rebuild_mtia_tensor",
    ]

    // MARK: - Reading nodes

    func node(_ i: Int) -> PickleNode? { nodes.indices.contains(i) ? nodes[i] : nil }

    func global(_ i: Int) -> String? {
        if case .global(let m, let n)? = node(i)?.kind { return m + "." + n }
        return nil
    }

    func items(_ i: Int) -> [Int]? {
        guard let n = node(i) else { return nil }
        switch n.kind {
        case .tuple, .list: return n.items
        default: return nil
        }
    }

    func int(_ i: Int) -> Int64? {
        switch node(i)?.kind {
        case .int(let v)?: v
        case .bool(let b)?: b ? 1 : 0
        default: nil
        }
    }

    func bool(_ i: Int) -> Bool? {
        switch node(i)?.kind {
        case .bool(let b)?: b
        case .int(let v)?: v != 0
        default: nil
        }
    }

    func string(_ i: Int) -> String? {
        switch node(i)?.kind {
        case .string(let s)?: return s
        case .bytes(let offset, let count, _)?:
            guard offset >= 0, count >= 0, offset <= bytes.count - count else { return nil }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]), as: UTF8.self)
        default: return nil
        }
    }

    /// A dict key as a name component.
    func keyName(_ i: Int) -> String {
        if let s = string(i) { return s }
        if let v = int(i) { return String(v) }
        if case .float(let d)? = node(i)?.kind { return String(d) }
        return "?"
    }

    // MARK: - Walking

    /// Lists the tensors under `root`.
    mutating func walk(root: Int) {
        walk(root, [])
        if visits > Self.maxVisits {
            problems.append(("torch-walk-limit", "the object tree has more than \(Self.maxVisits) paths; tensors after that were not listed", 0))
        }
    }

    mutating func walk(_ i: Int, _ path: [String]) {
        visits += 1
        guard visits <= Self.maxVisits, let n = node(i), !onPath.contains(i) else { return }
        if case .call(let callable, let args) = n.kind, let fn = global(callable) {
            if Self.rebuildFunctions.contains(fn) {
                if var t = tensor(fn, args, at: n.offset) {
                    t.name = path.joined(separator: ".")
                    tensors.append(t)
                }
                return
            }
            if Self.storagelessRebuilds.contains(fn) {
                problems.append(("torch-tensor-not-listed", "\(path.joined(separator: ".")): \(fn) rebuilds a tensor without a plain storage; not listed", n.offset))
                return
            }
        }
        onPath.insert(i)
        defer { onPath.remove(i) }
        for (k, item) in n.items.enumerated() { walk(item, path + [String(k)]) }
        for (key, value) in zip(n.keys, n.values) { walk(value, path + [keyName(key)]) }
        for state in n.states { walkState(state, path) }
    }

    /// BUILD state: a dict of attributes, or `(dict_state, slot_state)`.
    mutating func walkState(_ i: Int, _ path: [String]) {
        guard let n = node(i) else { return }
        if case .tuple = n.kind {
            for item in n.items { walkState(item, path) }
        } else {
            walk(i, path)
        }
    }

    // MARK: - Rebuild calls

    /// The tensor `fn(*args)` rebuilds, or nil (with a problem) when its arguments do not read.
    mutating func tensor(_ fn: String, _ argsNode: Int, at offset: Int) -> TorchTensorRef? {
        func bad(_ why: String) -> TorchTensorRef? {
            problems.append(("torch-bad-rebuild", "\(fn) at pickle byte \(offset): \(why)", offset))
            return nil
        }
        guard let args = items(argsNode) else { return bad("its arguments are not a tuple") }
        switch fn {
        case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
            guard args.count >= 2, case .call(let c, let a)? = node(args[0])?.kind, let inner = global(c),
                  Self.rebuildFunctions.contains(inner), var t = tensor(inner, a, at: node(args[0])?.offset ?? offset)
            else { return bad("the parameter's data is not a rebuilt tensor") }
            t.isParameter = true
            t.requiresGrad = bool(args[1]) ?? false
            return t
        case "torch._tensor._rebuild_from_type_v2":
            guard args.count >= 3, let inner = global(args[0]), Self.rebuildFunctions.contains(inner) else {
                return bad("the inner function is not a tensor rebuild")
            }
            return tensor(inner, args[2], at: offset)
        default:
            break
        }
        let needed = fn.hasSuffix("_v3") ? 7 : 4
        guard args.count >= needed else { return bad("\(args.count) arguments, expected at least \(needed)") }
        guard case .persistentID(let pid)? = node(args[0])?.kind else { return bad("the storage is not a persistent id") }
        guard let storage = storageRef(pid) else { return bad("the persistent id is not ('storage', type, key, location, numel)") }
        guard let offsetValue = int(args[1]), offsetValue >= 0 else { return bad("the storage offset is not a non-negative integer") }
        guard let sizeItems = items(args[2]), let strideItems = items(args[3]), sizeItems.count == strideItems.count else {
            return bad("sizes and strides are not tuples of the same length")
        }
        var sizes: [UInt64] = []
        var strides: [Int64] = []
        for (s, t) in zip(sizeItems, strideItems) {
            guard let size = int(s), size >= 0, let stride = int(t), stride >= 0 else {
                return bad("sizes and strides must be non-negative integers")
            }
            sizes.append(UInt64(size))
            strides.append(stride)
        }
        var element = storage.element
        if fn.hasSuffix("_v3") {
            guard let g = node(args[6]).flatMap({ n -> TorchTypes.Element? in
                if case .global(let m, let name) = n.kind { return TorchTypes.dtype(module: m, name: name) }
                return nil
            }) else { return bad("the dtype argument is not a torch dtype") }
            element = g
        }
        let requiresGrad = fn.hasSuffix("_v2") || fn.hasSuffix("_v3") ? (args.count > 4 ? bool(args[4]) ?? false : false)
            : fn.hasSuffix("_qtensor") ? (args.count > 5 ? bool(args[5]) ?? false : false) : false
        return TorchTensorRef(name: "", storage: storage, element: element, storageOffset: UInt64(offsetValue), sizes: sizes,
                              strides: strides, requiresGrad: requiresGrad, offset: offset)
    }

    /// Reads `('storage', storage_type, key, location, numel[, view_metadata])`.
    func storageRef(_ pid: Int) -> TorchStorageRef? {
        guard let p = items(pid), p.count >= 5, string(p[0]) == "storage",
              case .global(let module, let name)? = node(p[1])?.kind, let element = TorchTypes.storage(module: module, name: name),
              let numel = int(p[4]), numel >= 0
        else { return nil }
        let key = string(p[2]) ?? int(p[2]).map(String.init)
        guard let key else { return nil }
        var ref = TorchStorageRef(key: key, element: element, numel: UInt64(numel), location: string(p[3]) ?? "?")
        if p.count >= 6, let v = items(p[5]), v.count == 3, let viewKey = string(v[0]) ?? int(v[0]).map(String.init),
           let o = int(v[1]), o >= 0, let s = int(v[2]), s >= 0 {
            ref.view = (viewKey, UInt64(o), UInt64(s))
        }
        return ref
    }
}
