#!/usr/bin/env bash
# Installs the Debian packages rasid needs to build and test. Idempotent:
# packages already present are not fetched again, and apt is only asked
# when something is missing. Extra package groups: "bench" (peers for the
# benchmark), "browser" (headless Chromium for the HTML report test), "fuzz"
# (clang with libFuzzer and the sanitizer runtimes, for scripts/fuzz.sh).
set -euo pipefail
# bsdutils: script(1), the pseudo-terminal for tests/progress_tty.sh (Essential in Debian, listed to be explicit).
packages=(build-essential cmake ninja-build pkg-config libeigen3-dev libicu-dev libcereal-dev libcli11-dev
          catch2 libxxhash-dev python3 bsdutils
          pybind11-dev python3-pybind11 python3-numpy python3-pytest python3-dask python3-distributed)
for group in "$@"; do
  case "$group" in
    bench) packages+=(fasttext liblinear-tools python3-sklearn python3-numpy python3-scipy time) ;;
    browser) packages+=(chromium python3-pil) ;;
    fuzz) packages+=(clang-14 libclang-rt-14-dev llvm-14) ;;
    *) echo "install_deps.sh: unknown group '$group'" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
