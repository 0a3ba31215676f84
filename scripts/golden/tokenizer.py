#!/usr/bin/env python3
"""Golden files for LAMTokenizer: a seeded test corpus and the token ids Hugging Face `tokenizers` gives for it.

Run with the reference venv:  ~/.cache/swiftlam/venv/bin/python scripts/golden/tokenizer.py
Writes Tests/Golden/tokenizer/:
  corpus.jsonl                 one JSON string per line (the same corpus for every tokenizer)
  <model>.ids.txt              line i: ids of corpus[i] with special tokens recognized, space-separated;
                               when treating special tokens as plain text gives other ids, they follow a '|'
  <model>.decode.jsonl         {"ids": [...], "text": decode(ids), "skipped": decode(ids, skip_special_tokens)}
  small-*.tokenizer.json       two small tokenizers built here, for the tokenizer.json loader
  small-*.ids.txt              their ids on the first SMALL_COUNT corpus strings
  small-llama3.gguf            a third small tokenizer (Llama 3's pre-tokenizer, ignore_merges, no normalizer)
                               written as GGUF metadata with tokenizer.ggml.pre = llama-bpe, for the GGUF loader;
                               small-llama3.ids.txt holds Hugging Face's ids for it
  llama-cpp-crosscheck.txt     how often llama.cpp's own tokenizer agrees (when llama-cpp-python is installed)

The reference for each GGUF model is the tokenizer transformers converts from the GGUF metadata, with the
conversion's known gaps fixed so it matches the model's original tokenizer.json (and llama.cpp):
  * qwen2: the original Qwen2 tokenizer normalizes to NFC; the conversion drops the normalizer.
  * smollm: the original pre-tokenizer splits digits one by one before the GPT-2 regex; the conversion
    keeps only the GPT-2 regex.
  * tokens the GGUF marks USER_DEFINED (type 4, e.g. Qwen's <tool_call>) are added tokens that are not
    special; the conversion marks every added token special.
Pass --save-json DIR to also write each model's reference tokenizer.json there (for the opt-in full-size
loader test, SWIFTLAM_TOKENIZER_JSON_DIR).
"""
import argparse, json, os, random, sys, unicodedata
from pathlib import Path

import gguf
from tokenizers import Tokenizer, models, pre_tokenizers, decoders, normalizers, trainers, Regex, AddedToken

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests/Golden/tokenizer"
MODELS_DIR = Path(os.environ.get("SWIFTLAM_MODELS", Path.home() / ".cache/swiftlam/models"))
MODELS = {
    "qwen05b": "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    "qwen15b": "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    "smollm2": "smollm2-135m-instruct-q4_1.gguf",
}
CORPUS_SIZE = 5200
SMALL_COUNT = 1500
DECODE_COUNT = 600
SEED = 20261127

# ---------------------------------------------------------------------------------------------- corpus
WORDS = ("the quick brown fox jumps over lazy dog model token function call weather city temperature "
         "return value string number array object schema tool agent plan search flight hotel book "
         "I you he she it we they don't can't won't isn't it's we're they've I'm you'll he'd "
         "Hello World HTTP JSON URL API GPU CPU iPhone McDonald naïve café résumé coöperate").split()
CONTRACTIONS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'M", "'LL", "'D",
                "'ſ", "’s", "'x", "'", "''", "'1"]
