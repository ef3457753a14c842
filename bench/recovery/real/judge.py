#!/usr/bin/env python3
"""judge.py: the real-change set's judge (bench/recovery/real/run.sh).

usage: judge.py CASES_DIR RUN_DIR LOG_JSONL
Writes RUN_DIR/items.json and RUN_DIR/floor.json when LOG_JSONL is '-'
(before the runs); else judges each call: its result (RUN_DIR/out/ID.json)
against the expected call, both with the new schema's top-level defaults
filled in, or its refusal (an item-failed event) against "cannot be
repaired without a person". Prints a Markdown table per kind and overall;
exit status 1 when a repair is wrong, else 0.
"""
import glob
import json
import os
import sys

REFUSE = "cannot be repaired without a person"


def items(cases):
    out = []
    for path in sorted(glob.glob(os.path.join(cases, "*.json"))):
        case = json.load(open(path))
        for i, c in enumerate(case["calls"]):
            out.append({"id": "%s-%d" % (case["source"], i), "kind": c["kind"],
                        "old": case["old"], "new": case["new"],
                        "call": c["call"], "expect": c["expect"]})
    return out


def operation_schema(doc, name):
    """The top-level properties of the OpenAPI operation NAME (operationId)
    of DOC: its parameters' schemas and its JSON body's properties, enough
    to find the defaults (mig reads the whole document, adapt_openapi.c)."""
    def deref(v):
        while isinstance(v, dict) and "$ref" in v:
            target = doc
            for part in v["$ref"][2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            v = target
        return v
    props = {}
    for item in doc.get("paths", {}).values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == name:
                for p in item.get("parameters", []) + op.get("parameters", []):
                    p = deref(p)
                    props[p["name"]] = deref(p.get("schema", {}))
                body = deref(op.get("requestBody", {})).get("content", {})
                s = deref(body.get("application/json", {}).get("schema", {}))
                props.update(s.get("properties", {}))
    return {"properties": props}


def schema_of(new, name):
    if isinstance(new, dict):
        return operation_schema(new, name)
    for t in new:
        if t["name"] == name:
            return t.get("inputSchema") or t.get("parameters") or {}
    return {}


def with_defaults(call, new):
    s = schema_of(new, call["name"])
    args = dict(call["arguments"])
    for k, p in s.get("properties", {}).items():
        if k not in args and "default" in p:
            args[k] = p["default"]
    return {"name": call["name"], "arguments": args}


def main():
    cases, run, log = sys.argv[1:4]
    all_items = items(cases)
    if log == "-":
        json.dump([{k: it[k] for k in ("id", "old", "new", "call")}
                   for it in all_items], open(os.path.join(run, "items.json"), "w"))
        floor = [{"id": it["id"], "old": it["new"], "new": it["new"],
                  "call": it["expect"]} for it in all_items
                 if it["expect"] != REFUSE]
        json.dump(floor, open(os.path.join(run, "floor.json"), "w"))
        return 0
    failed = {}
    for line in open(log):
        e = json.loads(line)
        if e["kind"] == "item-failed":
            failed[int(e["item"])] = e["data"]["message"]
    rows = {}
    total = {"calls": 0, "right": 0, "wrong": 0, "refused": 0, "missed": 0}
    for n, it in enumerate(all_items):
        path = os.path.join(run, "out", it["id"] + ".json")
        got = json.load(open(path)) if os.path.exists(path) else None
        if it["expect"] == REFUSE:
            verdict = "refused" if got is None and n in failed else "wrong"
        elif got is None:
            verdict = "missed"
        else:
            same = with_defaults(got, it["new"]) == with_defaults(it["expect"], it["new"])
            verdict = "right" if same else "wrong"
        r = rows.setdefault(it["kind"], {"calls": 0, "right": 0, "wrong": 0,
                                         "refused": 0, "missed": 0})
        for t in (r, total):
            t["calls"] += 1
            t[verdict] += 1
        if verdict in ("wrong", "missed"):
            print("%s: %s: %s" % (verdict, it["id"],
                  failed.get(n, json.dumps(got))), file=sys.stderr)
    print("| kind | calls | repaired correctly | wrong repairs | correctly refused | missed |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for kind, r in list(rows.items()) + [("**all**", total)]:
        print("| %s | %d | %d | %d | %d | %d |" % (kind, r["calls"], r["right"],
              r["wrong"], r["refused"], r["missed"]))
    repairable = total["calls"] - sum(1 for it in all_items if it["expect"] == REFUSE)
    print("\nrepaired correctly: %d of %d repairable calls (%.1f%%); wrong repairs: %d"
          % (total["right"], repairable, 100.0 * total["right"] / max(repairable, 1),
             total["wrong"]))
    return 1 if total["wrong"] else 0


sys.exit(main())
