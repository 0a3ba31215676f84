"""The client side of scripts/bench-server: starts `lam serve`, drives it with the `openai` package, prints a
table. Streams every request, so time to first token is the time to the first content or tool-call chunk."""
import argparse
import concurrent.futures
import os
import re
import signal
import statistics
import subprocess
import time

import openai


class Server:
    def __init__(self, lam, model, *options):
        command = [lam, "serve", "-m", model, "--port", "0", "--log-level", "warning", *options]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        for line in self.process.stdout:
            match = re.search(r"listening on ([\w.\-]+):(\d+)", line)
            if match:
                self.client = openai.OpenAI(
                    base_url=f"http://{match.group(1)}:{match.group(2)}/v1", api_key="none", timeout=3600, max_retries=0)
                self.model = self.client.models.list().data[0].id
                return
        raise RuntimeError(f"server exited with {self.process.wait()}")

    def stream(self, messages, max_tokens):
        """One streamed request: (time to first token, total time, completion tokens, cached prompt tokens)."""
        start = time.monotonic()
        first = None
        usage = None
        for chunk in self.client.chat.completions.create(
                model=self.model, messages=messages, max_tokens=max_tokens, temperature=0, stream=True,
                stream_options={"include_usage": True}):
            if chunk.choices and first is None and (chunk.choices[0].delta.content or chunk.choices[0].delta.tool_calls):
                first = time.monotonic() - start
            usage = chunk.usage or usage
        cached = usage.prompt_tokens_details.cached_tokens if usage.prompt_tokens_details else 0
        return first, time.monotonic() - start, usage.completion_tokens, cached

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def concurrency_row(server, clients, max_tokens):
    def ask(index):
        messages = [{"role": "user", "content": f"Story {index}: write a long story about a lighthouse keeper "
                                                f"named Keeper{index}."}]
        return server.stream(messages, max_tokens)

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(ask, range(clients)))
    wall = time.monotonic() - start
    tokens = sum(r[2] for r in results)
    ttft = [r[0] for r in results if r[0] is not None]
    return (f"| {clients:>7} | {statistics.median(ttft):8.2f} | {max(ttft):8.2f} | {tokens:>6} | {wall:6.1f} "
            f"| {tokens / wall:10.1f} |")


def long_conversation(chars):
    """A long first turn (7,000 characters: ~2,000 tokens): a source file to discuss, then a question."""
    with open(os.path.join(os.path.dirname(__file__), "..", "Sources", "LAMEngine", "BatchScheduler.swift")) as f:
        source = f.read()
    return [
        {"role": "system", "content": "You are a careful code reviewer."},
        {"role": "user", "content": "Here is a file:\n\n" + source[:chars] + "\n\nWhat does the scheduler do?"},
    ]


def second_turn(server, max_tokens, chars):
    messages = long_conversation(chars)
    first = server.client.chat.completions.create(
        model=server.model, messages=messages, max_tokens=max_tokens, temperature=0)
    prompt_tokens = first.usage.prompt_tokens
    messages += [{"role": "assistant", "content": first.choices[0].message.content or ""},
                 {"role": "user", "content": "Name one risk in it, in one sentence."}]
    ttft, total, _, cached = server.stream(messages, max_tokens)
    return prompt_tokens, ttft, total, cached


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lam", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--clients", default="1,4,16", help="client counts; empty: skip the concurrency table")
    parser.add_argument("--conversation-chars", type=int, default=7000, help="size of the long conversation")
    args = parser.parse_args()
    print(f"model {os.path.basename(args.model)}; load average before: {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")

    clients = [int(c) for c in args.clients.split(",") if c]
    server = Server(args.lam, args.model, "--max-concurrency", str(max(clients + [1])), "--max-queue", "64",
                    "--ctx", "4096")
    try:
        server.stream([{"role": "user", "content": "hi"}], 4)  # warm up
        if clients:
            print(f"\nStreamed chat completions, max_tokens={args.max_tokens}, greedy "
                  f"(--max-concurrency {max(clients)}):\n")
            print("| clients | TTFT p50 | TTFT max | tokens | wall s | agg. tok/s |")
            print("|---------|----------|----------|--------|--------|------------|")
        for count in clients:
            print(concurrency_row(server, count, args.max_tokens), flush=True)
        print("\nSecond turn of a long conversation (max_tokens=16):\n")
        print("| prefix reuse | first-turn prompt | cached | TTFT s | total s |")
        print("|--------------|-------------------|--------|--------|---------|")
        prompt, ttft, total, cached = second_turn(server, 16, args.conversation_chars)
        print(f"| on           | {prompt:>17} | {cached:>6} | {ttft:6.2f} | {total:7.2f} |", flush=True)
    finally:
        server.stop()
    server = Server(args.lam, args.model, "--max-concurrency", "1", "--ctx", "4096", "--no-prefix-reuse")
    try:
        prompt, ttft, total, cached = second_turn(server, 16, args.conversation_chars)
        print(f"| off          | {prompt:>17} | {cached:>6} | {ttft:6.2f} | {total:7.2f} |")
    finally:
        server.stop()
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
