#!/usr/bin/env bash
# Model-checks model/handover.pml with spin: the protocol must hold (errors: 0), each mutant must be caught
# (errors > 0), and each witness point must be reached (so the passing run is not passing for lack of
# behaviour). Prints one line per run and exits non-zero if any run does not end as expected.
#
#   bash model/check.sh            the CI run
#   bash model/check.sh --trails   also prints the shortest counterexample of each mutant, step by step
#   bash model/check.sh --deep     also checks the model with larger bounds (minutes, several GB of memory)
#
# Installs nothing: needs spin (Debian package "spin") and gcc. Works in a temporary directory, which it removes.
set -euo pipefail

trails=false
deep=false
for arg in "$@"; do
  case $arg in
    --trails) trails=true ;;
    --deep) deep=true ;;
    *) echo "usage: $0 [--trails] [--deep]" >&2; exit 2 ;;
  esac
done

missing=()
command -v spin >/dev/null 2>&1 || missing+=("spin (Debian package: spin)")
command -v gcc >/dev/null 2>&1 || missing+=("gcc (Debian package: gcc)")
if ((${#missing[@]})); then
  echo "model/check.sh: missing ${missing[*]}; on Debian: apt-get install spin gcc" >&2
  exit 2
fi

model="$(cd "$(dirname "$0")" && pwd)/handover.pml"
work=$(mktemp -d "${TMPDIR:-/tmp}/dualwrite-spin.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$model" "$work/handover.pml"
cd "$work"

failures=0
started=$SECONDS

# Extra flags for gcc and pan (the deep runs compress states and take a larger hash table).
cc_extra=""
pan_extra=""

# check KIND NAME EXPECT DESCRIPTION SPINFLAGS...
#   EXPECT: pass (errors 0, search complete) or fail (errors > 0). A run expected to fail stops at its first
#   violation, so it is compiled without optimisation, which compiles in a quarter of the time.
check() {
  local kind=$1 name=$2 expect=$3 what=$4
  shift 4
  local opt=-O0 shortest=""
  [[ $expect == pass ]] && opt=-O2
  # With --trails, a mutant's search goes on to find its shortest counterexample.
  $trails && [[ $kind == mutant ]] && { opt="-O2 -DREACH"; shortest=-i; }
  rm -f pan pan.* ./*.trail
  if ! spin -a "$@" handover.pml >spin.out 2>&1; then
    printf 'FAIL  %-8s %-18s spin -a failed:\n' "$kind" "$name"; cat spin.out
    failures=$((failures + 1)); return
  fi
  # shellcheck disable=SC2086
  if ! gcc -w -DSAFETY $cc_extra $opt -o pan pan.c 2>gcc.out; then
    printf 'FAIL  %-8s %-18s gcc failed:\n' "$kind" "$name"; cat gcc.out
    failures=$((failures + 1)); return
  fi
  # pan exits 0 even when it finds a violation: the verdict is its "errors: N" line.
  # shellcheck disable=SC2086
  ./pan $pan_extra $shortest >pan.out 2>&1 || true
  local errors states secs verdict note=""
  errors=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' pan.out | head -1)
  states=$(awk '/states, stored/ { print $1; exit }' pan.out)
  secs=$(sed -n 's/^pan: elapsed time \([^ ]*\) seconds.*/\1/p' pan.out | head -1)
  if [[ -z $errors ]]; then
    printf 'FAIL  %-8s %-18s pan gave no verdict:\n' "$kind" "$name"; tail -20 pan.out
    failures=$((failures + 1)); return
  fi
  if [[ $expect == pass ]]; then
    if [[ $errors == 0 ]] && ! grep -qE 'Search not completed|max search depth too small|out of memory' pan.out; then
      verdict=ok
    else
      verdict=FAIL
      grep -qE 'max search depth too small|out of memory' pan.out && note="search incomplete"
    fi
  else
    if [[ $errors != 0 ]]; then verdict=ok; else verdict=FAIL; note="not caught"; fi
  fi
  if [[ $errors != 0 && -f handover.pml.trail ]]; then
    local found
    found=$(spin -t "$@" handover.pml 2>/dev/null | sed -n 's/^ *@ VIOLATION of \(invariant [0-9a-z]*\).*/\1/p' | head -1)
    if [[ $kind == witness ]]; then note="reached"; else note=${found:-assertion}; fi
    [[ $expect == pass ]] && note="violates ${note}"
  fi
  printf '%-4s  %-8s %-18s errors: %-3s %10s states %7s s  %s%s\n' \
    "$verdict" "$kind" "$name" "$errors" "$states" "$secs" "$what" "${note:+ -> $note}"
  [[ $verdict == ok ]] || failures=$((failures + 1))
  if [[ $errors != 0 && -f handover.pml.trail ]] && { $trails || [[ $expect == pass ]]; } && [[ $kind != witness ]]; then
    spin -t "$@" handover.pml 2>/dev/null | sed -n 's/^ *@ /        /p'
  fi
}

echo "spin model of the phase / ledger / repair / re-sync protocol (model/handover.pml)"

check model handover pass \
  "the fenced protocol, 1 key, 2 instances, 3 writes, 7 moves, 2 outages"

check mutant NO_RESYNC_RULE fail "rule R3 removed" -DNO_RESYNC_RULE
check mutant NO_FENCE fail "the protocol as described, without fences" -DNO_FENCE
check mutant NO_PRIMARY_FENCE fail "the old source of truth not fenced" -DNO_PRIMARY_FENCE
check mutant NO_COPY_FENCE fail "the new source of truth not fenced" -DNO_COPY_FENCE
check mutant NO_DRAIN fail "no drain after the fences (R2)" -DNO_DRAIN
check mutant NO_RESYNC_BARRIER fail "re-sync verifies before the barrier" -DNO_RESYNC_BARRIER

check witness 1 fail "re-sync finds a key, then READ_NEW -> back to OLD" -DWITNESS=1
check witness 2 fail "a lagging write refused by a fence" -DWITNESS=2
check witness 3 fail "a late copy refused by a fence" -DWITNESS=3
check witness 4 fail "a handover given up after its fence" -DWITNESS=4
check witness 5 fail "a verifier one move behind records" -DWITNESS=5
check witness 6 fail "READ_NEW again after a trip to OLD_ONLY" -DWITNESS=6
check witness 7 fail "a DROP_OLD write lands in READ_NEW" -DWITNESS=7

if $deep; then
  cc_extra=-DCOLLAPSE
  pan_extra=-w27
  check deep NK=2 pass "2 keys" -DNK=2
  check deep NI=3 pass "3 instances" -DNI=3
  check deep MAXW=4 pass "4 writes, 3 outages" -DMAXW=4 -DMAXOUT=3
  check deep MAXMOVES=9 pass "9 moves" -DMAXMOVES=9
fi

if ((failures)); then
  echo "model/check.sh: $failures run(s) did not end as expected ($((SECONDS - started)) s)"
  exit 1
fi
echo "model/check.sh: every run ended as expected ($((SECONDS - started)) s)"
