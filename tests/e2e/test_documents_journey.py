"""The submission receipt in a browser: the bid page offers it to the applicant, and the link
serves a PDF in the language the reader chose (here Thai)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.challenges.factories import listed_challenge, submitted_bid
from tests.e2e.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_receipt_link_on_the_bid_page(new_page, live_server, settings):
    base = live_server.url
    settings.SITE_URL = base
    bid = submitted_bid(listed_challenge(title="การพยากรณ์น้ำท่วมลุ่มน้ำเจ้าพระยา"))
    user = bid.applicant.memberships.first().user
    client = Client()
    client.force_login(user)
    page = new_page()
    page.context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base},
            {"name": "django_language", "value": "th", "url": base},
        ]
    )
    page.goto(base + bid.get_absolute_url())
    link = page.locator("a[href$='/documents/receipt.pdf']")
    expect(link).to_be_visible()
    shot(page, "bid-page-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "bid-page-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    response = page.request.get(base + link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    # (pypdf reads "น้ำ" back as "นา": its ligature has no text mapping; the title's first word
    # is enough to show the Thai text is there.)
    assert "การพยากรณ์" in text and "ยื่นแล้ว" in text
