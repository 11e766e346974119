"""Every UI language in a real browser: fonts that render, and a phone layout that survives
longer words (issue 13 items 5 and 6).

For each of the 11 languages, on a 390 px phone: the listing, a challenge page, the
dashboard and the bid form have no horizontal scroll, and every visible button's label
stays on one line. One screenshot per page and language (and the challenge page on a
desktop) goes to test-artifacts/screenshots/ to look at.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client

from entities.enums import MembershipRole
from tests.challenges.factories import draft_bid, listed_challenge
from tests.e2e.conftest import shot
from tests.factories import OrganizationFactory, UserFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [code for code, _ in django_settings.LANGUAGES]
PHONE = {"width": 390, "height": 844}

# Every visible button or button-like link whose label is laid out on more than one line
# (tops more than half a font size apart) or is cut off (wider than the button).
WRAPPED_BUTTONS_JS = """
() => {
  const wrapped = [];
  for (const el of document.querySelectorAll('.btn, button, input[type=submit]')) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    if (el.closest('.visually-hidden, [hidden], noscript')) continue;
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = [...range.getClientRects()].filter(r => r.width > 1).map(r => r.top).sort((a, b) => a - b);
    const half = parseFloat(style.fontSize) / 2;
    let lines = tops.length ? 1 : 0;
    for (let i = 1; i < tops.length; i++) if (tops[i] - tops[i - 1] > half) lines++;
    const clipped = el.scrollWidth > el.clientWidth + 1;
    if (lines > 1 || clipped) wrapped.push((el.innerText || el.value || '').trim().slice(0, 60));
  }
  return wrapped;
}
"""

OVERFLOW_JS = """
() => ({
  scroll: document.documentElement.scrollWidth,
  inner: window.innerWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
              && !e.closest('.table-wrap, .chart-scroll, [data-scroll-x]'))
    .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + (e.innerText || '').slice(0, 40)),
})
"""


@pytest.fixture
def cast(db):
    """A Guangxi editor with a draft bid on a listed challenge, and the challenge."""
    challenge = listed_challenge(
        title="Early warning of rice blast from drone imagery in the Mekong Delta"
    )
    lead = OrganizationFactory(capabilities=True, legal_name="Guangxi Institute of AI")
    editor = UserFactory(email="editor@gxai.example", full_name="Li Wei")
    add_member(lead, editor, MembershipRole.EDITOR)
    bid = draft_bid(challenge, lead, by=editor)
    return editor, challenge, bid


def _signed_in_page(browser, base: str, user, language: str, viewport: dict):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport, timezone_id="Asia/Shanghai")
    context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base},
            {"name": "django_language", "value": language, "url": base},
        ]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_layout_and_fonts_in_every_language(
    language, browser, new_page, live_server, settings, cast
):
    base = live_server.url
    settings.SITE_URL = base
    editor, challenge, bid = cast
    # new_page() registers the screenshot folder for this test; pages share its counter.
    first = new_page()
    context, page = _signed_in_page(browser, base, editor, language, PHONE)
    from tests.e2e import conftest as e2e

    e2e._SHOTS[id(page)] = e2e._SHOTS[id(first)]
    problems = []
    try:
        for name, path in (
            ("listing", "/challenges/"),
            ("challenge", challenge.get_absolute_url()),
            ("dashboard", "/dashboard/"),
            ("bid-form", f"/bids/{bid.pk}/edit/"),
        ):
            page.goto(base + path)
            assert page.locator("html").get_attribute("lang") == language
            page.wait_for_load_state("load")
            page.evaluate("document.fonts.ready")
            shot(page, f"{language}-phone-{name}")
            overflow = page.evaluate(OVERFLOW_JS)
            if overflow["scroll"] > overflow["inner"]:
                problems.append(f"{name}: scrolls sideways ({overflow})")
            wrapped = page.evaluate(WRAPPED_BUTTONS_JS)
            if wrapped:
                problems.append(f"{name}: wrapped buttons {wrapped}")
        page.set_viewport_size({"width": 1280, "height": 860})
        page.goto(base + challenge.get_absolute_url())
        shot(page, f"{language}-desktop-challenge")
    finally:
        e2e._SHOTS.pop(id(page), None)
        context.close()
    assert not problems, "\n".join(problems)
