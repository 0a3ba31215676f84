#!/usr/bin/env python3
"""RoPE reference angles from transformers' own rope initialisation functions, for the scalings the runtime
supports: none (Qwen2.5), YaRN (Qwen2.5 with rope_scaling for 128k context) and llama3 (Llama 3.1).

Usage: ~/.cache/swiftlam/venv/bin/python scripts/golden/rope.py  → Tests/Golden/rope/rope.json
For each case: cos and sin (already multiplied by the attention factor, as HF applies it) at a few positions.
"""
import json
import os

import torch
from transformers import LlamaConfig, Qwen2Config
from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS

POSITIONS = [0, 1, 7, 100, 1000, 5000, 40000]


def angles(config, kind):
    inv_freq, attention_factor = ROPE_INIT_FUNCTIONS[kind](config, "cpu")
    inv_freq = inv_freq.to(torch.float64)
    cases = []
    for p in POSITIONS:
        theta = p * inv_freq
        cases.append({"position": p, "cos": (torch.cos(theta) * attention_factor).tolist(),
                      "sin": (torch.sin(theta) * attention_factor).tolist()})
    return cases


def main():
    qwen_yarn = Qwen2Config(hidden_size=1536, num_attention_heads=12, rope_theta=1e6, max_position_embeddings=131072,
                            rope_scaling={"type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768})
    llama3 = LlamaConfig(hidden_size=4096, num_attention_heads=32, rope_theta=500000.0, max_position_embeddings=131072,
                         rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                       "high_freq_factor": 4.0, "original_max_position_embeddings": 8192})
    out = {
        "yarn": {"dimensions": 128, "base": 1e6, "factor": 4.0, "original_context": 32768,
                 "cases": angles(qwen_yarn, "yarn")},
        "llama3": {"dimensions": 128, "base": 500000.0, "factor": 8.0, "low_frequency_factor": 1.0,
                   "high_frequency_factor": 4.0, "original_context": 8192, "cases": angles(llama3, "llama3")},
    }
    target = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Golden", "rope", "rope.json")
    with open(target, "w") as f:
        json.dump(out, f)
    print(target)


if __name__ == "__main__":
    main()
