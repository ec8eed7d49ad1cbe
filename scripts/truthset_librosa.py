#!/usr/bin/env python3
"""librosa's answers on a truth set, for `segue-bench analysis --truth-set DIR` to set beside Segue's.

For every file in DIR/truth.json: tempo from `librosa.beat.beat_track`, and key from the plain
Krumhansl-Kessler template (correlation with the 24 rotated probe-tone profiles) on the mean of
librosa's constant-Q chroma. Prints one JSON object: {"librosa": version, "files": {file: {"bpm", "key"}}}.

Usage: scripts/truthset_librosa.py DIR   (needs librosa: scripts/setup.sh --bench puts it in .local/opinion)
"""
import json
import os
import sys

import numpy as np

NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


def kk_key(chroma):
    best = (-2.0, "")
    for tonic in range(12):
        for mode, profile in (("major", MAJOR), ("minor", MINOR)):
            r = np.corrcoef(chroma, np.roll(profile, tonic))[0, 1]
            if r > best[0]:
                best = (r, f"{NAMES[tonic]} {mode}")
    return best[1]


def main():
    import librosa
    folder = sys.argv[1]
    pieces = json.load(open(os.path.join(folder, "truth.json"), encoding="utf-8"))["pieces"]
    out = {}
    for p in pieces:
        y, sr = librosa.load(os.path.join(folder, p["file"]), sr=22050, mono=True)
        tempo, _ = librosa.beat.beat_track(y=y, sr=sr)
        tempo = float(np.atleast_1d(tempo)[0])
        chroma = librosa.feature.chroma_cqt(y=y, sr=sr).mean(axis=1)
        out[p["file"]] = {"bpm": tempo, "key": kk_key(chroma)}
        print(f"{p['file']}: {tempo:.1f} BPM, {out[p['file']]['key']}", file=sys.stderr, flush=True)
    json.dump({"librosa": librosa.__version__, "files": out}, sys.stdout)


if __name__ == "__main__":
    main()
