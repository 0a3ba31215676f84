"""Fixtures for the real-client suite: each starts a live server process and talks to it with the official
`openai` Python package.

The server command comes from $SWIFTLAM_SERVER_CMD (scripts/test-server-client sets it): the scripted test
host (LAMServerTestHost, deterministic answers) or `lam serve -m MODEL` (a real model). The command is started
with `--port 0` and the options below, and must print `listening on HOST:PORT` on stdout once it listens.
$SWIFTLAM_SERVER_KIND is `scripted` or `model`: exact-text checks only run against the scripted host.
"""
import os
import re
import shlex
import signal
import subprocess
import time

import httpx2
import openai
import pytest

API_KEY = "test-key-123"
SCRIPTED = os.environ.get("SWIFTLAM_SERVER_KIND", "scripted") == "scripted"


class Server:
    def __init__(self, *options):
        command = shlex.split(os.environ["SWIFTLAM_SERVER_CMD"]) + ["--host", "127.0.0.1", "--port", "0", *options]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        for line in self.process.stdout:
            match = re.search(r"listening on ([\w.\-]+):(\d+)", line)
            if match:
                self.base_url = f"http://{match.group(1)}:{match.group(2)}"
                break
            if time.monotonic() > deadline:
                break
        else:
            raise RuntimeError(f"server exited with {self.process.wait()} before listening: {command}")
        self.model = httpx2.get(
            f"{self.base_url}/v1/models", headers={"Authorization": f"Bearer {API_KEY}"}
        ).json()["data"][0]["id"]

    def client(self, api_key=API_KEY, **options):
        options = {"max_retries": 0, "timeout": 120, "_strict_response_validation": True, **options}
        return openai.OpenAI(base_url=f"{self.base_url}/v1", api_key=api_key, **options)

    def metric(self, name):
        """The value of an unlabeled metric on /metrics."""
        text = httpx2.get(f"{self.base_url}/metrics").text
        match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
        return float(match.group(1)) if match else None

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        assert code == 0, f"server exited with {code} after SIGTERM"


def slow_options():
    # The scripted host answers instantly unless told to pause per token; a real model is slow by itself.
    return ["--token-delay-ms", "100"] if SCRIPTED else []


@pytest.fixture(scope="session")
def server():
    server = Server("--api-key", API_KEY, "--max-concurrency", "4", "--max-queue", "32", "--max-body-bytes", "65536",
                    "--ctx", "2048", *(["--token-delay-ms", "5"] if SCRIPTED else []))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tight_server():
    """One generation at a time and no waiting line: the second concurrent request gets 429."""
    server = Server("--api-key", API_KEY, "--max-concurrency", "1", "--max-queue", "0", *slow_options())
    yield server
    server.stop()


@pytest.fixture
def client(server):
    return server.client()
