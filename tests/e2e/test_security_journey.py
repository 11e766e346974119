"""Second factor and throttling in a real browser: an operator without one is held until
they enrol; an owner requires it of members; a throttled sign-in gets the 429 page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from entities.enums import MembershipRole
from portal.demo.builders import add_member
from tests.e2e.conftest import shot
from tests.factories import OrganizationFactory, UserFactory, give_second_factor, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
PHONE = {"width": 390, "height": 844}


def sign_in(page, base: str, email: str, start: str = "/accounts/login/") -> None:
    page.goto(base + start)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_load_state()


def test_security_operator_enrols_before_reaching_the_desk(page, live_server):
    base = live_server.url
    operator = UserFactory(
        email="new.ops@dost.example", full_name="Nguyen Ops", is_staff=True, second_factor=False
    )
    page.goto(base + "/accounts/login/")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_visible()
    shot(page, "sign-in-with-passkey-option")
    sign_in(page, base, operator.email, start="/accounts/login/?next=/operator/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/"))
    expect(page.get_by_text("must use a second factor")).to_be_visible()
    shot(page, "held-at-enrolment")
    page.set_viewport_size(PHONE)
    shot(page, "held-at-enrolment-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.set_viewport_size({"width": 1280, "height": 860})

    page.goto(base + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/"))

    page.goto(base + "/accounts/2fa/totp/activate/")
    if "/reauthenticate/" in page.url:  # allauth asks for the password again first
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_load_state()
    secret = page.locator("#authenticator_secret").input_value()
    shot(page, "activate-authenticator-app")
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(base + "/operator/")
    expect(page).to_have_url(re.compile(r"/operator/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shot(page, "operator-desk-after-enrolment")


def test_security_owner_requires_a_second_factor(new_page, live_server):
    base = live_server.url
    organization = OrganizationFactory(capabilities=True, legal_name="Guangxi Smart Farming Co.")
    owner = UserFactory(email="owner@gxfarm.example", full_name="Li Owner")
    member = UserFactory(email="editor@gxfarm.example", full_name="Wei Editor")
    add_member(organization, owner, MembershipRole.OWNER)
    add_member(organization, member, MembershipRole.EDITOR)
    give_second_factor(owner)

    page = new_page()
    sign_in(page, base, owner.email)
    from tests.e2e.conftest import pass_second_factor

    pass_second_factor(page)
    page.goto(base + f"/organizations/{organization.pk}/members/")
    card = page.get_by_role("region", name="Sign-in security")
    expect(card).to_be_visible()
    card.get_by_label("Require a second factor of everyone working for this organization").check()
    card.get_by_role("button", name="Save the sign-in rule").click()
    expect(page.get_by_text("must now sign in with a second factor")).to_be_visible()
    shot(page, "owner-requires-second-factor")
    page.set_viewport_size(PHONE)
    shot(page, "owner-requires-second-factor-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    other = new_page()
    sign_in(other, base, member.email)
    expect(other).to_have_url(re.compile(r"/accounts/2fa/"))
    expect(other.get_by_text("Guangxi Smart Farming Co. requires a second factor")).to_be_visible()
    shot(other, "member-held-at-enrolment")


def test_security_throttled_sign_in_shows_the_429_page(page, live_server, settings):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "address_failures": 2}
    base = live_server.url
    for n in range(2):
        page.goto(base + "/accounts/login/")
        page.get_by_label("Email").fill(f"nobody{n}@example.org")
        page.get_by_label("Password").fill("wrong password")
        page.get_by_role("button", name="Sign In", exact=True).click()
        page.wait_for_load_state()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_label("Password").fill("wrong password")
    with page.expect_response(re.compile(r"/accounts/login/")) as info:
        page.get_by_role("button", name="Sign In", exact=True).click()
    assert info.value.status == 429
    assert int(info.value.headers["retry-after"]) > 0
    expect(page.get_by_role("heading", name="Too many attempts")).to_be_visible()
    shot(page, "throttled")
    page.set_viewport_size(PHONE)
    shot(page, "throttled-phone")


def test_security_passkey_enrolment_and_sign_in(page, live_server, settings):
    """A reviewer adds a passkey (Chromium's virtual authenticator) and signs in with it alone."""
    # WebAuthn over the live server's http://localhost; production runs over HTTPS.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    base = live_server.url.replace("127.0.0.1", "localhost")
    reviewer = UserFactory(
        email="passkey.expert@um.example", full_name="Aisha Passkey", is_reviewer=True,
        second_factor=False,
    )  # fmt: skip
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    sign_in(page, base, reviewer.email, start="/accounts/login/?next=/review/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/"))
    page.goto(base + "/accounts/2fa/webauthn/add/")
    if "/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_load_state()
    page.locator("input[name=name]").fill("Laptop passkey")
    passwordless = page.locator("input[name=passwordless]")
    if passwordless.count():
        passwordless.check()
    shot(page, "add-passkey")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/(?!webauthn/add)"))
    page.goto(base + "/review/")
    expect(page).to_have_url(re.compile(r"/review/$"))
    shot(page, "review-panel-after-passkey")

    page.context.clear_cookies()
    page.goto(base + "/accounts/login/?next=/review/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(re.compile(r"/review/$"))
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Successfully signed in as Aisha Passkey")).to_be_visible()
    shot(page, "signed-in-with-passkey")
