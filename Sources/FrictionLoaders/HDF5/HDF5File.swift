import CHDF5
import FrictionCore

/// An HDF5 file opened read-only through libhdf5, every handle owned and closed. The library's
/// own error printing is switched off; failures become ``LoadError``s naming the object path
/// and the library's innermost message. External links, external storage and virtual datasets
/// are listed, never followed.
final class HDF5File {
    let id: hid_t
    let name: String
    /// An image this file owns (an inflated member), freed after the handle is closed.
    private let owned: UnsafeMutableRawBufferPointer?

    /// What the walk finds.
    struct Dataset {
        var path: String
        var dtype: DType?
        var typeDescription: String
        var dims: [UInt64]
        var layout: String
        var offset: UInt64?
        var storageBytes: UInt64
        var filters: [String]
        /// Filter ids outside HDF5's built-in set (deflate, shuffle, fletcher32, szip, nbit,
        /// scaleoffset): reading them would load a dynamic filter plugin.
        var pluginFilters: [Int32]
        var externalFiles: Int
        /// Bits per element of the stored type.
        var elementBits: Int
        /// The dataset's `dtype` string attribute, when its type is opaque (Keras 3's bfloat16 / float8).
        var tag: String? = nil
        /// The `name` attribute of the parent group when that group is a Keras 3 `vars` group.
        var owner: String? = nil
    }

    /// An object that is listed but cannot be opened.
    struct Unreadable {
        var path: String
        var message: String
    }

    struct Link {
        var path: String
        var kind: String   // soft, external, user-defined
        var target: String
    }

    /// Switches off the library's error printing and its dynamic filter-plugin loading (a file
    /// must never make friction load native code), once per process.
    static let silence: Void = {
        _ = friction_silence()
        _ = H5PLset_loading_state(0)
    }()

    private init(id: hid_t, name: String, owned: UnsafeMutableRawBufferPointer?) {
        self.id = id
        self.name = name
        self.owned = owned
    }

    deinit {
        H5Fclose(id)
        owned?.deallocate()
    }

    /// The innermost message on the HDF5 error stack.
    static func lastError() -> String {
        final class Box { var message = "" }
        let box = Box()
        let ctx = Unmanaged.passRetained(box).toOpaque()
        defer { Unmanaged<Box>.fromOpaque(ctx).release() }
        H5Ewalk2(friction_h5e_default(), H5E_WALK_UPWARD, { _, err, data in
            guard let err, let data, let desc = err.pointee.desc else { return 0 }
            let b = Unmanaged<Box>.fromOpaque(data).takeUnretainedValue()
            if b.message.isEmpty { b.message = String(cString: desc) }
            return 0
        }, ctx)
        H5Eclear2(friction_h5e_default())
        return box.message.isEmpty ? "HDF5 error" : box.message
    }

