"""The OpenAI-compatible server, driven by the official `openai` client (strict response validation on)."""
import concurrent.futures
import json
import time

import httpx2
import openai
import pytest

from conftest import API_KEY, SCRIPTED

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "The city, e.g. Paris"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city", "unit"],
        },
    },
}
TIME = {
    "type": "function",
    "function": {
        "name": "get_time",
        "description": "Get the current time in a time zone.",
        "parameters": {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]},
    },
}
ASK_WEATHER = [{"role": "user", "content": "What is the weather in Paris? Use get_weather."}]


def test_models(server, client):
    models = client.models.list().data
    assert [m.id for m in models] == [server.model]
    assert client.models.retrieve(server.model).id == server.model


def test_plain_chat(server, client):
    response = client.chat.completions.create(
        model=server.model,
        messages=[{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "Say hello"}],
        max_tokens=32, temperature=0,
    )
    choice = response.choices[0]
    assert response.object == "chat.completion" and response.id.startswith("chatcmpl-")
    assert choice.message.role == "assistant" and choice.message.content
    assert choice.finish_reason in ("stop", "length")
    assert response.usage.prompt_tokens > 0 and 0 < response.usage.completion_tokens <= 32
    assert response.usage.total_tokens == response.usage.prompt_tokens + response.usage.completion_tokens
    if SCRIPTED:
        assert choice.message.content == "Echo: Say hello"


def test_streaming_chat(server, client):
    stream = client.chat.completions.create(
        model=server.model, messages=[{"role": "user", "content": "Count to three"}], max_tokens=24,
        stream=True, stream_options={"include_usage": True},
    )
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert text and finishes in (["stop"], ["length"])
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens > 0
    assert all(c.usage is None for c in chunks[:-1])
    assert len({c.id for c in chunks}) == 1
    if SCRIPTED:
        assert text == "Echo: Count to three"


def test_tool_call(server, client):
    response = client.chat.completions.create(
        model=server.model, messages=ASK_WEATHER, tools=[WEATHER], tool_choice="required", max_tokens=128,
    )
    choice = response.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    assert call.type == "function" and call.id and call.function.name == "get_weather"
    arguments = json.loads(call.function.arguments)
    assert set(arguments) >= {"city"}
    if SCRIPTED:
        assert list(arguments) == ["city", "unit"]  # the schema's key order survives


def test_streaming_tool_call(server, client):
    stream = client.chat.completions.create(
        model=server.model, messages=ASK_WEATHER, tools=[WEATHER], tool_choice="required", max_tokens=128, stream=True,
    )
    deltas, finish = [], None
    for chunk in stream:
        if chunk.choices:
            deltas += chunk.choices[0].delta.tool_calls or []
            finish = chunk.choices[0].finish_reason or finish
    first = deltas[0]
    assert first.index == 0 and first.id and first.type == "function" and first.function.name == "get_weather"
    assert all(d.id is None and d.function.name is None for d in deltas[1:])
    arguments = "".join(d.function.arguments or "" for d in deltas if d.index == 0)
    assert "city" in json.loads(arguments)
    assert finish == "tool_calls"


def test_named_tool_choice(server, client):
    response = client.chat.completions.create(
        model=server.model, messages=ASK_WEATHER, tools=[WEATHER, TIME], max_tokens=128,
        tool_choice={"type": "function", "function": {"name": "get_time"}},
    )
    assert [c.function.name for c in response.choices[0].message.tool_calls][:1] == ["get_time"]


def test_multi_turn_with_tool_results(server, client):
    first = client.chat.completions.create(
        model=server.model, messages=ASK_WEATHER, tools=[WEATHER], tool_choice="required", max_tokens=128,
    )
    call = first.choices[0].message.tool_calls[0]
    messages = ASK_WEATHER + [
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": json.dumps({"temperature": 21, "unit": "celsius"})},
    ]
    second = client.chat.completions.create(model=server.model, messages=messages, tools=[WEATHER], max_tokens=64)
    choice = second.choices[0]
    assert second.usage.prompt_tokens > first.usage.prompt_tokens
    if SCRIPTED:
        assert choice.message.content and choice.finish_reason in ("stop", "length")
        assert choice.message.content == 'Tool results: {"temperature": 21, "unit": "celsius"}'
    else:
        # A small model may answer or call again; either way the reply is well formed, and the second turn
        # continued the first turn's cached sequence instead of evaluating the conversation again.
        assert choice.message.content or choice.message.tool_calls
        assert choice.finish_reason in ("stop", "length", "tool_calls")
        assert second.usage.prompt_tokens_details.cached_tokens >= first.usage.prompt_tokens // 2


@pytest.mark.skipif(not SCRIPTED, reason="a real model decides itself how many calls to make")
def test_parallel_tool_calls(server, client):
    messages = [{"role": "user", "content": "get_time in Tokyo, then get_weather in Paris"}]
    response = client.chat.completions.create(model=server.model, messages=messages, tools=[WEATHER, TIME])
    calls = response.choices[0].message.tool_calls
    assert [c.function.name for c in calls] == ["get_time", "get_weather"]
    assert len({c.id for c in calls}) == 2
    single = client.chat.completions.create(
        model=server.model, messages=messages, tools=[WEATHER, TIME], parallel_tool_calls=False)
    assert len(single.choices[0].message.tool_calls) == 1


