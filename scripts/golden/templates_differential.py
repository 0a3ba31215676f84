"""Differential cases for LAMTemplates: random small templates from a seeded grammar (expressions mixing
literals, variables, operators, filters, tests, slicing, loops, macros, whitespace control), rendered by jinja2
in transformers' chat-template environment. Whatever jinja2 does (render or raise), LAMTemplates must do too.

Writes Tests/Golden/templates/differential.json: a list of {template, output | error}; the context is CONTEXT.
Run: ~/.cache/swiftlam/venv/bin/python scripts/golden/templates_differential.py
Needs jinja2 3.1.6 and transformers in the venv (scripts/setup-reference-venv --with-torch).
TEMPLATES_DIFF_COUNT and TEMPLATES_DIFF_SEED make other (e.g. larger) campaigns; commit only the default.
"""
import copy
import json
import os
import pathlib
import random

from transformers.utils import chat_template_utils

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Golden" / "templates" / "differential.json"
COUNT = int(os.environ.get("TEMPLATES_DIFF_COUNT", "3000"))
rng = random.Random(int(os.environ.get("TEMPLATES_DIFF_SEED", "20261127")))

CONTEXT = {"i": 3, "j": -2, "f": 1.5, "g": 0.1, "s": "Ab c", "t": "x,y,,z ", "e": "", "b": True, "n": None,
           "l": [2, "a", None, 1.5], "m": [3, 1, 2], "w": ["b", "A", "c"],
           "d": {"k": "v", "n": 1, "l": [1, 2]}, "msgs": [{"role": "user", "content": " hi "}, {"role": "assistant", "content": "yo"}]}

VARIABLES = list(CONTEXT) + ["missing"]
STRINGS = ["''", "'a'", "'Ab'", "' x '", "'é'", "'a,b'", "'{{'", "'\\n'", "\"q'\"", "'👋 ß'", "'<&>'", "'\\u00e9\\t'"]
FILTERS = [("length", ""), ("string", ""), ("list", ""), ("first", ""), ("last", ""), ("upper", ""), ("lower", ""),
           ("trim", ""), ("title", ""), ("capitalize", ""), ("tojson", ""), ("tojson", "(indent=1)"), ("int", ""),
           ("float", ""), ("abs", ""), ("round", ""), ("round", "(1)"), ("default", "('D')"), ("default", "('D', true)"),
           ("join", "(',')"), ("join", ""), ("sort", ""), ("unique", "|list"), ("reverse", "|list"), ("items", "|list"),
           ("dictsort", ""), ("select", "|list"), ("reject", "('none')|list"), ("map", "('string')|list"),
           ("replace", "('a', 'b')"), ("indent", "(2)"), ("center", "(6)"), ("sum", ""), ("min", ""), ("max", ""),
           ("batch", "(2)|list"), ("count", ""), ("safe", ""), ("escape", ""), ("wordcount", ""), ("truncate", "(5, leeway=0)")]
TESTS = ["defined", "undefined", "none", "string", "number", "integer", "float", "mapping", "iterable", "sequence",
         "boolean", "true", "false", "odd", "even", "divisibleby 2", "eq 1", "in [1, 2]", "lower", "upper", "callable"]
BINARY = ["+", "-", "*", "/", "//", "%", "~", "and", "or", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "**"]


def literal():
    kind = rng.randrange(7)
    if kind == 0:
        return str(rng.choice([0, 1, 2, -1, 7, 10]))
    if kind == 1:
        return rng.choice(["0.5", "1.0", "2.25", "1e3", "-0.0"])
    if kind == 2:
        return rng.choice(STRINGS)
    if kind == 3:
        return rng.choice(["true", "false", "none"])
    if kind == 4:
        return "[" + ", ".join(literal() for _ in range(rng.randrange(4))) + "]"
    if kind == 5:
        return "{" + ", ".join(f"{rng.choice(STRINGS[1:4])}: {literal()}" for _ in range(rng.randrange(3))) + "}"
    return "(" + literal() + ",)"


def expression(depth=0):
    if depth > 3:
        return rng.choice([literal(), rng.choice(VARIABLES)])
    kind = rng.randrange(11)
    if kind <= 1:
        return literal()
    if kind == 2:
        return rng.choice(VARIABLES)
    if kind == 3:
        name, args = rng.choice(FILTERS)
        return f"{expression(depth + 1)}|{name}{args}"
    if kind == 4:
        return f"({expression(depth + 1)} {rng.choice(BINARY)} {expression(depth + 1)})"
    if kind == 5:
        return f"({expression(depth + 1)} is {rng.choice(['', 'not '])}{rng.choice(TESTS)})"
    if kind == 6:
        start, stop = rng.choice(["", "1", "-1", "0"]), rng.choice(["", "2", "-1", "5"])
        step = rng.choice(["", ":-1", ":2"])
        return f"{rng.choice(['s', 'l', 'm', 't', 'w', 'e', 'd', 'missing'])}[{start}:{stop}{step}]"
    if kind == 7:
        return f"{rng.choice(['l', 'm', 's', 'd', 'msgs', 'w'])}[{rng.choice(['0', '-1', '5', repr('k'), repr('n')])}]"
    if kind == 8:
        return f"({expression(depth + 1)} if {expression(depth + 1)} else {expression(depth + 1)})"
    if kind == 9:
        return rng.choice(["d.k", "d.items()|list", "d.get('n')", "d.get('x', 1)", "msgs[0].content", "s.upper()",
                           "s.split()", "t.split(',')", "t.strip()", "s.startswith('A')", "s.replace('b', 'B')",
                           "d.keys()|list", "msgs|map(attribute='role')|list", "msgs|selectattr('role', 'eq', 'user')|list",
                           "s.lstrip('A')", "t.rstrip()", "d.missing", "missing.x"])
    return f"(not {expression(depth + 1)})"


