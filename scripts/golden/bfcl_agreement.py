"""Builds BFCL result files from the data's possible answers with seeded mutations, and scores each answer
with the official bfcl-eval checker, so that the Swift port can be compared with it entry by entry.

Usage (reference venv python, after scripts/fetch-bfcl):
  bfcl_agreement.py --ci     # a few hundred entries -> Tests/Golden/bfcl/ (data subset, results, verdicts)
  bfcl_agreement.py --full   # every entry of every category -> ~/.cache/swiftlam/bfcl/agreement/

Each output folder holds, like the wheel's data folder, `BFCL_v4_<category>.json` and
`possible_answer/BFCL_v4_<category>.json` (CI only: the entries used), plus `results/BFCL_v4_<category>_result.json`:
one line per model answer in BFCL's result format ({"id", "result"}) with two extra keys, "variant" (the
mutation that made it) and "official" ({"valid", "error_type"} from the official checker). An entry has
several answers, so a results file is not one BFCL run: the checker is applied per answer.
"""
import argparse
import copy
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bfcl_official  # noqa: E402

CATEGORIES = [
    "simple_python", "simple_java", "simple_javascript", "multiple", "parallel", "parallel_multiple",
    "irrelevance", "live_simple", "live_multiple", "live_parallel", "live_parallel_multiple",
    "live_irrelevance", "live_relevance",
]
SEED = 20250601
ROOT = Path(__file__).resolve().parents[2]


# ---- rendering values the way each language's answers are written ----------------------------------
# With `alt` (a Random), each value takes one of several spellings models produce, some of which BFCL's
# converters accept and some not, so that the converters' edge cases are exercised.

def pick(alt, *forms):
    return forms[0] if alt is None else alt.choice(forms)


def java_source(value, ptype, items, alt=None):
    if ptype == "Array":
        if not isinstance(value, list):
            return str(value)
        parts = [java_element(v, items, True, alt) for v in value]
        name = java_array_name(items)
        return pick(alt, f"new {name}[]{{{', '.join(parts)}}}", f"new {name}[] {{ {','.join(parts)} }}",
                    "{" + ", ".join(parts) + "}", f"new {name}[]{{{', '.join(java_element(v, items, False, alt) for v in value)}}}")
    if ptype == "ArrayList":
        if not isinstance(value, list):
            return str(value)
        if not value:
            return pick(alt, "new ArrayList<>()", "new ArrayList<String>()", "[]")
        parts = [java_element(v, items, False, alt) for v in value]
        adds = " ".join(f"add({p});" for p in parts)
        return pick(alt, f"new ArrayList<>(Arrays.asList({', '.join(parts)}))",
                    f"new ArrayList<String>() {{{{ {adds} }}}}", f"new ArrayList<>() {{{{\n  {adds}\n}}}}",
                    f"Arrays.asList({', '.join(parts)})", f"new ArrayList<>(Arrays.asList({','.join(parts)}))")
    if ptype == "HashMap":
        if not isinstance(value, dict):
            return str(value)
        puts = " ".join(f'put("{k}", {java_literal(v, alt)});' for k, v in value.items())
        if not value:
            return pick(alt, "new HashMap<>()", "new HashMap<String, String>() {{}}", "{}")
        return pick(alt, f"new HashMap<String, Object>() {{{{ {puts} }}}}", f"new HashMap<>() {{ {{ {puts} }} }}",
                    f"new HashMap<String, String>() {{{{\n{puts}\n}}}}", f"new HashMap<String, Object>() {{{{{puts}}}}}",
                    "{" + ", ".join(f'"{k}": {java_literal(v, alt)}' for k, v in value.items()) + "}")
    if ptype == "boolean":
        text = "true" if value is True else "false" if value is False else str(value)
        return pick(alt, text, text, text.capitalize(), text.upper())
    if ptype == "long":
        return pick(alt, f"{value}L", f"{value}l", f"{value}", f"{value}.0")
    if ptype == "float":
        return pick(alt, f"{value}f", f"{value}F", f"{value}", f"{value}d", f"{float(value) if isinstance(value, (int, float)) else value}f")
    if ptype == "double":
        return pick(alt, str(value), f"{value}d", f"{value}e0", f"{value}f")
    if ptype in ("integer", "short", "byte"):
        return pick(alt, str(value), f"{value}L", f" {value}", f"{value}.0", f"+{value}")
    if ptype in ("String", "any", "char") and isinstance(value, str):
        return pick(alt, value, value, f'"{value}"', f"'{value}'")
    return str(value)


