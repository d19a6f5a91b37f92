extension Kernels {
    /// Every kernel group; a test checks that no op is registered twice for overlapping versions.
    static var catalog: [KernelSpec] {
        arithmetic + unaryMath + logic + matmul + quantization + controlFlow + attention + rotary + contrib + dataMovement + extra + nn
    }
}
