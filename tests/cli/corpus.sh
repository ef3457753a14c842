#!/bin/sh
# corpus.sh MIG SRC BUILD: workflows/inventory.mig over every file of the
# legacy corpus (SRC/../shared/corpus, copied to a scratch folder). The run
# ends well within its time limit; every file is migrated (a record in the
# registry comes from it, or holds it as its template) or rejected with a
# reason; the registry holds exactly the records the run says it stored;
# the files the corpus marks as broken are rejected; 95% or more of the
# other files are migrated; the result does not depend on the order the
# files are read in; and mig rollback leaves the registry empty, verified.
# Then the same over the project's own samples (tests/data/legacy).
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
export NO_COLOR=1 MIG_PROGRESS=plain
CORPUS=$SRC/../shared/corpus
if [ ! -f "$CORPUS/SOURCES.tsv" ]; then
  bad "no corpus at $CORPUS (its SOURCES.tsv is missing)"
  summary
  exit 1
fi
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-corpus.XXXXXX")
mkdir "$d/legacy"
cp -R "$CORPUS/." "$d/legacy/"
cp "$SRC/workflows/inventory.mig" "$d/"
# dump.mig: one line per record of the registry, KIND|NAME|DIGEST|FILE,
# and TEMPLATE|FILE for a prompt whose template is a file of its own.
cat > "$d/dump.mig" <<'PLAN'
migration "dump" {
  param db = "registry.db"
  stage s {
    foreach k in ["server", "rag", "tool"] {
      foreach r in registry.list(db: db, kind: k) {
        step l = log.info(message: "REC ${k}|${r.name}|${r.digest}|${r.provenance.file}")
        step t = log.info(message: "TEMPLATE|${r.config.template_file}")
          when contains(r, "config") and contains(r.config, "template_file") and r.config.template_file != null
      }
    }
  }
}
PLAN
cd "$d" || exit 2

# The registry's records (REC lines) and templates, read by a run of a
# state store of its own; into the file $1 (of the registry $2, by default
# registry.db).
dump() {
  "$MIG" run --verbose --state "$d/dump-state/state.db" \
    --param "db=${2:-registry.db}" dump.mig > dump.out 2>&1 \
    || bad "dump.mig failed: $(tail -3 dump.out)"
  rm -rf "$d/dump-state"
  sed -n 's/^  info    [lt] = log\.info[^:]*: //p' dump.out | LC_ALL=C sort -u > "$1"
}

# 0. The workflow passes mig check --strict and mig fmt --check, and its
#    dry run foresees no failure the plan does not absorb.
expect 0 "$MIG" check --strict inventory.mig && ok
expect 0 "$MIG" fmt --check inventory.mig && ok
expect 0 "$MIG" plan inventory.mig && ok
rm -rf .mig

# 1. The run: it ends (within 300 s), successfully, over every file.
timeout 300 "$MIG" run --verbose inventory.mig > run.out 2>&1
rc=$?
[ "$rc" -ne 124 ] && ok || bad "the run did not end within 300 s"
[ "$rc" -eq 0 ] && ok || { bad "the run exited $rc, expected 0"; tail -20 run.out >&2; }
grep -q '^run 1 ended: succeeded$' run.out && ok || bad "run 1 did not end 'succeeded'"
dump reg1.txt

# What the run says it stored (KIND NAME DIGEST FILE) and its reasons
# (FILE: REASON, one per skipped file or record).
sed -n 's/^  info    [a-z_]* *= log\.info .*: migrated //p' run.out \
  | LC_ALL=C sort -u > claims.txt
sed -n 's/^  skipped item \[[^]]*\]: //p' run.out > reasons.txt
[ -s claims.txt ] && ok || bad "the run said it stored nothing"

# 2. The registry holds exactly the records the run stored: the same
#    kinds and names, each with a digest the run stored under that name.
sed -n 's/^REC //p' reg1.txt | awk -F'|' '{ print $1 " " $2 " " $3 }' \
  | LC_ALL=C sort -u > reg_ids.txt
awk '{ print $1 " " $2 " " $3 }' claims.txt | LC_ALL=C sort -u > claim_ids.txt
awk '{ print $1 " " $2 }' reg_ids.txt > reg_names.txt
awk '{ print $1 " " $2 }' claim_ids.txt | LC_ALL=C sort -u > claim_names.txt
if cmp -s reg_names.txt claim_names.txt; then ok; else
  bad "the registry's records differ from those the run stored:"
  diff reg_names.txt claim_names.txt >&2
