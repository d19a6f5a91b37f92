import FrictionCore

/// How element codes sit in memory.
public enum CodeLayout: String, Sendable, Hashable, CaseIterable {
    /// Densely packed, least significant bits first: element i occupies bits `[i·b, (i+1)·b)` of the
    /// little-endian byte stream, and the last byte is zero-padded. This is ONNX's packing (int4,
    /// uint4 and float4e2m1 put the first element in the low nibble; int2/uint2 four per byte from
    /// bit 0; float6 four elements per three bytes), ModelOpt's and compressed-tensors' NVFP4/MXFP4
    /// packing (`q[1::2] << 4 | q[0::2]`) and safetensors' F4.
    case dense
    /// One element per byte, in the low bits: ml_dtypes' in-memory layout for the sub-byte types.
    /// For 8-bit formats this is the same as `.dense`; 16-bit formats are always two bytes, little
    /// endian.
    case onePerByte
}

/// Why a bulk conversion could not run. Nothing is written when one is thrown.
public enum NumericsError: Error, Sendable, Hashable {
    /// The element count is negative or its byte size overflows `Int`.
    case invalidCount(Int)
    /// The source holds fewer bytes (or elements) than the count needs.
    case sourceTooShort(needed: Int, available: Int)
    /// The destination holds fewer bytes (or elements) than the count needs.
    case destinationTooShort(needed: Int, available: Int)
}

extension ScalarFormat {
    /// Bytes that `count` elements occupy in `layout`, or nil if `count` is negative or the size
    /// overflows.
    ///
    /// - Parameters:
    ///   - count: The number of elements.
    ///   - layout: The packing.
    /// - Returns: `⌈count·bits/8⌉` for `.dense`, `count·⌈bits/8⌉` for `.onePerByte`.
    public func byteCount(elements count: Int, layout: CodeLayout = .dense) -> Int? {
        guard count >= 0 else { return nil }
        let unit = layout == .onePerByte || bits >= 8 ? (bits + 7) / 8 * 8 : bits
        let (total, overflow) = count.multipliedReportingOverflow(by: unit)
        return overflow ? nil : (total + 7) / 8
    }

    /// Decodes `count` packed codes into `destination`, through the lookup tables.
    ///
    /// bfloat16 widens eight elements at a time with SIMD; 8-bit formats read one table entry per
    /// byte; dense 4-bit and 2-bit formats read two or four values per byte.
    ///
    /// - Parameters:
    ///   - source: The packed codes.
    ///   - count: The number of elements.
    ///   - layout: The packing of `source`.
    ///   - destination: Receives `count` values.
    /// - Throws: ``NumericsError`` if `count` is invalid or either buffer is too short.
    public func decode(
        _ source: UnsafeRawBufferPointer, count: Int, layout: CodeLayout = .dense,
        into destination: UnsafeMutableBufferPointer<Float>
    ) throws {
        guard let needed = byteCount(elements: count, layout: layout) else { throw NumericsError.invalidCount(count) }
        guard source.count >= needed else { throw NumericsError.sourceTooShort(needed: needed, available: source.count) }
        guard destination.count >= count else {
            throw NumericsError.destinationTooShort(needed: count, available: destination.count)
        }
        guard count > 0 else { return }
        let perByte = layout == .dense && bits < 8 ? 8 / bits : 1
        if bits == 16 {
            decodeWide(source, count: count, into: destination)
        } else if perByte > 1, let table = packedTable {
            table.withUnsafeBufferPointer { table in
                for byte in 0..<(count + perByte - 1) / perByte {
                    let entry = Int(source[byte]) * perByte, first = byte * perByte
                    for slot in 0..<min(perByte, count - first) { destination[first + slot] = table[entry + slot] }
                }
            }
        } else if let table = decodeTable {
            table.withUnsafeBufferPointer { table in
                if bits == 8 || layout == .onePerByte {
                    // The table has 256 entries, so every byte indexes it (upper bits ignored).
                    for index in 0..<count { destination[index] = table[Int(source[index])] }
                } else {
                    for index in 0..<count { destination[index] = table[Int(readCode(source, index: index, layout: layout))] }
                }
            }
        }
    }

    /// Decodes `count` packed codes into a new array.
    ///
    /// - Parameters:
    ///   - source: The packed codes.
    ///   - count: The number of elements.
    ///   - layout: The packing of `source`.
    /// - Returns: The values.
    /// - Throws: ``NumericsError`` if `count` is invalid or `source` is too short.
    public func decode(_ source: UnsafeRawBufferPointer, count: Int, layout: CodeLayout = .dense) throws -> [Float] {
        // Validate before allocating, so a hostile count cannot ask for a huge array.
        guard let needed = byteCount(elements: count, layout: layout) else { throw NumericsError.invalidCount(count) }
        guard source.count >= needed else { throw NumericsError.sourceTooShort(needed: needed, available: source.count) }
        var values = [Float](repeating: 0, count: count)
        try values.withUnsafeMutableBufferPointer { try decode(source, count: count, layout: layout, into: $0) }
        return values
    }

    /// Encodes floats (round to nearest even) into packed codes in `destination`, zeroing padding bits.
    ///
    /// - Parameters:
    ///   - source: The values.
    ///   - overflow: What to do with values the format cannot represent.
    ///   - layout: The packing to write.
    ///   - destination: Receives ``byteCount(elements:layout:)`` bytes.
    /// - Throws: ``NumericsError/destinationTooShort(needed:available:)``.
    public func encode(
        _ source: UnsafeBufferPointer<Float>, overflow: OverflowMode = .mlDtypes, layout: CodeLayout = .dense,
        into destination: UnsafeMutableRawBufferPointer
    ) throws {
        guard let needed = byteCount(elements: source.count, layout: layout) else {
            throw NumericsError.invalidCount(source.count)
        }
        guard destination.count >= needed else {
            throw NumericsError.destinationTooShort(needed: needed, available: destination.count)
        }
        writeCodes(count: source.count, layout: layout, into: destination) { encode(source[$0], overflow: overflow) }
    }

