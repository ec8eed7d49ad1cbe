#!/usr/bin/env python3
"""Runs the original musicnn (PyPI musicnn 0.1.0's own models.py on TensorFlow) on raw audio or real music files.

Three uses:
  fixtures  Reference outputs for the Swift network's tests:
            scripts/musicnn_reference.py fixtures CLIP_DIR OUT.json
            (CLIP_DIR from `segue-bench analysis --musicnn-clips CLIP_DIR`)
  bench     Timing of the same model on the same audio, for `segue-bench analysis`:
            scripts/musicnn_reference.py bench FILE.f32...   (prints one JSON object)
  files     Reference embeddings of real music files, loaded the way musicnn's own extractor
            loads them: librosa.load(FILE, sr=16000) (libsndfile, channels averaged, resampy's
            kaiser_best resampler in librosa 0.9.2), then the same spectrogram and model:
            scripts/musicnn_reference.py files OUT.json ROOT FILE...
            (names in OUT.json are relative to ROOT; the file is rewritten after every track)

Audio is raw little-endian float32, mono, 16 kHz (`*.f32`). Needs tensorflow-cpu 2.15.1 and
librosa with NumPy 1.x (scripts/setup.sh --bench puts them in .local/tf) and the unpacked wheel
(.local/musicnn). Not part of the test run: its output is committed as a fixture.

The preprocessing is musicnn's `extractor.batch_data` on an array instead of a file: librosa's mel
spectrogram (16 kHz, n_fft 512, hop 256, 96 bands), cast to float16, log10(10000 x + 1), patches of
187 frames without overlap. Two deliberate choices, both stated in the fixture:
  - pad_mode="reflect": the centred STFT padding of the librosa (0.7) musicnn was trained with;
    librosa 0.9 and later pad with zeros by default.
  - clips shorter than one patch are repeated until they fill it (the "repeat-pad" of the models'
    training configuration); the original extractor fails on them.
The embedding is the `dense` layer before its ReLU (`model/dense/BiasAdd`), as Essentia and
AudioMuse-AI use it; tags are sigmoid outputs; both are averaged over the patches.
"""
import base64
import json
import os
import sys
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import librosa  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.compat.v1.disable_eager_execution()
tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)

import musicnn  # noqa: E402
from musicnn import configuration as config  # noqa: E402
from musicnn import models  # noqa: E402

N_FRAMES = 187  # librosa.time_to_frames(3, sr=16000, n_fft=512, hop_length=256) + 1, as the extractor computes it


def log_mel(audio):
    """(frames, 96) float32 log-mel and the float16 mel it was computed from."""
    mel = librosa.feature.melspectrogram(
        y=audio, sr=config.SR, hop_length=config.FFT_HOP, n_fft=config.FFT_SIZE, n_mels=config.N_MELS, pad_mode="reflect"
    ).T
    half = mel.astype(np.float16)
    rep = np.log10(10000 * half + 1)
    # NumPy 1.x promotes float16 * 10000 to float32; NumPy 2 would stay in float16 and overflow.
    assert rep.dtype == np.float32, "needs NumPy 1.x (value-based casting), found %s" % np.__version__
    return rep, half


