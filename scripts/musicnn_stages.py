#!/usr/bin/env python3
"""Where Segue's musicnn embedding of a real file departs from the original's, stage by stage.

The original pipeline is musicnn's own extractor: librosa.load(FILE, sr=16000) (libsndfile decode,
mean of the channels, resampy kaiser_best in librosa 0.9.2), then scripts/musicnn_reference.py's
spectrogram and TensorFlow model. Each variant below swaps one stage for Segue's and reports the
embedding's cosine similarity to the original's, so the stage that causes the drift stands out:

  decoder     ffmpeg's Vorbis/FLAC/... decoder at the file's rate, then the original's mix and resampler
  mix         the original's decode, then ffmpeg's `-ac 1` gain (a stereo pair summed at 1/sqrt 2 each)
  resampler   the original's decode and mix, then ffmpeg's default resampler (swr) to 16 kHz
  soxr        the original's decode and mix, then ffmpeg's soxr resampler (precision 28)
  segue-old   ffmpeg as Segue ran it before issue 17: `-ac 1 -ar 16000`
  segue       ffmpeg as AnalysisDecoder runs it now (the musicnn branch's filter, SEGUE_FILTER)
  no-f16      the original's samples without the float16 rounding, beside the original (how much
              the rounding alone moves the embedding)

Usage: PYTHONPATH=.local/tf:.local/musicnn scripts/musicnn_stages.py [--variants a,b] FILE...
Prints one line per file and variant, then the median and worst per variant.
"""
import argparse
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import musicnn_reference as ref  # noqa: E402
import librosa  # noqa: E402
import resampy  # noqa: E402
import soundfile as sf  # noqa: E402

SR = 16000
# AnalysisDecoder.musicnnMix (Sources/SegueAudio/AnalysisDecoder.swift), spelled out.
SEGUE_FILTER = ("aresample=osr=16000:ochl=mono:rematrix_maxval=1:filter_type=kaiser:kaiser_beta=12.984585247040012"
                ":cutoff=0.9173473712608761:filter_size=92:exact_rational=1:phase_shift=13")


def ffmpeg(path, args):
    out = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-map", "0:a:0", *args, "-f", "f32le", "pipe:1"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(out, "<f4").copy()


def native(path):
    """(channels, samples) float32 at the file's rate, decoded by ffmpeg, and the rate."""
    rate = sf.info(path).samplerate
    info = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=channels",
                           "-of", "csv=p=0", path], check=True, capture_output=True, text=True).stdout
    channels = int(info.strip().split()[0])
    return ffmpeg(path, []).reshape(-1, channels).T, rate


def original_native(path):
    y, rate = sf.read(path, dtype="float32", always_2d=True)
    return y.T, rate


def to16k(mono, rate):
    """librosa 0.9.2's resample as librosa.load calls it (resampy kaiser_best, ceil length)."""
    if rate == SR:
        return mono
    n = int(np.ceil(mono.shape[-1] * SR / rate))
    y = resampy.resample(mono, rate, SR, filter="kaiser_best", axis=-1)
    return librosa.util.fix_length(y, size=n).astype(np.float32)


def swr(mono, extra=""):
    """ffmpeg's resampler on a mono signal at its rate."""
    mono, rate = mono
    run = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
                          "-af", "aresample=%d%s" % (SR, extra), "-f", "f32le", "pipe:1"],
                         input=mono.astype("<f4").tobytes(), check=True, capture_output=True)
    return np.frombuffer(run.stdout, "<f4").copy()


def embedding(model, audio, f16=True):
    rep, _ = ref.log_mel(audio)
    if not f16:
        mel = librosa.feature.melspectrogram(y=audio, sr=SR, hop_length=256, n_fft=512, n_mels=96, pad_mode="reflect").T
        rep = np.log10(10000 * mel + 1)
    batch = ref.patches(rep)
    emb, _ = model.run(batch)
    return emb.mean(axis=0), rep


def cosine(a, b):
    return float(np.dot(a, b) / np.sqrt(np.dot(a, a) * np.dot(b, b)))


def lag(a, b, search=64):
    """The shift of b against a (in samples) that best lines them up, from the first 10 s."""
    a, b = a[: 10 * SR].astype(np.float64), b[: 10 * SR].astype(np.float64)
    n = min(len(a), len(b)) - 2 * search
    if n <= 0:
        return 0
    scores = [np.dot(a[search : search + n], b[search + s : search + s + n]) for s in range(-search, search + 1)]
    return int(np.argmax(scores)) - search


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", default="decoder,mix,resampler,soxr,segue-old,segue,no-f16")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    variants = args.variants.split(",")
    model = ref.Model("MSD_musicnn")
    results = {v: [] for v in variants}
    for path in args.files:
        stereo, rate = original_native(path)
        original = librosa.load(path, sr=SR)[0]
        base, base_rep = embedding(model, original)
        line = ["%s (%d ch, %d Hz, %.0f s)" % (os.path.basename(path), stereo.shape[0], rate, stereo.shape[1] / rate)]
        for v in variants:
            if v == "decoder":
                audio = to16k(np.mean(native(path)[0], axis=0), rate)
            elif v == "mix":
                audio = to16k(np.sum(stereo, axis=0) * (np.sqrt(0.5) if stereo.shape[0] == 2 else 1 / stereo.shape[0]), rate)
            elif v == "resampler":
                audio = swr((np.mean(stereo, axis=0), rate))
            elif v == "soxr":
                audio = swr((np.mean(stereo, axis=0), rate), ":resampler=soxr:precision=28")
            elif v == "segue-old":
                audio = ffmpeg(path, ["-ac", "1", "-ar", str(SR)])
            elif v == "segue":
                audio = ffmpeg(path, ["-af", SEGUE_FILTER, "-ac", "1", "-ar", str(SR)])
            elif v == "no-f16":
                audio = original
            else:
                sys.exit("unknown variant " + v)
            emb, rep = embedding(model, audio, f16=(v != "no-f16"))
            c = cosine(emb, base)
            results[v].append(c)
            n = min(len(rep), len(base_rep))
            extra = ""
            if v != "no-f16":
                m = min(len(audio), len(original))
                err = np.sqrt(np.mean((audio[:m] - original[:m]) ** 2)) / (np.sqrt(np.mean(original[:m] ** 2)) + 1e-12)
                extra = " samples %+d lag %+d rel.err %.4f" % (len(audio) - len(original), lag(original, audio), err)
            line.append("  %-10s cos %.5f  log-mel mean diff %+.4f max %.3f%s"
                        % (v, c, float(np.mean(rep[:n] - base_rep[:n])), float(np.max(np.abs(rep[:n] - base_rep[:n]))), extra))
        print("\n".join(line), flush=True)
    for v in variants:
        r = np.array(results[v])
        print("%-10s median %.5f worst %.5f (%d files)" % (v, np.median(r), r.min(), len(r)))


if __name__ == "__main__":
    main()
