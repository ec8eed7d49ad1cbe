"""The year-in-review page in real headless Chromium: phone and desktop widths, dark and light.

SEGUE_SCREENSHOTS names a folder to keep screenshots in (for looking at the page); without it they
go to a temporary folder that is deleted.
"""
import os
import shutil
import tempfile
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from test_web import Server, browser


class RecapPageTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.shots = os.environ.get("SEGUE_SCREENSHOTS") or tempfile.mkdtemp(prefix="segue-recap-shots-")
        os.makedirs(cls.shots, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        if not os.environ.get("SEGUE_SCREENSHOTS"):
            shutil.rmtree(cls.shots, ignore_errors=True)

    def load_demo(self, d):
        d.get(self.server.url + "/")
        WebDriverWait(d, 20).until(EC.element_to_be_clickable((By.ID, "demo"))).click()
        WebDriverWait(d, 120).until(EC.url_contains("/explore"))

    def visible_cards(self, d):
        return d.execute_script(
            "return [...document.querySelectorAll('.recap-card > div')]"
            ".filter(e => getComputedStyle(e).display !== 'none').length")

    def test_recap_at_phone_and_desktop_sizes_dark_and_light(self):
        downloads = tempfile.mkdtemp(prefix="segue-recap-dl-")
        d = browser(downloads, 390, 844)
        try:
            self.load_demo(d)
            link = d.find_element(By.CSS_SELECTOR, ".recap-link a")
            year = link.get_attribute("href").rsplit("/", 1)[1]
            link.click()
            WebDriverWait(d, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".recap-card svg")))
            self.assertEqual(d.find_element(By.TAG_NAME, "h1").text, f"Your {year} in review")
            cards = d.find_elements(By.CSS_SELECTOR, ".recap-card")
            self.assertGreaterEqual(len(cards), 6)
            # One version of each card shows: the dark one in a dark browser.
            d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
            self.assertEqual(self.visible_cards(d), len(cards))
            self.assertTrue(cards[0].find_element(By.CSS_SELECTOR, ".only-dark").is_displayed())
            # Nothing wider than the phone, and each card fills the width less the page's margins.
            self.assertLessEqual(d.execute_script("return document.documentElement.scrollWidth"), 390)
            width = d.execute_script("return document.querySelector('.recap-card svg').getBoundingClientRect().width")
            self.assertGreater(width, 300)
            d.save_screenshot(os.path.join(self.shots, "recap-390-dark-top.png"))
            d.execute_script("document.getElementById('artists').scrollIntoView()")
            d.save_screenshot(os.path.join(self.shots, "recap-390-dark-artists.png"))
            # Light: the browser's colour scheme picks the light cards.
            d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
            self.assertTrue(cards[0].find_element(By.CSS_SELECTOR, ".only-light").is_displayed())
            self.assertFalse(cards[0].find_element(By.CSS_SELECTOR, ".only-dark").is_displayed())
            self.assertEqual(self.visible_cards(d), len(cards))
            d.execute_script("document.getElementById('rhythm').scrollIntoView()")
            d.save_screenshot(os.path.join(self.shots, "recap-390-light-rhythm.png"))
            # Desktop.
            d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1440, "height": 900, "deviceScaleFactor": 1, "mobile": False})
            d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
            d.execute_script("window.scrollTo(0, 0)")
            self.assertLessEqual(d.execute_script("return document.documentElement.scrollWidth"), 1440)
            d.save_screenshot(os.path.join(self.shots, "recap-1440-dark-top.png"))
            # A bad year: a sentence, not a crash.
            d.get(self.server.url + "/recap/99999")
            self.assertIn("is not a year from 1900 to 9999", d.find_element(By.CSS_SELECTOR, ".notice.error").text)
        finally:
            d.quit()
            shutil.rmtree(downloads, ignore_errors=True)

    def test_make_the_video_from_the_page(self):
        downloads = tempfile.mkdtemp(prefix="segue-recap-video-")
        d = browser(downloads, 390, 844)
        try:
            self.load_demo(d)
            d.find_element(By.CSS_SELECTOR, ".recap-link a").click()
            section = WebDriverWait(d, 30).until(EC.presence_of_element_located((By.ID, "recap-video")))
            d.execute_script("arguments[0].scrollIntoView()", section)
            button = d.find_element(By.ID, "make-recap-video")
            self.assertEqual(button.text, "Make the video")
            button.click()
            # The progress bar shows and moves while the job runs.
            meter = d.find_element(By.CSS_SELECTOR, "#recap-video .meter")
            WebDriverWait(d, 60).until(lambda _: meter.is_displayed() and int(meter.get_attribute("aria-valuenow") or 0) > 0)
            self.assertTrue(button.get_attribute("disabled"))
            d.save_screenshot(os.path.join(self.shots, "recap-video-390-progress.png"))
            # A second click while it runs would make no second job: the button is disabled, and the
            # API answers the same job (checked in RecapVideoAPITests).
            video = WebDriverWait(d, 600).until(
                EC.presence_of_element_located((By.CSS_SELECTOR, "#recap-video .recap-video-result video")))
            self.assertFalse(meter.is_displayed())
            src = video.get_attribute("src")
            self.assertRegex(src, r"/api/v1/jobs/[0-9a-f-]+/files/mp4$")
            link = d.find_element(By.CSS_SELECTOR, "#recap-video .recap-video-result a[download]")
            self.assertIn("Download the video (MP4", link.text)
            # The file is there, an MP4 (ftyp box), served with byte ranges as phones ask.
            d.set_script_timeout(30)
            head = d.execute_async_script(
                "const done = arguments[arguments.length - 1]; fetch(arguments[0], {headers: {Range: 'bytes=0-11'}})"
                ".then(async r => done([r.status, r.headers.get('content-type'), [...new Uint8Array(await r.arrayBuffer())].slice(4, 8)]))"
                ".catch(e => done(String(e)));", src)
            self.assertEqual(head[0], 206)
            self.assertEqual(head[1], "video/mp4")
            self.assertEqual(bytes(head[2]), b"ftyp")
            # Where this Chromium decodes H.264, the player knows the story's length.
            if d.execute_script("return document.createElement('video').canPlayType('video/mp4; codecs=\"avc1.42E01E\"')"):
                WebDriverWait(d, 30).until(lambda _: d.execute_script("return arguments[0].duration > 0", video))
                duration = d.execute_script("return arguments[0].duration", video)
                self.assertTrue(30 <= duration <= 45, duration)
            self.assertLessEqual(d.execute_script("return document.documentElement.scrollWidth"), 390)
            d.execute_script("arguments[0].scrollIntoView()", section)
            d.save_screenshot(os.path.join(self.shots, "recap-video-390-done.png"))
            # Reopened, the page shows the made video at once.
            d.refresh()
            self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "#recap-video .recap-video-result video")), 1)
            self.assertEqual(d.find_element(By.ID, "make-recap-video").text, "Make it again")
        finally:
            d.quit()
            shutil.rmtree(downloads, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
