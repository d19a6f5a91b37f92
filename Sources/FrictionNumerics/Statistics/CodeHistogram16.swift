/// The scan of a 16-bit format (bfloat16, float16) by counting raw codes: the inner loop is one
/// table increment per element (65,536 × UInt32, resident in L2), and every statistic — specials,
/// zeros, subnormals, min, max, sums, the magnitude histogram — is derived afterwards from the
/// counts, once per distinct code. Sums become count × value per code in Double, so they are
/// exact up to the final Double additions.
struct CodeHistogram16 {
    /// The float32 bit pattern of a code.
    let widen: @Sendable (UInt16) -> UInt32
    /// Group size and minimum zeros per group for N:M sparsity, if checked.
    let sparsity: (m: Int, zeros: Int)?
    /// The table: 65,536 counters, folded into the statistics before any can overflow.
    private let table: UnsafeMutablePointer<UInt32>
    private var pending = 0

    init(widen: @escaping @Sendable (UInt16) -> UInt32, sparsity: (m: Int, zeros: Int)?) {
        self.widen = widen
        self.sparsity = sparsity
        table = .allocate(capacity: 65_536)
        table.initialize(repeating: 0, count: 65_536)
    }

    /// Frees the table (call once, after the last ``fold(into:histogram:)``).
    func deallocate() { table.deallocate() }

    /// Counts `n` little-endian codes at `raw` (no alignment needed).
    mutating func count(_ raw: UnsafeRawPointer, _ n: Int, into s: inout TensorStatistics, histogram h: UnsafeMutablePointer<UInt64>) {
        if pending > Int(UInt32.max) - n { fold(into: &s, histogram: h) }
        pending += n
        s.count &+= UInt64(n)
        let t = table
        var i = 0
        var groups: UInt64 = 0, conforming: UInt64 = 0
        let twoOfFour = sparsity.map { $0.m == 4 } ?? false
        let need = sparsity?.zeros ?? 0
        while i + 4 <= n {
            let q = raw.loadUnaligned(fromByteOffset: i &* 2, as: UInt64.self)
            t[Int(truncatingIfNeeded: q & 0xFFFF)] &+= 1
            t[Int(truncatingIfNeeded: (q &>> 16) & 0xFFFF)] &+= 1
            t[Int(truncatingIfNeeded: (q &>> 32) & 0xFFFF)] &+= 1
            t[Int(truncatingIfNeeded: q &>> 48)] &+= 1
            if twoOfFour {
                let m = q & 0x7FFF_7FFF_7FFF_7FFF
                var z = 0
                z &+= m & 0xFFFF == 0 ? 1 : 0
                z &+= m & 0xFFFF_0000 == 0 ? 1 : 0
                z &+= m & 0xFFFF_0000_0000 == 0 ? 1 : 0
                z &+= m & 0xFFFF_0000_0000_0000 == 0 ? 1 : 0
                groups &+= 1
                conforming &+= z >= need ? 1 : 0
            }
            i &+= 4
        }
        while i < n {
            t[Int(raw.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))] &+= 1
            i &+= 1
        }
        s.sparsityGroups &+= groups
        s.sparsityConforming &+= conforming
        if let sparsity, !twoOfFour {
            var g = 0
            while g + sparsity.m <= n {
                var z = 0
                for k in 0..<sparsity.m where raw.loadUnaligned(fromByteOffset: (g + k) &* 2, as: UInt16.self) & 0x7FFF == 0 { z += 1 }
                s.sparsityGroups &+= 1
                if z >= sparsity.zeros { s.sparsityConforming &+= 1 }
                g += sparsity.m
            }
        }
    }

    /// Moves the counts into `s` and the magnitude histogram `h`, and clears the table.
    mutating func fold(into s: inout TensorStatistics, histogram h: UnsafeMutablePointer<UInt64>) {
        var sum = 0.0, sq = 0.0
        for c in 0..<65_536 where table[c] != 0 {
            let k = UInt64(table[c])
            let b = widen(UInt16(c))
            h[Int((b &>> 20) & 0x7FF)] &+= k
            let mag = b & 0x7FFF_FFFF
            if mag > 0x7F80_0000 {
                s.nan &+= k
            } else if mag == 0x7F80_0000 {
                if b >> 31 == 1 { s.negativeInfinity &+= k } else { s.positiveInfinity &+= k }
            } else {
                let f = Float(bitPattern: b)
                if mag == 0 { s.zeros &+= k }
                if (mag &- 1) < 0x007F_FFFF { s.subnormals &+= k }
                s.min = Swift.min(s.min, f)
                s.max = Swift.max(s.max, f)
                let d = Double(f), w = Double(k)
                sum += w * d
                sq += w * d * d
            }
        }
        s.sum += sum
        s.sumOfSquares += sq
        table.update(repeating: 0, count: 65_536)
        pending = 0
    }
}
