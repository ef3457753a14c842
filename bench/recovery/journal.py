"""journal.py: the recovery benchmark's journal of one round, for run.sh to
compare rounds with the same seed (bench/RESULTS.md, "recovery").

usage: python3 journal.py TOOLS.json < LOG.jsonl > JUDGED 3> REPORTED

Reads `mig log --json` of a run over TOOLS.json and writes its events one
a line, sorted, without what differs between two runs that did the same
(times, process ids, sequence numbers): the events of items whose
outcome no timing decides to JUDGED (two rounds must give the same), and
those of the items that need another item of the list (`requires` names
a tool of it) to REPORTED. Such an item meets its dependency registered
or not yet depending on the order 16 items in flight end in (a
MissingDependency and a wait more or less), so their events, and the
run's count of steps, are reported, not judged.
"""
import json
import os
import sys


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: journal.py TOOLS.json < LOG.jsonl")
    with open(sys.argv[1], encoding="utf-8") as f:
        tools = json.load(f)
    names = {t["name"] for t in tools}
    racing = {str(i) for i, t in enumerate(tools)
              if any(r in names for r in t.get("requires", []))}
    judged, reported = [], []
    for line in sys.stdin:
        e = json.loads(line)
        for k in ("at", "pid", "seq"):
            e.pop(k, None)
        if isinstance(e.get("data"), dict):
            e["data"].pop("pid", None)     # lock events name the process
        for rec in e.get("journal") or []:
            rec.pop("seq", None)
        if e["kind"] == "run-done":
            reported.append(json.dumps(e["data"].pop("steps_done", None)))
        text = json.dumps(e, sort_keys=True)
        (reported if e.get("item") in racing else judged).append(text)
    sys.stdout.write("".join(t + "\n" for t in sorted(judged)))
    with os.fdopen(3, "w", encoding="utf-8") as out:
        out.write("".join(t + "\n" for t in sorted(reported)))


if __name__ == "__main__":
    main()
