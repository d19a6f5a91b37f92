"""Writes an 8B-parameter Llama-3-shaped checkpoint for the scale benchmark (never committed):
BF16 safetensors shards with a real config.json and model.safetensors.index.json, and a BF16
GGUF export of the same weights (gguf-py names, llama.cpp's Q/K permutation).

Pinned: numpy 2.4.6 and ml_dtypes 0.6.0 (the fixture venv). Weights are deterministic: every
tensor is a window of one seeded pool of N(0, 0.02) bfloat16 values (norm weights 1 + N(0, 0.02)),
so the statistics look like a trained model's without generating 8 billion random numbers.
The files are written by hand (safetensors header + streamed data; GGUF v3), never held in memory.

    .venv-fixtures/bin/python scripts/gen_llama8b.py OUT_DIR [--layers N] [--no-gguf | --gguf-only]
"""

from __future__ import annotations

import argparse
import json
import struct
import zlib
from pathlib import Path

import ml_dtypes
import numpy as np

HIDDEN, HEADS, KV_HEADS, INTER, VOCAB = 4096, 32, 8, 14336, 128256
POOL = 1 << 26          # 64 Mi values (128 MiB)


def tensors(layers: int) -> list[tuple[str, tuple[int, ...]]]:
    out = [("model.embed_tokens.weight", (VOCAB, HIDDEN))]
    kv = HIDDEN // HEADS * KV_HEADS
    for i in range(layers):
        p = f"model.layers.{i}."
        out += [(p + "self_attn.q_proj.weight", (HIDDEN, HIDDEN)), (p + "self_attn.k_proj.weight", (kv, HIDDEN)),
                (p + "self_attn.v_proj.weight", (kv, HIDDEN)), (p + "self_attn.o_proj.weight", (HIDDEN, HIDDEN)),
                (p + "mlp.gate_proj.weight", (INTER, HIDDEN)), (p + "mlp.up_proj.weight", (INTER, HIDDEN)),
                (p + "mlp.down_proj.weight", (HIDDEN, INTER)), (p + "input_layernorm.weight", (HIDDEN,)),
                (p + "post_attention_layernorm.weight", (HIDDEN,))]
    out += [("model.norm.weight", (HIDDEN,)), ("lm_head.weight", (VOCAB, HIDDEN))]
    return out


def pool() -> np.ndarray:
    rng = np.random.default_rng(8)
    return (rng.standard_normal(POOL, dtype=np.float32) * 0.02).astype(ml_dtypes.bfloat16).view(np.uint16)


def data(name: str, count: int, p: np.ndarray) -> np.ndarray:
    """The tensor's bf16 codes: a window of the pool (wrapping), norms shifted to ~1."""
    start = zlib.crc32(name.encode()) * 7919 % POOL   # distinct per name (no accidental duplicates)
    idx = (start + np.arange(count, dtype=np.int64)) % POOL if count < POOL else None
    codes = p[idx] if idx is not None else np.resize(np.roll(p, -start), count)
    if name.endswith("norm.weight"):
        codes = (codes.view(ml_dtypes.bfloat16).astype(np.float32) + 1).astype(ml_dtypes.bfloat16).view(np.uint16)
    return codes