PUNCT = list(".,;:!?-—–()[]{}<>\"'`~@#$%^&*_+=|\\/…«»¿¡·•")
CODE = [
    "def f(x):\n    return x * 2\n", "for i in range(10):\n\tprint(i)\n", "if (a && b) { return; }",
    "let x: [Int32] = [1, 2, 3]", "func encode(_ text: String) -> [Int] {}", "    \n        pass\n",
    '{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}',
    "SELECT * FROM users WHERE id = 42;", "#include <stdio.h>\nint main(){return 0;}",
    "x = [i**2 for i in range(100) if i % 3 == 0]", "console.log(`${a}+${b}`);", "a<<=2; b>>=3; c!==d",
    "<div class=\"x\">&nbsp;</div>", "// TODO: fix\r\n/* block */", "λx.x → ∀y∃z", "0x1F600 0b1010 1e-9 3.14159",
]
SPECIALS = ["<|im_start|>", "<|im_end|>", "<|endoftext|>", "<tool_call>", "</tool_call>", "<|fim_prefix|>",
            "<|im_start|>system", "<|im_start|>user\n", "<|im_start", "im_end|>", "<|eot_id|>",
            "<|begin_of_text|>", "<repo_name>", "<file_sep>", "<|IM_START|>", "< |im_end| >", "<<|im_end|>>"]
CJK = ["你好，世界！", "今天天气很好。", "机器学习模型", "東京は日本の首都です。", "ひらがなとカタカナ",
       "한국어 텍스트입니다", "中文English混合", "「引用」と『二重』", "１２３全角数字", "漢字かなカナ"]
ARABIC = ["مرحبا بالعالم", "السَّلَامُ عَلَيْكُمْ", "اللغة العربية جميلة", "١٢٣ أرقام", "كتاب، قلم؛ ورقة؟"]
HINDI = ["नमस्ते दुनिया", "हिन्दी भाषा", "क्षत्रिय ज्ञान", "१२३४ अंक", "प्रोग्रामिंग भाषा"]
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "👩🏾‍💻", "🏳️‍🌈", "🇫🇷🇯🇵", "1️⃣", "❤️", "🧑🏻‍🤝‍🧑🏿", "🤷‍♀️",
         "👋🏿", "🫠", "✌🏼", "🐈‍⬛", "©️", "☺"]
COMBINING = ["e\u0301", "a\u0308", "n\u0303", "o\u0302\u0323", "Z\u0351\u0337\u0334a\u0336\u0358lgo",
             "Tiê\u0301ng Viê\u0323t", "\u0301start", "x\u20dd", "A\u030A", "\u1100\u1161\u11a8"]
SPACES = [" ", "  ", "   ", "\t", "\n", "\r\n", "\n\n", " \n", "\t\t", "\u00a0", "\u3000", "\u2028", "\u2003",
          " " * 17, "\n" * 5, "\t \t", " \r ", "\x0b", "\x0c", "\u0085"]
NUMBERS = ["0", "7", "42", "123", "1234", "12345", "1234567890", "3.14", "-17", "1,000,000", "2026-11-27",
           "٣", "½", "²", "Ⅻ", "𝟘𝟙", "10:30", "#1", "v2.5.1", "0001"]


def rand_scalar(rng):
    ranges = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x6FF), (0x900, 0x97F),
              (0x3040, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0x1F300, 0x1FAFF), (0x2000, 0x206F),
              (0x0, 0x1F), (0xE000, 0xE0FF), (0x10000, 0x1034F), (0xFFF0, 0xFFFF), (0x300, 0x36F)]
    lo, hi = rng.choice(ranges)
    return chr(rng.randint(lo, hi))


def english(rng):
    words = []
    for _ in range(rng.randint(1, 14)):
        w = rng.choice(WORDS)
        r = rng.random()
        if r < 0.15: w = w.capitalize()
        elif r < 0.2: w = w.upper()
        if rng.random() < 0.15: w += rng.choice(CONTRACTIONS)
        if rng.random() < 0.15: w += rng.choice(PUNCT)
        words.append(w)
    return " ".join(words)


def pick(rng, pool, n=(1, 4), sep=("", " ")):
    return rng.choice(sep).join(rng.choice(pool) for _ in range(rng.randint(*n)))


