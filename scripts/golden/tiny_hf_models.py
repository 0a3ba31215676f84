#!/usr/bin/env python3
"""Tiny random Hugging Face models for the safetensors path of LAMModels, and transformers' logits for them.

Writes under Tests/Golden/hf-models/:

  qwen2-f16/        Qwen2ForCausalLM saved by transformers in F16: q/k/v biases, grouped-query attention
                    (4 heads, 2 KV heads), tied embeddings, a ChatML template in tokenizer_config.json, and a small
                    byte-level BPE tokenizer.json (the Qwen2 split regex) trained on Tests/Golden/tokenizer/corpus.jsonl
  llama-bf16/       LlamaForCausalLM saved in BF16: llama3 rope scaling (original context 32, so positions of
                    the test sequences are scaled), 4 heads over 1 KV head, a separate output head, a Llama 3 style
                    tokenizer (split regex, <|begin_of_text|> added by the post-processor) and chat template
  <model>.logits.json
      sequences: name, the text (if any), its token ids (transformers' tokenizer; for "chat", the chat template
                 applied to one user message with the generation prompt), and for every position the logits of
                 the whole vocabulary, from
        "logits":      transformers running the stored weights upcast to fp32 (BF16 and F16 widen exactly, so
                       this is the model as stored, computed in fp32)
        "q8_0_logits": what `--quantize q8_0` computes: every weight matrix (projections, embedding, output
                       head) through gguf's reference Q8_0 quantizer and back, and the input of every linear layer
                       rounded as ggml's Q8_0 activations (per 32 values: scale max|x|/127 kept as f16, quants
                       rounded half to even) — the integer dot products then compute exactly these products
                       (an activation within float rounding of a quantization boundary may round either way, and
                       these random networks amplify one quant step to tenths of a logit: this computation in fp32
                       and in fp64 differs by up to 0.32)

The weights are random but not transformers' default init (std 0.02 gives near-uniform logits that would hide
mistakes): matrices scaled to keep activations near unit size, norm weights 1 ± 0.1, biases ±0.1, an output head
with logits spread over several units.

Usage: ~/.cache/swiftlam/venv/bin/python scripts/golden/tiny_hf_models.py
"""
import json
import math
import shutil
from pathlib import Path

import numpy as np
import torch
from gguf import GGMLQuantizationType
from gguf.quants import dequantize, quantize
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaConfig, Qwen2Config

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests/Golden/hf-models"
CORPUS = ROOT / "Tests/Golden/tokenizer/corpus.jsonl"

QWEN2_REGEX = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
LLAMA3_REGEX = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"

CHATML_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
LLAMA3_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
    " + message['content'] | trim + '<|eot_id|>' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}")

TEXTS = {
    "sentence": "The quick brown fox jumps over the lazy dog.",
    "code": "def add(a, b):\n    return a + b",
}
CHAT_MESSAGE = "Weather in Berlin?"


def corpus():
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").split("\n") if line]


def train_tokenizer(regex, vocab_size, special, ignore_merges=False):
    tok = Tokenizer(models.BPE(ignore_merges=ignore_merges))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(regex), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(corpus(), trainers.BpeTrainer(
        vocab_size=vocab_size, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in special])
    return tok


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if "norm" in name:
                p.copy_(1 + 0.1 * noise)
            elif name.endswith("bias"):
                p.copy_(0.1 * noise)
            elif "embed_tokens" in name or "lm_head" in name:
                p.copy_(0.3 * noise)
            else:
                p.copy_(noise / math.sqrt(p.shape[1]))


def all_logits(model, ids):
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0].double().numpy()


def q8_0_activations(x):
    """x rounded as ggml quantizes activations for Q8_0 weights (our QuantizedActivations does the same)."""
    blocks = x.reshape(-1, 32)
    amax = blocks.abs().max(dim=1, keepdim=True).values
    inverse = torch.where(amax == 0, torch.zeros_like(amax), 127 / amax)
    quants = torch.round(blocks * inverse)  # half to even
    return (quants * (amax / 127).half().float()).reshape(x.shape)


