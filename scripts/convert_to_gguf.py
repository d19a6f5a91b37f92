"""Convert a Hugging Face safetensors checkpoint (Llama / Mistral / Qwen2 / Gemma / BERT families)
to GGUF with the gguf package, the way llama.cpp's convert_hf_to_gguf.py lays out the tensors
(gguf.TensorNameMap names, Llama Q/K permutation, Gemma norm + 1, 1-D tensors kept in F32), and
quantize the 2-D weights with gguf.quants. Used by scripts/compare_real.sh to check `friction
compare` against a real trained model; writes only into OUT_DIR. No tokenizer is written.

    .venv-fixtures/bin/python scripts/convert_to_gguf.py MODEL_DIR OUT_DIR [Q8_0 Q5_0 Q4_0 ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import gguf
import numpy as np
from safetensors import safe_open

ARCHS = {"llama": "LLAMA", "mistral": "LLAMA", "qwen2": "QWEN2", "gemma": "GEMMA", "bert": "BERT"}


def permute(w: np.ndarray, n_head: int, n_head_kv: int | None) -> np.ndarray:
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def main() -> None:
    model_dir, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    quants = sys.argv[3:] or ["Q8_0", "Q5_0", "Q4_0"]
    config = json.loads((model_dir / "config.json").read_text())
    model_type = config["model_type"]
    arch = getattr(gguf.MODEL_ARCH, ARCHS[model_type])
    n_layers = config["num_hidden_layers"]
    names = gguf.TensorNameMap(arch, n_layers)
    tensors = {}
    for f in sorted(model_dir.glob("*.safetensors")):
        with safe_open(f, "np") as st:
            for k in st.keys():
                tensors[k] = st.get_tensor(k).astype(np.float32)
    out_dir.mkdir(parents=True, exist_ok=True)
    heads, kv = config.get("num_attention_heads"), config.get("num_key_value_heads")
    for qname in quants:
        qtype = getattr(gguf.GGMLQuantizationType, qname)
        writer = gguf.GGUFWriter(str(out_dir / f"model-{qname.lower()}.gguf"), gguf.MODEL_ARCH_NAMES[arch])
        writer.add_block_count(n_layers)
        writer.add_embedding_length(config["hidden_size"])
        writer.add_feed_forward_length(config["intermediate_size"])
        writer.add_head_count(heads)
        if kv:
            writer.add_head_count_kv(kv)
        if "max_position_embeddings" in config:
            writer.add_context_length(config["max_position_embeddings"])
        for hf_name in sorted(tensors):
            data = tensors[hf_name]
            name = names.get_name(hf_name, try_suffixes=(".weight", ".bias"))
            if name is None:
                continue
            if model_type in ("llama", "mistral"):
                if hf_name.endswith("q_proj.weight"):
                    data = permute(data, heads, heads)
                elif hf_name.endswith("k_proj.weight"):
                    data = permute(data, heads, kv)
            if model_type == "gemma" and hf_name.endswith("norm.weight"):
                data = data + 1
            if data.ndim == 2 and data.shape[1] % gguf.GGML_QUANT_SIZES[qtype][0] == 0:
                writer.add_tensor(name, gguf.quants.quantize(data, qtype), raw_dtype=qtype)
            else:
                writer.add_tensor(name, data.astype(np.float32))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        print(out_dir / f"model-{qname.lower()}.gguf")


if __name__ == "__main__":
    main()
