#!/usr/bin/env python3
"""A truth set of real compositions for Segue's key and tempo (issue 17, part 7).

Picks pieces from music21's score corpus whose key is unambiguous (the key signature and a
Krumhansl-Kessler analysis of the notes agree, and the bass starts and ends on the tonic), writes
each as a General MIDI file at a chosen constant tempo with a chosen ensemble (strings, piano, organ,
choir, winds, brass, guitar) and, for some, a drum part on channel 10, renders it with fluidsynth,
and writes `truth.json`: file, key, mode, bpm, meter, drums, ensemble, source.

The tempo is in the meter's beats (music21's `beatDuration`): a quarter in 4/4 and 3/4, a half in
2/2, a dotted quarter in 6/8. The score's own tempo marks, fermatas and repeats are not rendered,
so the tempo is constant and known.

Usage:
  scripts/truthset_compositions.py OUT [--count 48] [--seconds 60] [--seed 17] [--soundfont SF2]
  scripts/truthset_compositions.py OUT --midi-only ...   (MIDI and truth.json, no audio: the test fixtures)
  scripts/truthset_compositions.py OUT --render-only     (render the MIDI files listed in OUT/truth.json)
(needs music21 on PYTHONPATH, except --render-only: `scripts/setup.sh --bench` puts it in .local/compositions;
fluidsynth and fluid-soundfont-gm from Debian)
"""
import argparse
import json
import math
import os
import random
import struct
import subprocess
import sys

SOUNDFONTS = ["/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/TimGM6mb.sf2", "/usr/share/sounds/sf2/default-GM.sf2"]
NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]

# General MIDI programs (0-based) per ensemble, highest voice first; the last repeats for more parts.
ENSEMBLES = {
    "strings": [40, 40, 41, 42],
    "string orchestra": [48, 48, 48, 48],
    "piano": [0, 0, 0, 0],
    "organ": [19, 19, 19, 19],
    "choir": [52, 52, 52, 52],
    "winds": [73, 68, 71, 70],
    "brass": [56, 60, 57, 58],
    "guitar": [24, 24, 25, 24],
}
SOLO = {"flute": [73], "violin": [40], "piano": [0], "guitar": [24], "clarinet": [71], "accordion": [21]}


# ----------------------------------------------------------------------------------------- MIDI


def varlen(n):
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def track(events):
    """events: (tick, bytes) unsorted; note-offs sort before note-ons at the same tick."""
    events = sorted(events, key=lambda e: (e[0], 0 if (e[1][0] & 0xF0) in (0x80, 0xC0, 0xFF) else 1))
    data = b""
    last = 0
    for tick, msg in events:
        data += varlen(tick - last) + msg
        last = tick
    data += varlen(0) + b"\xff\x2f\x00"
    return b"MTrk" + struct.pack(">I", len(data)) + data


