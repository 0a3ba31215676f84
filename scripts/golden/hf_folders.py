#!/usr/bin/env python3
"""Writes small Hugging Face model folders under Tests/Golden/hf/ and what the reference libraries read from
them (Tests/Golden/hf/expected.json):

  qwen2-f32/          Qwen2ForCausalLM, one F32 model.safetensors, config.json in the transformers 4 style
                      (rope_theta, torch_dtype), generation_config.json, chat template inside
                      tokenizer_config.json
  qwen2-f16-v5/       Qwen2ForCausalLM, one F16 file, config.json as transformers 5 writes it
                      (rope_parameters, dtype), no generation config, no chat template
  llama-bf16-sharded/ LlamaForCausalLM, BF16 and F32 tensors over two shards with model.safetensors.index.json,
                      rope_scaling llama3, tie_word_embeddings, eos list, chat_template.jinja, tokenizer.json

Weights are written with the `safetensors` package; expected values come from `safetensors.safe_open` (tensor
data, as f32, base64) and from transformers' AutoConfig / GenerationConfig (hyperparameters).

Usage: ~/.cache/swiftlam/venv/bin/python scripts/golden/hf_folders.py
"""
import base64
import json
import shutil
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import save_file
from transformers import AutoConfig, GenerationConfig, Qwen2Config

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests/Golden/hf"


def tensors(hidden, ffn, vocab, kv_dim, dtype, seed, bias):
    g = torch.Generator().manual_seed(seed)
    t = lambda *shape: torch.randn(*shape, generator=g).to(dtype)  # noqa: E731
    out = {
        "model.embed_tokens.weight": t(vocab, hidden),
        "model.layers.0.self_attn.q_proj.weight": t(hidden, hidden),
        "model.layers.0.self_attn.k_proj.weight": t(kv_dim, hidden),
        "model.layers.0.mlp.down_proj.weight": t(hidden, ffn),
        "model.norm.weight": t(hidden).float(),  # norms often stay f32
    }
    if bias:
        out["model.layers.0.self_attn.q_proj.bias"] = t(hidden)
    return out


def write_json(path, value):
    path.write_text(json.dumps(value, indent=2) + "\n")


def qwen2_f32(folder):
    write_json(folder / "config.json", {
        "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 8, "intermediate_size": 16,
        "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 2, "vocab_size": 16,
        "max_position_embeddings": 64,
        "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "tie_word_embeddings": False, "torch_dtype": "float32",
        "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
    })
    write_json(folder / "generation_config.json", {
        "bos_token_id": 1, "eos_token_id": [2, 3], "pad_token_id": 2, "do_sample": True, "temperature": 0.7,
        "top_p": 0.8, "top_k": 20, "repetition_penalty": 1.05,
    })
    write_json(folder / "tokenizer_config.json", {"chat_template": "{{ messages[0]['content'] }}", "eos_token": "<|im_end|>"})
    save_file(tensors(8, 16, 16, 8, torch.float32, 1, True), folder / "model.safetensors", metadata={"format": "pt"})


def qwen2_f16_v5(folder):
    config = Qwen2Config(hidden_size=8, intermediate_size=16, num_hidden_layers=1, num_attention_heads=2,
                         num_key_value_heads=1, vocab_size=16, max_position_embeddings=128, tie_word_embeddings=True,
                         rope_parameters={"rope_type": "default", "rope_theta": 10000.0}, eos_token_id=7)
    config.architectures = ["Qwen2ForCausalLM"]
    config.dtype = "float16"
    config.save_pretrained(folder)
    save_file(tensors(8, 16, 16, 4, torch.float16, 2, True), folder / "model.safetensors")


