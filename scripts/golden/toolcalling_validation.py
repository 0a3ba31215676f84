#!/usr/bin/env python3
"""Golden validation corpus for LAMToolCalling's JSON Schema validator.

Validates (schema, instance) pairs with the reference `jsonschema` package (Draft 2020-12 validator) and writes
Tests/Golden/toolcalling/validation.json: one record per pair with `valid` and the JSON pointers of every error's
instance location. Instances are random (seeded) near-misses of each schema, so both verdicts are well covered.
Run: ~/.cache/swiftlam/venv/bin/python scripts/golden/toolcalling_validation.py
"""
import json
import os
import random

import jsonschema

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Golden", "toolcalling", "validation.json")

SCHEMAS = [
    {"type": "object", "properties": {"location": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["location"]},
    {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "number"}}, "required": ["a", "b"], "additionalProperties": False},
    {"type": "object", "properties": {"q": {"type": "string", "minLength": 2, "maxLength": 5}}, "additionalProperties": {"type": "integer"}},
    {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 10}, "minItems": 1, "maxItems": 3},
    {"type": "array", "prefixItems": [{"type": "string"}, {"type": "boolean"}], "items": {"type": "null"}},
    {"type": "array", "uniqueItems": True},
    {"anyOf": [{"type": "string"}, {"type": "integer", "exclusiveMinimum": 3}]},
    {"oneOf": [{"type": "integer"}, {"type": "number", "multipleOf": 0.5}]},
    {"oneOf": [{"type": "string", "maxLength": 3}, {"type": "string", "minLength": 2}]},
    {"allOf": [{"type": "object", "required": ["x"]}, {"type": "object", "required": ["y"]}]},
    {"not": {"type": "string"}},
    {"const": {"k": [1, 2, {"z": None}]}},
    {"enum": [1, "1", True, None, [1], {"a": 1}]},
    {"type": ["string", "null"], "maxLength": 4},
    {"type": "integer", "multipleOf": 3, "exclusiveMaximum": 30},
    {"type": "object", "minProperties": 1, "maxProperties": 2},
    {"$defs": {"node": {"type": "object", "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}, "required": ["value"], "additionalProperties": False}}, "$ref": "#/$defs/node"},
    {"definitions": {"pos": {"type": "number", "minimum": 0}}, "type": "object", "properties": {"x": {"$ref": "#/definitions/pos"}, "y": {"$ref": "#/definitions/pos"}}, "required": ["x"]},
    {"type": "object", "properties": {"name": {"type": "string", "description": "ignored annotation", "format": "email"}, "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b", "ü"]}}}, "required": ["name", "tags"]},
    True,
    False,
    {"type": "object", "properties": {"a": False}},
    {"type": "object", "properties": {"n": {"type": "number", "minimum": -1.5, "maximum": 2.5}}, "additionalProperties": True},
    {"type": "string", "minLength": 1, "maxLength": 2},
    {"items": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}},
    {"type": "object", "properties": {"nested": {"type": "object", "properties": {"deep": {"type": "array", "items": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}}}}, "required": ["deep"]}}, "required": ["nested"]},
]

SCALARS = [None, True, False, 0, 1, -1, 3, 4, 7, 2.5, 1.0, -0.5, 9, 11, 33, 27, "", "a", "ab", "abcde", "abcdef", "ü", "é😀", "celsius", "kelvin", "x", "y", "1"]


def random_value(rng, depth=0):
    roll = rng.random()
    if depth > 2 or roll < 0.55:
        return rng.choice(SCALARS)
    if roll < 0.78:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["a", "b", "x", "y", "q", "k", "z", "id", "name", "tags", "value", "children", "location", "unit", "n", "nested", "deep", "extra"]
    return {rng.choice(keys): random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def near_miss(rng, schema, depth=0):
    """A value shaped after the schema, with random deviations."""
    if not isinstance(schema, dict) or depth > 4 or rng.random() < 0.12:
        return random_value(rng)
    if "$ref" in schema:
        return random_value(rng)
    if "const" in schema:
        return schema["const"] if rng.random() < 0.6 else random_value(rng)
    if "enum" in schema:
        return rng.choice(schema["enum"]) if rng.random() < 0.7 else random_value(rng)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return near_miss(rng, rng.choice(schema[key]), depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = rng.choice(kind)
    if kind == "object" or "properties" in schema:
        out = {}
        for name, sub in schema.get("properties", {}).items():
            if rng.random() < 0.8:
                out[name] = near_miss(rng, sub, depth + 1)
        if rng.random() < 0.25:
            out["extra"] = random_value(rng)
        return out
    if kind == "array" or "items" in schema or "prefixItems" in schema:
        prefix = [near_miss(rng, s, depth + 1) for s in schema.get("prefixItems", [])]
        return prefix + [near_miss(rng, schema.get("items", True), depth + 1) for _ in range(rng.randint(0, 4))]
    return random_value(rng)


def main():
    rng = random.Random(20261127)
    cases = []
    for schema in SCHEMAS:
        validator = jsonschema.Draft202012Validator(schema)
        seen = set()
        for _ in range(60):
            instance = near_miss(rng, schema)
            key = json.dumps(instance, sort_keys=True)
            if key in seen:
                continue
            seen.add(key)
            errors = list(validator.iter_errors(instance))
            paths = sorted({"".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in e.absolute_path) for e in errors})
            cases.append({"schema": schema, "instance": instance, "valid": not errors, "errorPaths": paths})
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False, indent=1)
        f.write("\n")
    valid = sum(c["valid"] for c in cases)
    print(f"{len(cases)} cases ({valid} valid, {len(cases) - valid} invalid) -> {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
