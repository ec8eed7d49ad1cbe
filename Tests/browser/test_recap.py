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


if __name__ == "__main__":
    unittest.main()
