#!/usr/bin/env python3
"""Writes the fuzz seed corpus (Fuzz/corpus/): tiny synthetic GGUF, safetensors and config.json files made
with the reference writers (gguf.GGUFWriter, safetensors), each well under 2 KB.

Usage: ~/.cache/swiftlam/venv/bin/python Fuzz/make_corpus.py
"""
import json
from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType, GGUFWriter
from safetensors.numpy import save_file

OUT = Path(__file__).resolve().parent / "corpus"


def gguf(name, build):
    path = OUT / name
    writer = GGUFWriter(str(path), "llama")
    build(writer)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main():
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()

    def metadata_only(w):
        w.add_block_count(2)
        w.add_context_length(128)
        w.add_rope_freq_base(10000.0)
        w.add_tokenizer_model("gpt2")
        w.add_token_list(["a", "b", "<s>", "é"])
        w.add_token_scores([0.0, -1.5, 2.0, 0.25])
        w.add_token_types([1, 1, 3, 1])
        w.add_bool("tokenizer.ggml.add_bos_token", True)
        w.add_array("test.nested", [[1, 2], [3]])
        w.add_uint64("test.u64", 2**63)
        w.add_float64("test.f64", -0.5)
        w.add_int8("test.i8", -3)
    gguf("metadata.gguf", metadata_only)

    def tensors(w):
        w.add_block_count(1)
        w.add_tensor("f32", np.arange(8, dtype=np.float32))
        w.add_tensor("f16", np.arange(4, dtype=np.float16).reshape(2, 2))
        w.add_tensor("q8_0", np.zeros(34, dtype=np.uint8), raw_dtype=GGMLQuantizationType.Q8_0)
        w.add_tensor("q4_k", np.zeros(144, dtype=np.uint8), raw_dtype=GGMLQuantizationType.Q4_K)
    gguf("tensors.gguf", tensors)

    save_file({"w": np.ones((2, 3), dtype=np.float32), "b": np.zeros(3, dtype=np.float16)},
              OUT / "model.safetensors", metadata={"format": "pt"})
    save_file({}, OUT / "empty.safetensors")
    (OUT / "config.json").write_text(json.dumps({
        "architectures": ["Qwen2ForCausalLM"], "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1,
        "num_attention_heads": 2, "num_key_value_heads": 1, "vocab_size": 16, "max_position_embeddings": 64,
        "rope_scaling": {"rope_type": "llama3", "factor": 8.0}, "eos_token_id": [1, 2],
    }))
    (OUT / "generation_config.json").write_text(json.dumps({"eos_token_id": 2, "temperature": 0.7, "top_k": 20}))
    for path in sorted(OUT.iterdir()):
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
