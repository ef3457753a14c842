#!/usr/bin/env python3
"""openapi_check.py DOC EXCHANGES DIR [PATHS]: checks `mig serve` against its
OpenAPI documents (docs/registry-api.openapi.json, docs/api.openapi.json).

EXCHANGES is the log serve/lib.sh's req() writes: METHOD, PATH, STATUS, N
a line, tab-separated, with DIR/N.headers and DIR/N.body. Every exchange
must be documented: its path and method (or the document's
x-mig-other-answers: 404 for a path it does not have, 405 for a method a
path does not take, 431 for headers too large), and its status under that
operation; its body must have the shape of the response's schema, and the
headers the response marks required must be there (a Server-Sent Events
body: each event's data JSON against x-mig-event-schemas, by event name;
a text/plain body: its Content-Type only). Then every path,
method and status of the document must have been exercised at least once
(with PATHS, a regular expression, those of the document's paths it
matches: a test that checks part of the document).
Prints what is wrong, one line each; exits 1 when anything is."""
import json
import re
import sys


def node_ref(ref):
    assert ref.startswith("#/"), ref
    return ref[2:].split("/")


def deref(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        target = doc
        for part in node_ref(node["$ref"]):
            target = target[part]
        node = target
    return node


TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def shape(doc, schema, value, where, problems):
    """Checks VALUE against SCHEMA (the keywords the document uses)."""
    schema = deref(doc, schema)
    types = schema.get("type")
    if types is not None:
        types = types if isinstance(types, list) else [types]
        if not any(TYPES[t](value) for t in types):
            problems.append("%s: expected %s, found %r" % (where, "/".join(types), value))
            return
    if "enum" in schema and value not in schema["enum"]:
        problems.append("%s: %r is not one of %r" % (where, value, schema["enum"]))
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        problems.append("%s: %r does not match %s" % (where, value, schema["pattern"]))
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                problems.append("%s: lacks %s" % (where, key))
        props = schema.get("properties", {})
        for key, sub in props.items():
            if key in value:
                shape(doc, sub, value[key], where + "/" + key, problems)
        if schema.get("additionalProperties") is False:
            for key in value:
                if key not in props:
                    problems.append("%s: %s is not in the schema" % (where, key))
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            problems.append("%s: fewer than %d items" % (where, schema["minItems"]))
        if "items" in schema:
            for i, item in enumerate(value):
                shape(doc, schema["items"], item, "%s/%d" % (where, i), problems)


def template_re(path):
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")


def headers_of(text):
    out = {}
    for line in text.splitlines():
        if ":" in line and not line.startswith("HTTP/"):
            k, v = line.split(":", 1)
            out[k.strip().lower()] = v.strip()
    return out


def check_events(doc, media, hdrs, body, where, problems):
    """A Server-Sent Events body: each event's data (JSON) has the shape
    x-mig-event-schemas gives its event name ("*": any other)."""
    if not hdrs.get("content-type", "").startswith("text/event-stream"):
        problems.append("%s: Content-Type is not text/event-stream" % where)
    schemas = media.get("x-mig-event-schemas", {})
    for block in body.decode("utf-8").split("\n\n"):
        fields = {}
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            k, _, v = line.partition(":")
            fields[k] = v[1:] if v.startswith(" ") else v
        if not fields:
            continue
        name = fields.get("event", "message")
        try:
            value = json.loads(fields.get("data", ""))
        except ValueError as e:
            problems.append("%s: event %s: its data is not JSON: %s" % (where, name, e))
            continue
        schema = schemas.get(name, schemas.get("*"))
        if schema is not None:
            shape(doc, schema, value, "%s event %s" % (where, name), problems)


def check_response(doc, resp, status, n, base, problems):
    resp = deref(doc, resp)
    with open("%s/%s.headers" % (base, n)) as f:
        hdrs = headers_of(f.read())
    with open("%s/%s.body" % (base, n), "rb") as f:
        body = f.read()
    where = "exchange %s (%s)" % (n, status)
    for name, h in resp.get("headers", {}).items():
        h = deref(doc, h)
        if h.get("required") and name.lower() not in hdrs:
            problems.append("%s: no %s header" % (where, name))
        elif name.lower() in hdrs:
            shape(doc, h.get("schema", {}), hdrs[name.lower()], where + " " + name, problems)
    content = resp.get("content")
    if not content:
        if body:
            problems.append("%s: a body where the document has none" % where)
        return
    if "text/event-stream" in content:
        check_events(doc, content["text/event-stream"], hdrs, body, where, problems)
        return
    if "text/plain" in content:
        if not hdrs.get("content-type", "").startswith("text/plain"):
            problems.append("%s: Content-Type is not text/plain" % where)
        return
    try:
        value = json.loads(body)
    except ValueError as e:
        problems.append("%s: the body is not JSON: %s" % (where, e))
        return
    if not hdrs.get("content-type", "").startswith("application/json"):
        problems.append("%s: Content-Type is not application/json" % where)
    shape(doc, content["application/json"]["schema"], value, where + " body", problems)


def main():
    doc_path, log_path, base = sys.argv[1:4]
    must = re.compile(sys.argv[4] if len(sys.argv) > 4 else "")
    with open(doc_path) as f:
        doc = json.load(f)
    paths = [(p, template_re(p), item) for p, item in doc["paths"].items()]
    other = doc["x-mig-other-answers"]
    seen = set()
    problems = []
    count = 0
    with open(log_path) as f:
        for line in f:
            method, path, status, n = line.rstrip("\n").split("\t")
            count += 1
            if status == "431":
                seen.add(("headers-too-large",))
                continue
            match = [(p, item) for p, r, item in paths if r.match(path)]
            if not match:
                if status != "404":
                    problems.append("exchange %s: %s %s is on no documented path, yet answered %s" % (n, method, path, status))
                check_response(doc, other["unknown-path"]["response"], status, n, base, problems)
                seen.add(("unknown-path",))
                continue
            p, item = match[0]
            op = item.get(method.lower())
            if op is None:
                if status != "405":
                    problems.append("exchange %s: %s %s is not documented, yet answered %s" % (n, method, p, status))
                check_response(doc, other["other-method"]["response"], status, n, base, problems)
                seen.add(("other-method",))
                continue
            resp = op["responses"].get(status)
            if resp is None:
                problems.append("exchange %s: %s %s answered %s, which the document does not list" % (n, method, p, status))
                continue
            seen.add((p, method.lower(), status))
            check_response(doc, resp, status, n, base, problems)
    for p, _, item in paths:
        for method, op in item.items():
            if method == "parameters" or not must.search(p):
                continue
            for status in op["responses"]:
                if (p, method, status) not in seen:
                    problems.append("never exercised: %s %s -> %s" % (method.upper(), p, status))
    for key in other:
        if key != "description" and (key,) not in seen:
            problems.append("never exercised: %s" % key)
    for problem in problems:
        print(problem)
    print("%d exchanges checked against %d documented answers; %d problems"
          % (count, sum(len(op["responses"]) for _, _, item in paths
                        for m, op in item.items() if m != "parameters"),
             len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
