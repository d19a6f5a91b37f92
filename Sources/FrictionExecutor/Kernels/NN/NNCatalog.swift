extension Kernels {
    /// The NN kernels: reductions, softmax family, normalizations, pooling, convolution, Resize, Einsum.
    static let nn: [KernelSpec] = nnReductions + nnSoftmax + nnNormalization + nnPooling + nnConv + nnResize + nnEinsum
}
