#!/usr/bin/env bash
# Sets up Segue (idempotently) and runs the main job on the embedded store with a demo profile.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product segue
SEGUE=.build/release/segue
DATA="${SEGUE_DATA:-$HOME/.local/share/segue}"
mkdir -p "$DATA"
DEMO="$DATA/demo-export.zip"
[ -f "$DEMO" ] || "$SEGUE" demo export "$DEMO"
"$SEGUE" import --data "$DATA" --profile demo "$DEMO"
echo
echo "Top artists of all time (profile 'demo'):"
"$SEGUE" top --data "$DATA" --profile demo --kind artists --limit 10
echo
echo "Top tracks of 2024 by minutes:"
"$SEGUE" top --data "$DATA" --profile demo --kind tracks --metric minutes --from 2024-01-01 --to 2024-12-31 --limit 10
echo
"$SEGUE" stats --data "$DATA" --profile demo
