#!/usr/bin/env python3
"""Captures the request bodies the official `openai` Python client sends for the calls SwiftLAM's server
must understand, so that the Swift wire types are tested against what real clients send, byte for byte.

Writes Tests/Golden/openai/requests.jsonl: one {"name", "path", "body"} object per line, `body` as sent.
Run: ~/.cache/swiftlam/venv/bin/python scripts/golden/openai_requests.py
"""
import json
import pathlib

import httpx2
import openai

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/Golden/openai/requests.jsonl"

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer"},
            },
            "required": ["city"],
        },
    },
}
TIME = {
    "type": "function",
    "function": {
        "name": "get_time",
        "parameters": {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]},
        "strict": True,
    },
}
CALL = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}

CHAT_CASES = {
    "plain": dict(messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]),
    "sampling": dict(
        messages=[{"role": "user", "content": "Count"}], temperature=0.7, top_p=0.9, max_tokens=32, stop=["\n", "."],
        seed=42, frequency_penalty=0.5, presence_penalty=-0.25, max_completion_tokens=30, n=1, user="u-1",
    ),
    "stop_string": dict(messages=[{"role": "user", "content": "x"}], stop="END"),
    "tools_auto": dict(messages=[{"role": "user", "content": "Weather in Paris?"}], tools=[WEATHER, TIME]),
    "tool_choice_required": dict(
        messages=[{"role": "user", "content": "Weather?"}], tools=[WEATHER], tool_choice="required",
        parallel_tool_calls=False,
    ),
    "tool_choice_named": dict(
        messages=[{"role": "user", "content": "Time?"}], tools=[WEATHER, TIME],
        tool_choice={"type": "function", "function": {"name": "get_time"}},
    ),
    "tool_choice_none": dict(messages=[{"role": "user", "content": "Hi"}], tools=[WEATHER], tool_choice="none"),
    "multi_turn_tool_result": dict(
        messages=[
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": None, "tool_calls": [CALL]},
            {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 21}'},
        ],
        tools=[WEATHER],
    ),
    "content_parts": dict(
        messages=[{"role": "user", "content": [{"type": "text", "text": "Hello "}, {"type": "text", "text": "there"}]}]
    ),
    "json_object": dict(messages=[{"role": "user", "content": "JSON please"}], response_format={"type": "json_object"}),
    "json_schema": dict(
        messages=[{"role": "user", "content": "A person"}],
        response_format={
            "type": "json_schema",
            "json_schema": {
                "name": "person",
                "strict": True,
                "schema": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                    "required": ["name", "age"],
                    "additionalProperties": False,
                },
            },
        },
    ),
    "stream_usage": dict(
        messages=[{"role": "user", "content": "Hi"}], stream=True, stream_options={"include_usage": True}
    ),
}

COMPLETION_CASES = {
    "completion_plain": dict(prompt="Once upon a time", max_tokens=5, temperature=0.0),
    "completion_stream": dict(prompt=["def f():"], stream=True, stop=["\n\n"]),
}


def capture():
    captured = []

    def handler(request):
        captured.append(json.loads(request.content))
        if request.url.path.endswith("/chat/completions"):
            body = {"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": []}
        else:
            body = {"id": "x", "object": "text_completion", "created": 0, "model": "m", "choices": []}
        if captured[-1].get("stream"):
            return httpx2.Response(200, text="data: [DONE]\n\n", headers={"content-type": "text/event-stream"})
        return httpx2.Response(200, json=body)

    client = openai.OpenAI(
        api_key="k", base_url="http://golden.invalid/v1", http_client=httpx2.Client(transport=httpx2.MockTransport(handler))
    )
    rows = []
    for name, kwargs in CHAT_CASES.items():
        result = client.chat.completions.create(model="scripted-model", **kwargs)
        if kwargs.get("stream"):
            list(result)
        rows.append({"name": name, "path": "/v1/chat/completions", "body": captured[-1]})
    for name, kwargs in COMPLETION_CASES.items():
        result = client.completions.create(model="scripted-model", **kwargs)
        if kwargs.get("stream"):
            list(result)
        rows.append({"name": name, "path": "/v1/completions", "body": captured[-1]})
    return rows


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w") as f:
        for row in capture():
            f.write(json.dumps(row) + "\n")
    print(f"wrote {OUT} (openai {openai.__version__})")
