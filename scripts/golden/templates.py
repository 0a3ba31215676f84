"""Golden renders for LAMTemplates: every chat template × every conversation, rendered by Python jinja2
exactly as transformers renders chat templates (transformers' own compile function: ImmutableSandboxedEnvironment,
trim_blocks, lstrip_blocks, loopcontrols, its tojson / raise_exception / strftime_now / dict / namespace),
with strftime_now on a fixed clock and messages pre-processed as vLLM does (a tool call's JSON-string
`arguments` becomes an object).

Writes under Tests/Golden/templates/:
  reference/*.jinja   the 23 templates of /work/shared/reference/templates, copied
  gguf/*.jinja        `tokenizer.chat_template` of each test model GGUF, extracted with the gguf package
  conversations.json  the conversation corpus (inputs)
  renders/<template>.json  {conversation name: {"output": text} | {"error": exception class name}}
Run: ~/.cache/swiftlam/venv/bin/python scripts/golden/templates.py
Needs jinja2 3.1.6 and transformers in the venv (scripts/setup-reference-venv --with-torch).
"""
import copy
import datetime
import json
import os
import pathlib
import shutil

import gguf
import jinja2
from transformers.utils import chat_template_utils

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Golden" / "templates"
REFERENCE = pathlib.Path("/work/shared/reference/templates")
MODELS = pathlib.Path(os.environ.get("SWIFTLAM_MODELS", pathlib.Path.home() / ".cache/swiftlam/models"))
GGUF_MODELS = {
    "qwen2.5-coder-0.5b-instruct": "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    "qwen2.5-coder-1.5b-instruct": "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    "smollm2-135m-instruct": "smollm2-135m-instruct-q4_1.gguf",
    "gemma-3-270m": "gemma-3-270m-q4_k_m.gguf",
}
# The clock strftime_now reads (the Swift test uses the same instant, in UTC).
FIXED_NOW = datetime.datetime(2026, 7, 26, 14, 5, 9)
BOS, EOS = "<s>", "</s>"


# ---------------------------------------------------------------------------------------------- corpus

def tool(name, description, properties, required=None):
    return {"type": "function", "function": {
        "name": name, "description": description,
        "parameters": {"type": "object", "properties": properties, "required": required or list(properties)}}}


WEATHER = tool("get_weather", "Get the current weather for a city.", {
    "city": {"type": "string", "description": "City name, e.g. Paris"},
    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "description": "Temperature unit"}}, ["city"])
SEARCH = tool("search_web", "Search the web and return the top results.", {
    "query": {"type": "string"}, "max_results": {"type": "integer", "default": 5}}, ["query"])
CALC = tool("calculate", "Evaluate an arithmetic expression.", {"expression": {"type": "string"}})
NESTED = tool("book_flight", "Book a flight for one or more passengers.", {
    "origin": {"type": "string"}, "destination": {"type": "string"},
    "passengers": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "age": {"type": "integer"}, "seat": {"type": ["string", "null"]}}}},
    "options": {"type": "object", "properties": {"refundable": {"type": "boolean"}, "max_price": {"type": "number"}}},
}, ["origin", "destination", "passengers"])
ODD_CHARS = tool("html_tool", "Escapes <b>bold</b> & \"quotes\" 'single' – ünïcödé ✓",
                 {"text": {"type": "string", "description": "Text with <tags> & stuff"}})
NO_PARAMS = {"type": "function", "function": {"name": "get_time", "description": "Current time.",
                                                "parameters": {"type": "object", "properties": {}}}}


def many_tools(count):
    kinds = ["string", "integer", "number", "boolean"]
    return [tool(f"tool_{i:02d}", f"Tool number {i}: does thing {i} with care.", {
        f"arg_{j}": {"type": kinds[(i + j) % 4], "description": f"Argument {j} of tool {i}"} for j in range(1 + i % 3)})
        for i in range(count)]


def call(id_, name, arguments):
    return {"id": id_, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}


