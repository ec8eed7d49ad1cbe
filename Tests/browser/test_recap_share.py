"""Sharing a recap in real headless Chromium: the owner shares from the recap page, a stranger (another
browser, no cookies) opens the link, the owner revokes it in Settings and the link is gone.

SEGUE_SCREENSHOTS names a folder to keep screenshots in.
"""
import os
import shutil
import tempfile
import unittest
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_web import Server, browser


class RecapShareTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.shots = os.environ.get("SEGUE_SCREENSHOTS") or tempfile.mkdtemp(prefix="segue-share-shots-")
        os.makedirs(cls.shots, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        if not os.environ.get("SEGUE_SCREENSHOTS"):
            shutil.rmtree(cls.shots, ignore_errors=True)

    def status(self, url):
        try:
            with urllib.request.urlopen(url) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def test_share_open_as_a_stranger_and_revoke(self):
        downloads = tempfile.mkdtemp(prefix="segue-share-dl-")
        owner = browser(downloads, 390, 844)
        stranger = browser(downloads, 390, 844)
        try:
            owner.get(self.server.url + "/")
            WebDriverWait(owner, 20).until(EC.element_to_be_clickable((By.ID, "demo"))).click()
            WebDriverWait(owner, 120).until(EC.url_contains("/explore"))
            owner.find_element(By.CSS_SELECTOR, ".recap-link a").click()
            form = WebDriverWait(owner, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "form.recap-share")))
            Select(form.find_element(By.NAME, "theme")).select_by_value("light")
            owner.execute_script("arguments[0].scrollIntoView()", form)
            owner.save_screenshot(os.path.join(self.shots, "share-390-recap-form.png"))
            form.find_element(By.CSS_SELECTOR, "button").click()
            link = WebDriverWait(owner, 30).until(EC.presence_of_element_located((By.ID, "share-url"))).text
            owner.save_screenshot(os.path.join(self.shots, "share-390-made.png"))
            self.assertRegex(link, r"^http://[^/]+/r/[0-9a-f]{64}$")

            # The stranger's browser has no session: the page, its stylesheet and its preview load anyway.
            stranger.get(link)
            WebDriverWait(stranger, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".recap-card svg")))
            self.assertEqual(stranger.get_cookies(), [])
            self.assertEqual(stranger.find_elements(By.TAG_NAME, "a"), [])
            self.assertEqual(stranger.find_elements(By.TAG_NAME, "form"), [])
            self.assertLessEqual(stranger.execute_script("return document.documentElement.scrollWidth"), 390)
            background = stranger.execute_script("return getComputedStyle(document.body).backgroundColor")
            self.assertNotEqual(background, "rgba(0, 0, 0, 0)")
            image = stranger.find_element(By.CSS_SELECTOR, 'meta[property="og:image"]').get_attribute("content")
            self.assertEqual(image, link + "/card.png")
            stranger.save_screenshot(os.path.join(self.shots, "share-390-stranger.png"))
            self.assertEqual(self.status(image), 200)

            # Settings lists it; Revoke makes the page and the card disappear.
            owner.get(self.server.url + "/settings")
            section = owner.find_element(By.ID, "shared-recaps").find_element(By.XPATH, "..")
            owner.execute_script("arguments[0].scrollIntoView()", section)
            owner.save_screenshot(os.path.join(self.shots, "share-390-settings.png"))
            section.find_element(By.CSS_SELECTOR, "button").click()
            WebDriverWait(owner, 20).until(lambda d: "You have not shared a recap" in d.page_source)
            self.assertEqual(self.status(link), 404)
            self.assertEqual(self.status(image), 404)
        finally:
            owner.quit()
            stranger.quit()
            shutil.rmtree(downloads, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
