"""Golden data for LAMJSON: Python's json.loads/json.dumps on a seeded corpus of JSON texts.

Writes Tests/Golden/json/dumps.jsonl: one line per (source, options) pair with the text json.dumps produced,
and Tests/Golden/json/invalid.jsonl: texts json.loads rejects (with strict RFC settings) and must be rejected.
Run: ~/.cache/swiftlam/venv/bin/python scripts/golden/json_dumps.py
"""
import json
import math
import pathlib
import random
import struct

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Golden" / "json"
rng = random.Random(20261127)

FIXED = [
    '0', '-0', '1', '-1', '9223372036854775807', '-9223372036854775808', '0.0', '-0.0', '1.0', '1.5', '0.1',
    '1e16', '1e15', '9999999999999998.0', '1e-4', '1e-5', '0.0001', '0.00001', '123456789.123456789',
    '5e-324', '1.7976931348623157e308', '2.5e-10', '1E+2', '3.14159', '100', '1e22', '1e21', '123e-2',
    '"plain"', '"quote \\" backslash \\\\ slash \\/"', '"\\b\\f\\n\\r\\t"', '"\\u0000\\u001f\\u007f"',
    '"caf\\u00e9 \\ud83d\\ude00 \u4e2d\u6587 \u0627\u0644\u0639\u0631\u0628\u064a\u0629"', '"\u2028\u2029"',
    '"\U0001F469\u200D\U0001F4BB \U0001F44D\U0001F3FD"', 'true', 'false', 'null', '[]', '{}', '[[]]', '{"a":{}}',
    '{"b": 1, "a": 2, "c": [1, 2.0, "3", null, true]}', '{"z": {"y": {"x": [{"w": []}]}}}',
    '{"a": 1, "a": 2}', '{"\u00e9": 1, "e": 2, "E": 3, "\U0001F600": 4, "": 5}',
    '[1e400]', '[-1e400]',
]


def random_double():
    while True:
        value = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        if math.isfinite(value):
            return value


def random_string():
    pool = ["a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\x01", "\x7f", "é", "中", "😀", "\u200d", "{", "}", ":", ","]
    return "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))


def random_value(depth=0):
    kind = rng.randint(0, 9 if depth < 4 else 5)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.randint(-10**12, 10**12)
    if kind == 3:
        return random_double() if rng.random() < 0.5 else round(rng.uniform(-1000, 1000), rng.randint(0, 6))
    if kind in (4, 5):
        return random_string()
    if kind in (6, 7):
        return [random_value(depth + 1) for _ in range(rng.randint(0, 4))]
    return {random_string(): random_value(depth + 1) for _ in range(rng.randint(0, 4))}


OPTIONS = [
    {},
    {"indent": 2},
    {"indent": 4},
    {"ensure_ascii": True},
    {"sort_keys": True},
    {"separators": [",", ":"]},
    {"indent": 2, "sort_keys": True, "ensure_ascii": True},
]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    sources = FIXED + [json.dumps(random_value()) for _ in range(300)]
    sources += [repr(random_double()) for _ in range(300)]
    with open(OUT / "dumps.jsonl", "w", encoding="utf-8") as out:
        for source in sources:
            value = json.loads(source)
            for options in OPTIONS:
                kwargs = dict(options)
                kwargs.setdefault("ensure_ascii", False)
                if "separators" in kwargs:
                    kwargs["separators"] = tuple(kwargs["separators"])
                expected = json.dumps(value, **kwargs)
                out.write(json.dumps({"source": source, "options": options, "expected": expected}) + "\n")

    def reject_constant(name):
        raise ValueError(name)

    # Python accepts lone surrogates and any nesting depth; LAMJSON rejects both on purpose (a Swift String
    # cannot hold a lone surrogate, and depth is limited against stack exhaustion).
    rejected_only_by_us = ['"\\ud800"', '"\\udc00x"', '[' * 600 + ']' * 600]
    invalid = ['', ' ', '{', '[1,]', '{"a":1,}', '{"a" 1}', '01', '1.', '.5', '-', '1e', '+1', '"abc', '"\\x"',
               '"\\u12"', 'tru', 'nul', 'NaN', 'Infinity', '[1 2]', '{1: 2}', '"tab\there"', '[1]]', '{"a":1}x',
               "'single'"]
    for text in invalid:
        try:
            json.loads(text, parse_constant=reject_constant)
        except ValueError:
            continue
        raise AssertionError(f"python accepted {text!r}")
    with open(OUT / "invalid.jsonl", "w", encoding="utf-8") as out:
        for text in invalid + rejected_only_by_us:
            out.write(json.dumps({"text": text}) + "\n")

if __name__ == "__main__":
    main()
