"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Marked `browser`; the root conftest skips them loudly when Chromium is missing.
Screenshots go to test-artifacts/screenshots/<test name>/NN-name.png.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM
# calls (reading the mail outbox, checking rows) are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from tests.conftest import chromium_path  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Every page reports Content-Security-Policy violations to the console; the
# `new_page` fixture fails the test if any page logged one.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI
    + " in " + e.sourceFile + ":" + e.lineNumber);
});
"""
CSP_CONSOLE = re.compile(r"CSP violation|Content Security Policy", re.IGNORECASE)

# page id -> [folder, number of screenshots taken so far]
_SHOTS: dict[int, list] = {}


@pytest.fixture(scope="session")
def _media_url_off_site():
    # MEDIA_URL is None because uploads are never served directly, but Django's
    # live server wraps every request in a media-files handler that needs a
    # string. A URL on another host makes that handler step aside (it serves
    # nothing); the setting is restored as soon as the server has read it.
    from django.test import override_settings

    override = override_settings(MEDIA_URL="https://media.invalid/")
    override.enable()
    yield override
    if hasattr(override, "wrapped"):  # the live server failed to start
        override.disable()


@pytest.fixture(scope="session")
def live_server(_media_url_off_site, live_server):
    """pytest-django's live server, started while MEDIA_URL points off-site."""
    if hasattr(_media_url_off_site, "wrapped"):
        _media_url_off_site.disable()
    return live_server


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("needs Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request):
    """new_page() → a fresh page in its own browser context (its own cookies); closed after."""
    contexts = []
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    counter = [0]  # shared by every page of the test, so screenshots stay in order
    violations: list[str] = []

    def on_console(message):
        if message.type in ("error", "warning") and CSP_CONSOLE.search(message.text):
            violations.append(message.text)

    def make():
        context = browser.new_context(
            viewport={"width": 1280, "height": 860}, locale="en-GB", timezone_id="Asia/Shanghai"
        )
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        page = context.new_page()
        page.on("console", on_console)
        page.set_default_timeout(15_000)
        _SHOTS[id(page)] = [folder, counter]
        return page

    yield make
    for context in contexts:
        for page in context.pages:
            _SHOTS.pop(id(page), None)
        context.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def page(new_page):
    return new_page()


def pass_second_factor(page) -> None:
    """Enter the authenticator code when the portal asks for one after the password.

    Privileged test users share the factories' TOTP secret (tests/factories.py).
    A code already used by that user is refused, so a refused code is retried
    once with the next period's code.
    """
    from tests.factories import totp_code

    page.wait_for_load_state()
    for _attempt in range(2):
        if "/accounts/2fa/authenticate/" not in page.url:
            return
        page.locator("input[name=code]").fill(totp_code())
        with page.expect_navigation():
            page.get_by_role("button", name="Sign In", exact=True).click()
        if "/accounts/2fa/authenticate/" not in page.url:
            return
        time.sleep(31 - time.time() % 30)


def shot(page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/<test>/NN-name.png."""
    folder, counter = _SHOTS[id(page)]
    counter[0] += 1
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^\w.-]+", "-", name)
    path = folder / f"{counter[0]:02d}-{slug}.png"
    # A sticky header would otherwise be painted wherever the page was scrolled to.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed browser test, keep a screenshot of every open page for diagnosis."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for page_id, (folder, _counter) in list(_SHOTS.items()):
        for context in getattr(item.funcargs.get("browser"), "contexts", []):
            for page in context.pages:
                if id(page) == page_id:
                    folder.mkdir(parents=True, exist_ok=True)
                    # Diagnosis must never hide the original failure.
                    with contextlib.suppress(Exception):
                        page.screenshot(path=str(folder / f"FAILED-{page_id}.png"), full_page=True)
