#!/bin/sh
# report_corpus.sh MIG SRC BUILD: a plan over the whole legacy corpus
# (SRC/../shared/corpus: real files nobody on the team wrote) is run, then
# `mig report last`: every file of the corpus is listed exactly once, with
# an outcome, and with a reason wherever it is not migrated; the JSON
# report's totals count every file.
MIG=$1
. "$2/tests/runtime/lib.sh"
corpus=$2/../shared/corpus
if [ ! -d "$corpus" ]; then
  echo "SKIPPED: no corpus at $corpus"
  exit 0
fi
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-cli.XXXXXX")
trap 'rm -rf "$d"' EXIT
cp -R "$corpus" "$d/corpus"
cat > "$d/plan.mig" <<'PLAN'
migration "corpus" {
  param source = "corpus"
  param db = "registry"

  stage discover {
    step found = tools.scan(dir: source)
  }

  stage migrate after discover {
    foreach file in discover.found {
      step read = tools.read(path: file.path)
      foreach record in read.tools + read.servers + read.backends {
        step v2 = tools.normalize(record: record)
        step put = registry.put(db: db, record: v2.descriptor)
        recover * {
          skip err.message
        }
      }
    }
  }
}
PLAN
cd "$d" || exit 2
expect 0 "$MIG" run plan.mig && ok
expect 0 "$MIG" report last && ok
printf '%s\n' "$OUT" > report.md
# Every file, as tools.scan names it (no dot files), in byte order.
(cd "$d" && find corpus -type f ! -name '.*' | LC_ALL=C sort) > files
n=$(wc -l < files)
[ "$n" -gt 60 ] && ok || bad "only $n files in the corpus copy"
# The rows of the report's table of files: "| PATH | ... | OUTCOME | REASON |".
sed -n '/^## Files$/,/^## /p' report.md | grep '^| corpus/' > rows
[ "$(wc -l < rows)" -eq "$n" ] && ok \
  || bad "the report lists $(wc -l < rows) files, the corpus has $n"
while IFS= read -r f; do
  c=$(grep -c -F "| $f | " rows)
  [ "$c" -eq 1 ] || { bad "$f is listed $c times"; continue; }
  row=$(grep -F "| $f | " rows)
  outcome=$(printf '%s\n' "$row" | awk -F' [|] ' '{ print $5 }' | sed 's/, rolled back$//')
  reason=$(printf '%s\n' "$row" | awk -F' [|] ' '{ print $6 }' | sed 's/ |$//')
  case $outcome in
    migrated) ok ;;
    partial|rejected|skipped|failed|not-reached)
      [ -n "$reason" ] && [ "$reason" != "-" ] && ok \
        || bad "$f is $outcome without a reason" ;;
    *) bad "$f has no outcome: '$row'" ;;
  esac
done < files
expect 0 "$MIG" report --json last && ok
holds "\"total\": $n,"
summary