def user(text):
    return {"role": "user", "content": text}


def assistant(text):
    return {"role": "assistant", "content": text}


def system(text):
    return {"role": "system", "content": text}


def assistant_calls(calls, content=""):
    return {"role": "assistant", "content": content, "tool_calls": calls}


def tool_result(id_, content, name=None):
    message = {"role": "tool", "tool_call_id": id_, "content": content}
    if name:
        message["name"] = name
    return message


# Mistral templates need 9-character tool call ids; the others take any.
ID1, ID2 = "a1B2c3D4e", "f5G6h7I8j"

CONVERSATIONS = [
    {"name": "user_only", "messages": [user("Hello!")]},
    {"name": "system_user", "messages": [system("You are a terse assistant."), user("Hi there")]},
    {"name": "no_generation_prompt", "messages": [user("Hello!"), assistant("Hi! How can I help?")],
     "add_generation_prompt": False},
    {"name": "multi_turn", "messages": [system("Be brief."), user("What is 2+2?"), assistant("4."),
                                        user("And 3+3?"), assistant("6."), user("Thanks!")]},
    {"name": "ten_turns", "messages": [m for i in range(10) for m in (
        user(f"Question {i}: tell me fact #{i}."), assistant(f"Fact #{i}: the number {i} squared is {i * i}."))]
        + [user("Summarize.")]},
    {"name": "tools_no_system", "messages": [user("What's the weather in Paris?")], "tools": [WEATHER]},
    {"name": "tools_with_system", "messages": [system("You are a travel agent."), user("Weather in Rome?")],
     "tools": [WEATHER, SEARCH, CALC]},
    {"name": "single_call", "messages": [user("What's the weather in Paris?"),
                                         assistant_calls([call(ID1, "get_weather", {"city": "Paris"})])],
     "tools": [WEATHER], "add_generation_prompt": False},
    {"name": "single_call_result", "messages": [
        user("What's the weather in Paris?"),
        assistant_calls([call(ID1, "get_weather", {"city": "Paris", "unit": "celsius"})]),
        tool_result(ID1, "{\"temperature\": 21.5, \"condition\": \"sunny\"}", "get_weather")], "tools": [WEATHER]},
    {"name": "parallel_calls", "messages": [
        user("Weather in Paris and London?"),
        assistant_calls([call(ID1, "get_weather", {"city": "Paris"}), call(ID2, "get_weather", {"city": "London"})]),
        tool_result(ID1, "18 degrees and cloudy", "get_weather"), tool_result(ID2, "12 degrees and rainy", "get_weather"),
        assistant("Paris: 18°C, cloudy. London: 12°C, rainy."), user("Thanks")], "tools": [WEATHER]},
    {"name": "tool_result_object", "messages": [
        user("Search for swift jinja"), assistant_calls([call(ID1, "search_web", {"query": "swift jinja", "max_results": 3})]),
        tool_result(ID1, {"results": [{"title": "Jinja", "url": "https://example.com/j?a=1&b=2"}], "count": 1})],
     "tools": [SEARCH]},
    {"name": "tool_result_list", "messages": [
        user("Compute"), assistant_calls([call(ID1, "calculate", {"expression": "1/3"})]),
        tool_result(ID1, [0.3333333333333333, 1e-07, 1e+22, -0.0, True, None, "x"])], "tools": [CALC]},
    {"name": "tool_result_blocks", "messages": [
        user("Compute"), assistant_calls([call(ID1, "calculate", {"expression": "2**10"})]),
        tool_result(ID1, [{"type": "text", "text": "1024"}])], "tools": [CALC]},
    {"name": "call_content_null", "messages": [
        user("Weather?"), assistant_calls([call(ID1, "get_weather", {"city": "Oslo"})], None),
        tool_result(ID1, "-3 and snowing")], "tools": [WEATHER]},
    {"name": "call_with_content", "messages": [
        user("Weather?"), assistant_calls([call(ID1, "get_weather", {"city": "Oslo"})], "Let me check that for you."),
        tool_result(ID1, "-3 and snowing")], "tools": [WEATHER]},
    {"name": "empty_arguments", "messages": [
        user("What time is it?"), {"role": "assistant", "content": "", "tool_calls": [
            {"id": ID1, "type": "function", "function": {"name": "get_time", "arguments": ""}}]},
        tool_result(ID1, "12:00")], "tools": [NO_PARAMS]},
    {"name": "rich_arguments", "messages": [
        user("Book it"), assistant_calls([call(ID1, "book_flight", {
            "origin": "SFO", "destination": "Zürich 🇨🇭", "passengers": [
                {"name": "Zoë \"Z\" O'Brien", "age": 34, "seat": None}, {"name": "李雷", "age": 7, "seat": "12A"}],
            "options": {"refundable": False, "max_price": 1234.5, "tolerance": 1e-05, "big": 1e16, "n": -0.0,
                        "text": "line1\nline2\ttab \\ backslash </s> {{ not_jinja }}"}})]),
        tool_result(ID1, "{\"confirmation\": \"XYZ123\"}")], "tools": [NESTED]},
    {"name": "unicode", "messages": [system("Réponds en français. 日本語も OK. Ελληνικά. العربية."),
                                     user("Grüße 👋🏽 — naïve café, e\u0301, \u200b zero-width, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢")]},
    {"name": "empty_content", "messages": [user(""), assistant(""), user("")]},
    {"name": "whitespace_content", "messages": [system("  padded system  \n"), user("\n\n  lots of space \t \n")]},
    {"name": "jinja_like_content", "messages": [user("{{ raise_exception('no') }} {% if x %} {# c #} <|im_end|>")]},
    {"name": "consecutive_users", "messages": [user("First"), user("Second")]},
    {"name": "system_only", "messages": [system("Only a system prompt.")]},
    {"name": "assistant_prefill", "messages": [user("Count to 3"), assistant("1, 2,")],
     "add_generation_prompt": False},
    {"name": "reasoning_content", "messages": [
        user("Why is the sky blue?"),
        {"role": "assistant", "content": "Rayleigh scattering.", "reasoning_content": "Short wavelengths scatter more."},
        user("And sunsets?")]},
    {"name": "think_tags_in_history", "messages": [
        user("Hi"), assistant("<think>\nThe user greets.\n</think>\n\nHello!"), user("Bye")]},
    {"name": "thinking_disabled", "messages": [user("Quick answer: capital of France?")],
     "kwargs": {"enable_thinking": False}},
    {"name": "html_in_tools", "messages": [user("Escape test")], "tools": [ODD_CHARS, NO_PARAMS]},
    {"name": "nested_tool_schema", "messages": [system("Agent."), user("Book SFO to ZRH for 2")], "tools": [NESTED]},
    {"name": "thirty_tools_ten_turns", "messages": [system("You are an agent with many tools.")] + [m for i in range(10) for m in (
        user(f"Please run tool {i}."),
        assistant_calls([call(f"c{i:08d}", f"tool_{i:02d}", {"arg_0": i})]),
        tool_result(f"c{i:08d}", f"result {i}"),
        assistant(f"Tool {i} done."))] + [user("All done?")], "tools": many_tools(30)},
    {"name": "named_messages", "messages": [
        {"role": "system", "content": "Team chat.", "name": "moderator"},
        {"role": "user", "content": "Hi", "name": "alice"}]},
    {"name": "firefunction_context", "messages": [user("Weather in Paris?")],
     "kwargs": {"functions": json.dumps([WEATHER["function"]]), "datetime": "2026-07-26 14:05"}},
    {"name": "llama_custom_date", "messages": [user("Weather?")], "tools": [WEATHER],
     "kwargs": {"date_string": "01 Jan 2026", "tools_in_user_message": False}},
    {"name": "long_multiline", "messages": [
        system("Rules:\n1. Be kind.\n2. Be brief.\n\n3. Use tools.\n"),
        user("```python\ndef f(x):\n    return {'a': [1, 2]}\n```\nExplain.\r\nWindows line.")]},
    {"name": "call_then_user", "messages": [
        system("Use tools when needed."), user("Weather in Paris?"),
        assistant_calls([call(ID1, "get_weather", {"city": "Paris"})]), tool_result(ID1, "sunny"),
        assistant("It is sunny in Paris."), user("And in Tokyo?"),
        assistant_calls([call(ID2, "get_weather", {"city": "Tokyo", "unit": "fahrenheit"})]),
        tool_result(ID2, {"temp": 75, "unit": "F"})], "tools": [WEATHER, SEARCH]},
]


