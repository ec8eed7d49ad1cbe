"""Browser test of "Send to …" on the Playlists page (issue 22), in real headless Chromium.

A --single-user `segue serve` over a data folder whose library `segue library add` filled and whose
players `segue players add` registered (a watched folder): build, save, send, and read the file back.
Run like test_web (SEGUE_BIN names the binary).
"""
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_web import SEGUE, browser, free_port


def tone(path, frequency, artist, title):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=frequency={frequency}:duration=5",
                    "-metadata", f"artist={artist}", "-metadata", f"title={title}", path], check=True)


class SendToPlayerTests(unittest.TestCase):
    def setUp(self):
        self.data = tempfile.mkdtemp(prefix="segue-players-")
        music = os.path.join(self.data, "music")
        self.watched = os.path.join(self.data, "watched")
        os.makedirs(music)
        os.makedirs(self.watched)
        for i, (f, artist, title) in enumerate([(330, "North", "First Light"), (440, "South", "Second Wind"), (550, "East", "Third Rail")]):
            tone(os.path.join(music, f"{i}.flac"), f, artist, title)
        subprocess.run([SEGUE, "library", "add", "--data", self.data, music], check=True, capture_output=True)
        subprocess.run([SEGUE, "players", "add", "nas", "--data", self.data, "--folder", self.watched,
                        "--path-map", f"{music}=/music"], check=True, capture_output=True)
        self.port = free_port()
        self.log = open(os.path.join(self.data, "server.log"), "w")
        self.server = subprocess.Popen(
            [SEGUE, "serve", "--data", self.data, "--port", str(self.port), "--single-user", "--log-level", "warning"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        self.downloads = tempfile.mkdtemp(prefix="segue-players-dl-")
        self.driver = browser(self.downloads, width=900, height=1400)

    def tearDown(self):
        self.driver.quit()
        self.server.terminate()
        try:
            self.server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.server.kill()
        self.log.close()
        shutil.rmtree(self.data, ignore_errors=True)
        shutil.rmtree(self.downloads, ignore_errors=True)

    def test_send_a_saved_playlist_to_a_watched_folder(self):
        d = self.driver
        d.get(self.url + "/playlists")
        d.find_element(By.ID, "pl-build").click()
        WebDriverWait(d, 30).until(lambda _: d.find_element(By.ID, "pl-result").is_displayed())
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "#pl-list > li")), 3)
        name = d.find_element(By.ID, "pl-name")
        name.clear()
        name.send_keys("Evening")
        d.find_element(By.ID, "pl-save-button").click()
        WebDriverWait(d, 10).until(lambda _: d.find_elements(By.CSS_SELECTOR, "#pl-saved button.send"))
        send = d.find_element(By.CSS_SELECTOR, "#pl-saved button.send")
        self.assertEqual(send.text, "Send to nas")
        send.click()
        status = d.find_element(By.ID, "pl-status")
        try:
            WebDriverWait(d, 60).until(lambda _: "on nas" in status.text)
        except Exception:
            d.save_screenshot(os.environ.get("SEGUE_SCREENSHOT", os.path.join(self.downloads, "send.png")))
            with open(os.path.join(self.data, "server.log")) as f:
                raise AssertionError(f"status: {status.text!r}; server log: {f.read()[-2000:]}")
        self.assertEqual(status.text, "Created 'Evening' on nas with 3 tracks (3 by path, 0 by search).")
        # The saved playlist now says when it was last sent, where, and how many tracks were missing.
        WebDriverWait(d, 10).until(lambda _: "to nas, 0 missing" in d.find_element(By.ID, "pl-saved").text)
        self.assertRegex(d.find_element(By.ID, "pl-saved").text, r"last sent \d\d:\d\d to nas, 0 missing")
        d.save_screenshot(os.environ.get("SEGUE_SCREENSHOT", os.path.join(self.downloads, "send.png")))
        with open(os.path.join(self.watched, "Evening.m3u8"), encoding="utf-8") as f:
            paths = [line for line in f.read().splitlines() if line and not line.startswith("#")]
        self.assertEqual(len(paths), 3)
        self.assertTrue(all(p.startswith("/music/") and p.endswith(".flac") for p in paths), paths)
        # The file's order is the page's order.
        listed = d.find_element(By.ID, "pl-list").text
        positions = [listed.find(t) for t in ("First Light", "Second Wind", "Third Rail")]
        by_file = {"0.flac": "First Light", "1.flac": "Second Wind", "2.flac": "Third Rail"}
        expected = sorted(by_file.values(), key=lambda t: positions[["First Light", "Second Wind", "Third Rail"].index(t)])
        self.assertEqual([by_file[os.path.basename(p)] for p in paths], expected)
        # It has a target and a recipe (a radio): it can be kept current.
        toggle = d.find_element(By.CSS_SELECTOR, "#pl-saved label.refresh input[type=checkbox]")
        self.assertFalse(toggle.is_selected())
        self.assertTrue(toggle.is_enabled())
        toggle.click()
        WebDriverWait(d, 10).until(lambda _: "is rebuilt and sent to nas every day" in status.text)
        d.refresh()
        WebDriverWait(d, 10).until(lambda _: d.find_elements(By.CSS_SELECTOR, "#pl-saved label.refresh input"))
        self.assertTrue(d.find_element(By.CSS_SELECTOR, "#pl-saved label.refresh input").is_selected())
        folder = os.environ.get("SEGUE_SCREENSHOTS")
        if folder:
            # To look at what a folder player never produces too: missing tracks and a failed push.
            import sqlite3
            with sqlite3.connect(os.path.join(self.data, "segue-web.sqlite")) as db:
                db.execute("""UPDATE saved_playlist SET last_missing = '["Dune Echo – Only Here", "Nobody – Not There"]',
                              last_error = 'The Subsonic server at http://192.168.1.20:4533 did not answer: Connection refused.',
                              last_error_ms = last_pushed_ms + 60000""")
            d.refresh()
            WebDriverWait(d, 10).until(lambda _: d.find_elements(By.CSS_SELECTOR, "#pl-saved details.pushed"))
            d.find_element(By.CSS_SELECTOR, "#pl-saved details.pushed summary").click()
            for width in (390, 1440):
                d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                  {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
                d.execute_script("document.getElementById('pl-saved').scrollIntoView()")
                time.sleep(0.3)
                self.assertLessEqual(d.execute_script("return document.documentElement.scrollWidth"), width)
                d.save_screenshot(os.path.join(folder, f"refresh-daily-{width}.png"))


if __name__ == "__main__":
    unittest.main()