def java_array_name(items):
    return {"integer": "int", "String": "String", "char": "char", "long": "long"}.get(items or "", "Object")


def java_element(value, items, raw_strings, alt=None):
    if items in ("String", "char") and isinstance(value, str):
        return value if raw_strings else f'"{value}"'
    return java_source(value, items or "any", None, alt)


def java_literal(value, alt=None):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return pick(alt, f'"{value}"', f'"{value}"', value)
    if isinstance(value, float):
        return pick(alt, str(value), f"{value}f")
    if isinstance(value, int):
        return pick(alt, str(value), f"{value}L")
    return str(value)


def js_source(value, ptype, items, alt=None):
    if ptype == "array":
        if not isinstance(value, list):
            return str(value)
        parts = [js_literal(v, alt) for v in value]
        return pick(alt, "[" + ", ".join(parts) + "]", "new Array(" + ", ".join(parts) + ")", "[" + ",".join(parts) + "]",
                    "[" + ", ".join(f'"{v}"' if isinstance(v, str) else js_literal(v, alt) for v in value) + "]",
                    "[[" + ", ".join(parts) + "], [" + ", ".join(parts) + "]]")
    if ptype == "dict":
        if not isinstance(value, dict):
            return str(value)
        return pick(alt, "{" + ", ".join(f"{k}: {js_literal(v, alt)}" for k, v in value.items()) + "}",
                    "{" + ", ".join(f"'{k}': {js_literal(v, alt)}" for k, v in value.items()) + "}",
                    "{" + ", ".join(f'"{k}": {json.dumps(v)}' for k, v in value.items()) + "}",
                    "{" + ",".join(f"{k}:{js_literal(v, alt)}" for k, v in value.items()) + "}",
                    "{ " + ", ".join(f"{k}: {js_literal(v, alt)}" for k, v in value.items()) + ", extra: {a: 1} }")
    if ptype == "Boolean":
        text = "true" if value is True else "false" if value is False else str(value)
        return pick(alt, text, text.capitalize(), f"'{text}'")
    if ptype == "Bigint":
        return pick(alt, f"{value}n", f"{value}", f"{value}N")
    if ptype == "integer":
        return pick(alt, str(value), f"{value}.0", f"'{value}'", f"-{value}")
    if ptype == "float":
        return pick(alt, str(value), f"{value}0" if "." in str(value) else f"{value}.0", f"{value}e0", f"{int(value) if isinstance(value, (int, float)) else value}")
    if ptype in ("String", "any") and isinstance(value, str):
        return pick(alt, value, f"'{value}'", f'"{value}"', f"`{value}`")
    return str(value)


def js_literal(value, alt=None):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return pick(alt, f"'{value}'", f'"{value}"', value)
    if isinstance(value, list):
        return "[" + ", ".join(js_literal(v, alt) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {js_literal(v, alt)}" for k, v in value.items()) + "}"
    return str(value)


# ---- answers and their mutations --------------------------------------------------------------------

def find_function(functions, name):
    return next((f for f in functions if f["name"] == name), None)


def correct_calls(rng, functions, ground_truth, language, alt=None):
    calls = []
    for answer in ground_truth:
        name, params = next(iter(answer.items()))
        function = find_function(functions, name) or {"parameters": {"properties": {}}}
        props = function["parameters"].get("properties", {})
        arguments = {}
        for param, alternatives in params.items():
            options = [a for a in alternatives if a != ""]
            if not options or ("" in alternatives and rng.random() < 0.4):
                continue
            value = copy.deepcopy(rng.choice(options))
            detail = props.get(param, {})
            if language == "java":
                value = java_source(value, detail.get("type"), detail.get("items", {}).get("type"), alt)
            elif language == "javascript":
                value = js_source(value, detail.get("type"), detail.get("items", {}).get("type"), alt)
            elif isinstance(value, dict) and detail.get("type") == "dict":
                value = {k: rng.choice([o for o in v if o != ""] or [None]) for k, v in value.items()
                         if [o for o in v if o != ""]}
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                value = [{k: rng.choice([o for o in v if o != ""] or [None]) for k, v in d.items()
                          if isinstance(v, list) and [o for o in v if o != ""]} for d in value]
            arguments[param] = value
        calls.append({"name": name, "arguments": arguments})
    return calls