def write_midi(path, parts, drums, quarter_bpm, numerator, denominator, ppq=480):
    """parts: [(program, [(onset_ql, duration_ql, midi, velocity)])]; drums: [(onset_ql, note, velocity)]."""
    tempo = int(round(60_000_000 / quarter_bpm))
    meta = [(0, b"\xff\x51\x03" + tempo.to_bytes(3, "big")),
            (0, b"\xff\x58\x04" + bytes([numerator, int(math.log2(denominator)), 24, 8]))]
    tracks = [track(meta)]
    channels = [c for c in range(16) if c != 9]
    for i, (program, notes) in enumerate(parts):
        ch = channels[i % len(channels)]
        ev = [(0, bytes([0xC0 | ch, program]))]
        for onset, dur, pitch, vel in notes:
            on = int(round(onset * ppq))
            off = max(on + 1, int(round((onset + dur) * ppq)) - ppq // 32)
            ev.append((on, bytes([0x90 | ch, pitch, vel])))
            ev.append((off, bytes([0x80 | ch, pitch, 0])))
        tracks.append(track(ev))
    if drums:
        ev = []
        for onset, note, vel in drums:
            on = int(round(onset * ppq))
            ev.append((on, bytes([0x99, note, vel])))
            ev.append((on + ppq // 8, bytes([0x89, note, 0])))
        tracks.append(track(ev))
    with open(path, "wb") as f:
        f.write(b"MThd" + struct.pack(">IHHH", 6, 1, len(tracks), ppq) + b"".join(tracks))


def drum_part(meter, beat_ql, length_ql, rng):
    """A plain pattern in the meter: kick on the downbeat (and mid-bar in 4/4 and 6/8), snare on
    the backbeats, closed hi-hat on every beat and on its halves (its thirds, the eighths, in 6/8,
    9/8 and 12/8)."""
    numerator, denominator = meter
    bar = numerator * 4 / denominator
    beats = int(round(bar / beat_ql))
    split = 3 if numerator in (6, 9, 12) and denominator == 8 else 2
    hits = []
    t = 0.0
    while t < length_ql - 1e-6:
        for b in range(beats):
            at = t + b * beat_ql
            if at >= length_ql:
                break
            v = 80 + rng.randrange(20)
            if b == 0 or (beats == 4 and b == 2) or (beats == 2 and b == 1 and numerator == 6):
                hits.append((at, 36, v + 10))  # kick
            if (beats == 4 and b in (1, 3)) or (beats == 3 and b in (1, 2)) or (beats == 2 and b == 1 and numerator != 6):
                hits.append((at, 38, v))  # snare
            hits.append((at, 42, v - 20))
            for j in range(1, split):
                hits.append((at + j * beat_ql / split, 42, v - 35))
        t += bar
    return hits


# ------------------------------------------------------------------------------ choosing pieces


def candidates(rng):
    from music21 import corpus
    chorales = [p for p in corpus.getComposer("bach") if os.path.basename(str(p)).startswith("bwv") and str(p).endswith(".mxl")]
    rng.shuffle(chorales)
    quartets = [p for c in ("haydn", "mozart", "beethoven") for p in corpus.getComposer(c)
                if str(p).endswith(".mxl") and "movement" in str(p)]
    rng.shuffle(quartets)
    madrigals = [p for p in corpus.getComposer("monteverdi") if str(p).endswith(".mxl") and "_old" not in str(p)]
    rng.shuffle(madrigals)
    others = [p for c in ("corelli", "handel", "schubert") for p in corpus.getComposer(c)]
    folk = [p for p in corpus.getComposer("ryansMammoth") if str(p).endswith(".abc")]
    rng.shuffle(folk)
    # Interleaved so that every kind is represented whatever the count.
    pools = [("chorale", chorales), ("quartet", quartets), ("madrigal", madrigals), ("other", others), ("folk", folk)]
    quota = {"chorale": 0.4, "quartet": 0.22, "madrigal": 0.12, "other": 0.06, "folk": 0.2}
    return pools, quota


def first_note_bass(score):
    """Pitch classes of the lowest note sounding at the first and at the last onset."""
    flat = score.flatten().notes
    if not flat:
        return None, None
    first_t = min(n.offset for n in flat)
    last_t = max(n.offset for n in flat)

    def lowest(t):
        ps = [p.ps for n in flat if abs(n.offset - t) < 1e-6 for p in n.pitches]
        return int(min(ps)) % 12 if ps else None

    return lowest(first_t), lowest(last_t)


def examine(path, kind, max_quarters):
    """(score excerpt, Key, meter) when the key is unambiguous, else a reason string."""
    from music21 import corpus
    try:
        s = corpus.parse(path)
    except Exception as e:  # noqa: BLE001 (the corpus has files music21 cannot parse)
        return f"unreadable: {e}"
    if hasattr(s, "scores"):  # an opus (several tunes in one file): its first
        if not s.scores:
            return "empty opus"
        s = s.scores[0]
    sigs = list(s.recurse().getElementsByClass("TimeSignature"))
    if not sigs:
        return "no time signature"
    ts = sigs[0]
    if any(t.ratioString != ts.ratioString for t in sigs):
        return "meter changes"
    if ts.ratioString not in ("4/4", "3/4", "2/4", "2/2", "6/8", "3/2", "9/8", "12/8"):
        return f"meter {ts.ratioString}"
    keysigs = list(s.recurse().getElementsByClass(("KeySignature", "Key")))
    if not keysigs or any(k.sharps != keysigs[0].sharps for k in keysigs):
        return "no key signature or it changes"
    first, last = first_note_bass(s)
    excerpt = s
    if s.highestTime > max_quarters:
        # A long movement: its opening (which must itself read in the key), still ending on the tonic.
        bars = max(2, int(math.ceil(max_quarters / ts.barDuration.quarterLength)))
        excerpt = s.measures(0, bars)
    excerpt = excerpt.stripTies()
    k = excerpt.analyze("key")
    if k.sharps != keysigs[0].sharps:
        return f"analysis {k} disagrees with the signature ({keysigs[0].sharps} sharps)"
    tonic = k.tonic.pitchClass
    if first != tonic or last != tonic:
        return f"bass does not start and end on the tonic of {k}"
    if k.correlationCoefficient < 0.75:
        return f"weak key ({k.correlationCoefficient:.2f})"
    return s, k, ts, excerpt


def notes_of(score, end_ql):
    """Per part: (onset, duration, midi) within [0, end_ql); an opus/flat stream counts as one part."""
    parts = list(score.parts) if score.hasPartLikeStreams() else [score]
    out = []
    for p in parts:
        ns = []
        for n in p.flatten().notes:
            if n.offset >= end_ql or n.duration.quarterLength <= 0:
                continue
            dur = min(n.duration.quarterLength, end_ql - n.offset)
            for pitch in n.pitches:
                midi = int(round(pitch.ps))
                if 21 <= midi <= 108:
                    ns.append((float(n.offset), float(dur), midi))
        if ns:
            out.append(ns)
    return out


def build(out, count, seconds, seed, midi_only):
    rng = random.Random(seed)
    pools, quota = candidates(rng)
    wanted = {k: max(1, round(count * q)) for k, q in quota.items()}
    while sum(wanted.values()) > count:
        wanted["chorale"] -= 1
    chosen = []
    rejected = {}
    for kind, pool in pools:
        taken = 0
        for path in pool:
            if taken >= wanted[kind]:
                break
            r = examine(str(path), kind, max_quarters=seconds * 180 / 60)
            if isinstance(r, str):
                rejected[r.split(" ")[0]] = rejected.get(r.split(" ")[0], 0) + 1
                continue
            s, k, ts, excerpt = r
            # Tempo (in beats) per kind, log-uniform; a half-note or dotted-quarter beat no faster
            # than players take it (a reel in 2/2 near 110, a jig in 6/8 near 120). Drums on about a third.
            lo, hi = {"chorale": (60, 120), "quartet": (60, 160), "madrigal": (60, 110), "other": (60, 120), "folk": (70, 150)}[kind]
            if ts.denominator == 2 or ts.numerator in (6, 9, 12):
                hi = min(hi, 125)
            bpm = round(math.exp(rng.uniform(math.log(lo), math.log(hi))))
            drums = rng.random() < 0.35
            beat_ql = float(ts.beatDuration.quarterLength)
            quarter_bpm = bpm * beat_ql  # quarters per minute: a dotted-quarter beat is 1.5 quarters
            end_ql = min(float(excerpt.highestTime), seconds * quarter_bpm / 60)
            bar = float(ts.barDuration.quarterLength)
            end_ql = max(bar, math.floor(end_ql / bar) * bar) if end_ql < float(excerpt.highestTime) else end_ql
            parts = notes_of(excerpt, end_ql)
            onsets = sorted({o for p in parts for o, _, _ in p})
            if len(onsets) < 16:
                rejected["too few notes"] = rejected.get("too few notes", 0) + 1
                continue
            # The beat must be heard: most beats carry an onset, else the truth is a guess.
            beats = int(end_ql / beat_ql)
            on_beat = sum(1 for b in range(beats) if any(abs(o - b * beat_ql) < 1e-3 for o in onsets))
            if beats == 0 or on_beat < 0.6 * beats:
                rejected["beat not sounded"] = rejected.get("beat not sounded", 0) + 1
                continue
            if len(parts) == 1:
                ensemble = rng.choice(sorted(SOLO))
                programs = SOLO[ensemble]
            else:
                ensemble = rng.choice(sorted(ENSEMBLES))
                programs = ENSEMBLES[ensemble]
            midi_parts = []
            for i, p in enumerate(parts):
                program = programs[min(i, len(programs) - 1)]
                midi_parts.append((program, [(o, d, m, 64 + rng.randrange(30)) for o, d, m in p]))
            drum_hits = drum_part((ts.numerator, ts.denominator), beat_ql, end_ql, rng) if drums else []
            stem = os.path.splitext(str(path).split("corpus/")[-1])[0].replace("/", "-").replace(" ", "_")
            name = f"{len(chosen) + 1:02d}-{kind}-{stem}"
            mid = os.path.join(out, name + ".mid")
            write_midi(mid, midi_parts, drum_hits, quarter_bpm, ts.numerator, ts.denominator)
            mode = k.mode
            chosen.append({
                "file": name + ".wav", "midi": name + ".mid", "source": str(path).split("corpus/")[-1],
                "kind": kind, "key": f"{NAMES[k.tonic.pitchClass]} {mode}", "tonic": k.tonic.pitchClass, "mode": mode,
                "bpm": bpm, "meter": ts.ratioString, "drums": drums, "ensemble": ensemble,
                "seconds": round(end_ql * 60 / quarter_bpm, 1),
            })
            taken += 1
            print(f"{name}: {chosen[-1]['key']}, {bpm} BPM in {ts.ratioString}, {ensemble}{' + drums' if drums else ''}", flush=True)
    print("rejected:", ", ".join(f"{k} {v}" for k, v in sorted(rejected.items())), file=sys.stderr)
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump({"seed": seed, "pieces": chosen}, f, indent=1)
    return chosen


def render(out, pieces, soundfont, rate):
    for p in pieces:
        wav = os.path.join(out, p["file"])
        subprocess.run(["fluidsynth", "-ni", "-q", "-g", "0.5", "-r", str(rate), "-F", wav, soundfont,
                        os.path.join(out, p["midi"])], check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=48)
    ap.add_argument("--seconds", type=float, default=60, help="longest excerpt, in seconds")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--soundfont", default=None)
    ap.add_argument("--rate", type=int, default=22050)
    ap.add_argument("--midi-only", action="store_true")
    ap.add_argument("--render-only", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.render_only:
        pieces = json.load(open(os.path.join(args.out, "truth.json")))["pieces"]
    else:
        pieces = build(args.out, args.count, args.seconds, args.seed, args.midi_only)
    if args.midi_only:
        return
    soundfont = args.soundfont or next((s for s in SOUNDFONTS if os.path.exists(s)), None)
    if not soundfont:
        sys.exit("truthset_compositions: no General MIDI soundfont; run scripts/setup.sh --bench (fluid-soundfont-gm)")
    render(args.out, pieces, soundfont, args.rate)
    print(f"{len(pieces)} pieces rendered with {os.path.basename(soundfont)} into {args.out}")


if __name__ == "__main__":
    main()
