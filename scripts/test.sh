#!/usr/bin/env bash
# Sets up everything the tests need (idempotently) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="/opt/swift/usr/bin:$PATH"
# Warnings in Segue's own targets fail the build (see Package.swift).
export SEGUE_STRICT=1
# The layout check first: seconds, and it needs no build.
bash scripts/lint.sh
swift build --build-tests
# A throwaway PostgreSQL with pgvector for the store contract suites' PostgreSQL runs (scripts/pg.sh);
# stopped and deleted when this script ends, however it ends.
bash scripts/pg.sh stop
trap 'bash scripts/pg.sh stop' EXIT
SEGUE_TEST_POSTGRES_URL=$(bash scripts/pg.sh start)
export SEGUE_TEST_POSTGRES_URL
# The suites that drive other servers (a Kafka broker, a Subsonic server in Python) run after the rest,
# on their own: beside 450 other tests on two cores their servers took longer than the tests wait to start.
# So do the suites whose servers listen on real sockets and must answer while a test watches the clock
# (every file with `app.test(.live)`, found here so a new one joins them, and LISTEN/NOTIFY across two
# pools, and the GPU encoder service, a real server on a socket): in the clean-clone runs of d9ce9a0 and
# ab5d976 the other 480 tests held the two-core pool so long that a ten-second wait ended after 57 s and a
# webhook's answer came too late; at a load of 16, the encoder's freed slot took over a minute to be seen.
LIVE_SOCKETS=$( (grep -l 'test(\.live)' Tests/*/*.swift | xargs -n1 basename | sed 's/\.swift$//'; echo PostgresChangeFeedTests; echo EncoderServiceTests) | paste -sd'|')
swift test --skip-build --skip SegueKafkaTests --skip SeguePlayersTests --skip "$LIVE_SOCKETS" "$@"
swift test --skip-build --filter "$LIVE_SOCKETS"
swift test --skip-build --filter SegueKafkaTests
swift test --skip-build --filter SeguePlayersTests
# The parsers that take outside bytes, under libFuzzer and AddressSanitizer for a fixed number of
# inputs each from the committed seed corpus (about a minute; scripts/fuzz.sh).
bash scripts/fuzz.sh
# Real server restarts, alone and one at a time (they would break the other suites' transactions in flight).
SEGUE_TEST_POSTGRES_RESTART="bash $PWD/scripts/pg.sh restart" swift test --skip-build --filter PostgresRestart --no-parallel
# The web app in real headless Chromium, and its OpenAPI document through a validator.
export PYTHONPATH="$PWD/.local/python${PYTHONPATH:+:$PYTHONPATH}" SE_OFFLINE=true SEGUE_BIN="$PWD/.build/debug/segue"
# test_a11y: axe-core's audit of every page (no serious or critical violation), phone and desktop, light and dark.
(cd Tests/browser && python3 -m unittest -v test_web test_openapi test_listenbrainz test_players test_recap test_recap_share test_a11y)
