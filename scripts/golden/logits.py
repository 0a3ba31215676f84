#!/usr/bin/env python3
"""Records llama.cpp's logits for teacher-forced token sequences on the GGUF test models.

Usage: ~/.cache/swiftlam/venv/bin/python scripts/golden/logits.py [qwen0.5b qwen1.5b smollm2 ...]
Writes Tests/Golden/logits/<model>.json. Needs llama-cpp-python (scripts/setup-reference-venv).

The sequences are fixed texts turned into tokens by llama.cpp's own tokenizer (the ids are stored, so the Swift
test does not need a tokenizer): eight of 128 tokens and one of 2,048. For every position we keep only what the
fidelity test compares: llama.cpp's argmax, its top-1/top-2 margin and its 8 largest logits (ids and values).
"""
import contextlib
import inspect
import io
import json
import os
import sys
import textwrap
import json.decoder
import json.encoder
import argparse as argparse_module

import numpy as np
import llama_cpp

MODELS = {
    "qwen0.5b": "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    "qwen1.5b": "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    "smollm2": "smollm2-135m-instruct-q4_1.gguf",
}
SHORT = 128
LONG = 2048
TOP = 8

TOOL_CHAT = """<|im_start|>system
You are a helpful assistant with access to the following functions. Use them if required.
<tools>
{"type": "function", "function": {"name": "get_weather", "description": "Get the current weather in a city", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name, e.g. Paris"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}}}
{"type": "function", "function": {"name": "book_flight", "description": "Book a flight between two airports", "parameters": {"type": "object", "properties": {"from": {"type": "string"}, "to": {"type": "string"}, "date": {"type": "string", "format": "date"}}, "required": ["from", "to", "date"]}}}
</tools><|im_end|>
<|im_start|>user
What's the weather like in Berlin today, and can you book me a flight from Berlin to Lisbon on 2025-03-14?<|im_end|>
<|im_start|>assistant
<tool_call>
{"name": "get_weather", "arguments": {"city": "Berlin", "unit": "celsius"}}
</tool_call>
<tool_call>
{"name": "book_flight", "arguments": {"from": "BER", "to": "LIS", "date": "2025-03-14"}}
</tool_call><|im_end|>
"""

MULTILINGUAL = """Le petit prince s'assit sur une pierre et leva les yeux vers le ciel. « Je me demande, dit-il, si les \
étoiles sont éclairées afin que chacun puisse un jour retrouver la sienne. » 小王子坐在一块石头上，抬头望着天空。\
他说：“我想知道，星星发光是不是为了让每个人有一天都能找到属于自己的那一颗。” Der kleine Prinz setzte sich auf \
einen Stein und hob die Augen zum Himmel. „Ich frage mich“, sagte er, „ob die Sterne leuchten, damit jeder eines \
Tages den seinen wiederfinden kann.“ El principito se sentó en una piedra y levantó los ojos hacia el cielo."""

SWIFT_CODE = """import Foundation

/// A bounded queue that drops the oldest element when full.
struct RingBuffer<Element> {
    private var storage: [Element?]
    private var head = 0
    private var count = 0

    init(capacity: Int) {
        precondition(capacity > 0, "capacity must be positive")
        storage = Array(repeating: nil, count: capacity)
    }

    mutating func push(_ element: Element) {
        let tail = (head + count) % storage.count
        storage[tail] = element
        if count == storage.count {
            head = (head + 1) % storage.count
        } else {
            count += 1
        }
    }

    mutating func pop() -> Element? {
        guard count > 0 else { return nil }
        defer { head = (head + 1) % storage.count; count -= 1 }
        return storage[head]
    }
}
"""


def arithmetic_text():
    lines = []
    a, b = 17, 29
    for i in range(40):
        lines.append(f"{a} + {b} = {a + b}; {a} * {b} = {a * b}")
        a, b = (a * 7 + 3) % 97, (b * 5 + 11) % 89
    return "\n".join(lines)


def csv_text():
    rows = ["id,name,city,temperature_c,humidity"]
    cities = ["Berlin", "Lisbon", "Tokyo", "Lagos", "Lima", "Oslo", "Cairo", "Hanoi"]
    for i in range(40):
        rows.append(f"{i},{cities[i % 8].lower()}_{i},{cities[i % 8]},{(i * 37) % 41 - 5}.{i % 10},{(i * 53) % 100}")
    return "\n".join(rows)


def sequences():
    with contextlib.redirect_stdout(io.StringIO()):
        import this  # prints the Zen of Python on import
    zen = "".join({chr(i + c): chr((i + 13) % 26 + c) for c in (65, 97) for i in range(26)}.get(ch, ch) for ch in this.s)
    return [
        ("python-source", inspect.getsource(textwrap)),
        ("tool-chat", TOOL_CHAT),
        ("zen-prose", zen + "\n\n" + (argparse_module.__doc__ or "")),
        ("multilingual", MULTILINGUAL),
        ("arithmetic", arithmetic_text()),
        ("argparse-doc", inspect.getsource(argparse_module)[2000:]),
        ("csv", csv_text()),
        ("swift-code", SWIFT_CODE),
    ], ("json-source", inspect.getsource(json.decoder) + inspect.getsource(json.encoder))


def tokens_of(llm, text, length, name):
    ids = llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)
    if len(ids) < length:
        sys.exit(f"sequence {name} has only {len(ids)} tokens, needs {length}")
    return ids[:length]


def record(llm, name, ids):
    llm.reset()
    llm.eval(ids)
    logits = np.array(llm.scores[: len(ids)], dtype=np.float32)
    order = np.argsort(-logits, axis=1, kind="stable")[:, :TOP]
    top = np.take_along_axis(logits, order, axis=1)
    return {
        "name": name,
        "tokens": [int(t) for t in ids],
        "argmax": [int(i) for i in order[:, 0]],
        "margin": [round(float(m), 4) for m in top[:, 0] - top[:, 1]],
        "top_ids": [[int(i) for i in row] for row in order],
        "top_logits": [[round(float(v), 4) for v in row] for row in top],
    }


def main():
    names = sys.argv[1:] or list(MODELS)
    models_dir = os.environ.get("SWIFTLAM_MODELS", os.path.expanduser("~/.cache/swiftlam/models"))
    out_dir = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Golden", "logits")
    os.makedirs(out_dir, exist_ok=True)
    short, long = sequences()
    for name in names:
        path = os.path.join(models_dir, MODELS[name])
        llm = llama_cpp.Llama(model_path=path, n_ctx=LONG, n_batch=512, n_threads=2, logits_all=True,
                              seed=0, verbose=False)
        result = {
            "model": MODELS[name],
            "reference": f"llama-cpp-python {llama_cpp.__version__}, n_threads=2, n_batch=512, f16 KV cache",
            "sequences": [record(llm, n, tokens_of(llm, text, SHORT, n)) for n, text in short],
            "long_sequence": record(llm, long[0], tokens_of(llm, long[1], LONG, long[0])),
        }
        target = os.path.join(out_dir, f"{name}.json")
        with open(target, "w") as f:
            json.dump(result, f, separators=(",", ":"))
        print(f"{target}: {os.path.getsize(target)} bytes")


if __name__ == "__main__":
    main()