def patches(rep):
    if rep.shape[0] < N_FRAMES:
        reps = -(-N_FRAMES // rep.shape[0])
        rep = np.concatenate([rep] * reps, axis=0)
    starts = range(0, rep.shape[0] - N_FRAMES + 1, N_FRAMES)
    return np.stack([rep[s : s + N_FRAMES] for s in starts])


class Model:
    def __init__(self, name):
        self.graph = tf.Graph()
        with self.graph.as_default():
            with tf.name_scope("model"):
                self.x = tf.compat.v1.placeholder(tf.float32, [None, N_FRAMES, config.N_MELS])
                self.is_training = tf.compat.v1.placeholder(tf.bool)
                outputs = models.define_model(self.x, self.is_training, name, 50)
                self.tags = tf.nn.sigmoid(outputs[0])
            self.embedding = self.graph.get_tensor_by_name("model/dense/BiasAdd:0")
            self.session = tf.compat.v1.Session(graph=self.graph)
            tf.compat.v1.train.Saver().restore(self.session, os.path.join(os.path.dirname(musicnn.__file__), name) + "/")

    def run(self, batch):
        return self.session.run([self.embedding, self.tags], feed_dict={self.x: batch, self.is_training: False})


def read(path):
    return np.fromfile(path, dtype="<f4")


def fixtures(clip_dir, out_path):
    msd, mtt = Model("MSD_musicnn"), Model("MTT_musicnn")
    clips = []
    for name in ["song", "sweep", "short"]:
        audio = read(os.path.join(clip_dir, name + ".f32"))
        rep, half = log_mel(audio)
        batch = patches(rep)
        emb, tags = msd.run(batch)
        _, mtt_tags = mtt.run(batch)
        first = half[:N_FRAMES] if half.shape[0] >= N_FRAMES else None
        clips.append(
            {
                "name": name,
                "samples": int(audio.shape[0]),
                "samples_sum": float(np.sum(audio.astype(np.float64))),
                "frames": int(rep.shape[0]),
                "patches": int(batch.shape[0]),
                "log_mel_sum": float(np.sum(rep.astype(np.float64))),
                "log_mel_frame_10": [float(v) for v in rep[10]],
                # The first patch's float16 mel values (little-endian bytes, base64), to run the
                # network alone on exactly the original's input.
                "mel_f16_first_patch": base64.b64encode(first.astype("<f2").tobytes()).decode() if first is not None else None,
                "first_patch_embedding": [float(v) for v in emb[0]],
                "embedding": [float(v) for v in emb.mean(axis=0)],
                "msd_tags": [float(v) for v in tags.mean(axis=0)],
                "mtt_tags": [float(v) for v in mtt_tags.mean(axis=0)],
            }
        )
        print(name, rep.shape, batch.shape[0], "patches", file=sys.stderr)
    body = {
        "generator": "scripts/musicnn_reference.py",
        "versions": {"tensorflow": tf.__version__, "librosa": librosa.__version__, "numpy": np.__version__, "musicnn": "0.1.0"},
        "preprocessing": "librosa melspectrogram(sr=16000, n_fft=512, hop_length=256, n_mels=96, pad_mode='reflect'), float16, log10(10000x+1); 187-frame patches without overlap; shorter input repeated to one patch",
        "embedding_tensor": "model/dense/BiasAdd (dense layer before its ReLU), mean over patches",
        "tags": "sigmoid of the output layer, mean over patches; MSD_musicnn and MTT_musicnn",
        "clips": clips,
    }
    with open(out_path, "w") as f:
        json.dump(body, f, indent=1)
        f.write("\n")


def files(out_path, root, paths):
    msd = Model("MSD_musicnn")
    tracks = []
    for path in paths:
        started = time.perf_counter()
        audio, _ = librosa.load(path, sr=config.SR)
        rep, _ = log_mel(audio)
        batch = patches(rep)
        emb, tags = msd.run(batch)
        tracks.append(
            {
                "name": os.path.relpath(path, root),
                "samples": int(audio.shape[0]),
                "patches": int(batch.shape[0]),
                "embedding": [round(float(v), 6) for v in emb.mean(axis=0)],
                "msd_tags": [round(float(v), 6) for v in tags.mean(axis=0)],
            }
        )
        print(tracks[-1]["name"], audio.shape[0], batch.shape[0], "patches", "%.1f s" % (time.perf_counter() - started), file=sys.stderr)
        body = {
            "generator": "scripts/musicnn_reference.py files",
            "versions": {"tensorflow": tf.__version__, "librosa": librosa.__version__, "numpy": np.__version__, "musicnn": "0.1.0"},
            "loading": "librosa.load(path, sr=16000): libsndfile decode, mean of the channels, resampy kaiser_best to 16 kHz, length ceil(n x 16000 / rate)",
            "preprocessing": "as the fixtures: melspectrogram(n_fft=512, hop_length=256, n_mels=96, pad_mode='reflect'), float16, log10(10000x+1); 187-frame patches without overlap",
            "embedding_tensor": "model/dense/BiasAdd (dense layer before its ReLU), mean over patches; MSD_musicnn; values rounded to 6 decimals",
            "tracks": tracks,
        }
        with open(out_path, "w") as f:
            json.dump(body, f, indent=1)
            f.write("\n")


def bench(paths):
    model = Model("MSD_musicnn")
    model.run(np.zeros((1, N_FRAMES, config.N_MELS), np.float32))  # graph warm-up
    seconds = mel_time = net_time = 0.0
    count = 0
    for path in paths:
        audio = read(path)
        seconds += audio.shape[0] / config.SR
        t0 = time.perf_counter()
        rep, _ = log_mel(audio)
        batch = patches(rep)
        t1 = time.perf_counter()
        model.run(batch)
        t2 = time.perf_counter()
        mel_time += t1 - t0
        net_time += t2 - t1
        count += batch.shape[0]
    print(json.dumps({"tensorflow": tf.__version__, "files": len(paths), "audio_seconds": seconds, "patches": count,
                      "mel_seconds": mel_time, "network_seconds": net_time}))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "fixtures":
        fixtures(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 5 and sys.argv[1] == "files":
        files(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) >= 3 and sys.argv[1] == "bench":
        bench(sys.argv[2:])
    else:
        sys.exit(__doc__)
