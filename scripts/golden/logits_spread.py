#!/usr/bin/env python3
"""How closely llama.cpp agrees with itself: re-runs the sequences of Tests/Golden/logits/<model>.json through
llama.cpp in other, equally valid configurations and scores each against the recorded logits exactly as the
Swift fidelity test scores our engine. The figures are stored in that file as "llama_cpp_spread".

Usage: ~/.cache/swiftlam/venv/bin/python scripts/golden/logits_spread.py MODEL [--long] [--token-by-token]
(run after scripts/golden/logits.py; MODEL is one of its names, e.g. qwen0.5b).

Variants:
- "f32 KV cache": keys and values kept in f32 instead of f16 (the default run's only rounding of K and V).
- "token by token" (--token-by-token; slow): n_batch=1, so every matrix product runs through ggml's
  matrix-vector kernels instead of its batched ones (tinyBLAS, repacked Q4_K): the same roundings to int8 and
  f16, only the order of the float additions differs.
Both models quantize activations to int8 before every matrix product, so a last-bit difference that moves one
value across a rounding boundary changes that quant by a whole step; on these small models such flips add up
to logit differences of tenths, which is why llama.cpp does not reproduce its own argmax everywhere.
"""
import json
import os
import sys

import llama_cpp
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from logits import LONG, MODELS, record  # noqa: E402


def score(reference, ours):
    """Argmax agreement, mismatches where the reference's top-1/top-2 margin exceeds 0.1, largest top-8 gap."""
    positions = matches = confident = 0
    largest = 0.0
    for ref, run in zip(reference, ours):
        for p, expected in enumerate(ref["argmax"]):
            positions += 1
            if run["argmax"][p] == expected:
                matches += 1
            elif ref["margin"][p] > 0.1:
                confident += 1
            theirs = dict(zip(run["all_ids"][p], run["all_logits"][p]))
            for i, v in zip(ref["top_ids"][p], ref["top_logits"][p]):
                largest = max(largest, abs(theirs[i] - v))
    return {"positions": positions, "argmax_agreement": round(matches / positions, 4),
            "confident_mismatches": confident, "max_top8_difference": round(largest, 4)}


def run(llm, sequence):
    """Like logits.record, but keeps the variant's logits at the reference's top-8 ids for scoring."""
    result = record(llm, sequence["name"], sequence["tokens"])
    logits = np.array(llm.scores[: len(sequence["tokens"])], dtype=np.float32)
    result["all_ids"] = sequence["top_ids"]
    result["all_logits"] = [[float(logits[p][i]) for i in ids] for p, ids in enumerate(sequence["top_ids"])]
    return result


def main():
    name, flags = sys.argv[1], sys.argv[2:]
    models_dir = os.environ.get("SWIFTLAM_MODELS", os.path.expanduser("~/.cache/swiftlam/models"))
    golden = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Golden", "logits", f"{name}.json")
    with open(golden) as f:
        g = json.load(f)
    variants = {"f32 KV cache": dict(type_k=0, type_v=0)}  # 0 = GGML_TYPE_F32
    if "--token-by-token" in flags:
        variants["token by token"] = dict(n_batch=1)
    spread = {}
    for label, settings in variants.items():
        params = dict(model_path=os.path.join(models_dir, MODELS[name]), n_ctx=LONG, n_batch=512, n_threads=2,
                      logits_all=True, seed=0, verbose=False)
        params.update(settings)
        llm = llama_cpp.Llama(**params)
        entry = {"short": score(g["sequences"], [run(llm, s) for s in g["sequences"]])}
        if "--long" in flags:
            entry["long"] = score([g["long_sequence"]], [run(llm, g["long_sequence"])])
        spread[label] = entry
        print(name, label, entry)
    g["llama_cpp_spread"] = spread
    with open(golden, "w") as f:
        json.dump(g, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
