import FrictionCore

extension Kernels {
    /// Dropout. Inference (every opset before 12, and 12+ unless `training_mode` is true, or
    /// when the ratio is 0): the output is the input and the mask all true. Training mode draws
    /// the mask as the reference does, `numpy.random.RandomState(seed).uniform(0, 1, shape) >= ratio`
    /// (MT19937), and scales kept elements by 1 / (1 − ratio).
    static let dropout: [KernelSpec] = [
        KernelSpec("Dropout", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            let wantsMask = ctx.node.outputs.count > 1 && !ctx.node.outputs[1].isEmpty
            var training = false
            var ratio: Double = 0.5
            var ratioType = DType.float32
            if ctx.opset >= 12 {
                if let r = ctx.optional(1), r.count > 0 {
                    ratio = r.doubles()[0]
                    ratioType = r.type
                }
                if let t = ctx.optional(2), t.count > 0 { training = DataMovement.isNonzero(t)[0] }
            }
            if !training || ratio == 0 {
                guard wantsMask else { return [data] }
                let mask = Tensor.from([UInt8](repeating: 1, count: data.count), type: .bool, shape: data.shape)
                return [data, mask]
            }
            guard ratio >= 0, ratio < 1 else { throw ctx.fail("ratio \(ratio) must lie in [0, 1)") }
            let seed: UInt32
            if let s = ctx.node.int("seed") {
                seed = UInt32(truncatingIfNeeded: s)
            } else {
                var g = SystemRandomNumberGenerator()
                seed = UInt32.random(in: 0...UInt32.max, using: &g)
            }
            var rng = MT19937(seed: seed)
            let n = data.count
            var keep = [UInt8](repeating: 0, count: n)
            for i in 0..<n { keep[i] = rng.nextDouble() >= ratio ? 1 : 0 }
            let out: Tensor
            if data.type == .float32 && ratioType == .float32 {
                // float32 throughout, as NumPy: (mask * x) * float32(1 / (1 - ratio)).
                let r = Float(ratio)
                let scale: Float = 1 / (1 - r)
                let x = data.values(Float.self)
                var y = [Float](repeating: 0, count: n)
                for i in 0..<n { y[i] = (Float(keep[i]) * x[i]) * scale }
                out = Tensor.from(y, type: .float32, shape: data.shape)
            } else {
                let scale = 1 / (1 - ratio)
                let x = data.doubles()
                var y = [Double](repeating: 0, count: n)
                for i in 0..<n { y[i] = (Double(keep[i]) * x[i]) * scale }
                out = Tensor.fromDoubles(y, type: data.type, shape: data.shape)
            }
            guard wantsMask else { return [out] }
            return [out, Tensor.from(keep, type: .bool, shape: data.shape)]
        },
    ]
}

/// NumPy's legacy MT19937 (`RandomState(seed)`), with `random_sample`'s 53-bit doubles.
struct MT19937 {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    init(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            let prev = state[i - 1]
            state[i] = 1_812_433_253 &* (prev ^ (prev >> 30)) &+ UInt32(i)
        }
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            var v = state[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { v ^= 0x9908_B0DF }
            state[i] = v
        }
        index = 0
    }

    mutating func next() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// A double in [0, 1) from two draws, as NumPy's `random_sample`.
    mutating func nextDouble() -> Double {
        let a = next() >> 5, b = next() >> 6
        return (Double(a) * 67_108_864.0 + Double(b)) / 9_007_199_254_740_992.0
    }
}
