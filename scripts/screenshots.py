#!/usr/bin/env python3
"""Screenshots of every page, desktop (1440x900) and phone (390x844), light and dark, into docs/screenshots/.

Starts a `segue serve` over a fresh data folder, loads the demo history and the eight demo songs (as a
newcomer would, through the pages), then photographs each page in real headless Chromium. Pictures
are the first screen of each page (what a visitor meets), saved as 8-bit palette PNG when Pillow is
there, so the folder stays small.

Usage (after `swift build`; selenium from scripts/setup.sh):
    PYTHONPATH=.local/python python3 scripts/screenshots.py [--out docs/screenshots] [--bin .build/debug/segue]
"""
import argparse
import os
import shutil
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "Tests", "browser"))

PAGES = [("start", "/"), ("explore", "/explore"), ("create", "/create"), ("live", "/live"), ("library", "/library"),
         ("playlists", "/playlists"), ("settings", "/settings"), ("feedback", "/feedback"), ("recap", "/recap")]
SIZES = [(1440, 900), (390, 844)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "screenshots"))
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "debug", "segue"))
    args = parser.parse_args()
    os.environ["SEGUE_BIN"] = os.path.abspath(args.bin)
    os.environ.setdefault("SE_OFFLINE", "true")
    import test_web  # reads SEGUE_BIN when imported
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    os.makedirs(args.out, exist_ok=True)
    downloads = tempfile.mkdtemp(prefix="segue-shots-dl-")
    # The simulated crowd on Live (it rushes and goes quiet now and then, so alerts show too).
    server = test_web.Server("--demo-live")
    d = test_web.browser(downloads, 1440, 900)
    written = []
    try:
        # A fixed zone, so the hour-of-day chart reads the same on every machine.
        d.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Europe/Berlin"})
        d.get(server.url + "/")
        WebDriverWait(d, 20).until(EC.element_to_be_clickable((By.ID, "demo"))).click()
        WebDriverWait(d, 180).until(EC.url_contains("/explore"))
        d.get(server.url + "/library")
        WebDriverWait(d, 20).until(EC.element_to_be_clickable((By.ID, "lib-demo"))).click()
        WebDriverWait(d, 600).until(
            lambda _: len(d.find_elements(By.CSS_SELECTOR, "#lib-rows tr[data-status=done]")) == 8)
        for width, height in SIZES:
            d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                              {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
            for scheme in ("light", "dark"):
                d.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                  {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
                for name, path in PAGES:
                    d.get(server.url + path)
                    WebDriverWait(d, 20).until(lambda _: d.execute_script("return document.readyState") == "complete")
                    d.execute_script("return new Promise(r => setTimeout(r, 600))")
                    file = os.path.join(args.out, f"{name}-{width}-{scheme}.png")
                    d.save_screenshot(file)
                    written.append(file)
    finally:
        d.quit()
        server.stop()
        shutil.rmtree(downloads, ignore_errors=True)
    shrink(written)
    total = sum(os.path.getsize(f) for f in written)
    print(f"{len(written)} screenshots in {args.out}, {total / 1e6:.1f} MB")


def shrink(files):
    """Re-encodes each PNG with a 256-colour palette (about a third of the size) when Pillow is installed."""
    try:
        from PIL import Image
    except ImportError:
        return
    for f in files:
        with Image.open(f) as im:
            small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        small.save(f, optimize=True)


if __name__ == "__main__":
    main()