def write_safetensors(out: Path, layers: int, shards: int, p: np.ndarray) -> dict[str, tuple[str, tuple[int, ...]]]:
    entries = tensors(layers)
    total = sum(int(np.prod(s)) * 2 for _, s in entries)
    per = total / shards
    groups: list[list[tuple[str, tuple[int, ...]]]] = [[] for _ in range(shards)]
    acc = 0
    for name, shape in entries:
        groups[min(shards - 1, int(acc // per))].append((name, shape))
        acc += int(np.prod(shape)) * 2
    weight_map, where = {}, {}
    for k, group in enumerate(groups):
        fname = f"model-{k + 1:05d}-of-{shards:05d}.safetensors"
        header, offset = {"__metadata__": {"format": "pt"}}, 0
        for name, shape in group:
            n = int(np.prod(shape)) * 2
            header[name] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [offset, offset + n]}
            offset += n
            weight_map[name] = fname
            where[name] = (fname, shape)
        text = json.dumps(header, separators=(",", ":")).encode()
        text += b" " * ((8 - len(text) % 8) % 8)
        with open(out / fname, "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text)
            for name, shape in group:
                f.write(data(name, int(np.prod(shape)), p).tobytes())
    (out / "model.safetensors.index.json").write_text(json.dumps(
        {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}, indent=2) + "\n")
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": HIDDEN, "intermediate_size": INTER,
              "num_hidden_layers": layers, "num_attention_heads": HEADS, "num_key_value_heads": KV_HEADS, "vocab_size": VOCAB,
              "max_position_embeddings": 8192, "rope_theta": 500000.0, "rms_norm_eps": 1e-5, "tie_word_embeddings": False,
              "torch_dtype": "bfloat16", "hidden_act": "silu", "bos_token_id": 128000, "eos_token_id": 128001}
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    return where


def gguf_name(hf: str) -> str:
    table = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight", "lm_head.weight": "output.weight"}
    if hf in table:
        return table[hf]
    layer, rest = hf.split(".")[2], ".".join(hf.split(".")[3:])
    leaf = {"self_attn.q_proj.weight": "attn_q", "self_attn.k_proj.weight": "attn_k", "self_attn.v_proj.weight": "attn_v",
            "self_attn.o_proj.weight": "attn_output", "mlp.gate_proj.weight": "ffn_gate", "mlp.up_proj.weight": "ffn_up",
            "mlp.down_proj.weight": "ffn_down", "input_layernorm.weight": "attn_norm", "post_attention_layernorm.weight": "ffn_norm"}[rest]
    return f"blk.{layer}.{leaf}.weight"


def permute(w: np.ndarray, n_head: int) -> np.ndarray:
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def write_gguf(out: Path, src: Path, layers: int, where: dict[str, tuple[str, tuple[int, ...]]]) -> None:
    def s(x: str) -> bytes:
        b = x.encode()
        return struct.pack("<Q", len(b)) + b
    kv = [("general.architecture", 8, s("llama")), ("general.name", 8, s("llama8b-bench")),
          ("llama.block_count", 4, struct.pack("<I", layers)), ("llama.context_length", 4, struct.pack("<I", 8192)),
          ("llama.embedding_length", 4, struct.pack("<I", HIDDEN)), ("llama.feed_forward_length", 4, struct.pack("<I", INTER)),
          ("llama.attention.head_count", 4, struct.pack("<I", HEADS)), ("llama.attention.head_count_kv", 4, struct.pack("<I", KV_HEADS)),
          ("llama.rope.freq_base", 6, struct.pack("<f", 500000.0)), ("llama.attention.layer_norm_rms_epsilon", 6, struct.pack("<f", 1e-5)),
          ("general.file_type", 4, struct.pack("<I", 32)), ("general.alignment", 4, struct.pack("<I", 32))]
    names = sorted(where, key=lambda n: (gguf_name(n)))
    infos, offset = b"", 0
    for hf in names:
        shape = where[hf][1]
        dims = list(reversed(shape))
        infos += s(gguf_name(hf)) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        infos += struct.pack("<IQ", 30, offset)          # BF16
        offset += (int(np.prod(shape)) * 2 + 31) // 32 * 32
    head = b"GGUF" + struct.pack("<IQQ", 3, len(names), len(kv))
    head += b"".join(s(k) + struct.pack("<I", t) + v for k, t, v in kv) + infos
    head += b"\0" * ((32 - len(head) % 32) % 32)
    maps: dict[str, tuple[np.memmap, dict]] = {}
    with open(out / "llama8b-bf16.gguf", "wb") as f:
        f.write(head)
        for hf in names:
            fname, shape = where[hf]
            if fname not in maps:
                raw = np.memmap(src / fname, dtype=np.uint8, mode="r")
                n = int(np.frombuffer(raw[:8].tobytes(), "<u8")[0])
                maps[fname] = (raw, json.loads(raw[8:8 + n].tobytes()), 8 + n)
            raw, header, base = maps[fname]
            a, b = header[hf]["data_offsets"]
            w = np.frombuffer(raw[base + a:base + b], dtype=np.uint16).reshape(shape)
            if hf.endswith("q_proj.weight"):
                w = permute(w, HEADS)
            elif hf.endswith("k_proj.weight"):
                w = permute(w, KV_HEADS)
            buf = np.ascontiguousarray(w).tobytes()
            f.write(buf + b"\0" * ((32 - len(buf) % 32) % 32))


def shards_written(out: Path) -> dict[str, tuple[str, tuple[int, ...]]]:
    """name -> (shard file, shape) of shards already in OUT_DIR (for --gguf-only)."""
    index = json.loads((out / "model.safetensors.index.json").read_text())["weight_map"]
    headers: dict[str, dict] = {}
    where = {}
    for name, fname in index.items():
        if fname not in headers:
            with open(out / fname, "rb") as f:
                n = struct.unpack("<Q", f.read(8))[0]
                headers[fname] = json.loads(f.read(n))
        where[name] = (fname, tuple(headers[fname][name]["shape"]))
    return where


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--layers", type=int, default=32)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--no-gguf", action="store_true")
    ap.add_argument("--gguf-only", action="store_true", help="write only the GGUF export of shards already in OUT")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    where = shards_written(out) if args.gguf_only else write_safetensors(out, args.layers, args.shards, pool())
    if not args.no_gguf:
        (out.parent / "llama8b-gguf").mkdir(exist_ok=True)
        write_gguf(out.parent / "llama8b-gguf", out, args.layers, where)


if __name__ == "__main__":
    main()
