"""Browser tests of the web app in real headless Chromium (selenium with the system chromedriver).

Run from the repository root after building: `python3 -m unittest discover -s Tests/browser -v`.
SEGUE_BIN names the segue binary (default .build/debug/segue).
"""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SEGUE = os.environ.get("SEGUE_BIN", os.path.join(ROOT, ".build", "debug", "segue"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `segue serve` process over a fresh data folder."""

    def __init__(self, *extra):
        self.data = tempfile.mkdtemp(prefix="segue-browser-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(self.data, "server.log"), "w")
        self.process = subprocess.Popen(
            [SEGUE, "serve", "--data", self.data, "--port", str(self.port), "--log-level", "warning", *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("segue serve did not start")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.data, ignore_errors=True)


def browser(download_dir, width=390, height=844):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    # The Playlists player starts audio from a click, but tests also call it from scripts.
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--autoplay-policy=no-user-gesture-required"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {
        "download.default_directory": download_dir, "download.prompt_for_download": False,
        "safebrowsing.enabled": False})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": download_dir})
    return driver


def wait_for_file(folder, suffix, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        done = [f for f in os.listdir(folder) if f.endswith(suffix)]
        if done and os.path.getsize(os.path.join(folder, done[0])) > 0:
            return os.path.join(folder, done[0])
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} downloaded into {folder}: {os.listdir(folder)}")


class WebAppTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.environ.setdefault("SE_OFFLINE", "true")
        cls.server = Server()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.downloads = tempfile.mkdtemp(prefix="segue-dl-")
        self.drivers = []

    def tearDown(self):
        for d in self.drivers:
            d.quit()
        shutil.rmtree(self.downloads, ignore_errors=True)

    def open(self, **kw):
        d = browser(self.downloads, **kw)
        self.drivers.append(d)
        return d

    def test_demo_explore_create_download_delete(self):
        d = self.open()
        d.get(self.server.url + "/")
        self.assertIn("Segue", d.title)
        d.find_element(By.ID, "demo").click()
        WebDriverWait(d, 120).until(EC.url_contains("/explore"))
        rows = d.find_elements(By.CSS_SELECTOR, "table.top tbody tr")
        self.assertEqual(len(rows), 10)
        self.assertTrue(d.find_element(By.CSS_SELECTOR, ".chart svg").is_displayed())

        d.get(self.server.url + "/create")
        # Options for images and videos apart: the video's own choices sit in the Animation group only.
        video_group = d.find_element(By.CSS_SELECTOR, "fieldset.video-options")
        for name in ("container", "period", "duration"):
            self.assertEqual(video_group.find_elements(By.NAME, name)[0].get_attribute("name"), name)
        self.assertIn("video only", video_group.find_element(By.TAG_NAME, "legend").text)
        # Top's range and its reason are said before anyone renders.
        self.assertIn("3 to 20", d.find_element(By.ID, "top-help").text)
        # Periods as on Explore: a preset fills the dates, Custom shows them.
        period = Select(d.find_element(By.ID, "create-range"))
        period.select_by_value("last-year")
        last = time.gmtime().tm_year - 1
        self.assertEqual(d.find_element(By.NAME, "from").get_attribute("value"), f"{last}-01-01")
        self.assertEqual(d.find_element(By.NAME, "to").get_attribute("value"), f"{last}-12-31")
        self.assertFalse(d.find_element(By.NAME, "from").is_displayed())
        period.select_by_value("custom")
        self.assertTrue(d.find_element(By.NAME, "from").is_displayed())
        period.select_by_value("all")
        self.assertEqual(d.find_element(By.NAME, "from").get_attribute("value"), "")
        d.find_element(By.ID, "make-image").click()
        png = WebDriverWait(d, 120).until(
            EC.element_to_be_clickable((By.XPATH, "//a[starts-with(normalize-space(.), 'Download PNG')]")))
        self.assertTrue(d.find_element(By.CSS_SELECTOR, ".job img.preview").is_displayed())
        # Sizes read in KB below a megabyte (an SVG said "0.0 MB").
        sizes = [a.text for a in d.find_elements(By.XPATH, "//a[starts-with(normalize-space(.), 'Download ')]")]
        self.assertTrue(sizes and all("0.0 MB" not in t for t in sizes), sizes)
        self.assertTrue(all(re.search(r"\((\d+ KB|\d+\.\d MB)\)$", t) for t in sizes), sizes)
        png.click()
        path = wait_for_file(self.downloads, ".png")
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

        length = d.find_element(By.NAME, "duration")
        # Empty by default: the server picks a readable length for the range's periods.
        self.assertEqual(length.get_attribute("value"), "")
        self.assertEqual(length.get_attribute("placeholder"), "auto")
        length.clear()
        length.send_keys("3")
        d.find_element(By.ID, "make-video").click()
        mp4 = WebDriverWait(d, 300).until(
            EC.element_to_be_clickable((By.XPATH, "//a[starts-with(normalize-space(.), 'Download MP4')]")))
        mp4.click()
        path = wait_for_file(self.downloads, ".mp4")
        with open(path, "rb") as f:
            self.assertEqual(f.read(12)[4:8], b"ftyp")
        # A reload lists this session's renders again, newest first, with their downloads.
        d.get(self.server.url + "/create")
        WebDriverWait(d, 20).until(lambda _: len(d.find_elements(By.CSS_SELECTOR, "#jobs .job .downloads")) == 2)
        titles = [h.text for h in d.find_elements(By.CSS_SELECTOR, "#jobs .job h3")]
        self.assertEqual(titles, ["Top 10 artists · MP4 race", "Top 10 artists · image"])
        self.assertTrue(d.find_element(By.XPATH, "//a[starts-with(normalize-space(.), 'Download MP4')]").is_displayed())

        # Delete my data says, before and after, that the music library, playlists and shared recap links go too.
        hint = d.find_element(By.CSS_SELECTOR, "footer .hint-inline").text
        for part in ("music library", "playlists", "shared recap links"):
            self.assertIn(part, hint)
        d.find_element(By.XPATH, "//button[normalize-space(.)='Delete my data']").click()
        alert = d.switch_to.alert
        self.assertIn("music library, your playlists, your renders, your shared recap links", alert.text)
        alert.accept()
        WebDriverWait(d, 30).until(EC.url_contains("deleted=1"))
        done = d.find_element(By.CSS_SELECTOR, ".notice.ok").text
        self.assertTrue(all(part in done for part in ("music library", "playlists", "shared recap links")), done)
        # The Spotify privacy page is a link a person can follow, not bold text.
        privacy = d.find_element(By.XPATH, "//a[contains(@href, 'spotify.com/account/privacy')]")
        self.assertTrue(privacy.is_displayed() and privacy.text[:1].isupper(), privacy.text)
        d.get(self.server.url + "/explore")
        self.assertIn("Nothing here yet", d.find_element(By.TAG_NAME, "main").text)

    def test_live_dashboard_shows_posted_events(self):
        token = subprocess.check_output(
            [SEGUE, "tokens", "create", "--scope", "ingest", "--data", self.server.data], text=True).strip()
        d = self.open(width=1280, height=900)
        d.get(self.server.url + "/live")
        status = d.find_element(By.ID, "live-status")
        WebDriverWait(d, 20).until(lambda _: status.text.startswith("Updated"))
        now = int(time.time())
        events = [{"event_id": f"b{i}", "user_id": f"listener{i % 3}", "track": "Browser Song", "artist": "Selenium",
                   "ts": now - i} for i in range(5)]
        events.append({"event_id": "other", "user_id": "listener9", "track": "Second Song", "artist": "Selenium", "ts": now})
        request = urllib.request.Request(
            self.server.url + "/api/v1/events", data="\n".join(json.dumps(e) for e in events).encode(), method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"})
        with urllib.request.urlopen(request) as r:
            self.assertEqual(json.load(r)["stored"], 6)
        # Pushed over SSE: no reload.
        WebDriverWait(d, 10).until(lambda _: "Browser Song" in d.find_element(By.ID, "live-top").text)
        WebDriverWait(d, 10).until(lambda _: d.find_element(By.ID, "live-streams").text == "6")
        # The figures count up to their new values: wait for the listeners' figure too, not only the streams'.
        WebDriverWait(d, 10).until(lambda _: d.find_element(By.ID, "live-users").text == "4")
        WebDriverWait(d, 10).until(lambda _: len(d.find_elements(By.CSS_SELECTOR, "#live-board li")) == 2)
        board = d.find_elements(By.CSS_SELECTOR, "#live-board li")
        self.assertEqual([li.find_element(By.CLASS_NAME, "name").text for li in board],
                         ["Browser Song — Selenium", "Second Song — Selenium"])
        self.assertEqual(board[0].find_element(By.CLASS_NAME, "count").text, "5")
        self.assertEqual([li.find_element(By.CLASS_NAME, "rank").text for li in board], ["1", "2"])
        # One line per track over the finished minutes, and the running minute dashed, with times below.
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "#live-trend polyline:not(.open)")), 2)
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "#live-trend polyline.open[stroke-dasharray]")), 2)
        axis = d.find_element(By.CSS_SELECTOR, "#live-trend .trend-axis").text
        self.assertIn("now", axis)
        self.assertIn("a minute", axis)
        # Private by default: what plays, not who (`--live-show-listeners` names them).
        playing = d.find_element(By.ID, "live-playing").text
        self.assertIn("Second Song — Selenium", playing)
        self.assertNotIn("listener9", playing)
        # Another window: a new stream, the same listens.
        Select(d.find_element(By.ID, "live-window")).select_by_value("1h")
        self.assertEqual(d.find_element(By.ID, "live-streams-label").text, "streams, last hour")
        WebDriverWait(d, 10).until(lambda _: d.find_element(By.ID, "live-streams").text == "6")
        # The crowd's listens are not the visitor's: their own card says how to send theirs.
        self.assertIn("What you play shows here once a scrobbler sends it", d.find_element(By.ID, "live-own").text)
        # A scrobbling user for this visit's profile: its listen and what it plays show on the card, and only there.
        cookie = d.get_cookie("segue_session")["value"]
        lb = subprocess.check_output(
            [SEGUE, "users", "add", "visitor", "--profile", f"web-{cookie}", "--data", self.server.data], text=True).strip()
        for body in ({"listen_type": "single", "payload": [{"listened_at": now - 120, "track_metadata": {
                         "artist_name": "Selenium", "track_name": "My Own Song", "additional_info": {"duration_ms": 180000}}}]},
                     {"listen_type": "playing_now", "payload": [{"track_metadata": {"artist_name": "Selenium", "track_name": "Mine Now"}}]}):
            request = urllib.request.Request(
                self.server.url + "/1/submit-listens", data=json.dumps(body).encode(), method="POST",
                headers={"Authorization": f"Token {lb}", "Content-Type": "application/json"})
            with urllib.request.urlopen(request) as r:
                self.assertEqual(json.load(r)["status"], "ok")
        d.refresh()
        own = d.find_element(By.ID, "live-own").text
        self.assertIn("Playing now Mine Now — Selenium", own)
        self.assertIn("My Own Song — Selenium", own)
        self.assertRegex(own, r"\b1 play today · 3 minutes")

    def test_sessions_are_isolated_and_uploads_work(self):
        alice = self.open(width=1440, height=900)
        bob = self.open()
        # Alice uploads a small export through the file picker (XHR upload, then the import job).
        export = os.path.join(self.downloads, "Streaming_History_Audio_2024.json")
        records = [{"ts": f"2024-05-{i + 1:02d}T12:00:00Z", "ms_played": 180000,
                    "master_metadata_track_name": "Song <b>bold</b>",
                    "master_metadata_album_artist_name": "<script>alert(1)</script> Alice",
                    "master_metadata_album_album_name": "Album", "spotify_track_uri": "spotify:track:a"}
                   for i in range(5)]
        with open(export, "w") as f:
            json.dump(records, f)
        alice.get(self.server.url + "/")
        alice.find_element(By.ID, "file").send_keys(export)
        WebDriverWait(alice, 60).until(EC.url_contains("/explore"))
        name = alice.find_element(By.CSS_SELECTOR, "table.top tbody tr .name").text
        self.assertEqual(name, "<script>alert(1)</script> Alice")
        self.assertEqual(alice.execute_script("return window.__xss === undefined && document.querySelectorAll('main script').length"), 0)

        bob.get(self.server.url + "/explore")
        self.assertIn("Nothing here yet", bob.find_element(By.TAG_NAME, "main").text)
        jobs = json.loads(alice.execute_script(
            "const r = await fetch('/api/v1/jobs'); return await r.text();"))
        self.assertTrue(jobs)
        status = bob.execute_script(
            f"const r = await fetch('/api/v1/jobs/{jobs[0]['id']}'); return r.status;")
        self.assertEqual(status, 404)
        top = bob.execute_script("const r = await fetch('/api/v1/top'); return await r.json();")
        self.assertEqual(top, [])

    def tone(self, folder, name, frequency, artist, title, seconds=4):
        path = os.path.join(folder, name)
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}",
                        "-metadata", f"artist={artist}", "-metadata", f"title={title}", "-metadata", "album=Browser Tones",
                        path], check=True)
        return path

    def shoot(self, driver, name):
        """Saves a screenshot when SEGUE_SCREENSHOTS names a folder (to look at the pages)."""
        folder = os.environ.get("SEGUE_SCREENSHOTS")
        if folder:
            os.makedirs(folder, exist_ok=True)
            driver.save_screenshot(os.path.join(folder, name + ".png"))

    def test_library_upload_live_status_then_playlist_and_exports(self):
        music = tempfile.mkdtemp(prefix="segue-music-")
        self.addCleanup(shutil.rmtree, music, True)
        files = [self.tone(music, "low.mp3", 220, "Ann Tones", "Low Hum"),
                 self.tone(music, "mid.flac", 330, "Ann Tones", "Middle"),
                 self.tone(music, "high.wav", 440, "Ben Tones", "High Note")]
        # A valid ID3 header over junk passes the upload's content check and fails analysis; plain
        # text named .mp3 is refused at upload, by its content.
        with open(os.path.join(music, "notes.mp3"), "wb") as f:
            f.write(b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"B" * 30000)
        files.append(os.path.join(music, "notes.mp3"))
        with open(os.path.join(music, "list.mp3"), "w") as f:
            f.write("this is text, not audio")
        files.append(os.path.join(music, "list.mp3"))
        d = self.open(width=1280, height=900)
        d.get(self.server.url + "/library")
        self.assertEqual(d.find_element(By.CSS_SELECTOR, "nav [aria-current=page]").text, "Library")
        # The picker takes several files at once; each row's status arrives over SSE (no reload).
        d.find_element(By.ID, "lib-file").send_keys("\n".join(files))
        WebDriverWait(d, 180).until(
            lambda _: len(d.find_elements(By.CSS_SELECTOR, "#lib-rows tr[data-status=done]")) == 3
            and len(d.find_elements(By.CSS_SELECTOR, "#lib-rows tr[data-status=failed]")) == 1)
        self.assertIn("4 files uploaded and queued", d.find_element(By.ID, "lib-status").text)
        self.assertIn("list.mp3 is not an audio file", d.find_element(By.ID, "lib-status").text)
        failed = d.find_element(By.CSS_SELECTOR, "#lib-rows tr[data-status=failed]")
        self.assertIn("notes.mp3", failed.text)
        reason = failed.find_element(By.CSS_SELECTOR, ".reason").text
        self.assertTrue(reason.startswith("notes.mp3 ") and len(reason) < 160 and "\n" not in reason, reason)
        # One short sentence keeps the row one line tall (it held kilobytes of ffmpeg log before).
        self.assertLess(failed.size["height"], 120)
        done = d.find_elements(By.CSS_SELECTOR, "#lib-rows tr[data-status=done]")
        self.assertTrue(all(r.find_element(By.CSS_SELECTOR, "td[data-label=BPM]").text for r in done))
        self.assertRegex(done[0].find_element(By.CSS_SELECTOR, "td[data-label=Key]").text, r"(major|minor) · \d{1,2}[AB]")
        # Sorting by title, then filtering by artist.
        d.find_element(By.CSS_SELECTOR, "button.sort[data-key=title]").click()
        titles = [r.find_element(By.CSS_SELECTOR, "td.name").text for r in d.find_elements(By.CSS_SELECTOR, "#lib-rows tr")]
        self.assertEqual(titles, sorted(titles, key=str.lower))
        d.find_element(By.ID, "lib-filter").send_keys("ben tones")
        self.assertEqual([r.find_element(By.CSS_SELECTOR, "td.name").text for r in d.find_elements(By.CSS_SELECTOR, "#lib-rows tr")],
                         ["High Note"])
        d.find_element(By.ID, "lib-filter").clear()
        d.find_element(By.ID, "lib-filter").send_keys(" ")
        self.shoot(d, "library-1280")
        phone = self.open()
        phone.get(self.server.url + "/healthz")
        phone.add_cookie({"name": "segue_session", "value": d.get_cookie("segue_session")["value"]})
        phone.get(self.server.url + "/library")
        WebDriverWait(phone, 20).until(lambda _: len(phone.find_elements(By.CSS_SELECTOR, "#lib-rows tr")) == 4)
        self.assertLessEqual(phone.execute_script("return document.documentElement.scrollWidth"), 390)
        self.shoot(phone, "library-390")

        # Another browser sees none of it.
        other = self.open()
        other.get(self.server.url + "/library")
        WebDriverWait(other, 20).until(lambda _: other.find_element(By.ID, "lib-empty").is_displayed())
        self.assertEqual(len(other.find_elements(By.CSS_SELECTOR, "#lib-rows tr")), 0)

        # "More like this" opens a radio around that track, built at once; in a library of three it says
        # so and keeps the closer half (the seed and one more) rather than every song.
        row = next(r for r in d.find_elements(By.CSS_SELECTOR, "#lib-rows tr") if "Low Hum" in r.text)
        row.find_element(By.LINK_TEXT, "More like this").click()
        WebDriverWait(d, 60).until(lambda _: len(d.find_elements(By.CSS_SELECTOR, "#pl-list > li")) == 2)
        self.assertIn("only 3 analysed songs", d.find_element(By.ID, "pl-small").text)
        steps = d.find_elements(By.CSS_SELECTOR, "#pl-list > li")
        self.assertIn("Low Hum", steps[0].text)
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "#pl-list .transition")), 1)
        parts = steps[0].find_elements(By.CSS_SELECTOR, ".parts li")
        self.assertEqual([p.find_element(By.CLASS_NAME, "k").text for p in parts], ["Tempo", "Key", "Loudness", "Energy", "Sound"])
        self.assertIn("BPM", parts[0].text)
        self.shoot(d, "playlists-1280")
        phone.get(d.current_url)
        WebDriverWait(phone, 60).until(lambda _: len(phone.find_elements(By.CSS_SELECTOR, "#pl-list > li")) == 2)
        self.assertLessEqual(phone.execute_script("return document.documentElement.scrollWidth"), 390)
        self.shoot(phone, "playlists-390")

        # Order mode over a selection picked by typing (the seed from "More like this" is chosen
        # already): "ann", Arrow Down, Enter takes the second suggestion; "high", Enter the first.
        d.find_element(By.CSS_SELECTOR, "input[name=mode][value=order]").click()
        self.pick(d, "tracks", "ann", "Middle", down=1)
        self.pick(d, "tracks", "high", "High Note")
        self.assertEqual([c.text.replace("×", "").strip() for c in d.find_elements(By.CSS_SELECTOR, "#pl-tracks-chips .chip")],
                         ["Ann Tones – Low Hum", "Ann Tones – Middle", "Ben Tones – High Note"])
        d.find_element(By.CSS_SELECTOR, "details.constraints summary").click()
        spacing = d.find_element(By.NAME, "artist_spacing")
        spacing.clear()
        spacing.send_keys("2")
        before = [li.text for li in d.find_elements(By.CSS_SELECTOR, "#pl-list > li")]
        d.find_element(By.ID, "pl-build").click()
        WebDriverWait(d, 30).until(lambda _: "Ann Tones" in d.find_element(By.ID, "pl-status").text)
        # The problem shows beside the Build button, on screen, with the focus; the previous playlist stays.
        problem = d.execute_script("""
            const s = document.getElementById('pl-status'), b = document.getElementById('pl-build').getBoundingClientRect();
            const r = s.getBoundingClientRect();
            return {focused: document.activeElement === s, gap: r.top - b.bottom, top: r.top, bottom: r.bottom,
                    text: s.textContent, error: s.classList.contains('error')};""")
        self.assertTrue(problem["focused"] and problem["error"], problem)
        self.assertTrue(0 <= problem["gap"] < 40 and problem["top"] >= 0 and problem["bottom"] <= 900, problem)
        self.assertFalse(problem["text"][:1].islower(), problem["text"])
        self.assertTrue(d.find_element(By.ID, "pl-result").is_displayed())
        self.assertEqual([li.text for li in d.find_elements(By.CSS_SELECTOR, "#pl-list > li")], before)
        spacing.clear()
        spacing.send_keys("1")
        d.find_element(By.ID, "pl-build").click()
        WebDriverWait(d, 30).until(lambda _: d.find_element(By.ID, "pl-result").is_displayed())
        artists = [li.find_element(By.CSS_SELECTOR, ".who .sub").text.split(" · ")[0] for li in d.find_elements(By.CSS_SELECTOR, "#pl-list > li")]
        self.assertEqual(len(artists), 3)
        self.assertEqual(artists[1], "Ben Tones")
        for fmt, check in (("M3U8", lambda t: t.startswith("#EXTM3U") and "low.mp3" in t),
                           ("XSPF", lambda t: "<trackList>" in t and "high.wav" in t),
                           ("JSPF", lambda t: len(json.loads(t)["playlist"]["track"]) == 3)):
            d.find_element(By.XPATH, f"//a[normalize-space(.)='Download {fmt}']").click()
            path = wait_for_file(self.downloads, "." + fmt.lower(), timeout=30)
            # Named after the playlist, not segue-playlist.*.
            self.assertIn(os.path.basename(path), ("Ordered selection." + fmt.lower(), "Ordered-selection." + fmt.lower()))
            with open(path) as f:
                text = f.read()
            self.assertTrue(check(text), text[:500])
        for name in os.listdir(self.downloads):
            os.remove(os.path.join(self.downloads, name))

        # Path mode: From and To picked by typing (each picker holds one track); Ann's two tracks
        # meet in the middle of this path, so the artist spacing goes back to 0.
        spacing.clear()
        spacing.send_keys("0")
        d.find_element(By.CSS_SELECTOR, "input[name=mode][value=path]").click()
        self.pick(d, "from", "low hum", "Low Hum")
        self.pick(d, "to", "high", "High Note")
        self.assertEqual(d.find_element(By.ID, "pl-from-chips").text.replace("×", "").strip(), "Ann Tones – Low Hum")
        d.find_element(By.ID, "pl-build").click()
        WebDriverWait(d, 30).until(lambda _: d.find_element(By.ID, "pl-result").is_displayed()
                                   and "Low Hum" in d.find_element(By.CSS_SELECTOR, "#pl-list > li").text)
        path_titles = [li.find_element(By.CSS_SELECTOR, ".who .name").text for li in d.find_elements(By.CSS_SELECTOR, "#pl-list > li")]
        self.assertEqual((path_titles[0], path_titles[-1]), ("Low Hum", "High Note"))

        # A radio from a seed found by typing; the player plays it with crossfades, and it is
        # saved, renamed, reopened from the list after a reload, exported and deleted.
        d.get(self.server.url + "/playlists")
        d.find_element(By.CSS_SELECTOR, "#pl-tracks-chips .chip .remove").click()
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, "#pl-tracks-chips .chip"), [])
        self.pick(d, "tracks", "note ben", "High Note")
        length = d.find_element(By.NAME, "length")
        length.clear()
        length.send_keys("3")
        # A 1 s crossfade (these tones have 4 s of sound: the fade may take up to a third).
        fade = d.find_element(By.NAME, "crossfade")
        fade.clear()
        fade.send_keys("1")
        d.find_element(By.ID, "pl-build").click()
        WebDriverWait(d, 30).until(lambda _: len(d.find_elements(By.CSS_SELECTOR, "#pl-list > li")) == 3)
        steps = d.find_elements(By.CSS_SELECTOR, "#pl-list > li")
        self.assertIn("High Note", steps[0].text)
        self.assertIn("1.0 s crossfade", steps[0].find_element(By.CSS_SELECTOR, ".transition").text)
        d.find_element(By.ID, "pl-play").click()
        player = "const p = document.getElementById('pl-player'), a = p.currentAudio && p.currentAudio();"
        WebDriverWait(d, 30).until(lambda _: d.execute_script(
            player + "return !!(p.audioContext && p.audioContext.state === 'running' && a && !a.paused && a.currentTime > 0.3);"))
        # Read at once (the first track has 3 s before its crossfade), then the same element again.
        first = d.execute_script(player + """window.segueFirst = a;
            const playing = [...document.querySelectorAll('#pl-list > li')].findIndex((li) => li.classList.contains('playing'));
            return [p.audioContext.currentTime, a.played.end(a.played.length - 1), playing, p.dataset.state,
                    document.getElementById('pl-now').textContent];""")
        self.assertEqual(first[2:4], [0, "playing"])
        # Played at its plan's gain (the playlist's common loudness), through the page's limiter.
        gain, planned, gain_db = d.execute_script("return document.getElementById('pl-player').currentLevel();")
        self.assertAlmostEqual(planned, 10 ** (gain_db / 20), delta=1e-6)
        self.assertAlmostEqual(gain, planned, delta=0.01)
        self.assertIn("High Note", first[4])
        time.sleep(0.8)
        later = d.execute_script("const p = document.getElementById('pl-player'), a = window.segueFirst;"
                                 "return [p.audioContext.currentTime, a.played.length ? a.played.end(a.played.length - 1) : 0];")
        self.assertGreater(later[0] - first[0], 0.5, "the AudioContext's clock does not advance")
        self.assertGreater(later[1] - first[1], 0.5, "the audio element's played range does not grow")
        # On the first track's outro the second fades in: both sound at once, then the highlight moves on.
        WebDriverWait(d, 20).until(lambda _: "playing" in steps[1].get_attribute("class"))
        self.assertGreaterEqual(d.execute_script("return document.getElementById('pl-player').maxVoices"), 2)
        self.assertGreater(float(d.find_element(By.ID, "pl-progress").get_attribute("aria-valuenow")), 20)
        self.shoot(d, "playlists-player-1280")
        d.find_element(By.ID, "pl-play").click()
        WebDriverWait(d, 5).until(lambda _: d.find_element(By.ID, "pl-player").get_attribute("data-state") == "paused")
        paused_at = d.execute_script(player + "return a.currentTime;")
        time.sleep(0.6)
        self.assertAlmostEqual(d.execute_script(player + "return a.currentTime;"), paused_at, delta=0.05)
        # The third track is the FLAC file: Chromium decodes it as served (audio/flac).
        self.assertIn("Middle", steps[2].text)
        d.find_element(By.ID, "pl-next").click()
        WebDriverWait(d, 10).until(lambda _: "playing" in steps[2].get_attribute("class")
                                   and d.execute_script(player + "return !a.paused && a.currentTime > 0.1;"))
        d.find_element(By.ID, "pl-prev").click()
        WebDriverWait(d, 10).until(lambda _: "playing" in steps[1].get_attribute("class"))
        # Seeking: a click at 75 % of the bar (7.5 s into a 10 s mix whose tracks start at 0, 3
        # and 6 s) plays the third track from 1.5 s into its sound.
        target = d.execute_script("""const bar = document.getElementById('pl-progress'), r = bar.getBoundingClientRect();
            bar.dispatchEvent(new MouseEvent('click', {clientX: r.left + 0.75 * r.width, clientY: r.top + r.height / 2, bubbles: true}));
            const p = document.getElementById('pl-player'), plan = p.mixPlan();
            return [p.mixTotal(), plan.map((m) => m.at_s), plan[2].start_s];""")
        self.assertAlmostEqual(target[0], 10, delta=0.2)
        self.assertEqual([round(x) for x in target[1]], [0, 3, 6])
        WebDriverWait(d, 10).until(lambda _: "playing" in steps[2].get_attribute("class")
                                   and d.execute_script(player + "return !a.paused && a.currentTime > 0;"))
        expected = target[2] + 0.75 * target[0] - target[1][2]
        now = d.execute_script(player + "return a.currentTime;")
        self.assertGreater(now, expected - 0.3)
        self.assertLess(now, expected + 1.5)
        d.find_element(By.ID, "pl-play").click()

        name = d.find_element(By.ID, "pl-name")
        name.clear()
        name.send_keys("Evening tones")
        d.find_element(By.ID, "pl-save-button").click()
        WebDriverWait(d, 10).until(lambda _: "Evening tones" in d.find_element(By.ID, "pl-saved").text)
        item = d.find_element(By.CSS_SELECTOR, "#pl-saved li")
        self.assertIn("3 tracks", item.text)
        item.find_element(By.CSS_SELECTOR, "button.rename").click()
        box = d.find_element(By.CSS_SELECTOR, "#pl-saved .rename-row input")
        box.clear()
        box.send_keys("Night tones" + Keys.ENTER)
        WebDriverWait(d, 10).until(lambda _: "Night tones" in d.find_element(By.ID, "pl-saved").text)
        self.assertEqual(d.find_element(By.ID, "pl-title").text, "Night tones")
        self.assertEqual(d.find_element(By.ID, "pl-name").get_attribute("value"), "Night tones")
        d.execute_script("document.getElementById('pl-save').scrollIntoView()")
        self.shoot(d, "playlists-list-1280")
        d.refresh()
        WebDriverWait(d, 10).until(lambda _: "Night tones" in d.find_element(By.ID, "pl-saved").text)
        self.assertFalse(d.find_element(By.ID, "pl-result").is_displayed())
        d.find_element(By.CSS_SELECTOR, "#pl-saved button.open").click()
        WebDriverWait(d, 10).until(lambda _: d.find_element(By.ID, "pl-result").is_displayed())
        self.assertEqual(d.find_element(By.ID, "pl-title").text, "Night tones")
        reopened = [li.find_element(By.CSS_SELECTOR, ".who .name").text for li in d.find_elements(By.CSS_SELECTOR, "#pl-list > li")]
        self.assertEqual(reopened[0], "High Note")
        self.assertEqual(len(reopened), 3)
        d.find_element(By.XPATH, "//a[normalize-space(.)='Download M3U8']").click()
        with open(wait_for_file(self.downloads, ".m3u8", timeout=30)) as f:
            text = f.read()
        self.assertTrue(text.startswith("#EXTM3U") and "high.wav" in text and "Night tones" in text, text)
        self.shoot(d, "playlists-saved-1280")
        phone.get(self.server.url + "/playlists")
        WebDriverWait(phone, 10).until(lambda _: "Night tones" in phone.find_element(By.ID, "pl-saved").text)
        phone.find_element(By.CSS_SELECTOR, "#pl-saved button.open").click()
        WebDriverWait(phone, 10).until(lambda _: phone.find_element(By.ID, "pl-result").is_displayed())
        self.assertLessEqual(phone.execute_script("return document.documentElement.scrollWidth"), 390)
        self.shoot(phone, "playlists-saved-390")
        d.find_element(By.CSS_SELECTOR, "#pl-saved button.delete").click()
        WebDriverWait(d, 10).until(lambda _: d.find_element(By.ID, "pl-saved-empty").is_displayed())
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, "#pl-saved li"), [])

    def test_playlist_radio_from_history(self):
        """Issue 19: a radio seeded with the most played tracks of a year, favouring rarely played ones."""
        music = tempfile.mkdtemp(prefix="segue-music-")
        self.addCleanup(shutil.rmtree, music, True)
        files = [self.tone(music, "low.wav", 220, "Ann Tones", "Low Hum"),
                 self.tone(music, "mid.wav", 330, "Ann Tones", "Middle"),
                 self.tone(music, "high.wav", 440, "Ben Tones", "High Note")]
        d = self.open(width=1440, height=1000)
        d.get(self.server.url + "/library")
        d.find_element(By.ID, "lib-file").send_keys("\n".join(files))
        WebDriverWait(d, 180).until(lambda _: len(d.find_elements(By.CSS_SELECTOR, "#lib-rows tr[data-status=done]")) == 3)
        # A Last.fm history through the upload API: Low Hum 3 plays and Middle 1 in 2024, High Note 4 in 2023.
        rows = ["uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid"]
        for i, (title, artist, base) in enumerate([("Low Hum", "Ann Tones", 1704200000)] * 3 + [("Middle", "Ann Tones", 1704300000)]
                                                  + [("High Note", "Ben Tones", 1686000000)] * 4):
            rows.append(f'{base + i * 600},"x",{artist},,Browser Tones,,{title},')
        state = d.execute_async_script("""
            const [csv, done] = arguments;
            (async () => {
              const token = (await (await fetch('/api/v1/session')).json()).csrfToken;
              const headers = { 'X-CSRF-Token': token };
              const up = await (await fetch('/api/v1/uploads?name=recenttracks.csv', { method: 'POST', headers, body: csv })).json();
              const job = await (await fetch('/api/v1/imports', { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' },
                                                                 body: JSON.stringify({ uploads: [up.id] }) })).json();
              for (let i = 0; i < 300; i++) {
                const j = await (await fetch(`/api/v1/jobs/${job.id}`)).json();
                if (['succeeded', 'failed', 'cancelled'].includes(j.state)) return j.state;
                await new Promise((r) => setTimeout(r, 200));
              }
              return 'timeout';
            })().then(done, (e) => done(String(e)));""", "\r\n".join(rows) + "\r\n")
        self.assertEqual(state, "succeeded")
        d.get(self.server.url + "/playlists")
        period = d.find_element(By.NAME, "history_period")
        self.assertFalse(period.is_displayed())
        self.assertEqual([o.get_attribute("value") for o in Select(period).options], ["2024", "2023", "all"])
        d.find_element(By.CSS_SELECTOR, "input[name=seed_source][value=history]").click()
        self.assertTrue(period.is_displayed())
        self.assertFalse(d.find_element(By.ID, "pl-tracks-q").is_displayed())
        Select(period).select_by_value("2024")
        d.find_element(By.NAME, "prefer_unplayed").click()
        length = d.find_element(By.NAME, "length")
        length.clear()
        length.send_keys("3")
        d.find_element(By.ID, "pl-build").click()
        WebDriverWait(d, 60).until(lambda _: d.find_element(By.ID, "pl-seeds").is_displayed())
        self.assertEqual(d.find_element(By.ID, "pl-seeds").text,
                         "Seeds from your 2024: Ann Tones – Low Hum (3 plays), Ann Tones – Middle (1 play)")
        steps = d.find_elements(By.CSS_SELECTOR, "#pl-list > li")
        self.assertEqual(len(steps), 3)
        self.assertIn("Low Hum", steps[0].text)
        self.shoot(d, "playlists-history-1440")
        # Saved, it can be rebuilt (its recipe is a history radio).
        d.find_element(By.ID, "pl-save-button").click()
        WebDriverWait(d, 20).until(lambda _: len(d.find_elements(By.CSS_SELECTOR, "#pl-saved > li")) == 1)
        # Seed tracks again: the picker comes back and the seeds line goes with the next build.
        d.find_element(By.CSS_SELECTOR, "input[name=seed_source][value=tracks]").click()
        self.assertTrue(d.find_element(By.ID, "pl-tracks-q").is_displayed())
        self.assertFalse(period.is_displayed())
        phone = self.open()
        phone.get(self.server.url + "/healthz")
        phone.add_cookie({"name": "segue_session", "value": d.get_cookie("segue_session")["value"]})
        phone.get(self.server.url + "/playlists")
        phone.find_element(By.CSS_SELECTOR, "input[name=seed_source][value=history]").click()
        phone.find_element(By.NAME, "prefer_unplayed").click()
        phone.find_element(By.ID, "pl-build").click()
        WebDriverWait(phone, 60).until(lambda _: phone.find_element(By.ID, "pl-seeds").is_displayed())
        self.assertIn("Seeds from your 2024: Ann Tones – Low Hum (3 plays)", phone.find_element(By.ID, "pl-seeds").text)
        self.assertLessEqual(phone.execute_script("return document.documentElement.scrollWidth"), 390)
        phone.execute_script("document.getElementById('pl-form').scrollIntoView()")
        self.shoot(phone, "playlists-history-390")

    def pick(self, d, picker, text, expect, down=0):
        """Types into a track picker, waits for the suggestion, moves down and presses Enter."""
        q = d.find_element(By.ID, f"pl-{picker}-q")
        q.clear()
        q.send_keys(text)
        suggestions = d.find_element(By.ID, f"pl-{picker}-list")
        WebDriverWait(d, 10).until(lambda _: q.get_attribute("aria-expanded") == "true"
                                   and suggestions.get_attribute("data-q") == text.strip() and expect in suggestions.text)
        for _ in range(down):
            q.send_keys(Keys.ARROW_DOWN)
        active = d.find_element(By.ID, q.get_attribute("aria-activedescendant"))
        self.assertIn(expect, active.text)
        q.send_keys(Keys.ENTER)
        WebDriverWait(d, 5).until(lambda _: expect in d.find_element(By.ID, f"pl-{picker}-chips").text)


if __name__ == "__main__":
    unittest.main()
