#!/bin/sh
# The language server's edit benchmark: a 5,000-line plan (the parse
# benchmark's generator at 352 kB, with its Lua modules), 1,000 edits, the
# median time per edit to its published diagnostics; target under 50 ms.
# usage: bench/lsp/run.sh BUILD_DIR [ROUNDS]   (a Release build)
build=${1:?usage: run.sh BUILD_DIR [ROUNDS]}
rounds=${2:-5}
out=${BENCH_OUT:-${TMPDIR:-/tmp}/mig-bench-lsp}
mkdir -p "$out"
"$build/bench/bench_parse_gen" -o "$out/plan.mig" 352k || exit 1
lines=$(wc -l < "$out/plan.mig")
echo "plan: $lines lines, $(wc -c < "$out/plan.mig") bytes"
"$build/bench/bench_lsp_driver" -n 1000 -r "$rounds" "$out/plan.mig"
