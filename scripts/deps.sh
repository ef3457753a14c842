#!/bin/sh
# Installs the Debian packages that mig needs to build and test, if any are
# missing. Used by `make demo` and `make test`; safe to run again.
# As root it uses apt-get; otherwise sudo without a password; otherwise it
# prints the one command to run and fails.
set -eu

PACKAGES="gcc make cmake pkg-config flex bison libcmocka-dev libjansson-dev libyaml-dev
  libsqlite3-dev libuv1-dev libsodium-dev liblua5.4-dev libpcre2-dev vim unzip strace
  libcurl4-openssl-dev libmicrohttpd-dev libxgboost-dev curl python3
  chromium"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done
# chromium: tests/cli/stats_html.sh opens the page of `mig stats --html`
# in it, headless. The editor-grammar and BPMN tests run npm packages: Debian's node and npm
# when the machine has no node of its own.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing="$missing nodejs npm"
fi
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "mig: missing packages:$missing" >&2
  echo "mig: cannot install them (not root, and no password-less sudo)." >&2
  echo "Run this once, then try again:" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "mig: installing missing packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends $missing
