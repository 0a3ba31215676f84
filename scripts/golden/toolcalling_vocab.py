#!/usr/bin/env python3
"""Writes a GGUF model's vocabulary as constrained decoding sees it: one line per token id, the token's bytes in
hex (empty line for control and unused tokens; user-defined tokens such as <tool_call> are their own text), after a first line `eos <id> <id>...`. Used by scripts/bench-mask to
time the token mask on a real 151,936-token vocabulary (decodes GPT-2 byte-level token text back to bytes).
Usage: toolcalling_vocab.py MODEL.gguf OUT.txt
"""
import sys

import gguf


def byte_decoder():
    # GPT-2's reversible map from bytes to printable unicode characters, inverted.
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, chars)}


def main():
    reader = gguf.GGUFReader(sys.argv[1])
    field = reader.fields["tokenizer.ggml.tokens"]
    tokens = [bytes(field.parts[i]).decode("utf-8") for i in field.data]
    types = [int(reader.fields["tokenizer.ggml.token_type"].parts[i][0]) for i in reader.fields["tokenizer.ggml.token_type"].data]
    eos = int(reader.fields["tokenizer.ggml.eos_token_id"].parts[-1][0])
    decoder = byte_decoder()
    eos_ids = {eos}
    lines = []
    for token, kind in zip(tokens, types):
        if kind == 1:  # normal: GPT-2 byte-level text
            lines.append(bytes(decoder[c] for c in token).hex())
        elif kind == 4:  # user-defined (e.g. <tool_call>): its text as written
            lines.append(token.encode("utf-8").hex())
        else:  # control and unused: never text
            lines.append("")
    for index, token in enumerate(tokens):
        if token in ("<|im_end|>", "<|endoftext|>", "<|eot_id|>"):
            eos_ids.add(index)
    with open(sys.argv[2], "w") as out:
        out.write("eos " + " ".join(map(str, sorted(eos_ids))) + "\n")
        out.write("\n".join(lines) + "\n")
    print(f"{len(lines)} tokens, eos {sorted(eos_ids)} -> {sys.argv[2]}")


if __name__ == "__main__":
    main()