# ---------------------------------------------------------------------------------------------- rendering

def preprocess(messages):
    """vLLM's preparation: a tool call's JSON-string arguments become an object; missing/empty ones {}."""
    messages = copy.deepcopy(messages)
    for message in messages:
        if message.get("role") == "assistant" and isinstance(message.get("tool_calls"), list):
            for tool_call in message["tool_calls"]:
                function = tool_call["function"]
                arguments = function.get("arguments")
                if isinstance(arguments, str) and arguments:
                    function["arguments"] = json.loads(arguments)
                elif arguments is None or arguments == "":
                    function["arguments"] = {}
    return messages


def compile_template(source):
    template = chat_template_utils._cached_compile_jinja_template(source)
    template.globals["strftime_now"] = lambda fmt: FIXED_NOW.strftime(fmt)
    return template


def render(template, conversation):
    context = dict(messages=preprocess(conversation["messages"]), tools=conversation.get("tools"), documents=None,
                   add_generation_prompt=conversation.get("add_generation_prompt", True),
                   bos_token=BOS, eos_token=EOS)
    context.update(conversation.get("kwargs", {}))
    try:
        return {"output": template.render(**context)}
    except Exception as error:  # jinja2 raised: we must raise too
        return {"error": type(error).__name__, "message": str(error)}