def invented_call(rng, functions):
    """A plausible call to one of the offered functions (relevance categories have no answers)."""
    if not functions:  # some live_irrelevance entries offer no function at all
        return {"name": "get_weather", "arguments": {"city": "Boston"}}
    function = rng.choice(functions)
    props = function["parameters"].get("properties", {})
    samples = {"string": "Boston", "integer": 3, "float": 2.5, "boolean": True, "array": ["a"], "dict": {"k": "v"}}
    arguments = {p: samples.get(props.get(p, {}).get("type"), "x") for p in function["parameters"].get("required", [])}
    return {"name": function["name"], "arguments": arguments}


def changed_value(rng, value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice([1, -1, 100])
    if isinstance(value, float):
        return value + 0.5
    if isinstance(value, str):
        return rng.choice([value + " extra", "completely different", value[::-1] + "x", ""])
    if isinstance(value, list):
        return value[:-1] if value else ["unexpected"]
    if isinstance(value, dict):
        out = dict(value)
        if out and rng.random() < 0.5:
            out.pop(rng.choice(list(out)))
        else:
            out["unexpected_key"] = "v"
        return out
    return "changed"


def retyped_value(rng, value):
    if isinstance(value, bool):
        return rng.choice(["true", 1])
    if isinstance(value, int):
        return rng.choice([str(value), float(value), [value]])
    if isinstance(value, float):
        return rng.choice([str(value), int(value), True])
    if isinstance(value, str):
        return rng.choice([123, [value], {"value": value}, None])
    if isinstance(value, list):
        return rng.choice([",".join(map(str, value)), value[0] if value else 0, [str(v) for v in value], [1, 2]])
    if isinstance(value, dict):
        return rng.choice([json.dumps(value), [value], list(value.values())])
    return 0


def string_variant(rng, value):
    return rng.choice([value.upper(), value.lower(), value.replace(" ", ""), " " + value + ".",
                       value.replace(" ", "-"), value.replace("'", '"'), value.title(), value + "!"])


def mutate(rng, kind, calls, functions):
    calls = copy.deepcopy(calls)
    target = rng.choice(calls) if calls else None
    args = target["arguments"] if target else {}
    keys = list(args)
    if kind == "wrong_name" and target:
        others = [f["name"] for f in functions if f["name"] != target["name"]]
        target["name"] = rng.choice(others + [target["name"] + "_v2", target["name"].upper()])
    elif kind == "drop_param" and keys:
        args.pop(rng.choice(keys))
    elif kind == "extra_param" and target:
        args[rng.choice(["verbose", "unit", "extra", keys[0] + "_2" if keys else "x"])] = rng.choice(["yes", 1, True])
    elif kind == "wrong_value" and keys:
        key = rng.choice(keys)
        args[key] = changed_value(rng, args[key])
    elif kind == "wrong_type" and keys:
        key = rng.choice(keys)
        args[key] = retyped_value(rng, args[key])
    elif kind == "string_variant":
        strings = [k for k in keys if isinstance(args[k], str)]
        if strings:
            key = rng.choice(strings)
            args[key] = string_variant(rng, args[key])
    elif kind == "int_for_float":
        # An int where the schema says float (Python accepts it), else a float where it says integer.
        props = (find_function(functions, target["name"]) or {}).get("parameters", {}).get("properties", {}) if target else {}
        floats = [k for k in keys if props.get(k, {}).get("type") == "float" and isinstance(args[k], (int, float))]
        ints = [k for k in keys if props.get(k, {}).get("type") == "integer" and isinstance(args[k], int)]
        if floats:
            key = rng.choice(floats)
            args[key] = int(round(args[key]))
        elif ints:
            key = rng.choice(ints)
            args[key] = float(args[key])
    elif kind == "list_variant":
        lists = [k for k in keys if isinstance(args[k], list)]
        if lists:
            key = rng.choice(lists)
            value = args[key]
            args[key] = rng.choice([list(reversed(value)), [v.upper() if isinstance(v, str) else v for v in value],
                                    value + value[:1], tuple(value) and list(value)])
    elif kind == "reorder" and len(calls) > 1:
        rng.shuffle(calls)
    elif kind == "drop_call" and calls:
        calls.pop(rng.randrange(len(calls)))
    elif kind == "duplicate_call" and target:
        calls.append(copy.deepcopy(target))
    elif kind == "empty_args" and target:
        target["arguments"] = {}
    elif kind == "java_js_nonstring" and keys:
        key = rng.choice(keys)
        args[key] = rng.choice([1, True, ["x"], {"a": 1}, None, 2.5])
    return calls


def render(rng, kind, calls):
    if kind == "not_json":
        return rng.choice(["I can't help with that.", "Sure! Let me look that up.", json.dumps(calls)[:-3],
                           "```json\n" + json.dumps(calls) + "\n```", "[" + json.dumps(calls)])
    if kind == "empty":
        return rng.choice(["", "[]", "   ", "{}"])
    if kind == "single_object" and calls:
        return json.dumps(calls[0])
    if kind == "semicolons" and calls:
        return ";".join(json.dumps(c) for c in calls)
    if kind == "arguments_not_object" and calls:
        bad = copy.deepcopy(calls)
        bad[0]["arguments"] = rng.choice([json.dumps(bad[0]["arguments"]), [1], "x", None])
        return json.dumps(bad)
    if kind == "missing_key" and calls:
        bad = copy.deepcopy(calls)
        bad[0].pop(rng.choice(["name", "arguments"]))
        return json.dumps(bad)
    if kind == "odd_name" and calls:
        bad = copy.deepcopy(calls)
        bad[0]["name"] = rng.choice([1, None, True, ["list"], {"d": 1}])
        return json.dumps(bad)
    if kind == "non_ascii":
        return json.dumps(calls, ensure_ascii=False)
    return json.dumps(calls, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, None, 2]))


