"""A tool run as a program by `lam agent --tools examples/agent/tools.json`: arguments arrive as JSON on stdin."""
import json
import sys

arguments = json.load(sys.stdin)
text = arguments["text"]
print(json.dumps({"words": len(text.split()), "characters": len(text)}))
