#!/usr/bin/env bash
# The progress display (bar, rate and ETA redrawn with \r on stderr) is for a
# person watching: it shows only when stderr is a terminal and neither -q nor
# --quiet is given. script(1) (util-linux, Debian package bsdutils) gives
# rasid a pseudo-terminal; what rasid writes to it comes out on script's
# stdout. Exit 77 (skipped) without script(1) or pseudo-terminals.
# Usage: progress_tty.sh RASID_BINARY SOURCE_DIR
set -euo pipefail
rasid=$1
src=$2
if ! command -v script > /dev/null || ! script -qec true /dev/null < /dev/null > /dev/null 2>&1; then
  echo "script(1) or pseudo-terminals unavailable: skipping"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The bundled training split on one thread: a fraction of a second. Each
# head's line is drawn at its first iteration and at its end whatever the
# speed (later redraws at most every 100 ms), so the checks need no timing.
train=$(printf '%q ' "$rasid" train --data "$src/datasets/iraq_news/train.jsonl" --label event_type,stance \
        --max-iter 40 --threads 1)
# Runs `$train ARGS` in a pseudo-terminal, stdout to a file, so that only
# stderr reaches the terminal; the terminal's output goes to file $1. ARGS
# are shell words for script's shell (mktemp paths need no quoting).
on_tty() {
  local capture=$1
  shift
  script -qec "$train $* > $work/stdout" /dev/null < /dev/null > "$capture"
}
# The display's marks: a bar, a rate and an ETA, redrawn in place.
has_progress() { grep -q 'ETA [0-9]*s' "$1" && grep -q '/s' "$1" && grep -q '\[#*\.*\]' "$1" && grep -q $'\r[a-z]' "$1"; }

on_tty "$work/tty" -o "$work/a.rasid"
[ -s "$work/a.rasid" ] || fail "no model written on a terminal"
has_progress "$work/tty" || { cat -A "$work/tty" | head -20; fail "no progress display on a terminal"; }
grep -q 'training stance' "$work/tty" || fail "no progress line for the stance head"
grep -q 'read 864 documents' "$work/tty" || fail "messages missing on a terminal"
# A message printed while a bar is shown starts on a line of its own: the
# bar's line is cleared first (\r, then ESC [K), not continued.
grep -q 'iteration 10, loss' "$work/tty" || fail "no iteration messages on a terminal"
if grep -a 'iteration [0-9]*, loss' "$work/tty" | grep -a -v -q -E $'^(.*\r\e\\[K)?(event_type|stance): iteration'; then
  cat -A "$work/tty" | head -20
  fail "a message continues the progress line"
fi

for quiet in -q --quiet; do
  on_tty "$work/tty_q" -o "$work/q.rasid" "$quiet"
  [ -s "$work/q.rasid" ] || fail "no model written with $quiet"
  # -q silences the messages too: nothing at all reaches the terminal.
  [ ! -s "$work/tty_q" ] || { cat -A "$work/tty_q" | head -20; fail "output on the terminal with $quiet"; }
done

# stderr into a file, stdout still the terminal: messages but no display.
on_tty "$work/tty_f" -o "$work/f.rasid" "2> $work/stderr"
[ -s "$work/f.rasid" ] || fail "no model written with stderr in a file"
grep -q 'read 864 documents' "$work/stderr" || fail "messages missing from the stderr file"
grep -q "wrote $work/f.rasid" "$work/stderr" || fail "'wrote' message missing from the stderr file"
if has_progress "$work/stderr" || grep -q 'ETA' "$work/stderr" || grep -q $'\r' "$work/stderr"; then
  cat -A "$work/stderr" | head -20
  fail "progress display written to a file"
fi
[ ! -s "$work/tty_f" ] || fail "stderr reached the terminal although redirected"
echo "progress display: shown on a terminal and cleared before messages, hidden with -q, --quiet and for a file"
