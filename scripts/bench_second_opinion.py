#!/usr/bin/env python3
"""A second opinion on Segue's tempo and key for real music (issue 6, item 7).

Analyses the music that Debian's `singularity-music` and `drascula-music` packages ship (Ogg
Vorbis, installed by `scripts/setup.sh --bench`) with `segue library add`, then the same files with
librosa's beat tracker (tempo) and Essentia's KeyExtractor (key), and reports how often they agree:
tempo within 4 % (Accuracy1) and allowing octave errors (x2, x1/2, x3, x1/3: Accuracy2); key exactly
and as the MIREX weighted score (fifth 0.5, relative 0.3, parallel 0.2). Neither library is ground
truth, so this measures agreement, not accuracy; the synthetic set of `segue-bench analysis
--accuracy` has known answers.

Usage: scripts/bench_second_opinion.py [--segue .build/release/segue] [--no-write]
(needs librosa and essentia on PYTHONPATH: setup.sh --bench puts them in .local/opinion)
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

FOLDERS = ["/usr/share/games/singularity/music", "/usr/share/scummvm/drascula/audio"]
PITCHES = {"C": 0, "B#": 0, "C#": 1, "Db": 1, "D": 2, "D#": 3, "Eb": 3, "E": 4, "Fb": 4, "E#": 5, "F": 5,
           "F#": 6, "Gb": 6, "G": 7, "G#": 8, "Ab": 8, "A": 9, "A#": 10, "Bb": 10, "B": 11, "Cb": 11}


def parse_key(text):
    """'A minor' -> (9, 'minor'); None when missing."""
    if not text:
        return None
    parts = text.split()
    if len(parts) != 2 or parts[0] not in PITCHES or parts[1] not in ("major", "minor"):
        return None
    return PITCHES[parts[0]], parts[1]


def mirex(ours, theirs):
    """MIREX key score of `ours` against `theirs` (pitch class, mode)."""
    (p, m), (q, n) = ours, theirs
    if (p, m) == (q, n):
        return 1.0
    if m == n and (p - q) % 12 in (5, 7):
        return 0.5
    if m != n:
        # Relative: A minor / C major (the major's tonic is 3 semitones above the minor's).
        minor, major = (p, q) if m == "minor" else (q, p)
        if (major - minor) % 12 == 3:
            return 0.3
        if p == q:
            return 0.2
    return 0.0


def tempo_agrees(ours, theirs, octave):
    factors = [1.0, 2.0, 0.5, 3.0, 1 / 3] if octave else [1.0]
    return any(abs(ours - theirs * f) <= 0.04 * theirs * f for f in factors)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--segue", default=".build/release/segue")
    ap.add_argument("--no-write", action="store_true", help="do not write the section into BENCHMARKS.md")
    args = ap.parse_args()
    import librosa  # noqa: E402 (reported missing before any work)
    import essentia
    import essentia.standard as es
    essentia.log.infoActive = False

    folders = [f for f in FOLDERS if os.path.isdir(f)]
    if not folders:
        sys.exit("bench_second_opinion: no music found; run scripts/setup.sh --bench (installs singularity-music and drascula-music)")
    with tempfile.TemporaryDirectory(prefix="segue-opinion-") as data:
        started = time.time()
        subprocess.run([args.segue, "library", "add", "--data", data, *folders], check=True, stdout=subprocess.DEVNULL)
        segue_seconds = time.time() - started
        tracks = json.loads(subprocess.run([args.segue, "library", "list", "--data", data, "--format", "json"],
                                           check=True, capture_output=True, text=True).stdout)
    rows = []
    for t in sorted(tracks, key=lambda t: t["path"]):
        if t.get("status") != "done" or not t.get("bpm"):
            rows.append((t["path"], None, None, None, None, t.get("error") or t.get("status")))
            continue
        y, sr = librosa.load(t["path"], sr=22050, mono=True)
        tempo, _ = librosa.beat.beat_track(y=y, sr=sr)
        tempo = float(tempo[0] if hasattr(tempo, "__len__") else tempo)
        audio = es.MonoLoader(filename=t["path"], sampleRate=44100)()
        key, scale, _strength = es.KeyExtractor()(audio)
        rows.append((t["path"], t["bpm"], tempo, t.get("key"), f"{key} {scale}", None))

    done = [r for r in rows if r[1] is not None]
    acc1 = sum(tempo_agrees(r[1], r[2], False) for r in done)
    acc2 = sum(tempo_agrees(r[1], r[2], True) for r in done)
    keyed = [(parse_key(r[3]), parse_key(r[4])) for r in done]
    keyed = [(a, b) for a, b in keyed if a and b]
    exact = sum(a == b for a, b in keyed)
    weighted = sum(mirex(a, b) for a, b in keyed)
    n = len(done)
    pct = lambda k, d: f"{100 * k / d:.1f} %" if d else "–"
    lines = [
        "",
        f"`scripts/bench_second_opinion.py`: {n} tracks of real music shipped by Debian (`singularity-music`, "
        f"`drascula-music`: Ogg Vorbis) analysed by `segue library add` ({segue_seconds:.1f} s, with musicnn when its "
        f"weights are installed), beside librosa {librosa.__version__} (`beat_track`, tempo) and Essentia "
        f"{essentia.__version__} (`KeyExtractor`, key) on the same files. Neither is ground truth: this is agreement.",
        "",
        "| | agreement |",
        "|---|---:|",
        f"| tempo within 4 % of librosa (Accuracy1) | {acc1} of {n} ({pct(acc1, n)}) |",
        f"| tempo, octave errors allowed (Accuracy2) | {acc2} of {n} ({pct(acc2, n)}) |",
        f"| key, same as Essentia | {exact} of {len(keyed)} ({pct(exact, len(keyed))}) |",
        f"| key, MIREX weighted score | {pct(weighted, len(keyed))} |",
        "",
        "<details><summary>Per track</summary>",
        "",
        "| file | Segue BPM | librosa BPM | Segue key | Essentia key |",
        "|---|---:|---:|---|---|",
    ]
    for path, ours, theirs, key, their_key, problem in rows:
        name = "/".join(path.split("/")[-2:])
        if problem:
            lines.append(f"| {name} | {problem} | | | |")
        else:
            lines.append(f"| {name} | {ours:.1f} | {theirs:.1f} | {key} | {their_key} |")
    lines += ["", "</details>"]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("Audio analysis: a second opinion on real music", body)


def write_section(title, body, path="BENCHMARKS.md"):
    """Replaces (or appends) the section `## title`, as `segue-bench` does."""
    heading = "## " + title
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else "# Benchmarks\n"
    lines = text.split("\n")
    if heading in lines:
        start = lines.index(heading)
        end = start + 1
        while end < len(lines) and not lines[end].startswith("## "):
            end += 1
        lines[start:end] = (heading + "\n" + body + "\n").split("\n")
        text = "\n".join(lines)
    else:
        text = text.rstrip("\n") + "\n\n" + heading + "\n" + body + "\n"
    open(path, "w", encoding="utf-8").write(text)


if __name__ == "__main__":
    main()
