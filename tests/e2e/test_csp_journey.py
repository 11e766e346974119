"""The Content-Security-Policy holds in a real browser: our pages run, injected scripts do not."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import CSP_LISTENER, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_csp_public_pages_show_no_violation(page, live_server):
    base = live_server.url
    for path in (
        "/",
        "/challenges/",
        "/results/",
        "/statistics/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ):
        response = page.goto(base + path)
        assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
        assert "permissions-policy" in response.headers
    shot(page, "password-reset")


def test_csp_menu_toggle_works_without_inline_handlers(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    toggle = page.locator("[data-toggle-open=main-nav]")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert "open" in page.locator("#main-nav").get_attribute("class")
    shot(page, "menu-open-390")


def test_csp_language_switch_submits_without_inline_handlers(page, live_server):
    page.goto(live_server.url + "/challenges/")
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_csp_injected_inline_script_is_blocked(browser, live_server):
    context = browser.new_context()
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    messages = []
    page.on("console", lambda m: messages.append(m.text))
    try:
        page.goto(live_server.url + "/")
        page.evaluate(
            """() => { const s = document.createElement("script");
                       s.textContent = "window.__injected = true";
                       document.body.appendChild(s); }"""
        )
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__injected === undefined")
        assert any("CSP violation" in m for m in messages), messages
    finally:
        context.close()
