# lib.sh: what the runtime's end-to-end scripts share. Source it with
# MIG set to the mig binary.

# A fresh copy of the fixture folder FROM in a new temporary directory;
# prints its path.
fresh() {
  d=$(mktemp -d "${TMPDIR:-/tmp}/mig-rt.XXXXXX")
  cp -R "$1/." "$d/"
  printf '%s\n' "$d"
}

# The digest of a folder's tree, .mig/ left out: every path with its type,
# mode and bytes.
tree_sum() {
  (cd "$1" && { find . -path ./.mig -prune -o -printf '%p %y %m\n';
                find . -path ./.mig -prune -o -type f -exec sha256sum {} +; } \
     | LC_ALL=C sort) | sha256sum | cut -c1-64
}

fails=0
passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# Runs "$@", expecting exit status WANT; keeps stdout+stderr in $OUT.
expect() {
  want=$1; shift
  OUT=$("$@" 2>&1); got=$?
  if [ "$got" -ne "$want" ]; then
    bad "$* exited $got, expected $want"; printf '%s\n' "$OUT" >&2
    return 1
  fi
  return 0
}

# Checks that $OUT holds TEXT.
holds() {
  case $OUT in
    *"$1"*) ok ;;
    *) bad "output lacks '$1'"; printf '%s\n' "$OUT" >&2 ;;
  esac
}

summary() {
  echo "$passes passed, $fails failed"
  [ "$fails" -eq 0 ]
}

# DIR NAME: $OUT is the golden file DIR/NAME (with UPDATE set, it is
# written instead).
golden() {
  if [ -n "$UPDATE" ]; then
    printf '%s\n' "$OUT" > "$1/$2"
    ok
  elif printf '%s\n' "$OUT" | diff -u "$1/$2" - >&2; then
    ok
  else
    bad "the output differs from $1/$2"
  fi
}
