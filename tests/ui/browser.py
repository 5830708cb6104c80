"""One headless Chromium for a test module, signed in by session cookie (the second factor verified
in the session as after the real two steps: tests/base.py ``login``)."""

import os
import shutil
import tempfile

import pytest
from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import Client

from tests.base import CastTestCase

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = os.environ.get("NZC_SCREENSHOT_DIR", tempfile.gettempdir())

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # pragma: no cover
    webdriver = None

BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(
        webdriver is None or not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
        reason="needs selenium and Debian's chromium and chromium-driver packages",
    ),
]


def chromium(profile, width=1280, height=1800):
    """Debian's headless Chromium in Chinese, its profile in ``profile`` (also bench/browser_walk_bench.py)."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--lang=zh-CN", f"--window-size={width},{height}", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    browser.implicitly_wait(0)
    return browser


class BrowserTestCase(StaticLiveServerTestCase):
    width, height = 1280, 1800

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.profile = tempfile.mkdtemp(prefix="nzc-chromium-")
        cls.browser = chromium(cls.profile, cls.width, cls.height)

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        shutil.rmtree(cls.profile, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        CastTestCase.setUpTestData.__func__(type(self))  # the same cast, rebuilt for a live server
        self.browser.delete_all_cookies()

    def sign_in(self, user):
        client = Client()
        CastTestCase.login(self, user, client)
        self.browser.get(self.live_server_url + "/static/favicon.svg")  # a page of the site's origin
        self.browser.delete_all_cookies()
        self.browser.add_cookie({"name": settings.SESSION_COOKIE_NAME, "path": "/",
                                 "value": client.cookies[settings.SESSION_COOKIE_NAME].value})

    def open(self, path):
        self.browser.get(self.live_server_url + path)

    def wait(self, condition, timeout=30):
        return WebDriverWait(self.browser, timeout).until(condition)

    def text(self, css="body"):
        return self.browser.find_element(By.CSS_SELECTOR, css).text

    def screenshot(self, name):
        path = os.path.join(SCREENSHOTS, name)
        self.browser.save_screenshot(path)
        return path
