/// Taking one index along an axis, and stacking tensors along a new axis, for any dtype (moved
/// as bytes, strings as strings): what Loop and Scan need for their scan inputs and outputs.
extension Tensor {
    /// The sub-tensor at `index` along `axis` (that axis removed).
    public func slice(axis: Int, index: Int) -> Tensor {
        let outer = shape[..<axis].reduce(1, *), dim = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        var newShape = shape
        newShape.remove(at: axis)
        var out = Tensor(zeros: type, newShape)
        let size = elementSize
        if type == .string {
            for o in 0..<outer { for i in 0..<inner { out.strings[o * inner + i] = strings[(o * dim + index) * inner + i] } }
            return out
        }
        for o in 0..<outer {
            (out.buffer.base + o * inner * size).copyMemory(from: buffer.base + ((o * dim + index) * inner) * size, byteCount: inner * size)
        }
        return out
    }

    /// `parts` (all of one shape and dtype) stacked along a new `axis`.
    public static func stack(_ parts: [Tensor], axis: Int) -> Tensor? {
        guard let first = parts.first, parts.allSatisfy({ $0.shape == first.shape && $0.type == first.type }) else { return nil }
        var shape = first.shape
        shape.insert(parts.count, at: axis)
        var out = Tensor(zeros: first.type, shape)
        let outer = first.shape[..<axis].reduce(1, *), inner = first.shape[axis...].reduce(1, *), size = first.elementSize
        for (k, p) in parts.enumerated() {
            for o in 0..<outer {
                if first.type == .string {
                    for i in 0..<inner { out.strings[(o * parts.count + k) * inner + i] = p.strings[o * inner + i] }
                } else {
                    (out.buffer.base + ((o * parts.count + k) * inner) * size).copyMemory(from: p.buffer.base + o * inner * size, byteCount: inner * size)
                }
            }
        }
        return out
    }

    /// An owned copy (for values a loop keeps while later iterations overwrite).
    public func copy() -> Tensor {
        let out = Tensor(zeros: type, shape)
        out.buffer.base.copyMemory(from: buffer.base, byteCount: count * elementSize)
        return Tensor(type: type, shape: shape, buffer: out.buffer, strings: strings)
    }
}
