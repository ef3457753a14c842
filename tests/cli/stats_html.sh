#!/bin/sh
# stats_html.sh MIG SRC BUILD: the page of `mig stats --html` (and of
# --run RUN --html) opened in a headless Chromium driven by puppeteer-core
# (tests/cli/stats/browser.cjs): every chart drawn, the flame graph's bars
# there with the critical path, no console error, nothing fetched, and a
# plan named with "</script>" shown as text, never run. The npm packages
# of analytics/web (its package-lock.json) are installed into
# BUILD/analytics-web-test once. Without Chromium, node or npm the test
# says so and exits 77 (skipped), except in CI (CI=true), where
# scripts/deps.sh installs them: there it fails.
set -u
mig=$1
src=$2
build=$3
skip() {
    if [ "${CI:-}" = "true" ]; then
        echo "FAIL: $1 (scripts/deps.sh installs it)"
        exit 1
    fi
    echo "SKIPPED: $1"
    exit 77
}
chromium=$(command -v chromium || command -v chromium-browser) ||
    skip "chromium not found"
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
    skip "node/npm not found"
prefix=$build/analytics-web-test
if [ ! -f "$prefix/node_modules/puppeteer-core/package.json" ] ||
   ! cmp -s "$src/analytics/web/package-lock.json" "$prefix/package-lock.json"; then
    mkdir -p "$prefix" || exit 1
    cp "$src/analytics/web/package.json" "$src/analytics/web/package-lock.json" \
       "$prefix/" || exit 1
    echo "npm ci --prefix $prefix"
    if ! npm ci --prefix "$prefix" --no-audit --no-fund >"$prefix/install.log" 2>&1; then
        echo "FAIL: npm ci failed:"
        cat "$prefix/install.log"
        exit 1
    fi
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cp -r "$src/tests/cases/report/inventory.files/legacy" "$tmp/" || exit 1
hostile='</script><script>window.__pwned=1</script><!--'
cat >"$tmp/plan.mig" <<PLAN
migration "$hostile" {
  stage discover {
    step found = tools.scan(dir: "legacy")
  }
  stage migrate after discover {
    foreach file in discover.found parallel 2 tolerate 5 {
      retry 2 backoff fixed(delay: 5ms) on Unavailable {
        step read = tools.read(path: file.path)
      }
      foreach record in read.tools {
        step v2 = tools.normalize(record: record)
        step put = registry.put(db: "registry.db", record: v2.descriptor)
      }
      recover Conflict { skip "defined before" }
    }
  }
}
PLAN
failed=0
fail() { echo "FAIL: $1"; failed=1; }
cd "$tmp" || exit 1
"$mig" run -q --seed 1 --inject 'tools.read:Unavailable:1' plan.mig >out 2>&1
[ $? -le 3 ] || { cat out; fail "mig run"; }
"$mig" stats --html page.html >out 2>&1 || { cat out; fail "mig stats --html"; }
"$mig" stats --run last --html run.html >out 2>&1 ||
    { cat out; fail "mig stats --run last --html"; }
# the data's "</script>" is escaped in the file itself
grep -q '<script>window.__pwned=1' page.html run.html && fail "a raw '</script>' in the page"
grep -q '\\u003c/script\\u003e\\u003cscript\\u003ewindow.__pwned=1' page.html ||
    fail "the plan name is not in the page's data, escaped"
# a page that cannot be written says so, and leaves nothing
"$mig" stats --html nodir/page.html >out 2>&1
[ $? -eq 2 ] || fail "--html into a missing folder: exit 2 expected"
[ -e nodir ] && fail "--html into a missing folder left something"
EXPECT_TEXT="$hostile" node "$src/tests/cli/stats/browser.cjs" \
    "$prefix/node_modules" "$chromium" page.html run.html || failed=1
[ "$failed" -eq 0 ] && echo "stats_html: passed"
exit "$failed"
