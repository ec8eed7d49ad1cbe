#!/usr/bin/env python3
"""Anchor for `segue-bench race`: renders the same cumulative race with bar_chart_race 0.1.0.

Usage: bench-race-anchor.py DATA.csv OUT.mp4 --frames N --width W --height H --fps F --bars K

DATA.csv: first column the period start dates, one column per entity with cumulative values
(written by `segue-bench race`). Prints one JSON line: frames, seconds, fps.
Install: python3 -m pip install --target .local/python bar_chart_race==0.1.0 matplotlib pandas
"""
import argparse
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("csv")
    p.add_argument("out")
    p.add_argument("--frames", type=int, default=600)
    p.add_argument("--width", type=int, default=1080)
    p.add_argument("--height", type=int, default=1920)
    p.add_argument("--fps", type=float, default=30)
    p.add_argument("--bars", type=int, default=10)
    a = p.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd
    import bar_chart_race as bcr

    import matplotlib.pyplot as plt
    import resource

    df = pd.read_csv(a.csv, index_col=0, parse_dates=[0])
    periods = len(df)
    # bar_chart_race draws (periods - 1) * steps_per_period + 1 frames.
    steps = max(1, round((a.frames - 1) / max(1, periods - 1)))
    frames = (periods - 1) * steps + 1
    period_ms = 1000.0 * steps / a.fps
    dpi = 100
    start = time.perf_counter()
    # A ready-made figure keeps the exact pixel size (bar_chart_race widens its own figures to fit labels).
    fig = plt.Figure(figsize=(a.width / dpi, a.height / dpi), dpi=dpi)
    fig.add_subplot()
    bcr.bar_chart_race(
        df=df,
        filename=a.out,
        n_bars=a.bars,
        steps_per_period=steps,
        period_length=period_ms,
        fig=fig,
        interpolate_period=False,
        title="Top artists",
    )
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"frames": frames, "seconds": seconds, "fps": frames / seconds, "peak_mib": peak_kib / 1024}))


if __name__ == "__main__":
    sys.exit(main())
