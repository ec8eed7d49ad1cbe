#!/usr/bin/env bash
# Fuzzes the parsers that take bytes from outside (Tests/Fuzz/SegueFuzz): builds them with libFuzzer
# and AddressSanitizer into .build-fuzz, then runs each target for a fixed number of inputs from its
# committed seed corpus (Tests/Fuzz/corpus/TARGET). A trap, a sanitizer report, a hang (10 s on one
# input) or runaway memory (2 GiB) fails the run, and the input is kept in .build-fuzz/findings/:
# add it to the target's corpus and write a unit test for it.
#
#   scripts/fuzz.sh                 every target, its fixed number of runs (about a minute in all)
#   scripts/fuzz.sh zip 1000000     one target, as many runs as given
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

# Runs per target: about 12-15 s each on this project's 2-core machines.
declare -A RUNS=([listenbrainz]=150000 [events]=150000 [spotify-json]=80000 [zip]=20000 [sniff]=300000 [image-header]=300000)
targets=("${!RUNS[@]}")
if [ $# -ge 1 ]; then targets=("$1"); [ $# -ge 2 ] && RUNS[$1]=$2; fi

SEGUE_FUZZ=1 swift build --scratch-path .build-fuzz --product segue-fuzz -Xswiftc -sanitize=fuzzer,address 2>&1 \
  | grep -vE "Cannot export local symbol|prohibited flag|unhandled; explicitly declare|CMakeLists.txt|PrivacyInfo" || true
bin=.build-fuzz/debug/segue-fuzz
[ -x "$bin" ] || { echo "fuzz: the fuzz build failed" >&2; exit 1; }

findings=.build-fuzz/findings
mkdir -p "$findings"
# Foundation keeps some allocations for the life of the process: leaks are not findings here.
export ASAN_OPTIONS=detect_leaks=0
status=0
for t in $(printf '%s\n' "${targets[@]}" | sort); do
  work=$(mktemp -d)
  echo "fuzz: $t, ${RUNS[$t]} runs"
  if ! SEGUE_FUZZ_TARGET=$t "$bin" -runs="${RUNS[$t]}" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$findings/$t-" -print_final_stats=1 "$work" "Tests/Fuzz/corpus/$t" >"$work.log" 2>&1; then
    status=1
    echo "fuzz: $t FAILED; the input is in $findings:" >&2
    grep -E "ERROR|Fatal error|SUMMARY|Test unit written" "$work.log" | head -20 >&2
  else
    grep -E "stat::number_of_executed_units|DONE" "$work.log" | head -2
  fi
  rm -rf "$work" "$work.log"
done
exit $status
