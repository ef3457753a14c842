#!/usr/bin/env python3
"""promcheck.py FILE: checks that FILE is valid Prometheus text exposition
(format 0.0.4), by the format's rules, and prints what is wrong, one line
each (exit 1), or the number of families and samples (exit 0):

- every line is a comment (# HELP NAME TEXT, # TYPE NAME TYPE, or other
  text after #), a sample NAME[{LABELS}] VALUE [TIMESTAMP], or empty only
  at the very end; the text ends with a line feed;
- names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*
  and do not begin with __; label values are double-quoted with only the
  escapes \\\\, \\" and \\n; values are floats, +Inf, -Inf or NaN;
- a family has at most one HELP and one TYPE (counter, gauge, histogram,
  summary, untyped), its TYPE comes before its samples, its samples are
  together, and it appears once; no series (name and labels) repeats;
- here, every family has both HELP and TYPE (mig writes them all);
- counters are not negative; a histogram has _bucket samples with le
  (cumulative: never decreasing, +Inf last and equal to _count), _sum and
  _count."""
import math
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def parse_value(text):
    if text in ("+Inf", "Inf"):
        return math.inf
    if text == "-Inf":
        return -math.inf
    if text == "NaN":
        return math.nan
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text):
        raise ValueError(text)
    return float(text)


def parse_labels(text, i, where, problems):
    """Reads {a="b",...} at TEXT[I]; returns (labels, index after)."""
    labels = []
    i += 1
    while True:
        if text[i:i + 1] == "}":
            return labels, i + 1
        m = LABEL.match(text, i)
        if not m:
            problems.append("%s: a label name is expected at column %d" % (where, i + 1))
            return None, i
        name = m.group(0)
        if name.startswith("__"):
            problems.append("%s: the label %s is reserved" % (where, name))
        i = m.end()
        if text[i:i + 2] != '="':
            problems.append("%s: '=\"' is expected after the label %s" % (where, name))
            return None, i
        i += 2
        value = []
        while i < len(text) and text[i] != '"':
            if text[i] == "\\":
                esc = text[i + 1:i + 2]
                if esc not in ("\\", '"', "n"):
                    problems.append("%s: the escape \\%s in a label value" % (where, esc))
                value.append({"n": "\n"}.get(esc, esc))
                i += 2
            else:
                value.append(text[i])
                i += 1
        if i >= len(text):
            problems.append("%s: a label value does not end" % where)
            return None, i
        labels.append((name, "".join(value)))
        i += 1
        if text[i:i + 1] == ",":
            i += 1
        elif text[i:i + 1] != "}":
            problems.append("%s: ',' or '}' is expected at column %d" % (where, i + 1))
            return None, i


def family_of(name, types):
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[:-len(suffix)]
        if name.endswith(suffix) and types.get(base) in ("histogram", "summary"):
            return base
    return name


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    problems = []
    if not text.endswith("\n"):
        problems.append("the text does not end with a line feed")
    helps, types, done, series, samples = {}, {}, set(), set(), []
    current = None
    lines = text.split("\n")[:-1]
    for n, line in enumerate(lines, 1):
        where = "line %d" % n
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if not NAME.fullmatch(name):
                    problems.append("%s: %r is not a metric name" % (where, name))
                table = helps if parts[1] == "HELP" else types
                if name in table:
                    problems.append("%s: a second %s for %s" % (where, parts[1], name))
                if name in done or (current and current != name and name in (helps.keys() | types.keys())):
                    problems.append("%s: %s for %s after its samples" % (where, parts[1], name))
                if current and current != name:
                    done.add(current)
                current = name
                rest = parts[3] if len(parts) > 3 else ""
                if parts[1] == "TYPE" and rest not in TYPES:
                    problems.append("%s: %r is not a type" % (where, rest))
                if parts[1] == "HELP" and re.search(r"\\[^\\n]", rest):
                    problems.append("%s: HELP escapes only \\\\ and \\n" % where)
                table[name] = rest
            continue
        if not line:
            problems.append("%s: an empty line" % where)
            continue
        m = NAME.match(line)
        if not m:
            problems.append("%s: a sample must begin with a metric name" % where)
            continue
        name = m.group(0)
        i = m.end()
        labels = []
        if line[i:i + 1] == "{":
            labels, i = parse_labels(line, i, where, problems)
            if labels is None:
                continue
        rest = line[i:].split(" ")
        if rest[0] != "" or len(rest) not in (2, 3):
            problems.append("%s: NAME{LABELS} VALUE [TIMESTAMP] is expected" % where)
            continue
        try:
            value = parse_value(rest[1])
        except ValueError:
            problems.append("%s: %r is not a value" % (where, rest[1]))
            continue
        if len(rest) == 3 and not re.fullmatch(r"-?\d+", rest[2]):
            problems.append("%s: %r is not a timestamp" % (where, rest[2]))
        fam = family_of(name, types)
        if fam in done:
            problems.append("%s: %s's samples are not together" % (where, fam))
        if current and current != fam:
            done.add(current)
        current = fam
        if fam not in types or fam not in helps:
            problems.append("%s: %s has no HELP or TYPE before its samples" % (where, fam))
        key = (name, tuple(sorted(labels)))
        if key in series:
            problems.append("%s: the series %s%s repeats" % (where, name, dict(labels)))
        series.add(key)
        if len(set(k for k, _ in labels)) != len(labels):
            problems.append("%s: a label given twice" % where)
        if types.get(fam) == "counter" and value < 0:
            problems.append("%s: the counter %s is negative" % (where, name))
        samples.append((fam, name, dict(labels), value, where))
    for fam, kind in types.items():
        if kind != "histogram":
            continue
        groups = {}
        for f, name, labels, value, where in samples:
            if f != fam:
                continue
            rest = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
            g = groups.setdefault(rest, {"buckets": [], "sum": None, "count": None})
            if name == fam + "_bucket":
                if "le" not in labels:
                    problems.append("%s: a bucket without le" % where)
                    continue
                g["buckets"].append((parse_value(labels["le"]), value, where))
            elif name == fam + "_sum":
                g["sum"] = value
            elif name == fam + "_count":
                g["count"] = value
        for rest, g in groups.items():
            b = g["buckets"]
            if not b or b[-1][0] != math.inf:
                problems.append("%s: no +Inf bucket last" % fam)
            for (le1, v1, _), (le2, v2, w) in zip(b, b[1:]):
                if le2 <= le1 or v2 < v1:
                    problems.append("%s: %s's buckets are not cumulative in le order" % (w, fam))
            if g["sum"] is None or g["count"] is None:
                problems.append("%s: no _sum or _count" % fam)
            elif b and b[-1][1] != g["count"]:
                problems.append("%s: the +Inf bucket (%g) is not _count (%g)" % (fam, b[-1][1], g["count"]))
    for fam in helps.keys() ^ types.keys():
        problems.append("%s has HELP or TYPE, not both" % fam)
    for p in problems:
        print(p)
    print("%d families, %d samples, %d problems" % (len(types), len(samples), len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
