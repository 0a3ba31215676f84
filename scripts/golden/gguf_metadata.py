#!/usr/bin/env python3
"""Writes Tests/Golden/gguf/ggml_types.json (every ggml type id with its block
size) and Tests/Golden/gguf/<model>.json: every metadata key and tensor info of each test model, as read by
the `gguf` Python package's GGUFReader (the reference the Swift GGUF reader is tested against).

Values are written in a canonical text form so they compare exactly:
  integers -> decimal text, bools -> "true"/"false", float32 -> "f32:<8 hex digits of the bits>",
  float64 -> "f64:<16 hex digits>", strings -> the string itself.
Arrays of up to 64 elements are stored element by element ("values"); longer ones as "length" plus "sha256",
the SHA-256 of the concatenation of "<utf8 byte length of item>:<item>\\n" over the items, and "head", the
first 8 items (for people reading the file).

Usage: ~/.cache/swiftlam/venv/bin/python scripts/golden/gguf_metadata.py  (models in $SWIFTLAM_MODELS)
"""
import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np
from gguf import GGML_QUANT_SIZES, GGMLQuantizationType, GGUFReader, GGUFValueType

ROOT = Path(__file__).resolve().parents[2]
MODELS = Path(os.environ.get("SWIFTLAM_MODELS", Path.home() / ".cache/swiftlam/models"))
OUT = ROOT / "Tests/Golden/gguf"
FILES = {
    "qwen05b": "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    "qwen15b": "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    "smollm2": "smollm2-135m-instruct-q4_1.gguf",
    "gemma3": "gemma-3-270m-q4_k_m.gguf",
}
SHORT_ARRAY = 64


def canonical(value_type, raw):
    """Canonical text items for a numpy array (or list of str) of the given GGUF type."""
    if value_type == GGUFValueType.STRING:
        return list(raw)
    if value_type == GGUFValueType.BOOL:
        return ["true" if bool(v) else "false" for v in raw]
    if value_type == GGUFValueType.FLOAT32:
        return ["f32:%08x" % v for v in np.asarray(raw, dtype=np.float32).view(np.uint32).tolist()]
    if value_type == GGUFValueType.FLOAT64:
        return ["f64:%016x" % v for v in np.asarray(raw, dtype=np.float64).view(np.uint64).tolist()]
    return [str(int(v)) for v in np.asarray(raw).tolist()]


def digest(items):
    h = hashlib.sha256()
    for item in items:
        b = item.encode("utf-8")
        h.update(f"{len(b)}:".encode() + b + b"\n")
    return h.hexdigest()


def field_entry(field):
    main = field.types[0]
    entry = {"key": field.name, "type": main.name}
    if main == GGUFValueType.ARRAY:
        if len(field.types) != 2:
            raise SystemExit(f"{field.name}: nested arrays are not supported by this script")
        sub = field.types[1]
        if sub == GGUFValueType.STRING:
            raw = field.contents()
        else:
            raw = [field.parts[i][0] for i in field.data]
        items = canonical(sub, raw)
        entry["element_type"] = sub.name
        entry["length"] = len(items)
        if len(items) <= SHORT_ARRAY:
            entry["values"] = items
        else:
            entry["sha256"] = digest(items)
            entry["head"] = items[:8]
    else:
        raw = [field.contents()] if main == GGUFValueType.STRING else field.parts[-1]
        entry["value"] = canonical(main, raw)[0]
    return entry


def describe(path):
    reader = GGUFReader(path)
    fields = list(reader.fields.values())[3:]  # the first three are the reader's own header pseudo-fields
    return {
        "file": path.name,
        "file_size": path.stat().st_size,
        "version": int(reader.fields["GGUF.version"].parts[0][0]),
        "alignment": int(reader.alignment),
        "data_offset": int(reader.data_offset),
        "metadata": [field_entry(f) for f in fields],
        "tensors": [
            {
                "name": t.name,
                "shape": [int(d) for d in t.shape],
                "type": t.tensor_type.name,
                "type_id": int(t.tensor_type),
                "offset": int(t.data_offset),
                "byte_count": int(t.n_bytes),
            }
            for t in reader.tensors
        ],
    }


def write_types():
    """Every ggml type id with its block size in elements and bytes."""
    types = [
        {"name": t.name, "id": int(t), "block_elements": GGML_QUANT_SIZES[t][0], "block_bytes": GGML_QUANT_SIZES[t][1]}
        for t in GGMLQuantizationType
    ]
    out = OUT / "ggml_types.json"
    out.write_text(json.dumps(types, indent=1) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    write_types()
    for short, name in FILES.items():
        path = MODELS / name
        if not path.exists():
            sys.exit(f"missing {path}; run scripts/fetch-models")
        out = OUT / f"{short}.json"
        out.write_text(json.dumps(describe(path), indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
