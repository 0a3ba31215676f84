"""A small stateful to-do MCP server (Python `mcp` SDK) for SwiftLAM's agent tests.

Usage: python todo_server.py            # stdio
       python todo_server.py --http PORT # streamable HTTP on 127.0.0.1:PORT/mcp (0: a free port, printed first)
       python todo_server.py --crash-on complete_todo  # the process exits when that tool is called (tests how
                                                       # clients handle a server that dies mid-call)
State lives in the process: each server starts with an empty list.
"""
import os
import sys

from mcp.server.fastmcp import FastMCP
from mcp.types import ToolAnnotations

import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


http_port = int(sys.argv[sys.argv.index("--http") + 1]) if "--http" in sys.argv else None
if http_port == 0:
    http_port = free_port()
crash_on = sys.argv[sys.argv.index("--crash-on") + 1] if "--crash-on" in sys.argv else None
server = FastMCP("todo", host="127.0.0.1", port=http_port or 8000, log_level="WARNING")
todos: list[dict] = []


def crash_if(tool: str) -> None:
    if tool == crash_on:
        os._exit(3)


@server.tool(annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=False))
def add_todo(title: str, priority: int = 1) -> str:
    """Add a to-do item and return its id."""
    crash_if("add_todo")
    todos.append({"id": len(todos) + 1, "title": title, "priority": priority, "done": False})
    return f"added #{len(todos)}: {title}"


@server.tool(annotations=ToolAnnotations(readOnlyHint=True))
def list_todos(include_done: bool = True) -> str:
    """List the to-do items, one per line."""
    crash_if("list_todos")
    shown = [t for t in todos if include_done or not t["done"]]
    if not shown:
        return "no to-dos"
    return "\n".join(f"#{t['id']} [{'x' if t['done'] else ' '}] {t['title']} (priority {t['priority']})" for t in shown)


@server.tool(annotations=ToolAnnotations(destructiveHint=True))
def complete_todo(id: int) -> str:
    """Mark a to-do item as done."""
    crash_if("complete_todo")
    for t in todos:
        if t["id"] == id:
            t["done"] = True
            return f"completed #{id}"
    raise ValueError(f"no to-do #{id}")


if __name__ == "__main__":
    if http_port:
        print(http_port, flush=True)
    server.run(transport="streamable-http" if http_port else "stdio")
