"""`lam agent --endpoint` against the server under test: the agent layer as a remote client of `lam serve`, with
the real MCP to-do server (Tests/LAMAgentTests/MCPServers/todo_server.py, Python `mcp` SDK) as its tools."""
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import API_KEY, SCRIPTED

TODO_SERVER = Path(__file__).resolve().parents[1] / "LAMAgentTests" / "MCPServers" / "todo_server.py"


@pytest.mark.skipif(SCRIPTED, reason="the scripted host does not choose tools")
def test_lam_agent_runs_mcp_tools_through_this_server(server):
    lam = shlex.split(os.environ["SWIFTLAM_SERVER_CMD"])[0]
    result = subprocess.run(
        [lam, "agent", "--endpoint", f"{server.base_url}/v1", "-m", server.model, "--api-key", API_KEY,
         "--mcp", f"{sys.executable} {TODO_SERVER}", "--temperature", "0", "--max-steps", "2", "--yes",
         "Add 'buy milk' to my to-do list."],
        capture_output=True, text=True, timeout=600)
    trajectory = result.stdout + result.stderr
    calls = [line for line in result.stdout.splitlines() if line.startswith("→ ")]
    assert calls and calls[0].startswith("→ add_todo(") and "buy milk" in calls[0].lower(), trajectory
    assert "← add_todo: added #1: buy milk" in result.stdout.lower(), trajectory
    # The second request carried the call and its result back and the server answered it: with a final answer
    # (exit 0), or, as the 0.5B model does, with more calls that then hit the step limit (exit 2). Parallel calls
    # are on, so the model may list several (the 0.5B lists calls until max_tokens); the agent runs every one.
    results = [line for line in result.stdout.splitlines() if line.startswith(("← ", "✗ "))]
    assert result.returncode == 0 or (result.returncode == 2 and len(calls) >= 2), trajectory
    assert len(results) == len(calls), trajectory
    assert "HTTP" not in result.stderr, trajectory
