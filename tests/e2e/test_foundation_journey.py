"""A new user's first visit, in a real browser.

Sign up → verify the e-mail address (link from the test outbox) → register a
Guangxi organization → invite a colleague → see the dashboard; then the
colleague, who has no account yet, follows the invitation and joins.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from stdnum.cn import uscc

from entities.enums import InvitationStatus, MembershipRole, VerificationStatus
from entities.models import Invitation, Membership, Organization, User
from tests.e2e.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Guangxi-AI-2026!"
ORG_NAME = "Nanning Smart Port Robotics Co., Ltd."
USCC_BODY = "91450100MA5KB2025"  # Nanning (450100), a company (91)
USCC = USCC_BODY + uscc.calc_check_digit(USCC_BODY)


def _link(to: str, path: str) -> str:
    """The newest link under `path` in an e-mail sent to `to`."""
    for message in reversed(mail.outbox):
        if to in message.to:
            found = re.search(rf"https?://\S+?{re.escape(path)}\S*", message.body)
            if found:
                return found.group(0)
    raise AssertionError(f"no e-mail to {to} with a link to {path}: {mail.outbox!r}")


def _sign_up_and_verify(page, base: str, email: str, *, start: str = "/") -> None:
    page.goto(base + start)
    if start == "/":
        shot(page, "home")
        page.get_by_role("link", name="Register", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign Up")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Full name").fill(email.split("@")[0].replace(".", " ").title())
    page.get_by_label(re.compile(r"^Password\b(?!.*again)")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("I have read the privacy notice and accept it.").check()
    shot(page, "sign-up")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify")
    shot(page, "verification-sent")
    assert not User.objects.get(email=email).emailaddress_set.get().verified

    page.goto(_link(email, "/accounts/confirm-email/"))
    shot(page, "confirm-email")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert User.objects.get(email=email).emailaddress_set.get().verified


def test_foundation_journey(page, new_page, live_server, settings):
    base = live_server.url
    # Links in e-mails must lead back to this test server (plain HTTP, random port).
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
    settings.SITE_URL = base
    founder = "mei.huang@smartport.example"
    colleague = "wei.li@smartport.example"

    # 1. Sign up and verify the address.
    _sign_up_and_verify(page, base, founder)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    shot(page, "dashboard-empty")

    # 2. Register the organization.
    page.get_by_role("link", name="Register an organization").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register your organization")
    page.get_by_label("Legal name (English)").fill(ORG_NAME)
    page.get_by_label("Name in the local language").fill("南宁智慧港口机器人有限公司")
    page.get_by_label("Type of institution").select_option("enterprise")
    page.get_by_label("Country of registration").select_option("CN")
    page.get_by_label("Registry", exact=True).select_option("cn_uscc")
    page.get_by_label("Registration number").fill(USCC)
    page.get_by_label("Date of registration").fill("2019-06-03")
    page.get_by_label("Region / province").fill("Nanning")
    page.get_by_label("Region code").fill("450100")
    page.get_by_label("Website").fill("https://smartport.example")
    page.get_by_label("Contact e-mail").fill("office@smartport.example")
    page.get_by_label("Postal address").fill("8 Jinhu Road, Qingxiu District, Nanning")
    shot(page, "organization-form")
    page.get_by_role("button", name="Register organization").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    expect(page.get_by_text(USCC)).to_be_visible()
    shot(page, "organization-profile")
    organization = Organization.objects.get(registration_number=USCC)
    assert organization.region_code == "450100"
    assert organization.verification_status == VerificationStatus.UNVERIFIED
    assert Membership.objects.get(organization=organization).role == MembershipRole.OWNER

    # 3. Invite a colleague.
    page.get_by_role("navigation", name="Organization").get_by_role("link", name="Members").click()
    page.get_by_label("E-mail address").fill(colleague)
    page.get_by_label("Role").select_option("editor")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation sent to {colleague}")).to_be_visible()
    expect(page.get_by_role("cell", name=colleague)).to_be_visible()
    shot(page, "members-invitation-sent")
    invitation = Invitation.objects.get(organization=organization, email=colleague)
    assert invitation.status == InvitationStatus.PENDING

    # 4. The dashboard of the new organization.
    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    shot(page, "dashboard")

    # 5. The colleague has no account: the invitation link leads through sign-up.
    other = new_page()
    other.goto(_link(colleague, f"/invitations/{invitation.token}/"))
    expect(other.get_by_role("heading", level=1)).to_contain_text(ORG_NAME)
    shot(other, "colleague-invitation")
    other.get_by_role("link", name="Create an account").click()
    expect(other.get_by_label("Email")).to_have_value(colleague)
    _sign_up_and_verify(other, base, colleague, start=other.url.removeprefix(base))
    expect(other).to_have_url(re.compile(rf"/invitations/{invitation.token}/$"))
    other.get_by_role("button", name="Accept and join").click()
    expect(other.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    shot(other, "colleague-dashboard")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert (
        Membership.objects.get(organization=organization, user__email=colleague).role
        == MembershipRole.EDITOR
    )

    # The founder sees the new member.
    page.goto(f"{base}/organizations/{organization.pk}/members/")
    expect(page.get_by_role("cell", name=re.compile(colleague)).first).to_be_visible()
    shot(page, "members-after-joining")
