"""A scripted OpenAI-compatible chat-completions server on loopback, for the remote-backend tests.

Usage: python openai_stub_server.py REQUEST_LOG. Prints its port on the first line. Each POST
/v1/chat/completions gets the next scripted reply (repeating the last one) and its body is appended to
REQUEST_LOG as one JSON line.
Reply 1: a streamed call of add_todo whose arguments arrive split over several chunks (as vLLM streams them).
Reply 2: the final answer streamed in pieces. With "stream": false the same replies come as whole completions.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCRIPT = [
    {"tool_calls": [{"id": "call_a", "name": "add_todo", "arguments": ['{"title": ', '"buy milk"', ", \"priority\": 2}"]}]},
    {"content": ["Added ", "\"buy milk\" ", "as #1."]},
]
requests: list = []


def chunk(delta, finish=None):
    return {"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": 0, "model": "stub",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        requests.append(request)
        with open(sys.argv[1], "a") as log:
            log.write(json.dumps(request) + "\n")
        reply = SCRIPT[min(len(requests), len(SCRIPT)) - 1]
        if request.get("model") == "missing-model":
            body = json.dumps({"error": {"message": "model 'missing-model' not found"}}).encode()
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if not request.get("stream"):
            message = {"role": "assistant", "content": "".join(reply.get("content", [])) or None}
            if "tool_calls" in reply:
                message["tool_calls"] = [{"id": c["id"], "type": "function",
                                          "function": {"name": c["name"], "arguments": "".join(c["arguments"])}}
                                         for c in reply["tool_calls"]]
            body = json.dumps({"id": "chatcmpl-stub", "object": "chat.completion", "model": "stub",
                               "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        events = [chunk({"role": "assistant"})]
        for piece in reply.get("content", []):
            events.append(chunk({"content": piece}))
        for index, call in enumerate(reply.get("tool_calls", [])):
            events.append(chunk({"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                                                 "function": {"name": call["name"], "arguments": ""}}]}))
            for piece in call["arguments"]:
                events.append(chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]}))
        events.append(chunk({}, "tool_calls" if "tool_calls" in reply else "stop"))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for event in events:
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