AST_KINDS = ["correct", "correct", "wrong_name", "drop_param", "extra_param", "wrong_value", "wrong_type",
             "string_variant", "string_variant", "int_for_float", "list_variant", "reorder", "drop_call",
             "duplicate_call", "empty_args", "not_json", "empty", "single_object", "semicolons",
             "arguments_not_object", "missing_key", "odd_name", "non_ascii"]
LANGUAGE_KINDS = ["java_js_nonstring", "source_form", "source_form", "source_form"]
RELEVANCE_KINDS = ["not_json", "empty", "correct", "single_object", "semicolons", "arguments_not_object",
                   "missing_key", "odd_name", "empty_args", "wrong_type"]


def answers_for(rng, category, entry, truth, count):
    language = "java" if category == "simple_java" else "javascript" if category == "simple_javascript" else "python"
    kinds = RELEVANCE_KINDS if truth is None else AST_KINDS + (LANGUAGE_KINDS if language != "python" else [])
    out = []
    for kind in rng.sample(kinds, min(count, len(kinds))):
        if truth is None:
            calls = [invented_call(rng, entry["function"]) for _ in range(rng.choice([1, 1, 2]))]
        else:
            alt = rng if kind == "source_form" else None
            calls = correct_calls(rng, entry["function"], truth["ground_truth"], language, alt)
        calls = mutate(rng, kind, calls, entry["function"])
        out.append((kind, render(rng, kind, calls)))
    return out


