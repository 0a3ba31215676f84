#!/usr/bin/env python3
"""Writes the dequantization golden files under Tests/Golden/dequant/, with `gguf.quants.dequantize` as the
reference:

  random.json    for every supported format, 4 blocks of random bytes (seeded per format; the f16/f32 scale
                 fields and plain-float elements are forced finite so results compare bit for bit) and the
                 expected f32 output.
  <model>.json   for each tensor type present in a test model: the first tensor of that type, 256-element
                 samples at its start, middle and end (expected f32 output; the test reads the input from the
                 model file), and the SHA-256 of the whole dequantized f32 tensor for the smallest tensor of
                 that type.

Byte data and f32 outputs are base64 (f32 little-endian). gguf 0.19 has no Q8_K dequantizer (ggml uses Q8_K
only for activations); its reference here is ggml's dequantize_row_q8_K written with numpy: y = d * q in f32.

Usage: ~/.cache/swiftlam/venv/bin/python scripts/golden/dequant.py
"""
import base64
import hashlib
import json
import os
from pathlib import Path

import numpy as np
from gguf import GGML_QUANT_SIZES, GGMLQuantizationType as T, GGUFReader
from gguf.quants import dequantize

ROOT = Path(__file__).resolve().parents[2]
MODELS = Path(os.environ.get("SWIFTLAM_MODELS", Path.home() / ".cache/swiftlam/models"))
OUT = ROOT / "Tests/Golden/dequant"
FILES = {
    "qwen05b": "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    "smollm2": "smollm2-135m-instruct-q4_1.gguf",
    "gemma3": "gemma-3-270m-q4_k_m.gguf",
}
SAMPLE = 256

# Byte offsets of the f16 scale fields in each block (from ggml's block structs).
F16_FIELDS = {
    T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0],
    T.Q2_K: [80, 82], T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208],
}
FORMATS = [T.F32, T.F16, T.BF16, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0,
           T.Q2_K, T.Q3_K, T.Q4_K, T.Q5_K, T.Q6_K, T.Q8_K]


def b64(array):
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode()


def reference(raw: np.ndarray, qtype) -> np.ndarray:
    if qtype == T.Q8_K:
        blocks = raw.reshape(-1, GGML_QUANT_SIZES[T.Q8_K][1])
        d = blocks[:, :4].copy().view("<f4")
        q = blocks[:, 4:260].copy().view(np.int8).astype(np.float32)
        return (d * q).astype(np.float32).reshape(-1)
    return np.asarray(dequantize(raw, qtype), dtype=np.float32).reshape(-1)


def finite_halves(rng, count):
    h = rng.integers(0, 1 << 16, size=count, dtype=np.uint32)
    h = np.where((h & 0x7C00) == 0x7C00, h ^ 0x4000, h)  # inf/NaN exponent -> a finite one
    return h.astype("<u2")


def random_blocks(qtype, count=4):
    rng = np.random.default_rng(1000 + int(qtype))
    elements, size = GGML_QUANT_SIZES[qtype]
    raw = rng.integers(0, 256, size=count * size, dtype=np.uint8)
    if qtype == T.F32:
        bits = rng.integers(0, 1 << 32, size=count, dtype=np.uint64).astype(np.uint32)
        bits = np.where((bits & 0x7F800000) == 0x7F800000, bits ^ 0x40000000, bits)
        raw = bits.astype("<u4").view(np.uint8)
    elif qtype in (T.F16,):
        raw = finite_halves(rng, count).view(np.uint8)
    elif qtype == T.BF16:
        h = rng.integers(0, 1 << 16, size=count, dtype=np.uint32)
        h = np.where((h & 0x7F80) == 0x7F80, h ^ 0x4000, h)
        raw = h.astype("<u2").view(np.uint8)
    elif qtype == T.Q8_K:
        blocks = raw.reshape(count, size)
        d = rng.uniform(-2, 2, size=count).astype("<f4")
        blocks[:, :4] = d.view(np.uint8).reshape(count, 4)
        raw = blocks.reshape(-1)
    else:
        blocks = raw.reshape(count, size)
        for field in F16_FIELDS[qtype]:
            blocks[:, field:field + 2] = finite_halves(rng, count).view(np.uint8).reshape(count, 2)
        raw = blocks.reshape(-1)
    return raw


def write_random():
    cases = []
    for qtype in FORMATS:
        elements, size = GGML_QUANT_SIZES[qtype]
        count = 4 if elements > 1 else 64  # plain floats: 64 "blocks" of one element
        raw = random_blocks(qtype, count)
        cases.append({
            "type": qtype.name, "type_id": int(qtype), "blocks": count,
            "bytes": b64(raw), "expected": b64(reference(raw, qtype)),
        })
    write("random.json", cases)


def write_model(short, name):
    reader = GGUFReader(MODELS / name)
    by_type = {}
    for t in reader.tensors:
        by_type.setdefault(t.tensor_type, []).append(t)
    cases = []
    for qtype, tensors in sorted(by_type.items(), key=lambda kv: int(kv[0])):
        first = tensors[0]
        elements, size = GGML_QUANT_SIZES[qtype]
        raw = np.asarray(first.data).reshape(-1).view(np.uint8)
        n = int(first.n_elements)
        starts = sorted({0, (n // 2) // SAMPLE * SAMPLE, max(0, n - SAMPLE)})
        samples = []
        for start in starts:
            length = min(SAMPLE, n - start)
            b0, b1 = start // elements * size, (start + length) // elements * size
            samples.append({"start": start, "count": length, "expected": b64(reference(raw[b0:b1], qtype))})
        smallest = min(tensors, key=lambda t: int(t.n_elements))
        whole = reference(np.asarray(smallest.data).reshape(-1).view(np.uint8), qtype)
        cases.append({
            "type": qtype.name, "type_id": int(qtype),
            "tensor": first.name, "samples": samples,
            "whole_tensor": smallest.name, "whole_elements": int(smallest.n_elements),
            "whole_sha256": hashlib.sha256(whole.astype("<f4").tobytes()).hexdigest(),
        })
    write(f"{short}.json", cases)


def write(name, cases):
    out = OUT / name
    out.write_text(json.dumps(cases, indent=1) + "\n")
    print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size} bytes)")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    write_random()
    for short, name in FILES.items():
        write_model(short, name)


if __name__ == "__main__":
    main()
