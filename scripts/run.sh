#!/usr/bin/env bash
# Sets up Segue (idempotently), builds it in release mode and runs the web app on the embedded store.
# Open http://127.0.0.1:8080/ and press "Try it with demo data" (or upload your Spotify export).
# SEGUE_DATA (default ~/.local/share/segue), SEGUE_HOST (127.0.0.1) and SEGUE_PORT (8080) change the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="/opt/swift/usr/bin:$PATH"
# The Swift runtime and Foundation linked in (--static-swift-stdlib): a process starts in about half the time.
swift build -c release --product segue --static-swift-stdlib
SEGUE=.build/release/segue
DATA="${SEGUE_DATA:-$HOME/.local/share/segue}"
mkdir -p "$DATA"
# Warm the demo export behind the "Try it with demo data" button, so the first click is quick.
[ -f "$DATA/demo-export-60000.zip" ] || "$SEGUE" demo export "$DATA/demo-export-60000.zip" >/dev/null
echo "Segue: open http://${SEGUE_HOST:-127.0.0.1}:${SEGUE_PORT:-8080}/ (Ctrl-C stops it)"
# --demo-live feeds the Live page from a simulated crowd, so every page has something to show.
exec "$SEGUE" serve --data "$DATA" --host "${SEGUE_HOST:-127.0.0.1}" --port "${SEGUE_PORT:-8080}" --demo-live