    static func open(path: String, display: String) throws(LoadError) -> HDF5File {
        _ = silence
        let fapl = friction_h5p_file_access()
        defer { H5Pclose(fapl) }
        H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG)
        let id = H5Fopen(path, friction_acc_rdonly(), fapl)
        guard id >= 0 else { throw LoadError("hdf5-open", "not a readable HDF5 file: \(lastError())", file: display) }
        return HDF5File(id: id, name: display, owned: nil)
    }

    /// Opens a file image in memory (a `.keras` archive's `model.weights.h5`) without copying it:
    /// the core driver reads `bytes` in place. A mapped member must outlive the returned file (it
    /// does: files never leave the loader).
    static func open(image bytes: UnsafeRawBufferPointer, owned: UnsafeMutableRawBufferPointer? = nil, display: String) throws(LoadError) -> HDF5File {
        _ = silence
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw LoadError("hdf5-open", "empty HDF5 image", file: display) }
        let fapl = friction_image_fapl(UnsafeMutableRawPointer(mutating: base), bytes.count)
        guard fapl >= 0 else { throw LoadError("hdf5-open", "cannot use the HDF5 image: \(lastError())", file: display) }
        defer { H5Pclose(fapl) }
        let id = H5Fopen("friction-image.h5", friction_acc_rdonly(), fapl)
        guard id >= 0 else { throw LoadError("hdf5-open", "not a readable HDF5 file: \(lastError())", file: display) }
        return HDF5File(id: id, name: display, owned: owned)
    }

    /// Opens an image held in an array (an inflated member): one copy the file owns.
    static func open(copying data: [UInt8], display: String) throws(LoadError) -> HDF5File {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 16)
        data.withUnsafeBytes { buffer.copyMemory(from: $0) }
        do {
            return try open(image: UnsafeRawBufferPointer(rebasing: buffer[0..<data.count]), owned: buffer, display: display)
        } catch {
            buffer.deallocate()
            throw error
        }
    }

    // MARK: - Walking

    /// Every dataset and non-hard link under `/`, depth-first in name order (at most `limit`
    /// objects), and the objects that are listed but cannot be opened.
    func walk(limit: Int = 200_000) throws(LoadError) -> (datasets: [Dataset], links: [Link], unreadable: [Unreadable]) {
        var datasets: [Dataset] = []
        var links: [Link] = []
        var unreadable: [Unreadable] = []
        var visited = Set<UInt64>()
        var count = 0
        func children(_ group: hid_t, _ path: String) throws(LoadError) -> [(String, H5L_type_t, UInt64)] {
            final class Box { var items: [(String, H5L_type_t, UInt64)] = [] }
            let box = Box()
            let ctx = Unmanaged.passRetained(box).toOpaque()
            defer { Unmanaged<Box>.fromOpaque(ctx).release() }
            var idx: hsize_t = 0
            let status = H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &idx, { _, name, info, data in
                guard let name, let info, let data else { return 0 }
                let b = Unmanaged<Box>.fromOpaque(data).takeUnretainedValue()
                b.items.append((String(cString: name), info.pointee.type, UInt64(info.pointee.u.address)))
                return b.items.count > 1_000_000 ? 1 : 0
            }, ctx)
            if status < 0 { throw LoadError("hdf5-group", "cannot list the group's links: \(Self.lastError())", file: name, path: path) }
            return box.items
        }
        func visit(_ group: hid_t, _ path: String, depth: Int) throws(LoadError) {
            guard depth < 64 else { throw LoadError("hdf5-depth", "groups nest deeper than 64 levels", file: name, path: path) }
            for (child, type, address) in try children(group, path) {
                count += 1
                guard count <= limit else { throw LoadError("hdf5-limit", "more than \(limit) objects", file: name, path: path) }
                let full = path == "/" ? "/" + child : path + "/" + child
                switch type {
                case H5L_TYPE_HARD:
                    guard visited.insert(address).inserted else { continue }
                    let obj = H5Oopen(group, child, friction_h5p_default())
                    guard obj >= 0 else {
                        unreadable.append(Unreadable(path: full, message: Self.lastError()))
                        continue
                    }
                    defer { H5Oclose(obj) }
                    switch H5Iget_type(obj) {
                    case H5I_GROUP: try visit(obj, full, depth: depth + 1)
                    case H5I_DATASET: datasets.append(dataset(obj, path: full))
                    default: break
                    }
                case H5L_TYPE_SOFT, H5L_TYPE_EXTERNAL:
                    links.append(Link(path: full, kind: type == H5L_TYPE_SOFT ? "soft" : "external", target: linkTarget(group, child, type)))
                default:
                    links.append(Link(path: full, kind: "user-defined", target: ""))
                }
            }
        }
        let root = H5Gopen2(id, "/", friction_h5p_default())
        guard root >= 0 else { throw LoadError("hdf5-open", "no root group: \(Self.lastError())", file: name) }
        defer { H5Gclose(root) }
        try visit(root, "/", depth: 0)
        return (datasets, links, unreadable)
    }

    /// A soft link's path, or an external link's `file:/path` (read, never followed).
    func linkTarget(_ group: hid_t, _ name: String, _ type: H5L_type_t) -> String {
        var info = H5L_info_t()
        guard H5Lget_info(group, name, &info, friction_h5p_default()) >= 0 else { H5Eclear2(friction_h5e_default()); return "?" }
        let size = min(Int(info.u.val_size), 1 << 16)
        guard size > 0 else { return "" }
        var buffer = [UInt8](repeating: 0, count: size)
        guard H5Lget_val(group, name, &buffer, size, friction_h5p_default()) >= 0 else { H5Eclear2(friction_h5e_default()); return "?" }
        if type == H5L_TYPE_SOFT { return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self) }
        // External: flags byte, then file name and object path, NUL-separated.
        let parts = buffer.dropFirst().split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        return parts.count >= 2 ? parts[0] + ":" + parts[1] : parts.first ?? "?"
    }

    func dataset(_ obj: hid_t, path: String) -> Dataset {
        let type = H5Dget_type(obj)
        defer { H5Tclose(type) }
        let (dtype, description) = Self.describe(type)
        let space = H5Dget_space(obj)
        defer { H5Sclose(space) }
        let rank = max(0, Int(H5Sget_simple_extent_ndims(space)))
        var dims = [hsize_t](repeating: 0, count: min(rank, 32))
        if rank > 0, rank <= 32 { H5Sget_simple_extent_dims(space, &dims, nil) }
        let plist = H5Dget_create_plist(obj)
        defer { H5Pclose(plist) }
        let layout: String
        switch H5Pget_layout(plist) {
        case H5D_CONTIGUOUS: layout = "contiguous"
        case H5D_CHUNKED: layout = "chunked"
        case H5D_COMPACT: layout = "compact"
        case H5D_VIRTUAL: layout = "virtual"
        default: layout = "unknown"
        }
        var filters: [String] = []
        var plugins: [Int32] = []
        let n = H5Pget_nfilters(plist)
        for i in 0..<max(min(n, 32), 0) {
            var flags: UInt32 = 0, cdN = 0
            var name = [CChar](repeating: 0, count: 64)
            let f = H5Pget_filter2(plist, UInt32(i), &flags, &cdN, nil, 64, &name, nil)
            if let builtin = Self.builtinFilters[f] { filters.append(builtin) } else {
                plugins.append(f)
                filters.append("filter \(f)")
            }
        }
        let external = Int(H5Pget_external_count(plist))
        let offset = H5Dget_offset(obj)
        H5Eclear2(friction_h5e_default())
        return Dataset(path: path, dtype: dtype, typeDescription: description, dims: dims.map { UInt64($0) }, layout: layout,
                       offset: offset == friction_haddr_undef() ? nil : UInt64(offset), storageBytes: UInt64(H5Dget_storage_size(obj)),
                       filters: filters, pluginFilters: plugins, externalFiles: max(external, 0), elementBits: H5Tget_size(type) * 8)
    }

    /// HDF5's built-in filters by id (H5Zpublic.h); any other id names a plugin.
    static let builtinFilters: [H5Z_filter_t: String] = [1: "deflate", 2: "shuffle", 3: "fletcher32", 4: "szip", 5: "nbit", 6: "scaleoffset"]

    /// The DType of an HDF5 type (IEEE floats incl. 16-bit half and bfloat16 layouts, integers,
    /// bool enums), and a description for the others.
    static func describe(_ type: hid_t) -> (DType?, String) {
        let size = H5Tget_size(type)
        switch H5Tget_class(type) {
        case H5T_FLOAT:
            var spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0
            H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize)
            switch (size, esize, msize) {
            case (8, 11, 52): return (.float64, "float64")
            case (4, 8, 23): return (.float32, "float32")
            case (2, 5, 10): return (.float16, "float16")
            case (2, 8, 7): return (.bfloat16, "bfloat16")
            default: return (nil, "float\(size * 8) (e\(esize) m\(msize))")
            }
        case H5T_INTEGER:
            let signed = H5Tget_sign(type) == H5T_SGN_2
            let table: [Int: DType] = signed ? [1: .int8, 2: .int16, 4: .int32, 8: .int64] : [1: .uint8, 2: .uint16, 4: .uint32, 8: .uint64]
            return (table[size], "\(signed ? "int" : "uint")\(size * 8)")
        case H5T_ENUM:
            return (size == 1 ? .bool : nil, "enum\(size * 8)")   // h5py stores numpy bool as an int8 enum
        case H5T_STRING: return (nil, "string")
        case H5T_COMPOUND: return (nil, "compound")
        case H5T_OPAQUE: return (nil, "opaque\(size * 8)")
        default: return (nil, "class \(H5Tget_class(type).rawValue)")
        }
    }

    // MARK: - Reading

    /// The little-endian bytes of a whole dataset, read through HDF5 (chunked, filtered and
    /// compact layouts). `byteCount` is what the listing computed; a plugin filter is refused.
    func read(dataset path: String, byteCount: UInt64) throws(LoadError) -> [UInt8] {
        let obj = H5Dopen2(id, path, friction_h5p_default())
        guard obj >= 0 else { throw LoadError("hdf5-read", "cannot open dataset: \(Self.lastError())", file: name, path: path) }
        defer { H5Dclose(obj) }
        let d = dataset(obj, path: path)
        guard d.pluginFilters.isEmpty else {
            throw LoadError("hdf5-read", "dataset uses filter \(d.pluginFilters.map(String.init).joined(separator: ", ")), which needs a plugin; not read", file: name, path: path)
        }
        guard byteCount <= UInt64(Int.max), d.elementBits > 0 else { throw LoadError("hdf5-read", "dataset too large to read", file: name, path: path) }
        let fileType = H5Dget_type(obj)
        defer { H5Tclose(fileType) }
        let memType = H5Tcopy(fileType)
        defer { H5Tclose(memType) }
        let cls = H5Tget_class(fileType)
        if cls == H5T_INTEGER || cls == H5T_FLOAT { H5Tset_order(memType, H5T_ORDER_LE) }
        var out = [UInt8](repeating: 0, count: Int(byteCount))
        let status = out.withUnsafeMutableBytes { H5Dread(obj, memType, friction_h5s_all(), friction_h5s_all(), friction_h5p_default(), $0.baseAddress) }
        guard status >= 0 else { throw LoadError("hdf5-read", "cannot read dataset: \(Self.lastError())", file: name, path: path) }
        return out
    }

    // MARK: - Attributes

    /// A string attribute (fixed or variable length, scalar or 1-D array) of the object at `path`.
    func strings(_ attribute: String, at path: String = "/") -> [String]? {
        guard H5Aexists_by_name(id, path, attribute, friction_h5p_default()) > 0 else { H5Eclear2(friction_h5e_default()); return nil }
        let attr = H5Aopen_by_name(id, path, attribute, friction_h5p_default(), friction_h5p_default())
        guard attr >= 0 else { H5Eclear2(friction_h5e_default()); return nil }
        defer { H5Aclose(attr) }
        let type = H5Aget_type(attr)
        defer { H5Tclose(type) }
        guard H5Tget_class(type) == H5T_STRING else { return nil }
        let space = H5Aget_space(attr)
        defer { H5Sclose(space) }
        let count = max(1, Int(H5Sget_simple_extent_npoints(space)))
        guard count < 1_000_000 else { return nil }
        if H5Tis_variable_str(type) > 0 {
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            let memType = H5Tcopy(friction_c_s1())
            defer { H5Tclose(memType) }
            H5Tset_size(memType, Int(bitPattern: UInt(bitPattern: -1)))   // H5T_VARIABLE
            H5Tset_cset(memType, H5Tget_cset(type))
            guard H5Aread(attr, memType, &pointers) >= 0 else { H5Eclear2(friction_h5e_default()); return nil }
            let out = pointers.map { $0.map { String(cString: $0) } ?? "" }
            for p in pointers { if let p { H5free_memory(p) } }
            return out
        }
        let size = H5Tget_size(type)
        guard size > 0, size < 1 << 26, count * size < 1 << 28 else { return nil }
        var buffer = [UInt8](repeating: 0, count: count * size)
        guard H5Aread(attr, type, &buffer) >= 0 else { H5Eclear2(friction_h5e_default()); return nil }
        return (0..<count).map { i in String(decoding: buffer[(i * size)..<((i + 1) * size)].prefix { $0 != 0 }, as: UTF8.self) }
    }
}
