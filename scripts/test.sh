#!/usr/bin/env bash
# Sets up everything the tests need (idempotently) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="/opt/swift/usr/bin:$PATH"
# Warnings in Segue's own targets fail the build (see Package.swift).
export SEGUE_STRICT=1
swift build --build-tests
swift test --skip-build "$@"
# The web app in real headless Chromium, and its OpenAPI document through a validator.
export PYTHONPATH="$PWD/.local/python${PYTHONPATH:+:$PYTHONPATH}" SE_OFFLINE=true SEGUE_BIN="$PWD/.build/debug/segue"
(cd Tests/browser && python3 -m unittest -v test_web test_openapi test_listenbrainz)
