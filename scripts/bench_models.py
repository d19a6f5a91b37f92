"""Transformer graphs for `make bench` (written into bench-out/, never committed): a
BERT-base-sized encoder and a GPT-2-small-sized decoder with random weights, built node by node
with onnx.helper (onnx 1.23.2, numpy; seed 0), opset 17, float32.

    python scripts/bench_models.py OUT_DIR [--layers N] [--seq S]

Writes OUT_DIR/bert.onnx, OUT_DIR/gpt2.onnx and their inputs (.npz)."""

from __future__ import annotations

import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Builder:
    def __init__(self, rng):
        self.rng = rng
        self.nodes, self.inits, self.n = [], [], 0

    def name(self, base):
        self.n += 1
        return f"{base}_{self.n}"

    def weight(self, shape, scale=0.02):
        name = self.name("w")
        self.inits.append(numpy_helper.from_array((self.rng.standard_normal(shape) * scale).astype(np.float32), name))
        return name

    def const(self, values, dtype=np.int64):
        name = self.name("c")
        self.inits.append(numpy_helper.from_array(np.array(values, dtype=dtype), name))
        return name

    def op(self, op, inputs, **attrs):
        out = self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [out], **attrs))
        return out

    def linear(self, x, d_in, d_out):
        return self.op("Add", [self.op("MatMul", [x, self.weight([d_in, d_out])]), self.weight([d_out])])

    def layer_norm(self, x, d):
        return self.op("LayerNormalization", [x, self.const(np.ones(d), np.float32), self.const(np.zeros(d), np.float32)], axis=-1, epsilon=1e-5)

    def attention(self, x, d, heads, seq, causal_mask=None, additive_mask=None):
        hd = d // heads
        def split(t):
            t = self.op("Reshape", [t, self.const([1, seq, heads, hd])])
            return self.op("Transpose", [t], perm=[0, 2, 1, 3])
        q, k, v = (split(self.linear(x, d, d)) for _ in range(3))
        kt = self.op("Transpose", [k], perm=[0, 1, 3, 2])
        scores = self.op("Mul", [self.op("MatMul", [q, kt]), self.const(1 / np.sqrt(hd), np.float32)])
        if additive_mask is not None:
            scores = self.op("Add", [scores, additive_mask])
        if causal_mask is not None:
            scores = self.op("Add", [scores, causal_mask])
        probs = self.op("Softmax", [scores], axis=-1)
        ctx = self.op("Transpose", [self.op("MatMul", [probs, v])], perm=[0, 2, 1, 3])
        ctx = self.op("Reshape", [ctx, self.const([1, seq, d])])
        return self.linear(ctx, d, d)

    def gelu(self, x):
        # erf form, as torch.onnx exports nn.GELU
        inner = self.op("Erf", [self.op("Div", [x, self.const(np.sqrt(2.0), np.float32)])])
        return self.op("Mul", [self.op("Mul", [x, self.op("Add", [inner, self.const(1.0, np.float32)])]), self.const(0.5, np.float32)])


def bert(out, layers, seq, rng):
    d, heads, vocab = 768, 12, 30522
    b = Builder(rng)
    ids = "input_ids"
    mask = "attention_mask"
    x = b.op("Add", [b.op("Gather", [b.weight([vocab, d]), ids]), b.weight([seq, d])])
    x = b.layer_norm(x, d)
    m = b.op("Cast", [mask], to=TensorProto.FLOAT)
    m = b.op("Mul", [b.op("Sub", [b.const(1.0, np.float32), m]), b.const(-10000.0, np.float32)])
    m = b.op("Unsqueeze", [m, b.const([1, 2])])
    for _ in range(layers):
        x = b.layer_norm(b.op("Add", [x, b.attention(x, d, heads, seq, additive_mask=m)]), d)
        h = b.linear(b.gelu(b.linear(x, d, 4 * d)), 4 * d, d)
        x = b.layer_norm(b.op("Add", [x, h]), d)
    graph = helper.make_graph(b.nodes, "bert", [helper.make_tensor_value_info(ids, TensorProto.INT64, [1, seq]),
                                                helper.make_tensor_value_info(mask, TensorProto.INT64, [1, seq])],
                              [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, seq, d])], b.inits)
    save(graph, os.path.join(out, "bert.onnx"))
    np.savez(os.path.join(out, "bert-inputs.npz"), input_ids=rng.integers(0, vocab, (1, seq), dtype=np.int64),
             attention_mask=np.ones((1, seq), dtype=np.int64))


def gpt2(out, layers, seq, rng):
    d, heads, vocab = 768, 12, 50257
    b = Builder(rng)
    ids = "input_ids"
    wte = b.weight([vocab, d])
    x = b.op("Add", [b.op("Gather", [wte, ids]), b.weight([seq, d])])
    causal = b.const(np.triu(np.full((seq, seq), -1e9, dtype=np.float32), 1), np.float32)
    for _ in range(layers):
        x = b.op("Add", [x, b.attention(b.layer_norm(x, d), d, heads, seq, causal_mask=causal)])
        h = b.linear(b.gelu(b.linear(b.layer_norm(x, d), d, 4 * d)), 4 * d, d)
        x = b.op("Add", [x, h])
    x = b.layer_norm(x, d)
    logits = b.op("MatMul", [x, b.op("Transpose", [wte], perm=[1, 0])])
    graph = helper.make_graph(b.nodes, "gpt2", [helper.make_tensor_value_info(ids, TensorProto.INT64, [1, seq])],
                              [helper.make_tensor_value_info(logits, TensorProto.FLOAT, [1, seq, vocab])], b.inits)
    save(graph, os.path.join(out, "gpt2.onnx"))
    np.savez(os.path.join(out, "gpt2-inputs.npz"), input_ids=rng.integers(0, vocab, (1, seq), dtype=np.int64))


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--layers", type=int, default=12)
    p.add_argument("--seq", type=int, default=128)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    bert(a.out, a.layers, a.seq, np.random.default_rng(0))
    gpt2(a.out, a.layers, a.seq, np.random.default_rng(1))


if __name__ == "__main__":
    main()