fi
stray=$(LC_ALL=C comm -23 reg_ids.txt claim_ids.txt)
[ -z "$stray" ] && ok || bad "records whose content the run did not store: $stray"
[ "$(wc -l < reg_ids.txt)" -gt 100 ] && ok \
  || bad "only $(wc -l < reg_ids.txt) records in the registry"

# 3. Every file of the corpus is migrated or rejected with a reason.
(cd legacy && find . -type f) | sed 's|^\./|legacy/|' | LC_ALL=C sort > files.txt
{ sed -n 's/^REC //p' reg1.txt | awk -F'|' '{ print $4 }'
  sed -n 's/^TEMPLATE|//p' reg1.txt; } | LC_ALL=C sort -u > migrated.txt
outside=$(LC_ALL=C comm -13 files.txt migrated.txt)
[ -z "$outside" ] && ok || bad "records from files outside the corpus: $outside"
LC_ALL=C comm -23 files.txt migrated.txt > rejected.txt
while IFS= read -r f; do
  reason=$(grep -F "$f: " reasons.txt | head -1)
  [ -n "${reason#"$f: "}" ] && ok || bad "$f: neither migrated nor rejected with a reason"
done < rejected.txt

# 4. The files the corpus marks as broken (SOURCES.tsv's notes begin with
#    "Broken" or "PATHOLOGICAL") or as a negative sample, and its own
#    README.md and SOURCES.tsv, are rejected, each with a reason.
{ awk -F'\t' 'NR > 1 && ($6 ~ /^"?(Broken|PATHOLOGICAL)/ || $1 ~ /NEGATIVE/) { print "legacy/" $1 }' \
    legacy/SOURCES.tsv
  printf 'legacy/README.md\nlegacy/SOURCES.tsv\n'; } | LC_ALL=C sort -u > excluded.txt
[ "$(wc -l < excluded.txt)" -ge 3 ] && ok || bad "no file of the corpus is marked broken"
while IFS= read -r f; do
  if grep -qxF "$f" rejected.txt; then ok
    echo "  rejected, not counted: $(grep -F "$f: " reasons.txt | head -1)"
  else bad "$f is marked broken, yet migrated"; fi
done < excluded.txt

# 5. The figure: of the files not excluded, 95% or more are migrated.
counted=$(LC_ALL=C comm -23 files.txt excluded.txt | wc -l)
migrated=$(LC_ALL=C comm -23 migrated.txt excluded.txt | wc -l)
echo "corpus: $migrated of $counted files migrated ($((migrated * 1000 / counted / 10)).$((migrated * 1000 / counted % 10))%)"
LC_ALL=C comm -23 rejected.txt excluded.txt | while IFS= read -r f; do
  echo "  not migrated: $(grep -F "$f: " reasons.txt | head -1)"
done
[ $((migrated * 100)) -ge $((counted * 95)) ] && ok \
  || bad "only $migrated of $counted corpus files migrated, under 95%"

# 6. mig rollback leaves the registry exactly empty, verified.
timeout 300 "$MIG" rollback last > rollback.out 2>&1
rc=$?
[ "$rc" -eq 0 ] && ok || { bad "mig rollback exited $rc, expected 0"; tail -5 rollback.out >&2; }
grep -q 'the managed resources match the checkpoint$' rollback.out && ok \
  || bad "mig rollback did not say the resources match"
dump after.txt
[ ! -s after.txt ] && ok || bad "the registry is not empty after the rollback: $(head -3 after.txt)"

# 7. One file at a time, the registry ends the same (the conflict rule
#    does not depend on the order the files are read in).
timeout 300 "$MIG" run --verbose --param concurrency=1 inventory.mig > run2.out 2>&1
[ $? -eq 0 ] && ok || bad "the run with concurrency=1 failed: $(tail -3 run2.out)"
dump reg2.txt
if cmp -s reg1.txt reg2.txt; then ok; else
  bad "the registry differs when the files are read one at a time:"
  diff reg1.txt reg2.txt | head -20 >&2
fi
"$MIG" rollback last > /dev/null 2>&1 && ok || bad "mig rollback of the one-at-a-time run failed"