def gguf_template(path):
    reader = gguf.GGUFReader(str(path))
    field = reader.get_field("tokenizer.chat_template")
    if field is None:
        return None
    return field.contents()


def main():
    (OUT / "reference").mkdir(parents=True, exist_ok=True)
    (OUT / "gguf").mkdir(parents=True, exist_ok=True)
    renders_dir = OUT / "renders"
    if renders_dir.exists():
        shutil.rmtree(renders_dir)
    renders_dir.mkdir()

    templates = {}
    for path in sorted(REFERENCE.glob("*.jinja")):
        shutil.copyfile(path, OUT / "reference" / path.name)
        templates["reference/" + path.name] = path.read_bytes().decode("utf-8")
    for name, filename in GGUF_MODELS.items():
        source = gguf_template(MODELS / filename)
        if source is None:
            print(f"{filename}: no chat template")
            continue
        (OUT / "gguf" / f"{name}.jinja").write_bytes(source.encode("utf-8"))
        templates[f"gguf/{name}.jinja"] = source

    (OUT / "conversations.json").write_text(
        json.dumps({"bos_token": BOS, "eos_token": EOS, "now": FIXED_NOW.isoformat(), "conversations": CONVERSATIONS},
                   ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    total = errors = 0
    for key, source in templates.items():
        template = compile_template(source)
        renders = {c["name"]: render(template, c) for c in CONVERSATIONS}
        total += len(renders)
        errors += sum("error" in r for r in renders.values())
        out = renders_dir / (key.replace("/", "__").removesuffix(".jinja") + ".json")
        out.write_text(json.dumps({"template": key, "renders": renders}, ensure_ascii=False, indent=1) + "\n",
                       encoding="utf-8")
    print(f"{len(templates)} templates x {len(CONVERSATIONS)} conversations = {total} renders ({errors} raise)")


if __name__ == "__main__":
    main()