def test_json_schema_response_format(server, client):
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"],
        "additionalProperties": False,
    }
    response = client.chat.completions.create(
        model=server.model, messages=[{"role": "user", "content": "Invent a person; answer in JSON."}], max_tokens=64,
        response_format={"type": "json_schema", "json_schema": {"name": "person", "schema": schema, "strict": True}},
    )
    person = json.loads(response.choices[0].message.content)
    assert isinstance(person["name"], str) and isinstance(person["age"], int)


def test_json_object_response_format(server, client):
    response = client.chat.completions.create(
        model=server.model, messages=[{"role": "user", "content": "Reply with a JSON object."}], max_tokens=64,
        response_format={"type": "json_object"},
    )
    assert isinstance(json.loads(response.choices[0].message.content), dict)


def test_text_completions(server, client):
    response = client.completions.create(model=server.model, prompt="def add(a, b):", max_tokens=8, temperature=0)
    assert response.object == "text_completion" and response.choices[0].text
    assert response.usage.completion_tokens <= 8
    # The client types a streamed text-completion chunk's finish_reason as never null, which OpenAI's own
    # streams (null until the last chunk) do not satisfy either: this part reads without strict validation.
    lenient = server.client(_strict_response_validation=False)
    pieces = list(lenient.completions.create(model=server.model, prompt="Once upon a time", max_tokens=5, stream=True))
    assert "".join(p.choices[0].text for p in pieces if p.choices)
    assert pieces[-1].choices[0].finish_reason in ("stop", "length")


# Errors: each maps to the right status and the client's matching exception.


def test_malformed_json_is_400(server):
    response = httpx2.post(
        f"{server.base_url}/v1/chat/completions", content=b'{"model": ',
        headers={"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_bad_field_is_400_naming_it(server, client):
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model=server.model, messages=[{"role": "user", "content": "hi"}], temperature=9)
    assert raised.value.status_code == 400 and raised.value.param == "temperature"
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(
            model=server.model, tools=[WEATHER],
            messages=[{"role": "user", "content": "hi"}, {"role": "tool", "tool_call_id": "nope", "content": "1"}])
    assert raised.value.param == "messages[1].tool_call_id"


def test_unknown_model_is_404(client):
    with pytest.raises(openai.NotFoundError) as raised:
        client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "hi"}])
    assert raised.value.code == "model_not_found"


def test_prompt_over_context_is_400_with_counts(server, client):
    long_text = "word " * 5000
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model=server.model, messages=[{"role": "user", "content": long_text}])
    assert raised.value.code == "context_length_exceeded"
    assert "2048" in raised.value.message


def test_missing_or_wrong_api_key_is_401(server):
    with pytest.raises(openai.AuthenticationError) as raised:
        server.client(api_key="wrong-key").chat.completions.create(
            model=server.model, messages=[{"role": "user", "content": "hi"}])
    assert raised.value.code == "invalid_api_key"
    # The client will not send a request without a key at all, so this one goes without it.
    response = httpx2.post(f"{server.base_url}/v1/chat/completions", json={"model": server.model, "messages": []})
    assert response.status_code == 401 and response.json()["error"]["message"]


def test_body_over_limit_is_413(server, client):
    with pytest.raises(openai.APIStatusError) as raised:
        client.chat.completions.create(model=server.model, messages=[{"role": "user", "content": "x" * 100_000}])
    assert raised.value.status_code == 413


def test_full_queue_is_429(tight_server):
    def ask(index):
        return tight_server.client().chat.completions.create(
            model=tight_server.model, messages=[{"role": "user", "content": f"Tell a long story {index}"}],
            max_tokens=20)

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(ask, i) for i in range(4)]
        outcomes = [f.exception() for f in futures]
    assert any(isinstance(e, openai.RateLimitError) for e in outcomes)
    assert any(e is None for e in outcomes)
    assert all(e is None or isinstance(e, openai.RateLimitError) for e in outcomes)


def test_disconnect_cancels_generation(server, client):
    before = server.metric("lam_generations_cancelled_total") or 0
    stream = client.chat.completions.create(
        model=server.model, messages=[{"role": "user", "content": "word " * 400}], max_tokens=1000, stream=True)
    next(iter(stream))
    stream.close()
    deadline = time.monotonic() + 20
    while (server.metric("lam_generations_cancelled_total") or 0) == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.metric("lam_generations_cancelled_total") == before + 1


def test_sixteen_concurrent_clients(server):
    def ask(index):
        client = server.client()
        response = client.chat.completions.create(
            model=server.model, messages=[{"role": "user", "content": f"Client {index} says hi"}], max_tokens=16)
        return response.choices[0].message.content

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(ask, range(16)))
    assert all(answers)
    if SCRIPTED:
        assert answers == [f"Echo: Client {i} says hi" for i in range(16)]
