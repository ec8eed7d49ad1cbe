#!/usr/bin/env bash
# Web server benchmark (issue 4): wrk with 64 connections against /api/v1/top and the Explore page of a
# 250,000-play profile, plus the time from "upload finished" to "import finished" for a large export.
# Usage: scripts/bench-web.sh [SEGUE_BINARY]   (default: a release build in .build)
set -euo pipefail
cd "$(dirname "$0")/.."
SEGUE="${1:-.build/release/segue}"
if [ "$SEGUE" = ".build/release/segue" ]; then
  bash scripts/setup.sh
  export PATH="/opt/swift/usr/bin:$PATH"
  swift build -c release --product segue
fi
command -v wrk >/dev/null || { echo "bench-web: wrk is required (apt-get install wrk)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/segue-bench-web.XXXXXX)
PORT=${PORT:-18080}
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT

echo "Generating and importing a 250,000-record export…"
"$SEGUE" demo export --records 250000 "$WORK/export.zip" >/dev/null
"$SEGUE" import --data "$WORK/data" --profile bench "$WORK/export.zip" | tail -n 1

"$SEGUE" serve --data "$WORK/data" --port "$PORT" --single-user --profile bench --log-level warning &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
JAR="$WORK/cookies"
curl -s -c "$JAR" "http://127.0.0.1:$PORT/api/v1/session" >/dev/null
COOKIE="segue_session=$(awk '/segue_session/ {print $7}' "$JAR")"

run() { # name url
  echo
  echo "== $1"
  curl -sf -H "Cookie: $COOKIE" "$2" >/dev/null
  wrk -t2 -c64 -d15s --latency -H "Cookie: $COOKIE" "$2" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|Socket errors"
}
run "GET /api/v1/top (artists, streams, all time, top 10)" "http://127.0.0.1:$PORT/api/v1/top?kind=artists&limit=10"
run "GET /api/v1/top (tracks, minutes, last year, top 50)" "http://127.0.0.1:$PORT/api/v1/top?kind=tracks&metric=minutes&range=last-year&limit=50"
run "GET /explore (page with inline SVG chart and stats)" "http://127.0.0.1:$PORT/explore"

for RECORDS in 250000 400000; do
echo
echo "== upload + import of a $RECORDS-record export (a fresh session)"
"$SEGUE" demo export --records "$RECORDS" "$WORK/big.zip" >/dev/null
python3 -c 'import sys, zipfile; print("JSON inside: %.1f MB; " % (sum(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()) / 1048576), end="")' "$WORK/big.zip"
ls -l "$WORK/big.zip" | awk '{printf "ZIP: %.1f MB\n", $5 / 1048576}'
rm -f "$JAR"
TOKEN=$(curl -s -c "$JAR" -b "$JAR" "http://127.0.0.1:$PORT/api/v1/session" | python3 -c 'import sys, json; print(json.load(sys.stdin)["csrfToken"])')
UP_START=$(date +%s.%N)
UPLOAD=$(curl -s -b "$JAR" -H "X-CSRF-Token: $TOKEN" --data-binary @"$WORK/big.zip" "http://127.0.0.1:$PORT/api/v1/uploads?name=my_spotify_data.zip" | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])')
UP_END=$(date +%s.%N)
JOB=$(curl -s -b "$JAR" -H "X-CSRF-Token: $TOKEN" -H 'Content-Type: application/json' -d "{\"uploads\":[\"$UPLOAD\"]}" "http://127.0.0.1:$PORT/api/v1/imports" | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])')
curl -s -N -b "$JAR" "http://127.0.0.1:$PORT/api/v1/jobs/$JOB/events" | grep -o '"state":"[a-z]*"' | tail -n 1
IMPORT_END=$(date +%s.%N)
python3 -c "print(f'upload {($UP_END - $UP_START):.2f} s; upload finished -> import finished {($IMPORT_END - $UP_END):.2f} s')"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
