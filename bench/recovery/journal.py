"""journal.py: the recovery benchmark's journal of one round, for run.sh to
compare rounds with the same seed (bench/RESULTS.md, "recovery").

usage: python3 journal.py < LOG.jsonl > JUDGED

Reads `mig log --json` of a run and writes every event one a line,
sorted, without what differs between two runs that did the same: times,
process ids and sequence numbers. 16 items run at once, so their events
interleave in another order from run to run; the events themselves, and
their count, must not differ. A tool that requires another of the list
starts once that one has ended (the plan's `after tool.requires`), so
whether it meets its dependency registered no longer depends on the order
the items in flight end in: every event is judged.
"""
import json
import sys


def main():
    if len(sys.argv) != 1:
        sys.exit("usage: journal.py < LOG.jsonl > JUDGED")
    judged = []
    for line in sys.stdin:
        e = json.loads(line)
        for k in ("at", "pid", "seq"):
            e.pop(k, None)
        if isinstance(e.get("data"), dict):
            e["data"].pop("pid", None)     # lock events name the process
        for rec in e.get("journal") or []:
            rec.pop("seq", None)
        judged.append(json.dumps(e, sort_keys=True))
    sys.stdout.write("".join(t + "\n" for t in sorted(judged)))


if __name__ == "__main__":
    main()