def llama_bf16_sharded(folder):
    write_json(folder / "config.json", {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 8, "intermediate_size": 16,
        "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 4,
        "vocab_size": 16, "max_position_embeddings": 131072, "rms_norm_eps": 1e-5, "rope_theta": 500000.0,
        "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                         "original_max_position_embeddings": 8192},
        "tie_word_embeddings": True, "attention_bias": False, "bos_token_id": 0, "eos_token_id": [5, 6],
        "torch_dtype": "bfloat16",
    })
    all_tensors = tensors(8, 16, 16, 8, torch.bfloat16, 3, False)
    names = sorted(all_tensors)
    shards = {"model-00001-of-00002.safetensors": names[:2], "model-00002-of-00002.safetensors": names[2:]}
    weight_map = {}
    for shard, shard_names in shards.items():
        save_file({n: all_tensors[n] for n in shard_names}, folder / shard, metadata={"format": "pt"})
        weight_map.update({n: shard for n in shard_names})
    total = sum(t.numel() * t.element_size() for t in all_tensors.values())
    write_json(folder / "model.safetensors.index.json", {"metadata": {"total_size": total}, "weight_map": weight_map})
    (folder / "chat_template.jinja").write_text("{% for m in messages %}{{ m['content'] }}{% endfor %}")
    write_json(folder / "tokenizer.json", {"version": "1.0", "model": {"type": "BPE", "vocab": {}, "merges": []}})


def expected(folder):
    config = AutoConfig.from_pretrained(folder)
    rope = dict(config.rope_parameters or {})
    eos = config.eos_token_id
    result = {
        "config": {
            "architecture": config.architectures[0], "model_type": config.model_type,
            "hidden_size": config.hidden_size, "intermediate_size": config.intermediate_size,
            "num_hidden_layers": config.num_hidden_layers, "num_attention_heads": config.num_attention_heads,
            "num_key_value_heads": config.num_key_value_heads,
            "head_dim": getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads,
            "vocab_size": config.vocab_size, "max_position_embeddings": config.max_position_embeddings,
            "rms_norm_eps": config.rms_norm_eps, "rope_theta": rope.get("rope_theta"),
            "rope_type": rope.get("rope_type"), "rope_factor": rope.get("factor"),
            "rope_low_freq_factor": rope.get("low_freq_factor"), "rope_high_freq_factor": rope.get("high_freq_factor"),
            "rope_original_max_position_embeddings": rope.get("original_max_position_embeddings"),
            "tie_word_embeddings": config.tie_word_embeddings, "bos_token_id": config.bos_token_id,
            "eos_token_ids": [] if eos is None else (eos if isinstance(eos, list) else [eos]),
        },
        "tensors": {},
    }
    if (folder / "generation_config.json").exists():
        gen = GenerationConfig.from_pretrained(folder)
        eos = gen.eos_token_id
        result["generation"] = {
            "bos_token_id": gen.bos_token_id, "eos_token_ids": eos if isinstance(eos, list) else [eos],
            "pad_token_id": gen.pad_token_id, "do_sample": gen.do_sample, "temperature": gen.temperature,
            "top_p": gen.top_p, "top_k": gen.top_k, "repetition_penalty": gen.repetition_penalty,
        }
    for path in sorted(folder.glob("*.safetensors")):
        with safe_open(path, framework="pt") as f:
            for name in f.keys():
                t = f.get_tensor(name)
                result["tensors"][name] = {
                    "file": path.name, "dtype": {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}[t.dtype],
                    "shape": list(t.shape),
                    "values": base64.b64encode(t.float().numpy().astype("<f4").tobytes()).decode(),
                }
    return result


def main():
    builders = {"qwen2-f32": qwen2_f32, "qwen2-f16-v5": qwen2_f16_v5, "llama-bf16-sharded": llama_bf16_sharded}
    results = {}
    for name, build in builders.items():
        folder = OUT / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        build(folder)
        results[name] = expected(folder)
    write_json(OUT / "expected.json", results)
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {OUT.relative_to(ROOT)} ({total} bytes)")


if __name__ == "__main__":
    main()