# 7b. The same into a folder registry (--param db=registry): the same
#     records, and a rollback leaves none.
timeout 300 "$MIG" run --param db=registry inventory.mig > run6.out 2>&1
[ $? -eq 0 ] && ok || bad "the run into a folder registry failed: $(tail -3 run6.out)"
dump reg6.txt registry
cmp -s reg1.txt reg6.txt && ok || bad "the folder registry differs from the SQLite one"
"$MIG" rollback last > /dev/null 2>&1 && ok || bad "mig rollback of the folder registry's run failed"
dump after6.txt registry
[ ! -s after6.txt ] && ok || bad "the folder registry is not empty after the rollback"
# 8. Faults on the way. Each put is tried 5 times: the first 4 calls of
#    registry.put failing Transient are retried and the registry ends as
#    in 1; the first 5 failing end the run, rolled back to an empty
#    registry. Then every server's put fails InvalidConfig: each server is
#    skipped, each tool bound to one is skipped as needing it, the run
#    still succeeds, and no stored tool names a server.
timeout 300 "$MIG" run --verbose --seed 1 --inject 'registry.put:Transient:4' \
  inventory.mig > run3.out 2>&1
[ $? -eq 0 ] && ok || bad "the run with 4 transient failures failed: $(tail -3 run3.out)"
[ "$(grep -c '^  failed  stored = registry.put .*Transient: injected' run3.out)" -eq 4 ] && ok \
  || bad "not 4 transient failures retried"
dump reg3.txt
cmp -s reg1.txt reg3.txt && ok || bad "the registry after retries differs from run 1's"
"$MIG" rollback last > /dev/null 2>&1 && ok || bad "mig rollback of the retried run failed"
timeout 300 "$MIG" run --seed 1 --inject 'registry.put:Transient:5' inventory.mig \
  > run5.out 2>&1
rc=$?
[ "$rc" -eq 4 ] && ok || bad "the run with 5 transient failures exited $rc, expected 4 (rolled back)"
grep -q 'the managed resources match the checkpoint$' run5.out && ok \
  || bad "the failed run's rollback did not match the checkpoint"
dump reg5.txt
[ ! -s reg5.txt ] && ok || bad "the registry is not empty after the failed run: $(head -3 reg5.txt)"
timeout 300 "$MIG" run --verbose \
  --inject 'servers/foreach.file/if/then/foreach.record/retry/stored:InvalidConfig' \
  inventory.mig > run4.out 2>&1
[ $? -eq 0 ] && ok || bad "the run without servers failed: $(tail -3 run4.out)"
dump reg4.txt
[ "$(grep -c '^REC server|' reg4.txt)" -eq 0 ] && ok || bad "servers stored though every put failed"
[ "$(grep -c "needs the server '.*', which is not in the registry" run4.out)" -ge 20 ] && ok \
  || bad "the tools bound to a server were not skipped as needing it"
[ "$(grep -c '^REC tool|' reg4.txt)" -gt 100 ] && ok || bad "the tools that stand alone were not stored"
"$MIG" rollback last > /dev/null 2>&1 && ok || bad "mig rollback of the run without servers failed"

# 9. The project's own real samples (tests/data/legacy: RAG backends,
#    Synapse, Docker and registry MCP servers, Copilot, Flowise, Letta ...):
#    every record the readers give makes a valid descriptor, the backends
#    are stored, and a rollback empties the registry again.
mkdir "$d/samples"
cp -R "$SRC/tests/data/legacy" "$d/samples/legacy"
cp inventory.mig dump.mig "$d/samples/"
cd "$d/samples" || exit 2
timeout 300 "$MIG" run --verbose inventory.mig > run.out 2>&1
[ $? -eq 0 ] && ok || bad "the run over tests/data/legacy failed: $(tail -3 run.out)"
invalid=$(grep '^  skipped item .* is not valid: ' run.out)
[ -z "$invalid" ] && ok || bad "records that make no valid descriptor: $invalid"
dump samples.txt
[ "$(grep -c '^REC rag|' samples.txt)" -ge 10 ] && ok \
  || bad "only $(grep -c '^REC rag|' samples.txt) backends stored from tests/data/legacy"
timeout 300 "$MIG" rollback last > rollback.out 2>&1
[ $? -eq 0 ] && ok || bad "mig rollback of the samples' run failed: $(tail -3 rollback.out)"
dump after.txt
[ ! -s after.txt ] && ok || bad "the samples' registry is not empty after the rollback"
cd / && rm -rf "$d"
summary
