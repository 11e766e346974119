"""Privacy and the audit trail in a real browser: re-consent, my data, deletion, the operator's search."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from entities.enums import MembershipRole
from entities.models import PrivacyConsent, User
from entities.privacy import NOTICE_VERSION
from tests.e2e.conftest import pass_second_factor, shot
from tests.e2e.test_challenge_journey import PASSWORD
from tests.factories import OrganizationFactory, UserFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _narrow(page, name: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 860})


def _sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    pass_second_factor(page)  # staff enrolled a second factor


def test_privacy_journey(new_page, live_server, settings):
    base = live_server.url
    settings.SITE_URL = base
    organization = OrganizationFactory(legal_name="Nanning Smart Farming Co., Ltd.")
    owner = UserFactory(email="wei.owner@nsf.example", full_name="Wei Owner")
    add_member(organization, owner, MembershipRole.OWNER)
    member = UserFactory(email="lan.member@nsf.example", full_name="Lan Member")
    add_member(organization, member, MembershipRole.EDITOR)
    PrivacyConsent.objects.create(user=member, version="2020-01")

    # --- an older consent: asked once, then back where the person was going
    page = new_page()
    _sign_in(page, base, member.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("The privacy notice has changed")
    shot(page, "accept")
    _narrow(page, "accept")
    page.get_by_label("I have read the privacy notice and accept it.").check()
    page.get_by_role("button", name="Accept and continue").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    assert PrivacyConsent.objects.filter(user=member, version=NOTICE_VERSION).exists()

    # --- the notice from the footer
    page.get_by_role("contentinfo").get_by_role("link", name="Privacy notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    shot(page, "notice")
    _narrow(page, "notice")

    # --- download my data
    page.goto(base + "/accounts/privacy/")
    expect(page.get_by_role("heading", name="Download my data")).to_be_visible()
    shot(page, "account-privacy")
    _narrow(page, "account-privacy")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as archive:
        data = json.loads(archive.read("personal-data.json"))
    assert data["profile"]["email"] == member.email
    assert data["memberships"][0]["organization"] == organization.legal_name

    # --- delete the account
    page.get_by_role("link", name="Delete my account…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    shot(page, "delete")
    _narrow(page, "delete")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account was deleted.")).to_be_visible()
    member.refresh_from_db()
    assert member.full_name == "Former member" and not member.is_active

    # --- the last owner is told why not
    owner_page = new_page()
    _sign_in(owner_page, base, owner.email)
    owner_page.goto(base + "/accounts/delete/")
    expect(owner_page.get_by_role("alert")).to_contain_text("You cannot delete your account yet")
    shot(owner_page, "delete-last-owner")
    assert User.objects.get(pk=owner.pk).is_active

    # --- the programme office searches the audit trail and exports it
    operator = UserFactory(
        email="ops@gxst.example", full_name="Ops", is_staff=True, is_superuser=True
    )
    ops = new_page()
    _sign_in(ops, base, operator.email)
    ops.goto(base + "/operator/")
    ops.get_by_role("link", name="Audit trail").click()
    expect(ops.get_by_role("heading", level=1)).to_have_text("Audit trail")
    ops.get_by_label("Action code (e.g. auth.login_failed, bid.submit, file.)").fill("privacy.")
    ops.get_by_role("button", name="Search").click()
    expect(ops.get_by_role("cell", name=re.compile("privacy.account_deleted"))).to_be_visible()
    shot(ops, "audit")
    _narrow(ops, "audit")
    with ops.expect_download() as export:
        ops.get_by_role("link", name="Export these entries (CSV)").click()
    text = Path(export.value.path()).read_text(encoding="utf-8")
    assert "privacy.account_deleted" in text and "privacy.data_exported" in text
