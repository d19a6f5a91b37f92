import FrictionCore

/// Turns the tensors a torch pickle rebuilds into ``TensorInfo`` with the byte ranges torch
/// reads: the storage's bytes in the file, the view's element offset and strides, and the
/// span of bytes the view can reach. Views that reach past their storage, and storages whose
/// bytes the file does not hold, are issues (torch refuses them), never traps.
struct TorchTensors {
    /// Where one storage's bytes are: a range of the file, or of a decoded member (`container`).
    struct StorageBytes {
        var range: Range<UInt64>
        var container: String?
    }

    var tensors: [TensorInfo] = []
    var issues: [LoadIssue] = []
    let file: String
    let byteOrder: ByteOrder

    /// Adds `refs`, resolving storages through `storages` (by key).
    mutating func add(_ refs: [TorchTensorRef], storages: [String: StorageBytes], pickleBase: UInt64, member: String?) {
        for ref in refs {
            let at = Location(file: file, offset: pickleBase + UInt64(ref.offset), path: ref.name)
            guard var bytes = storages[ref.storage.key] else {
                issues.append(LoadIssue(code: "torch-missing-storage",
                                        message: "\(ref.name): storage '\(ref.storage.key)' is not in the file", location: at))
                continue
            }
            guard let storageBytes = ref.storage.byteCount else {
                issues.append(LoadIssue(code: "torch-storage-size", message: "\(ref.name): storage numel \(ref.storage.numel) overflows", location: at))
                continue
            }
            if let view = ref.storage.view {
                // Legacy storage views: a window of the root storage.
                guard let start = checked(view.offset, ref.storage.element.size), let size = checked(view.size, ref.storage.element.size),
                      start <= storageBytes, size <= storageBytes - start
                else {
                    issues.append(LoadIssue(code: "torch-view-out-of-bounds",
                                            message: "\(ref.name): storage view [\(view.offset), +\(view.size)) lies outside its root storage of \(ref.storage.numel) elements",
                                            location: at))
                    continue
                }
                bytes.range = (bytes.range.lowerBound + start)..<(bytes.range.lowerBound + start + size)
            } else if bytes.range.count < storageBytes {
                issues.append(LoadIssue(code: "torch-storage-size",
                                        message: "\(ref.name): storage '\(ref.storage.key)' needs \(storageBytes) bytes (\(ref.storage.numel) × \(ref.storage.element.size)) but the file holds \(bytes.range.count)",
                                        location: at))
                continue
            } else {
                bytes.range = bytes.range.lowerBound..<(bytes.range.lowerBound + storageBytes)
            }
            guard let span = Self.span(ref) else {
                issues.append(LoadIssue(code: "torch-view-out-of-bounds", message: "\(ref.name): sizes \(ref.sizes) and strides \(ref.strides) overflow",
                                        location: at))
                continue
            }
            let available = UInt64(bytes.range.count)
            guard span.start <= available, span.count <= available - span.start else {
                issues.append(LoadIssue(code: "torch-view-out-of-bounds",
                                        message: "\(ref.name): sizes \(ref.sizes), strides \(ref.strides) and storage offset \(ref.storageOffset) need bytes [\(span.start), \(span.start &+ span.count)) of a \(available)-byte storage; torch.load refuses it",
                                        location: at))
                continue
            }
            let lower = bytes.range.lowerBound + span.start
            let view = TensorView(storageKey: ref.storage.key, storageRange: bytes.range, storageOffset: ref.storageOffset,
                                  strides: ref.strides, isParameter: ref.isParameter, requiresGrad: ref.requiresGrad)
            let order: ByteOrder = ref.element.size == 1 ? .notApplicable : byteOrder
            tensors.append(TensorInfo(name: ref.name, type: ref.element.type, storedType: "torch." + ref.element.name,
                                      shape: Shape(fixed: ref.sizes),
                                      storage: TensorStorage(file: file, range: lower..<(lower + span.count), container: bytes.container),
                                      byteOrder: order, view: view))
        }
    }

    private func checked(_ a: UInt64, _ b: UInt64) -> UInt64? {
        let (v, o) = a.multipliedReportingOverflow(by: b)
        return o ? nil : v
    }

    /// Byte offset (from the storage start) and length of the elements a view reaches.
    static func span(_ ref: TorchTensorRef) -> (start: UInt64, count: UInt64)? {
        let size = ref.element.size
        let (start, o1) = ref.storageOffset.multipliedReportingOverflow(by: size)
        guard !o1 else { return nil }
        guard Shape.checkedProduct(ref.sizes) != nil else { return nil }   // extent past Int64.max
        if ref.sizes.contains(0) { return (start, 0) }
        var last: UInt64 = 0
        for (n, stride) in zip(ref.sizes, ref.strides) {
            let (step, o2) = (n - 1).multipliedReportingOverflow(by: UInt64(stride))
            let (sum, o3) = last.addingReportingOverflow(step)
            guard !o2, !o3 else { return nil }
            last = sum
        }
        let (elements, o4) = last.addingReportingOverflow(1)
        let (count, o5) = elements.multipliedReportingOverflow(by: size)
        guard !o4, !o5 else { return nil }
        return (start, count)
    }
}
