#!/usr/bin/env python3
"""Encode throughput of Hugging Face `tokenizers` on the golden corpus, single thread (the reference side of
scripts/bench-tokenizer). Usage: tokenizer_bench.py MODEL_NAME [SECONDS]   (MODEL_NAME: qwen05b, qwen15b, smollm2)
Prints one line per method; the last field of each is MB/s. Run with RAYON_NUM_THREADS=1 so encode_batch
stays on one thread (the script sets it when unset)."""
import json, os, sys, time
from pathlib import Path

os.environ.setdefault("RAYON_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import tokenizer as golden  # noqa: E402  (scripts/golden/tokenizer.py)


def timed(label, work, strings, seconds):
    size = sum(len(s.encode("utf-8")) for s in strings)
    tokens = work()  # warm-up: fills the word cache, as the Swift benchmark's first pass does
    passes, start = 0, time.perf_counter()
    while True:
        work()
        passes += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    print(f"hf-tokenizers {label}: {len(strings)} strings, {size} bytes, {tokens} tokens per pass; "
          f"{passes} passes in {elapsed:.2f} s: {size * passes / elapsed / 1e6:.2f} MB/s")


def main():
    name = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
    tok, _ = golden.reference_tokenizer(golden.MODELS_DIR / golden.MODELS[name])
    strings = [json.loads(line) for line in open(golden.OUT / "corpus.jsonl", encoding="utf-8")]
    timed("encode_batch (RAYON_NUM_THREADS=1)",
          lambda: sum(len(e.ids) for e in tok.encode_batch(strings, add_special_tokens=False)), strings, seconds)
    timed("encode loop", lambda: sum(len(tok.encode(s, add_special_tokens=False).ids) for s in strings), strings, seconds)


if __name__ == "__main__":
    main()
