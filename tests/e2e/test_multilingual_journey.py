"""A challenge in several languages in the browser: the owner adds a version, readers switch.

Screenshots at desktop width and on a 390 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from challenges.enums import ChallengeState
from challenges.models import Challenge
from challenges.search import update_search_vector
from entities.enums import MembershipRole
from tests.challenges.factories import ChallengeFactory
from tests.e2e.conftest import pass_second_factor, shot
from tests.factories import UserFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
THAI_TITLE = "ระบบตรวจโรคข้าวจากภาพถ่ายโดรนสำหรับสหกรณ์การเกษตรในจังหวัดขอนแก่น"
THAI_SUMMARY = "เกษตรกรในจังหวัดขอนแก่นต้องการระบบตรวจโรคข้าวด้วยภาพถ่ายจากโดรน"


def both_widths(page, name: str) -> None:
    shot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    shot(page, f"{name}-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.set_viewport_size(DESKTOP)


def test_language_versions_journey(new_page, live_server):
    base = live_server.url
    challenge = ChallengeFactory(
        original_language="th", title=THAI_TITLE, summary=THAI_SUMMARY, problem_statement=""
    )
    editor = UserFactory(email="th.editor@example.org", password=PASSWORD)
    add_member(challenge.organization, editor, MembershipRole.EDITOR)

    page = new_page()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(editor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    pass_second_factor(page)  # staff enrolled a second factor
    page.goto(f"{base}/challenges/{challenge.pk}/")
    page.get_by_role("link", name="Language versions").click()
    page.get_by_label("Language of this version").select_option("zh-hans")
    page.get_by_label("Title").fill("利用无人机照片检测水稻病害")
    page.get_by_label("Summary").fill("孔敬府的农民需要一个利用无人机照片检测水稻病害的系统。")
    page.get_by_role("button", name="Save this version").click()
    expect(page.get_by_text("The 简体中文 version is saved.")).to_be_visible()
    both_widths(page, "translations-form")

    Challenge.objects.filter(pk=challenge.pk).update(state=ChallengeState.LISTED)
    update_search_vector(challenge.pk)
    reader = new_page()  # an English reader: the original, labelled, versions one click away
    reader.goto(f"{base}/challenges/{challenge.pk}/")
    expect(reader.get_by_role("heading", level=1)).to_have_text(THAI_TITLE)
    expect(reader.get_by_text("Original language: ภาษาไทย.")).to_be_visible()
    both_widths(reader, "detail-original-thai")
    reader.get_by_role("link", name="简体中文").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("利用无人机照片检测水稻病害")
    both_widths(reader, "detail-chinese-version")

    reader.goto(base + "/challenges/?q=ขอนแก่น")
    expect(reader.get_by_role("link", name=THAI_TITLE)).to_be_visible()
    both_widths(reader, "listing-thai-search")


def test_rubric_and_profile_versions_pages(new_page, live_server, operator):
    from portal.demo import builders
    from tests.evaluation.conftest import build_scenario
    from tests.factories import OrganizationFactory

    base = live_server.url
    operator.set_password(PASSWORD)
    operator.save()
    scenario = build_scenario(operator=operator)
    builders.panel_seated(scenario.challenge, [], by=operator)
    page = new_page()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(operator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    pass_second_factor(page)  # staff enrolled a second factor
    page.goto(f"{base}/operator/evaluation/{scenario.challenge.pk}/rubric/")
    page.get_by_role("link", name="Rubric in other languages").click()
    page.get_by_label("Language of the version to edit").select_option("th")
    page.get_by_role("button", name="Show this language").click()
    page.locator("input[name^='name_']").first.fill("ความเป็นเลิศทางเทคนิค")
    page.get_by_role("button", name="Save the rubric in ภาษาไทย").click()
    expect(page.get_by_text("The rubric in ภาษาไทย is saved.")).to_be_visible()
    both_widths(page, "rubric-translations")

    org = OrganizationFactory(asean=True, profile="Rice research with cooperatives.")
    owner = UserFactory(email="org.owner@example.org", password=PASSWORD)
    add_member(org, owner, MembershipRole.OWNER)
    member = new_page()
    member.goto(base + "/accounts/login/")
    member.get_by_label("Email").fill(owner.email)
    member.get_by_label("Password").fill(PASSWORD)
    member.get_by_role("button", name="Sign In", exact=True).click()
    pass_second_factor(member)  # staff enrolled a second factor
    member.goto(f"{base}/organizations/{org.pk}/")
    member.get_by_role("link", name="Profile in other languages").click()
    member.get_by_label("Language of this version").select_option("th")
    member.get_by_label("Public profile in this language").fill(
        "สถาบันวิจัยข้าวที่ทำงานร่วมกับสหกรณ์การเกษตร"
    )
    member.get_by_role("button", name="Save this version").click()
    expect(member.get_by_text("The ภาษาไทย version is saved.")).to_be_visible()
    both_widths(member, "profile-translations")
