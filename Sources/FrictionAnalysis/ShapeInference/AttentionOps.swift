import FrictionCore

/// Shape functions of attention: ONNX Attention (opset 23) and onnxruntime's com.microsoft
/// Attention, MultiHeadAttention and GroupQueryAttention. Outputs follow the query's layout with
/// the value head size; KV-cache outputs append the new keys to the past (`past + seq`).
enum AttentionOps {
    /// ONNX Attention: Q/K/V 4-D `[B, heads, seq, head]` or 3-D `[B, seq, heads·head]` (then
    /// `q_num_heads`/`kv_num_heads` split the hidden size). Y is Q's layout with V's head size;
    /// present_key/value `[B, kv_heads, past + kv_seq, head]`; qk output `[B, q_heads, q_seq, total]`.
    static func attention(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let q = c.dims(0) else { return }
        let k = c.facts(1).dims, v = c.facts(2).dims
        guard q.count == 3 || q.count == 4 else { return c.fail("Attention query must be 3-D or 4-D, got rank \(q.count)") }
        let qHeads = c.node.int("q_num_heads").map { DimExpr($0) }
        let kvHeads = c.node.int("kv_num_heads").map { DimExpr($0) }
        func heads(_ dims: [DimExpr?]?, _ count: DimExpr?) -> (heads: DimExpr?, seq: DimExpr?, size: DimExpr?)? {
            guard let dims else { return nil }
            if dims.count == 4 { return (dims[1], dims[2], dims[3]) }
            if dims.count == 3 { return (count, dims[1], DimExpr.quotient(dims[2], count)) }
            return nil
        }
        let key = heads(k, kvHeads), value = heads(v, kvHeads), query = heads(q, qHeads)
        let vHead = value?.size
        if q.count == 4 {
            c.set(0, c.type(0), [q[0], q[1], q[2], vHead])
        } else {
            c.set(0, c.type(0), [q[0], q[1], DimExpr.product(query?.heads, vHead)])
        }
        let past = c.facts(4).dims
        let total = DimExpr.sum(past.map { $0.count == 4 ? $0[2] : nil } ?? DimExpr(0), key?.seq)
        let kvHeadCount = key?.heads ?? kvHeads
        c.set(1, c.type(1), [q[0], kvHeadCount, total, key?.size])
        c.set(2, c.type(2), [q[0], kvHeadCount, total, vHead])
        c.set(3, c.type(0), [q[0], query?.heads, query?.seq, total])
    }

    /// com.microsoft Attention: input `[B, S, hidden_in]` projected by `weights`; output
    /// `[B, S, v_hidden]` (v_hidden from `qkv_hidden_sizes` or a third of the weights' columns);
    /// present `[2, B, heads, past + S, head]`.
    static func contribAttention(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let input = c.dims(0) else { return }
        guard input.count == 3 else { return c.fail("Attention input must be 3-D, got rank \(input.count)") }
        let sizes = c.node.ints("qkv_hidden_sizes")
        let projected = c.facts(1).dims?.last ?? nil
        let qHidden = sizes.flatMap { $0.count == 3 ? DimExpr($0[0]) : nil } ?? DimExpr.quotient(projected, DimExpr(3))
        let vHidden = sizes.flatMap { $0.count == 3 ? DimExpr($0[2]) : nil } ?? DimExpr.quotient(projected, DimExpr(3))
        c.set(0, c.type(0), [input[0], input[1], vHidden])
        guard let past = c.facts(4).dims, past.count == 5 else { return }
        let heads = c.node.int("num_heads").map { DimExpr($0) }
        let seq = c.int("past_present_share_buffer", 0) != 0 ? past[3] : DimExpr.sum(past[3], input[1])
        c.set(1, c.type(4), [past[0], input[0], heads ?? past[2], seq, past[4] ?? DimExpr.quotient(qHidden, heads)])
    }

    /// com.microsoft MultiHeadAttention: output `[B, S, v_hidden]`, v_hidden from a 3-D value,
    /// or heads × head size of a 4-D value; present_key/value `[B, heads, past + kv_seq, head]`.
    static func multiHeadAttention(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let q = c.dims(0) else { return }
        let heads = c.node.int("num_heads").map { DimExpr($0) }
        let v = c.facts(2).dims, k = c.facts(1).dims
        var vHidden: DimExpr?
        switch (q.count, v?.count) {
        case (_, 3?): vHidden = v?[2] ?? nil
        case (_, 4?): vHidden = DimExpr.product(v?[1] ?? nil, v?[3] ?? nil)
        case (5, _): vHidden = DimExpr.product(q[2], q[4])
        default: vHidden = q.count == 3 ? q[2] : nil
        }
        guard q.count == 3 || q.count == 5 else { return c.fail("MultiHeadAttention query must be 3-D or packed 5-D") }
        c.set(0, c.type(0), [q[0], q[1], vHidden])
        guard let pastKey = c.facts(6).dims, pastKey.count == 4 else { return }
        let kvSeq: DimExpr? = k?.count == 3 ? k?[1] ?? nil : nil
        let total = DimExpr.sum(pastKey[2], kvSeq)
        c.set(1, c.type(6), [pastKey[0], pastKey[1] ?? heads, total, pastKey[3]])
        c.set(2, c.type(7) ?? c.type(6), [pastKey[0], pastKey[1] ?? heads, total, DimExpr.quotient(vHidden, heads)])
    }

    /// com.microsoft GroupQueryAttention: output `[B, S, heads·head]`; present key/value
    /// `[B, kv_heads, total, head]`, total from the `total_sequence_length` input when known.
    static func groupQueryAttention(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let q = c.dims(0) else { return }
        guard q.count == 3, let heads = c.node.int("num_heads"), let kvHeads = c.node.int("kv_num_heads") else {
            return c.fail("GroupQueryAttention needs a 3-D query and num_heads, kv_num_heads")
        }
        let packed = !c.has(1)
        let width = packed ? DimExpr.sum(DimExpr(heads), DimExpr.scaled(DimExpr(kvHeads), by: 2)) : DimExpr(heads)
        let head = DimExpr.quotient(q[2], width)
        c.set(0, c.type(0), [q[0], q[1], DimExpr.product(head, DimExpr(heads))])
        let shared = c.facts(3).dims.flatMap { $0.count == 4 ? $0[2] : nil }
        let total = c.int("past_present_share_buffer", 0) != 0 ? shared : (c.data(6)?.first ?? nil)
        let present: [DimExpr?] = [q[0], DimExpr(kvHeads), total, head]
        c.set(1, c.type(0), present)
        c.set(2, c.type(0), present)
    }
}
