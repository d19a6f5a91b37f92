/// The scan of a 16-bit format (bfloat16, float16) by counting raw codes: the inner loop is one
/// table increment per element (65,536 × UInt32, resident in L2), and every statistic — specials,
/// zeros, subnormals, min, max, sums, the magnitude histogram — is derived afterwards from the
/// counts, once per distinct code. Sums become count × value per code in Double, so they are
/// exact up to the final Double additions. Workers count into their own tables, which are added
/// as integers before the one fold: the result does not depend on how the work was split.
struct CodeHistogram16 {
    /// Group size and minimum zeros per group for N:M sparsity, if checked.
    let sparsity: (m: Int, zeros: Int)?
    /// The narrow table: 65,536 counters, spilled into ``wide`` before any can overflow.
    private let table: UnsafeMutablePointer<UInt32>
    /// 65,536 UInt64 counters, allocated on the first spill (after 2³² − 1 values).
    private var wide: UnsafeMutablePointer<UInt64>?
    private var pending = 0
    /// Counts of values, N:M groups checked and groups conforming.
    private(set) var values: UInt64 = 0
    private(set) var sparsityGroups: UInt64 = 0
    private(set) var sparsityConforming: UInt64 = 0

    init(sparsity: (m: Int, zeros: Int)?) {
        self.sparsity = sparsity
        table = .allocate(capacity: 65_536)
        table.initialize(repeating: 0, count: 65_536)
    }

    /// Frees the tables (call once, after the last ``add(into:)``).
    func deallocate() {
        table.deallocate()
        wide?.deallocate()
    }

    /// Counts `n` little-endian codes at `raw` (no alignment needed). N:M groups are checked only
    /// when the chunk holds a zero code (±0): without zeros no group can conform.
    mutating func count(_ raw: UnsafeRawPointer, _ n: Int) {
        if pending > Int(UInt32.max) - n { spill() }
        pending += n
        values &+= UInt64(n)
        let t = table
        let zerosBefore = UInt64(t[0]) &+ UInt64(t[0x8000])
        var i = 0
        while i + 4 <= n {
            let q = raw.loadUnaligned(fromByteOffset: i &* 2, as: UInt64.self)
            t[Int(truncatingIfNeeded: q & 0xFFFF)] &+= 1
            t[Int(truncatingIfNeeded: (q &>> 16) & 0xFFFF)] &+= 1
            t[Int(truncatingIfNeeded: (q &>> 32) & 0xFFFF)] &+= 1
            t[Int(truncatingIfNeeded: q &>> 48)] &+= 1
            i &+= 4
        }
        while i < n {
            t[Int(raw.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))] &+= 1
            i &+= 1
        }
        guard let sparsity, sparsity.m > 0 else { return }
        let groups = n / sparsity.m
        sparsityGroups &+= UInt64(groups)
        if sparsity.zeros <= 0 {
            sparsityConforming &+= UInt64(groups)
        } else if UInt64(t[0]) &+ UInt64(t[0x8000]) != zerosBefore {
            sparsityConforming &+= Self.conforming(raw, groups: groups, m: sparsity.m, zeros: sparsity.zeros)
        }
    }

    /// Groups of `m` codes at `raw` with at least `zeros` zero codes.
    private static func conforming(_ raw: UnsafeRawPointer, groups: Int, m: Int, zeros: Int) -> UInt64 {
        var result: UInt64 = 0
        if m == 4 {
            // Four lanes per word: a lane's bit 15 after adding 0x7FFF says it is nonzero.
            for g in 0..<groups {
                let q = raw.loadUnaligned(fromByteOffset: g &* 8, as: UInt64.self) & 0x7FFF_7FFF_7FFF_7FFF
                let nonzero = ((q &+ 0x7FFF_7FFF_7FFF_7FFF) & 0x8000_8000_8000_8000) &>> 15
                let lanes = Int(truncatingIfNeeded: (nonzero &* 0x0001_0001_0001_0001) &>> 48)
                result &+= 4 - lanes >= zeros ? 1 : 0
            }
            return result
        }
        for g in 0..<groups {
            var z = 0
            for k in 0..<m where raw.loadUnaligned(fromByteOffset: (g &* m &+ k) &* 2, as: UInt16.self) & 0x7FFF == 0 { z += 1 }
            result &+= z >= zeros ? 1 : 0
        }
        return result
    }

    /// Moves the narrow counts into the wide table.
    private mutating func spill() {
        let w: UnsafeMutablePointer<UInt64>
        if let wide { w = wide } else {
            w = .allocate(capacity: 65_536)
            w.initialize(repeating: 0, count: 65_536)
            wide = w
        }
        for c in 0..<65_536 { w[c] &+= UInt64(table[c]) }
        table.update(repeating: 0, count: 65_536)
        pending = 0
    }

    /// Adds every count of this histogram into `total` (65,536 counters).
    func add(into total: UnsafeMutablePointer<UInt64>) {
        for c in 0..<65_536 { total[c] &+= UInt64(table[c]) }
        if let wide {
            for c in 0..<65_536 { total[c] &+= wide[c] }
        }
    }

    /// Derives the statistics of all values counted in `total` into `s` (count and sparsity
    /// excluded), `widen` giving a code's float32 bit pattern.
    static func fold(_ total: UnsafePointer<UInt64>, widen: (UInt16) -> UInt32, into s: inout TensorStatistics) {
        var sum = 0.0, sq = 0.0
        for c in 0..<65_536 where total[c] != 0 {
            let k = total[c]
            let b = widen(UInt16(c))
            s.magnitudes[Int((b &>> 20) & 0x7FF)] &+= k
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
    }
}