    /// Encodes floats (round to nearest even) into a new packed byte array.
    ///
    /// - Parameters:
    ///   - source: The values.
    ///   - overflow: What to do with values the format cannot represent.
    ///   - layout: The packing to write.
    /// - Returns: ``byteCount(elements:layout:)`` bytes.
    public func encode(
        _ source: UnsafeBufferPointer<Float>, overflow: OverflowMode = .mlDtypes, layout: CodeLayout = .dense
    ) -> [UInt8] {
        packCodes(count: source.count, layout: layout) { encode(source[$0], overflow: overflow) }
    }

    /// Unpacks `count` codes, one per array element.
    ///
    /// - Parameters:
    ///   - source: The packed codes.
    ///   - count: The number of elements.
    ///   - layout: The packing of `source`.
    /// - Returns: The codes, each in its low ``bits`` bits.
    /// - Throws: ``NumericsError`` if `count` is invalid or `source` is too short.
    public func unpackCodes(_ source: UnsafeRawBufferPointer, count: Int, layout: CodeLayout = .dense) throws -> [UInt32] {
        guard let needed = byteCount(elements: count, layout: layout) else { throw NumericsError.invalidCount(count) }
        guard source.count >= needed else { throw NumericsError.sourceTooShort(needed: needed, available: source.count) }
        return (0..<count).map { readCode(source, index: $0, layout: layout) }
    }

    /// Packs codes (each in its low ``bits`` bits; higher bits are dropped) into bytes.
    ///
    /// - Parameters:
    ///   - codes: The codes.
    ///   - layout: The packing to write.
    /// - Returns: ``byteCount(elements:layout:)`` bytes.
    public func packCodes(_ codes: [UInt32], layout: CodeLayout = .dense) -> [UInt8] {
        packCodes(count: codes.count, layout: layout) { codes[$0] }
    }

    func packCodes(count: Int, layout: CodeLayout, code: (Int) -> UInt32) -> [UInt8] {
        let size = byteCount(elements: count, layout: layout) ?? 0
        var bytes = [UInt8](repeating: 0, count: size)
        bytes.withUnsafeMutableBytes { writeCodes(count: count, layout: layout, into: $0, code: code) }
        return bytes
    }

    /// Writes `count` codes; the caller has checked that `destination` is large enough.
    func writeCodes(
        count: Int, layout: CodeLayout, into destination: UnsafeMutableRawBufferPointer, code: (Int) -> UInt32
    ) {
        let dense = layout == .dense && bits < 8
        if dense, let size = byteCount(elements: count, layout: layout) {
            for index in 0..<size { destination[index] = 0 }
        }
        for index in 0..<count {
            let value = code(index) & codeMask
            if bits == 16 {
                destination[2 * index] = UInt8(truncatingIfNeeded: value)
                destination[2 * index + 1] = UInt8(truncatingIfNeeded: value >> 8)
            } else if !dense {
                destination[index] = UInt8(truncatingIfNeeded: value)
            } else {
                let bit = index * bits
                destination[bit >> 3] |= UInt8(truncatingIfNeeded: value << UInt32(bit & 7))
                if bit & 7 + bits > 8 { destination[(bit >> 3) + 1] |= UInt8(truncatingIfNeeded: value >> UInt32(8 - bit & 7)) }
            }
        }
    }

    /// The code of element `index`; the caller has checked that `source` is large enough.
    func readCode(_ source: UnsafeRawBufferPointer, index: Int, layout: CodeLayout) -> UInt32 {
        if bits == 16 { return UInt32(source[2 * index]) | UInt32(source[2 * index + 1]) << 8 }
        guard layout == .dense, bits < 8 else { return UInt32(source[index]) & codeMask }
        let bit = index * bits
        var word = UInt32(source[bit >> 3]) >> UInt32(bit & 7)
        if bit & 7 + bits > 8 { word |= UInt32(source[(bit >> 3) + 1]) << UInt32(8 - bit & 7) }
        return word & codeMask
    }

    /// 16-bit formats: bfloat16 by shifting (eight at a time), float16 by its field layout.
    private func decodeWide(_ source: UnsafeRawBufferPointer, count: Int, into destination: UnsafeMutableBufferPointer<Float>) {
        var index = 0
        if dtype == .bfloat16 {
            #if _endian(little)
            if let from = source.baseAddress, let to = destination.baseAddress {
                let target = UnsafeMutableRawPointer(to)
                while index + 8 <= count {
                    let halves = from.loadUnaligned(fromByteOffset: 2 * index, as: SIMD8<UInt16>.self)
                    let widened = SIMD8<UInt32>(truncatingIfNeeded: halves) &<< 16
                    target.storeBytes(of: widened, toByteOffset: 4 * index, as: SIMD8<UInt32>.self)
                    index += 8
                }
            }
            #endif
            while index < count {
                destination[index] = Float(bitPattern: readCode(source, index: index, layout: .dense) << 16)
                index += 1
            }
            return
        }
        while index < count {
            destination[index] = decode(readCode(source, index: index, layout: .dense))
            index += 1
        }
    }
}