def whitespace():
    return rng.choice(["", " ", "\n", "  \n  ", "\t", "\n\n", " \n", "x\n  "])


def tag(body):
    """A block tag with random whitespace control on either side."""
    return "{%" + rng.choice(["", "-", "+"]) + " " + body + " " + rng.choice(["", "-", "+"]) + "%}"


def block_statement(depth):
    kind = rng.randrange(10)
    inner = lambda: "".join(statement(depth + 1) for _ in range(rng.randrange(1, 3)))
    if kind == 0:
        return whitespace() + "{#" + rng.choice(["", "-"]) + " note " + rng.choice(["", "-"]) + "#}" + whitespace()
    if kind == 1:
        return tag("raw") + rng.choice(["{{ x }}", " {% if %} ", "a\n"]) + tag("endraw")
    if kind == 2:
        return (tag("for a, b in " + rng.choice(["d.items()", "d|dictsort", "[(1, 2), (3, 4)]", "msgs|map(attribute='role')|list|batch(2)"]))
                + "{{ a }}={{ b }}" + rng.choice(["", "{% if loop.last %}{% break %}{% endif %}", "{% continue %}"]) + inner() + tag("endfor"))
    if kind == 3:
        return ("{% set ns = namespace(c=0, t='') %}" + tag("for it in " + rng.choice(["m", "w", "msgs", "range(4)"]))
                + "{% set ns.c = ns.c + 1 %}{% set ns.t = ns.t ~ it %}" + whitespace() + tag("endfor") + "{{ ns.c }}{{ ns.t }}")
    if kind == 4:
        return (tag("macro box(x, pre='[')") + "{{ pre }}{{ x }}{{ caller() if caller is defined else '' }}]" + tag("endmacro")
                + rng.choice(["{{ box(" + expression() + ") }}", tag("call box(" + expression() + ")") + inner() + tag("endcall")]))
    if kind == 5:
        return tag("set blk" + rng.choice(["", " | trim", " | upper"])) + inner() + tag("endset") + "<{{ blk }}>"
    if kind == 6:
        return tag("filter " + rng.choice(["upper", "trim", "replace('a', 'X')", "indent(2)", "title"])) + inner() + tag("endfilter")
    if kind == 7:
        return (tag("for it in " + rng.choice(["m", "w", "s", "[1, 1, 2]"]))
                + rng.choice(["{{ loop.previtem }}", "{{ loop.nextitem }}", "{{ loop.cycle('a', 'b') }}", "{{ loop.changed(it) }}",
                              "{{ loop.depth }}", "{{ loop.index0 }}"]) + whitespace() + tag("endfor"))
    if kind == 8:
        return tag("with q = " + expression()) + "{{ q }}" + inner() + tag("endwith")
    return tag("if " + expression()) + inner() + tag("elif " + expression()) + inner() + tag("else") + inner() + tag("endif")


def statement(depth=0):
    if depth < 2 and rng.randrange(3) == 0:
        return block_statement(depth)
    kind = rng.randrange(8 if depth < 2 else 4)
    ws = lambda: rng.choice(["", "-"])
    if kind <= 1:
        return "{{" + ws() + " " + expression() + " " + ws() + "}}"
    if kind == 2:
        return rng.choice(["x", " ", "\n", "  \n", "\t", "a b"])
    if kind == 3:
        return "{%" + ws() + " set v = " + expression() + " " + ws() + "%}{{ v }}"
    if kind == 4:
        body = "".join(statement(depth + 1) for _ in range(rng.randrange(1, 3)))
        return ("{%" + ws() + " if " + expression() + " " + ws() + "%}" + body
                + rng.choice(["", "{% else %}E"]) + "{%" + ws() + " endif " + ws() + "%}")
    if kind == 5:
        body = "".join(statement(depth + 1) for _ in range(rng.randrange(1, 3)))
        loopvar = rng.choice(["{{ loop.index }}", "{{ loop.first }}", "{{ loop.revindex0 }}", "{{ it }}", "{{ loop.length }}"])
        source = rng.choice(["l", "m", "w", "s", "d", "msgs", "range(3)", "missing", "e", expression()])
        condition = rng.choice(["", " if it"])
        return ("{% for it in " + source + condition + " %}" + loopvar + body
                + rng.choice(["", "{% else %}none"]) + "{% endfor %}")
    if kind == 6:
        return ("{% macro mac(a, b=" + literal() + ") %}[{{ a }}|{{ b }}]{% endmacro %}{{ mac(" + expression()
                + rng.choice(["", ", " + expression()]) + ") }}")
    return "\n  {%" + ws() + " if true " + ws() + "%}\n  y\n  {% endif %}\n"


def main():
    template_env = chat_template_utils._cached_compile_jinja_template("").environment
    cases = []
    for _ in range(COUNT):
        source = "".join(statement() for _ in range(rng.randrange(1, 4)))
        case = {"template": source}
        try:
            # A fresh copy each time: some filters mutate lists in place (indent does `s += "\n"`).
            case["output"] = template_env.from_string(source).render(**copy.deepcopy(CONTEXT))
        except Exception as error:
            case["error"] = type(error).__name__
        cases.append(case)
    OUT.write_text(json.dumps({"context": CONTEXT, "cases": cases}, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(cases)} cases ({sum('error' in c for c in cases)} raise)")


if __name__ == "__main__":
    main()