def mixed(rng):
    makers = [english, lambda r: pick(r, CODE, (1, 2), ("", "\n")), lambda r: pick(r, CJK),
              lambda r: pick(r, ARABIC), lambda r: pick(r, HINDI), lambda r: pick(r, EMOJI, (1, 6), ("", " ", "\u200d")),
              lambda r: pick(r, COMBINING), lambda r: pick(r, SPACES, (1, 6)), lambda r: pick(r, NUMBERS, (1, 5), ("", " ", ",")),
              lambda r: pick(r, SPECIALS, (1, 3), ("", " ", "\n")), lambda r: "".join(rand_scalar(r) for _ in range(r.randint(1, 12))),
              lambda r: rng.choice(CONTRACTIONS) + english(r)]
    return "".join(rng.choice(makers)(rng) for _ in range(rng.randint(1, 5)))


def vocab_soup(rng, tokens):
    """Concatenated pieces of real vocabulary, so that long merges get exercised."""
    byte_decoder = {c: b for b, c in bytes_to_unicode().items()}
    out = bytearray()
    for _ in range(rng.randint(1, 10)):
        t = rng.choice(tokens)
        if all(c in byte_decoder for c in t):
            out += bytes(byte_decoder[c] for c in t)
    return out.decode("utf-8", errors="ignore")


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + n); n += 1
    return dict(zip(bs, map(chr, cs)))


def build_corpus(qwen_tokens):
    rng = random.Random(SEED)
    fixed = ["", " ", "a", "'s", "'S", "'ſ", "Hello world", " Hello", "\n", "\r\n\r\n", " " * 64, "\t" * 9,
             "12345678901234567890", "don't DON'T Don'T", "e\u0301", "é", "<|im_start|>user\nhi<|im_end|>\n",
             "👨‍👩‍👧‍👦" * 3, "a" * 300, "ab" * 120, "\u0000", "\x7f", "\ufeffBOM", "\ud7ff\ue000\uffff",
             # added tokens of the small tokenizers: lstrip/rstrip (<mask>) and a normalized one (café)
             "a <mask> b", "x\t <mask>\n\ny", "<mask><mask>", " <mask>", "<mask> ", "cafe\u0301 café CAFÉ cafécafé",
             "<|eot_id|> <|begin_of_text|>hi<|python_tag|>", "<tool_call>{\"a\": 1}</tool_call>"]
    generators = [(english, 20), (mixed, 40), (lambda r: pick(r, CODE, (1, 3), ("", "\n", "\n\n")), 8),
                  (lambda r: vocab_soup(r, qwen_tokens), 12), (lambda r: pick(r, SPACES, (2, 12)) + english(r), 5),
                  (lambda r: pick(r, NUMBERS, (1, 8), ("", " ", "\n", "x")), 5),
                  (lambda r: pick(r, EMOJI, (1, 8), ("", " ", "\u200d")), 4),
                  (lambda r: pick(r, CJK + ARABIC + HINDI, (1, 4), ("", " ", "\n")), 6)]
    names, weights = zip(*generators)
    corpus = list(fixed)
    seen = set(corpus)
    while len(corpus) < CORPUS_SIZE:
        s = rng.choices(names, weights)[0](rng)[:400]
        if s not in seen:
            seen.add(s); corpus.append(s)
    return corpus


# ---------------------------------------------------------------------------------------------- references
def gguf_fields(path):
    reader = gguf.GGUFReader(path)
    return {k: f.contents() for k, f in reader.fields.items() if k.startswith("tokenizer.ggml.")}


def reference_tokenizer(path):
    """transformers' GGUF conversion, with the fixes described in the module docstring."""
    from transformers import AutoTokenizer
    fields = gguf_fields(path)
    converted = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name).backend_tokenizer
    spec = json.loads(converted.to_str())
    pre = fields["tokenizer.ggml.pre"]
    if pre == "qwen2":
        spec["normalizer"] = {"type": "NFC"}
    elif pre == "smollm":
        spec["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
            {"type": "Digits", "individual_digits": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}]}
    types = fields["tokenizer.ggml.token_type"]
    for token in spec["added_tokens"]:
        token["special"] = types[token["id"]] != 4
    return Tokenizer.from_str(json.dumps(spec)), fields