def quantized_copy(folder):
    """The saved model in fp32 with every weight matrix replaced by its Q8_0 round trip, and Q8_0 activations."""
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager").eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 2:
                w = p.numpy()
                p.copy_(torch.from_numpy(dequantize(quantize(w, GGMLQuantizationType.Q8_0), GGMLQuantizationType.Q8_0)))
    for module in model.modules():
        if isinstance(module, torch.nn.Linear):
            module.register_forward_pre_hook(lambda _, inputs: (q8_0_activations(inputs[0]),))
    return model


def write_model(name, config, dtype, seed, tokenizer, tokenizer_config):
    folder = OUT / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    randomize(model, seed)
    model.to(dtype).save_pretrained(folder, safe_serialization=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2) + "\n")

    # The reference: what was saved, read back and computed in fp32.
    reference = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager").eval()
    quantized = quantized_copy(folder)
    hf_tokenizer = AutoTokenizer.from_pretrained(folder)
    sequences = []
    for text_name, text in TEXTS.items():
        sequences.append({"name": text_name, "text": text, "tokens": hf_tokenizer(text)["input_ids"]})
    chat = hf_tokenizer.apply_chat_template([{"role": "user", "content": CHAT_MESSAGE}], add_generation_prompt=True,
                                            tokenize=False)
    sequences.append({"name": "chat", "text": CHAT_MESSAGE, "rendered": chat,
                      "tokens": hf_tokenizer(chat, add_special_tokens=False)["input_ids"]})
    rng = np.random.default_rng(seed)
    sequences.append({"name": "random-ids", "text": None,
                      "tokens": rng.integers(0, config.vocab_size, size=24).tolist()})
    for s in sequences:
        s["logits"] = np.round(all_logits(reference, s["tokens"]), 5).tolist()
        s["q8_0_logits"] = np.round(all_logits(quantized, s["tokens"]), 5).tolist()
        spread = np.std(s["logits"])
        print(f"{name} {s['name']}: {len(s['tokens'])} tokens, logit std {spread:.2f}, "
              f"q8_0 max diff {np.max(np.abs(np.array(s['logits']) - np.array(s['q8_0_logits']))):.4f}")
    result = {"model": name, "dtype": str(dtype).removeprefix("torch."), "vocab_size": config.vocab_size,
              "sequences": sequences}
    (OUT / f"{name}.logits.json").write_text(json.dumps(result, separators=(",", ":")) + "\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)

    qwen_tok = train_tokenizer(QWEN2_REGEX, 500, ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
    qwen = Qwen2Config(vocab_size=512, hidden_size=128, intermediate_size=256, num_hidden_layers=2,
                       num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                       rms_norm_eps=1e-6, rope_theta=1_000_000.0, tie_word_embeddings=True,
                       bos_token_id=None, eos_token_id=qwen_tok.token_to_id("<|im_end|>"))
    write_model("qwen2-f16", qwen, torch.float16, 1, qwen_tok, {
        "tokenizer_class": "PreTrainedTokenizerFast", "bos_token": None, "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>", "add_bos_token": False, "chat_template": CHATML_TEMPLATE})

    llama_tok = train_tokenizer(LLAMA3_REGEX, 500, ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
                                                    "<|end_header_id|>", "<|eot_id|>"], ignore_merges=True)
    bos = llama_tok.token_to_id("<|begin_of_text|>")
    llama_tok.post_processor = processors.TemplateProcessing(
        single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A <|begin_of_text|> $B",
        special_tokens=[("<|begin_of_text|>", bos)])
    llama = LlamaConfig(vocab_size=512, hidden_size=128, intermediate_size=352, num_hidden_layers=3,
                        num_attention_heads=4, num_key_value_heads=1, max_position_embeddings=256,
                        rms_norm_eps=1e-5, tie_word_embeddings=False, bos_token_id=bos,
                        eos_token_id=[llama_tok.token_to_id("<|end_of_text|>"), llama_tok.token_to_id("<|eot_id|>")],
                        rope_parameters={"rope_type": "llama3", "rope_theta": 500_000.0, "factor": 8.0,
                                         "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                         "original_max_position_embeddings": 32})
    write_model("llama-bf16", llama, torch.bfloat16, 2, llama_tok, {
        "tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>",
        "chat_template": LLAMA3_TEMPLATE})

    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"total {total / 1e6:.2f} MB under {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
