/// Bounds-checked sequential reads over a byte buffer. Every read returns nil instead of
/// reading past the end, and the position is left unchanged by a failed read.
public struct ByteCursor {
    public let bytes: UnsafeRawBufferPointer
    /// Offset of the next read, relative to the start of `bytes`.
    public private(set) var position: Int
    public var bigEndian: Bool

    public init(_ bytes: UnsafeRawBufferPointer, position: Int = 0, bigEndian: Bool = false) {
        self.bytes = bytes
        self.position = min(max(position, 0), bytes.count)
        self.bigEndian = bigEndian
    }

    /// Bytes left to read.
    public var remaining: Int { bytes.count - position }

    /// Whether `count` more bytes can be read.
    public func has(_ count: UInt64) -> Bool { count <= UInt64(remaining) }

    /// Moves to `offset`; false (and no move) if it is outside the buffer.
    public mutating func seek(to offset: Int) -> Bool {
        guard offset >= 0, offset <= bytes.count else { return false }
        position = offset
        return true
    }

    /// Skips `count` bytes; false (and no move) if fewer remain.
    public mutating func skip(_ count: UInt64) -> Bool {
        guard has(count) else { return false }
        position += Int(count)
        return true
    }

    /// The next `count` bytes as a slice of the buffer (no copy).
    public mutating func read(_ count: UInt64) -> UnsafeRawBufferPointer? {
        guard has(count) else { return nil }
        let start = position
        position += Int(count)
        return UnsafeRawBufferPointer(rebasing: bytes[start..<position])
    }

    private mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { return nil }
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + size)]))
        }
        position += size
        return bigEndian ? T(bigEndian: value) : T(littleEndian: value)
    }

    public mutating func u8() -> UInt8? { integer(UInt8.self) }
    public mutating func u16() -> UInt16? { integer(UInt16.self) }
    public mutating func u32() -> UInt32? { integer(UInt32.self) }
    public mutating func u64() -> UInt64? { integer(UInt64.self) }
    public mutating func i8() -> Int8? { integer(Int8.self) }
    public mutating func i16() -> Int16? { integer(Int16.self) }
    public mutating func i32() -> Int32? { integer(Int32.self) }
    public mutating func i64() -> Int64? { integer(Int64.self) }
    public mutating func f32() -> Float? { u32().map(Float.init(bitPattern:)) }
    public mutating func f64() -> Double? { u64().map(Double.init(bitPattern:)) }
}