def encode_line(tok, text):
    tok.encode_special_tokens = False
    special = tok.encode(text, add_special_tokens=False).ids
    tok.encode_special_tokens = True
    plain = tok.encode(text, add_special_tokens=False).ids
    tok.encode_special_tokens = False
    line = " ".join(map(str, special))
    return line if plain == special else line + "|" + " ".join(map(str, plain))


def decode_cases(tok, corpus, rng):
    vocab_size = tok.get_vocab_size(with_added_tokens=True)
    added = sorted(tok.get_added_tokens_decoder().keys())
    cases = []
    for i in range(DECODE_COUNT):
        if i % 3 == 0:   # a slice of a real encoding, often cutting a multi-byte character in two
            ids = tok.encode(rng.choice(corpus), add_special_tokens=False).ids
            a = rng.randint(0, len(ids)); b = rng.randint(a, len(ids))
            ids = ids[a:b]
        else:            # arbitrary ids, special tokens included
            ids = [rng.randrange(vocab_size) if rng.random() > 0.1 else rng.choice(added)
                   for _ in range(rng.randint(1, 16))]
        cases.append({"ids": ids, "text": tok.decode(ids, skip_special_tokens=False),
                      "skipped": tok.decode(ids, skip_special_tokens=True)})
    return cases


def small_tokenizers(corpus):
    """Two small byte-level BPE tokenizers, trained here, each exercising other tokenizer.json features."""
    training = corpus[:3000]
    split = Tokenizer(models.BPE(ignore_merges=True))
    split.normalizer = normalizers.NFC()
    split.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_REGEX), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    split.decoder = decoders.ByteLevel()
    split.train_from_iterator(training, trainers.BpeTrainer(
        vocab_size=700, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    split.add_special_tokens([AddedToken("<|begin_of_text|>", special=True, normalized=False),
                              AddedToken("<|eot_id|>", special=True, normalized=False),
                              AddedToken("<mask>", special=True, lstrip=True, rstrip=True, normalized=False)])
    split.add_tokens([AddedToken("<tool_call>", special=False, normalized=False),
                      AddedToken("café", special=False, normalized=True)])

    byte_level = Tokenizer(models.BPE())
    byte_level.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    byte_level.decoder = decoders.ByteLevel()
    byte_level.train_from_iterator(training, trainers.BpeTrainer(
        vocab_size=600, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    byte_level.add_special_tokens([AddedToken("<|im_start|>", special=True, normalized=False),
                                   AddedToken("<|im_end|>", special=True, normalized=False)])
    return {"small-split": split, "small-bytelevel": byte_level}


LLAMA3_REGEX = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"


def small_llama3(corpus):
    """A small tokenizer built the way Llama 3's is (what xLAM-2's Llama variants use): the Llama 3 split regex,
    ignore_merges, no normalizer, <|begin_of_text|> / <|eot_id|> special and one non-special added token."""
    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_REGEX), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(corpus[1000:4000], trainers.BpeTrainer(
        vocab_size=800, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    tok.add_special_tokens([AddedToken("<|begin_of_text|>", special=True, normalized=False),
                            AddedToken("<|eot_id|>", special=True, normalized=False)])
    tok.add_tokens([AddedToken("<|python_tag|>", special=False, normalized=False)])
    return tok


def write_llama3_gguf(tok, path):
    """The tokenizer as llama.cpp's converter stores a Llama 3 tokenizer: tokens by id, types, merges."""
    spec = json.loads(tok.to_str())
    vocab = dict(spec["model"]["vocab"])
    added = {t["id"]: t for t in spec["added_tokens"]}
    for token in added.values():
        vocab[token["content"]] = token["id"]
    tokens = [None] * len(vocab)
    for text, i in vocab.items():
        tokens[i] = text
    types = [gguf.TokenType.NORMAL] * len(tokens)
    for i, token in added.items():
        types[i] = gguf.TokenType.CONTROL if token["special"] else gguf.TokenType.USER_DEFINED
    merges = [m if isinstance(m, str) else " ".join(m) for m in spec["model"]["merges"]]
    writer = gguf.GGUFWriter(str(path), "llama")
    # llama.cpp reads these hyper-parameters even for a vocab-only load.
    writer.add_context_length(128); writer.add_embedding_length(64); writer.add_block_count(1)
    writer.add_feed_forward_length(128); writer.add_head_count(1); writer.add_layer_norm_rms_eps(1e-5)
    writer.add_tokenizer_model("gpt2"); writer.add_tokenizer_pre("llama-bpe")
    writer.add_token_list(tokens); writer.add_token_types(types); writer.add_token_merges(merges)
    writer.add_bos_token_id(vocab["<|begin_of_text|>"]); writer.add_eos_token_id(vocab["<|eot_id|>"])
    writer.add_add_bos_token(True)
    writer.write_header_to_file(); writer.write_kv_data_to_file(); writer.write_tensors_to_file()
    writer.close()


def llama_cpp_crosscheck(path, corpus, tok):
    try:
        from llama_cpp import Llama
    except ImportError:
        return f"{path.name}: llama-cpp-python not installed, not checked\n"
    llm = Llama(model_path=str(path), vocab_only=True, verbose=False)
    disagreements = []
    for text in corpus:
        ours = tok.encode(text, add_special_tokens=False).ids
        theirs = llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)
        if ours != theirs:
            disagreements.append(text)
    # llama.cpp does not normalize Qwen2 input to NFC; count the disagreements that has no part in.
    unexplained = [t for t in disagreements if unicodedata.normalize("NFC", t) == t]
    report = (f"{path.name}: llama.cpp agrees on {len(corpus) - len(disagreements)}/{len(corpus)} strings; "
              f"of the {len(disagreements)} others, {len(unexplained)} are already in NFC\n")
    for text in (unexplained or disagreements)[:10]:
        report += "  differs: " + json.dumps(text, ensure_ascii=False) + "\n"
    return report


def write_ids(path, tok, texts):
    path.write_text("".join(encode_line(tok, t) + "\n" for t in texts))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--save-json", type=Path, help="also write each model's reference tokenizer.json here")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    references = {}
    for name, file in MODELS.items():
        references[name] = reference_tokenizer(MODELS_DIR / file)
        print(f"converted {file}", file=sys.stderr)
    corpus = build_corpus(references["qwen05b"][1]["tokenizer.ggml.tokens"])
    with open(OUT / "corpus.jsonl", "w") as f:
        for text in corpus:
            f.write(json.dumps(text, ensure_ascii=False) + "\n")
    crosscheck = ""
    for name, (tok, _) in references.items():
        write_ids(OUT / f"{name}.ids.txt", tok, corpus)
        rng = random.Random(f"{SEED}-{name}")
        with open(OUT / f"{name}.decode.jsonl", "w") as f:
            for case in decode_cases(tok, corpus, rng):
                f.write(json.dumps(case, ensure_ascii=False) + "\n")
        if args.save_json:
            args.save_json.mkdir(parents=True, exist_ok=True)
            tok.save(str(args.save_json / f"{name}.tokenizer.json"))
        crosscheck += llama_cpp_crosscheck(MODELS_DIR / MODELS[name], corpus, tok)
        print(f"wrote {name}", file=sys.stderr)
    for name, tok in small_tokenizers(corpus).items():
        tok.save(str(OUT / f"{name}.tokenizer.json"), pretty=False)
        write_ids(OUT / f"{name}.ids.txt", tok, corpus[:SMALL_COUNT])
    llama3 = small_llama3(corpus)
    write_llama3_gguf(llama3, OUT / "small-llama3.gguf")
    write_ids(OUT / "small-llama3.ids.txt", llama3, corpus[:SMALL_COUNT])
    crosscheck += llama_cpp_crosscheck(OUT / "small-llama3.gguf", corpus[:SMALL_COUNT], llama3)
    (OUT / "llama-cpp-crosscheck.txt").write_text(crosscheck)
    print(crosscheck, file=sys.stderr)


if __name__ == "__main__":
    main()