def main():
    parser = argparse.ArgumentParser()
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--ci", action="store_true")
    group.add_argument("--full", action="store_true")
    parser.add_argument("--answers", type=int, default=6, help="answers per entry with --full (default 6)")
    parser.add_argument("--seed", type=int, default=SEED, help="with --full: another seed gives other mutations")
    options = parser.parse_args()

    checker = bfcl_official.OfficialChecker()
    if options.ci:
        out, per_category, answers_per_entry = ROOT / "Tests/Golden/bfcl", 24, 4
    else:
        out, per_category, answers_per_entry = Path.home() / ".cache/swiftlam/bfcl/agreement", None, options.answers
    (out / "possible_answer").mkdir(parents=True, exist_ok=True)
    (out / "results").mkdir(parents=True, exist_ok=True)

    summary = {}
    for category in CATEGORIES:
        rng = random.Random(f"{options.seed}-{category}")
        entries = checker.entries(category)
        truths = None if bfcl_official_relevance(checker, category) else checker.answers(category)
        indices = list(range(len(entries)))
        if per_category is not None:
            # A third of the CI entries, where there are enough, take a float parameter (int-for-float rule).
            with_float = [i for i in indices if '"type": "float"' in json.dumps(entries[i]["function"])]
            chosen = rng.sample(with_float, min(per_category // 3, len(with_float)))
            rest = [i for i in indices if i not in chosen]
            indices = sorted(chosen + rng.sample(rest, min(per_category - len(chosen), len(rest))))
        raw_entries = [json.loads(line) for line in open(bfcl_official.WHEEL / "bfcl_eval/data" / f"BFCL_v4_{category}.json")]
        raw_truths = None if truths is None else [json.loads(line) for line in
                      open(bfcl_official.WHEEL / "bfcl_eval/data/possible_answer" / f"BFCL_v4_{category}.json")]
        lines, data_lines, truth_lines = [], [], []
        for index in indices:
            entry, truth = entries[index], None if truths is None else truths[index]
            entry_rng = random.Random(f"{options.seed}-{entry['id']}")
            for kind, text in answers_for(entry_rng, category, copy.deepcopy(entry), truth, answers_per_entry):
                valid, error_type = checker.verdict(category, copy.deepcopy(entry), copy.deepcopy(truth), text)
                lines.append({"id": entry["id"], "result": text, "variant": kind,
                              "official": {"valid": valid, "error_type": error_type}})
            if per_category is not None:
                data_lines.append(raw_entries[index])
                if raw_truths is not None:
                    truth_lines.append(raw_truths[index])
        write_lines(out / "results" / f"BFCL_v4_{category}_result.json", lines)
        if per_category is not None:
            write_lines(out / f"BFCL_v4_{category}.json", data_lines)
            if raw_truths is not None:
                write_lines(out / "possible_answer" / f"BFCL_v4_{category}.json", truth_lines)
        valid = sum(l["official"]["valid"] for l in lines)
        summary[category] = {"answers": len(lines), "valid": valid,
                             "error_types": sorted({l["official"]["error_type"] for l in lines if l["official"]["error_type"]})}
        print(f"{category}: {len(indices)} entries, {len(lines)} answers, {valid} valid", file=sys.stderr)
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    if options.ci:
        write_lines(out / "prompts.json", official_prompts(checker, out))
    else:
        write_lines(out / "prompts.json", official_prompts(checker))
    (out / "aggregation.json").write_text(json.dumps(official_aggregation(out), indent=1) + "\n")


def official_aggregation(out):
    """BFCL's leaderboard summaries (eval_runner_helper's own functions) over a run made of the first
    answer of each CI entry."""
    from bfcl_eval.eval_checker import eval_runner_helper as helper
    scores = {}
    for category in CATEGORIES:
        first = {}
        for line in open(out / "results" / f"BFCL_v4_{category}_result.json"):
            row = json.loads(line)
            first.setdefault(row["id"], row["official"]["valid"])
        accuracy = sum(first.values()) / len(first)
        scores[category] = {"accuracy": accuracy, "total_count": len(first), "display_accuracy": accuracy}
    simple = helper.calculate_unweighted_accuracy([scores[c] for c in ("simple_python", "simple_java", "simple_javascript")])
    summary = {
        "non-live simple": simple,
        "non-live overall": helper.calculate_unweighted_accuracy(
            [simple, scores["multiple"], scores["parallel"], scores["parallel_multiple"]]),
        "live overall": helper.calculate_weighted_accuracy(
            [scores[c] for c in ("live_simple", "live_multiple", "live_parallel", "live_parallel_multiple")]),
        "irrelevance (non-live + live)": helper.calculate_unweighted_accuracy([scores["irrelevance"], scores["live_irrelevance"]]),
        "relevance (live)": scores["live_relevance"],
    }
    return {"categories": scores, "summary": {k: {"accuracy": v["accuracy"], "total": v["total_count"]} for k, v in summary.items()}}


def official_prompts(checker, out=None):
    """The Salesforce handler's raw prompt: with `out` (CI), for the first two entries of each category plus
    up to two with a system message or non-ASCII text; without, for every entry."""
    rows = []
    for category in CATEGORIES:
        wanted = None
        if out is not None:
            entries = [json.loads(line) for line in open(out / f"BFCL_v4_{category}.json")]
            special = [e["id"] for e in entries[2:]
                       if any(m["role"] == "system" for m in e["question"][0]) or not json.dumps(e).isascii()]
            wanted = [e["id"] for e in entries[:2]] + special[:2]
        for entry in checker.prompt_entries(category):
            if wanted is None or entry["id"] in wanted:
                data = checker.handler._pre_query_processing_prompting(copy.deepcopy(entry))
                data = checker.handler.add_first_turn_message_prompting(data, entry["question"][0])
                rows.append({"id": entry["id"], "prompt": checker.handler._format_prompt(data["message"], data["function"])})
    return rows


def bfcl_official_relevance(checker, category):
    return checker.utils.is_relevance_or_irrelevance(category)


def write_lines(path, rows):
    with open(path, "w") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
