"""The API tokens page, the self-hosted API documentation and the operator's exports in a
browser, at desktop width and on a 390 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from api.models import AccessToken
from tests.challenges.factories import listed_challenge
from tests.e2e.test_results_journey import both_widths, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_token_journey(new_page, live_server, owner, org):
    base = live_server.url
    page = new_page()
    sign_in(page, base, owner.email, start="/accounts/tokens/")
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    expect(page.get_by_text("You have no tokens yet.")).to_be_visible()
    both_widths(page, "tokens-empty")
    page.get_by_label("Name").fill("Monthly report")
    page.get_by_label("Expires after").select_option("30")
    page.get_by_role("button", name="Create the token").click()
    secret = page.get_by_role("textbox", name="Token", exact=True).input_value()
    assert secret.startswith("gxp_")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("status")).to_have_text("The token is copied.")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    token = AccessToken.objects.get()
    assert token.organization == org
    both_widths(page, "tokens-created")
    # The token works against the API from outside the browser session.
    answer = page.request.get(
        base + "/api/v1/organization/", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.json()["organization"] == org.legal_name
    page.reload()
    expect(page.get_by_role("textbox", name="Token", exact=True)).to_have_count(0)
    page.get_by_role("link", name="Revoke Monthly report").click()
    both_widths(page, "token-revoke-confirm")
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.get_by_text("is revoked")).to_be_visible()
    both_widths(page, "tokens-revoked")
    answer = page.request.get(
        base + "/api/v1/organization/", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status == 401


def test_api_docs_render_without_cdn(new_page, live_server):
    listed_challenge(title="Rice blast detection")
    base = live_server.url
    page = new_page()
    outside = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url) if not r.url.startswith(base) and "data:" not in r.url else 0
        ),
    )
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # A script or style refused by the Content-Security-Policy shows as a console error.
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else 0)
    page.goto(base + "/api/docs/")
    expect(page.get_by_text("ASEAN–Guangxi AI Challenge Portal API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/challenges/").first).to_be_visible()
    both_widths(page, "api-docs")
    assert outside == [] and errors == []


def test_operator_exports_are_linked_from_the_dashboard(new_page, live_server, operator):
    from tests.e2e.test_results_journey import PASSWORD

    operator.set_password(PASSWORD)
    operator.save()
    listed_challenge(title="Flood warning")
    base = live_server.url
    page = new_page()
    sign_in(page, base, operator.email, start="/operator/")
    exports = page.get_by_role("region", name="Exports")
    expect(exports).to_be_visible()
    with page.expect_download() as download:
        exports.get_by_role("link", name="Excel Challenges").click()
    assert download.value.suggested_filename.startswith("challenges-")
    exports.scroll_into_view_if_needed()
    both_widths(page, "operator-exports")
