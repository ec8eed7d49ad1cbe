"""Every page in real headless Chromium, as a newcomer and with data: an axe-core audit (light and dark) and the phone.

axe-core comes with axe-selenium-python (scripts/setup.sh puts it in .local/python; it needs no network).
A violation of impact "serious" or "critical" fails the test, named with the page, the theme and the elements.
"""
import os
import shutil
import tempfile
import unittest

from axe_selenium_python import Axe
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_web import Server, browser

PAGES = ["/", "/explore", "/create", "/live", "/library", "/playlists", "/settings", "/feedback", "/recap"]


def set_scheme(d, scheme):
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})


def serious(d):
    """The serious and critical axe violations of the page now shown, as readable lines."""
    axe = Axe(d)
    axe.inject()
    results = axe.run()
    lines = []
    for v in results["violations"]:
        if v.get("impact") in ("serious", "critical"):
            targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:4])
            lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} elements): {v['help']} at {targets}")
    return lines


def settle(d):
    """Waits for the page's scripts to finish drawing what they draw on load (charts, live numbers, lists)."""
    WebDriverWait(d, 20).until(lambda _: d.execute_script("return document.readyState") == "complete")
    d.execute_script("return new Promise(r => setTimeout(r, 400))")


class AccessibilityAndPhoneTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.environ.setdefault("SE_OFFLINE", "true")
        cls.server = Server()
        cls.downloads = tempfile.mkdtemp(prefix="segue-a11y-dl-")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.downloads, ignore_errors=True)

    def open(self, width=1440, height=900):
        d = browser(self.downloads, width, height)
        self.addCleanup(d.quit)
        return d

    def fill(self, d):
        """The demo history and the eight demo songs, analysed: the 'full' state of every page."""
        d.get(self.server.url + "/")
        WebDriverWait(d, 20).until(EC.element_to_be_clickable((By.ID, "demo"))).click()
        WebDriverWait(d, 120).until(EC.url_contains("/explore"))
        d.get(self.server.url + "/library")
        WebDriverWait(d, 20).until(EC.element_to_be_clickable((By.ID, "lib-demo"))).click()
        WebDriverWait(d, 300).until(
            lambda _: len(d.find_elements(By.CSS_SELECTOR, "#lib-rows tr[data-status=done]")) == 8)
        # The status line no longer says the analysis is under way.
        WebDriverWait(d, 10).until(lambda _: "added and analysed" in d.find_element(By.ID, "lib-status").text)

    def audit_all(self, d, state):
        found = []
        for scheme in ("light", "dark"):
            set_scheme(d, scheme)
            for path in PAGES:
                d.get(self.server.url + path)
                settle(d)
                found += [f"{path} ({state}, {scheme}): {line}" for line in serious(d)]
        return found

    def test_every_page_empty_and_full_light_and_dark_has_no_serious_violations(self):
        d = self.open()
        found = self.audit_all(d, "empty")
        self.fill(d)
        found += self.audit_all(d, "full")
        self.assertEqual(found, [], "\n" + "\n".join(found))
        self.check_library_table(d)
        self.check_more_like_this_in_a_small_library(d)

    def check_library_table(self, d):
        """Headers that look and announce sortable; key and album on one line at 1440 px."""
        d.get(self.server.url + "/library")
        WebDriverWait(d, 20).until(lambda _: len(d.find_elements(By.CSS_SELECTOR, "#lib-rows tr[data-status=done]")) == 8)
        marks = d.execute_script("""
            return [...document.querySelectorAll('#library th')].filter(th => th.querySelector('button.sort')).map(th =>
              [th.getAttribute('aria-sort'), getComputedStyle(th.querySelector('button.sort'), '::after').content]);""")
        self.assertTrue(marks and all(a == "none" and c not in ("none", "normal", '""') for a, c in marks), marks)
        title = d.find_element(By.CSS_SELECTOR, "button.sort[data-key=title]")
        title.click()
        self.assertEqual(title.find_element(By.XPATH, "..").get_attribute("aria-sort"), "ascending")
        self.assertEqual(d.find_element(By.ID, "lib-sorted").get_attribute("textContent"), "Sorted by title, ascending.")
        title.click()
        self.assertEqual(title.find_element(By.XPATH, "..").get_attribute("aria-sort"), "descending")
        lines = d.execute_script("""
            const lines = (td) => { const r = document.createRange(); r.selectNodeContents(td);
              return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; };
            return [...document.querySelectorAll('#lib-rows tr')].map(tr =>
              [lines(tr.querySelector('td[data-label=Key]')), lines(tr.querySelector('td[data-label=Album]'))]);""")
        self.assertTrue(all(k == 1 and a == 1 for k, a in lines), lines)

    def check_more_like_this_in_a_small_library(self, d):
        """Eight songs: "More like this" says so and keeps the closer half instead of returning all eight."""
        d.get(self.server.url + "/library")
        WebDriverWait(d, 20).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#lib-rows a.more"))).click()
        WebDriverWait(d, 60).until(lambda _: d.find_elements(By.CSS_SELECTOR, "#pl-list > li"))
        self.assertIn("only 8 analysed songs", d.find_element(By.ID, "pl-small").text)
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "#pl-list > li")), 4)

    def test_login_page_has_no_serious_violations(self):
        folder = tempfile.mkdtemp(prefix="segue-a11y-pw-")
        self.addCleanup(shutil.rmtree, folder, True)
        password = os.path.join(folder, "password")
        with open(password, "w") as f:
            f.write("correct horse\n")
        server = Server("--single-user", "--password-file", password)
        self.addCleanup(server.stop)
        d = self.open()
        found = []
        for scheme in ("light", "dark"):
            set_scheme(d, scheme)
            d.get(server.url + "/settings")
            self.assertTrue(d.current_url.endswith("/login"), d.current_url)
            found += [f"/login ({scheme}): {line}" for line in serious(d)]
        # A wrong password: the page with its error says so, and still passes.
        d.find_element(By.ID, "password").send_keys("wrong")
        d.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".notice.error")))
        found += [f"/login (wrong password): {line}" for line in serious(d)]
        self.assertEqual(found, [], "\n" + "\n".join(found))

    def phone_checks(self, d, state):
        problems = []
        for path in PAGES:
            d.get(self.server.url + path)
            settle(d)
            width = d.execute_script("return document.documentElement.scrollWidth")
            inner = d.execute_script("return window.innerWidth")
            if width > inner:
                problems.append(f"{path} ({state}): the page is {width} px wide on a {inner} px phone")
            # Every navigation link is on screen, or one visible control (the menu button) shows it.
            offscreen = d.execute_script("""
                const out = [];
                for (const a of document.querySelectorAll('header nav a')) {
                  const r = a.getBoundingClientRect();
                  if (r.width === 0 || r.left < 0 || r.right > innerWidth || r.bottom > innerHeight) out.push(a.textContent);
                }
                return out;""")
            if offscreen:
                toggle = d.find_elements(By.CSS_SELECTOR, "header button[aria-controls]")
                if toggle and toggle[0].is_displayed():
                    toggle[0].click()
                    offscreen = d.execute_script("""
                        return [...document.querySelectorAll('header nav a')].filter(a => {
                          const r = a.getBoundingClientRect();
                          return r.width === 0 || r.left < 0 || r.right > innerWidth || r.bottom > innerHeight;
                        }).map(a => a.textContent);""")
                if offscreen:
                    problems.append(f"{path} ({state}): navigation out of reach on a phone: {offscreen}")
            scrolls = d.execute_script("""
                const ul = document.querySelector('header nav ul');
                return ul ? ul.scrollWidth > ul.clientWidth + 1 : false;""")
            if scrolls:
                problems.append(f"{path} ({state}): the navigation scrolls sideways")
        return problems

    def test_phone_every_page_fits_and_every_nav_item_is_reachable(self):
        d = self.open(390, 844)
        problems = self.phone_checks(d, "empty")
        self.fill(d)
        problems += self.phone_checks(d, "full")
        self.assertEqual(problems, [], "\n" + "\n".join(problems))

    def test_explore_chart_card_follows_the_page_theme(self):
        d = self.open(390, 844)
        d.get(self.server.url + "/")
        WebDriverWait(d, 20).until(EC.element_to_be_clickable((By.ID, "demo"))).click()
        WebDriverWait(d, 120).until(EC.url_contains("/explore"))
        d.get(self.server.url + "/explore?limit=50")
        for scheme in ("light", "dark"):
            set_scheme(d, scheme)
            shown = [e.get_attribute("class") for e in d.find_elements(By.CSS_SELECTOR, ".chart > div") if e.is_displayed()]
            self.assertEqual(shown, [f"only-{scheme}"])
        # A chart of 20 beside a table of 50 says so.
        self.assertIn("the table lists all 50", d.find_element(By.CSS_SELECTOR, ".chart-note").text)
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "table.top tbody tr")), 50)
        # Every label of the chart shown is readable on the phone: at least 11 CSS px once the SVG is scaled.
        smallest = d.execute_script("""
            let min = Infinity, count = 0, monograms = 0;
            for (const svg of document.querySelectorAll('.chart svg')) {
              if (svg.getBoundingClientRect().width === 0) continue;
              // The elements that carry glyphs: tspans, and text elements without any (a text holding tspans
              // only inherits the page's size, which it never uses).
              for (const t of svg.querySelectorAll('tspan, text')) {
                if (!t.textContent.trim() || (t.tagName === 'text' && t.querySelector('tspan'))) continue;
                // The initials drawn on generated cover art (a rect and its letters in one group) count too.
                const run = t.closest('text');
                if (run.previousElementSibling && run.previousElementSibling.tagName === 'rect' && run.parentElement.tagName === 'g'
                    && run.parentElement.children.length === 2) monograms++;
                const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
                min = Math.min(min, px); count++;
              }
            }
            return [min, count, [...document.querySelectorAll('.chart svg')].map(s => s.getBoundingClientRect().width), monograms];""")
        self.assertGreater(smallest[1], 40)
        self.assertGreater(smallest[3], 0, "the demo's chart has generated cover art with initials")
        self.assertGreaterEqual(smallest[0], 11, f"the smallest chart label or initials are {smallest[0]:.1f} CSS px on a 390 px phone (SVG widths {smallest[2]})")
        # The theme chosen on Settings wins over the device's.
        d.get(self.server.url + "/settings")
        Select(d.find_element(By.NAME, "theme")).select_by_value("light")
        d.find_element(By.CSS_SELECTOR, "form.prefs button[type=submit]").click()
        WebDriverWait(d, 10).until(EC.url_contains("saved=1"))
        d.get(self.server.url + "/explore")
        shown = [e.get_attribute("class") for e in d.find_elements(By.CSS_SELECTOR, ".chart > div") if e.is_displayed()]
        self.assertEqual(shown, ["only-light"])
        self.assertEqual(d.execute_script("return getComputedStyle(document.body).color"), "rgb(21, 24, 36)")

    def hour_chart(self, d):
        return d.execute_script("""
            const fig = [...document.querySelectorAll('.minis figure')].find(f => f.textContent.includes('By hour of day'));
            return {caption: fig.querySelector('figcaption').textContent,
                    bars: [...fig.querySelectorAll('rect.bar title')].map(t => t.textContent)};""")

    def test_time_zone_comes_from_the_browser_and_settings_change_the_hour_chart(self):
        d = self.open(1280, 900)
        # The browser's own zone is sent on the first visit and shown on Settings.
        d.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "America/New_York"})
        d.get(self.server.url + "/")
        WebDriverWait(d, 20).until(EC.element_to_be_clickable((By.ID, "demo"))).click()
        WebDriverWait(d, 120).until(EC.url_contains("/explore"))
        d.get(self.server.url + "/settings")
        zone = d.find_element(By.ID, "time-zone")
        WebDriverWait(d, 10).until(lambda _: zone.get_attribute("value") == "America/New_York")
        d.get(self.server.url + "/explore")
        before = self.hour_chart(d)
        self.assertIn("America/New_York", before["caption"])
        # Choosing another zone on Settings moves the hours (Kolkata is 10.5 or 9.5 hours from New York).
        d.get(self.server.url + "/settings")
        Select(d.find_element(By.ID, "time-zone")).select_by_value("Asia/Tokyo")
        Select(d.find_element(By.NAME, "theme")).select_by_value("dark")
        d.find_element(By.CSS_SELECTOR, "form.prefs button[type=submit]").click()
        WebDriverWait(d, 10).until(EC.url_contains("saved=1"))
        self.assertEqual(d.find_element(By.TAG_NAME, "html").get_attribute("data-theme"), "dark")
        d.get(self.server.url + "/explore")
        after = self.hour_chart(d)
        self.assertIn("Asia/Tokyo", after["caption"])
        self.assertEqual(len(before["bars"]), 24)
        self.assertNotEqual(before["bars"], after["bars"])
        # Tokyo is 14 hours ahead of New York in winter, 13 in summer: the minutes of New York's hour 0
        # show at Tokyo's 13 or 14 o'clock, so the totals match, shifted.
        minutes = lambda bars: [int(b.split(": ")[1].split(" ")[0].replace(",", "")) for b in bars]
        self.assertAlmostEqual(sum(minutes(before["bars"])), sum(minutes(after["bars"])), delta=24)
        # A hostile zone sent by hand: one sentence naming the field, and the saved zone stays.
        d.get(self.server.url + "/settings")
        d.execute_script("const s = document.getElementById('time-zone'); s.add(new Option('x', '../../etc')); s.value = '../../etc';")
        d.find_element(By.CSS_SELECTOR, "form.prefs button[type=submit]").click()
        notice = WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".notice.error")))
        self.assertTrue(notice.text.startswith("Time zone: "), notice.text)
        d.get(self.server.url + "/settings")
        self.assertEqual(d.find_element(By.ID, "time-zone").get_attribute("value"), "Asia/Tokyo")


if __name__ == "__main__":
    unittest.main()
