#!/usr/bin/env bash
# The layout check: the toolchain's swift-format, configured by .swift-format (4-space indents, 150 columns,
# the default rules except four that fight the code on purpose: AlwaysUseLowerCamelCase and
# IdentifiersMustBeASCII (Codable fields and test data mirror outside formats: ffprobe's `codec_name`, an
# artist named "Jóga"), OnlyOneTrailingClosureArgument (a progress and a body closure read better as they are)
# and ReplaceForEachWithForLoop). `bash scripts/lint.sh --fix` rewrites the files in place.
set -euo pipefail
cd "$(dirname "$0")/.."
# Every Swift file of the package.
paths=(Package.swift Sources Tests Plugins)
if [[ "${1:-}" == "--fix" ]]; then
    swift format format --in-place --recursive --parallel "${paths[@]}"
else
    swift format lint --strict --recursive --parallel "${paths[@]}"
fi
