"""Challenges in several languages: versions added by the owner, read in the reader's language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from challenges import lifecycle, multilingual
from challenges.enums import ChallengeState
from challenges.models import Challenge, ChallengeTranslation
from core.multilingual import localized, versions_of
from entities.enums import MembershipRole
from tests.factories import UserFactory, add_member

from .factories import ChallengeFactory

pytestmark = pytest.mark.django_db

THAI = {
    "title": "ระบบตรวจโรคข้าวจากภาพโดรน",
    "summary": "เกษตรกรสูญเสียผลผลิตหนึ่งในสามเพราะพบโรคช้าเกินไป",
}
CHINESE = {"title": "无人机图像识别水稻病害", "summary": "农民因发现病害太晚而损失三分之一的收成。"}


@pytest.fixture
def thai_draft(asean_org):
    return ChallengeFactory(
        organization=asean_org,
        original_language="th",
        title=THAI["title"],
        summary=THAI["summary"],
        problem_statement="",
        operational_scenario="",
    )


@pytest.fixture
def asean_editor(asean_org):
    user = UserFactory(email="th.editor@example.org")
    add_member(asean_org, user, MembershipRole.EDITOR)
    return user


def _client(client_for, user, language: str):
    c = client_for(user) if user is not None else Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return c


def _publish(challenge: Challenge) -> None:
    Challenge.objects.filter(pk=challenge.pk).update(state=ChallengeState.LISTED)


def test_translation_save_adds_a_version_readers_of_that_language_see(thai_draft, asean_editor):
    multilingual.challenge_translation_save(
        challenge=thai_draft, language="zh-hans", by=asean_editor, **CHINESE
    )
    challenge = Challenge.objects.prefetch_related("translations").get(pk=thai_draft.pk)
    with translation.override("zh-hans"):
        assert localized(challenge, "title") == CHINESE["title"]
    with translation.override("vi"):  # no Vietnamese version: the original
        assert localized(challenge, "title") == THAI["title"]
    # Fields the translation leaves empty fall back to the original.
    assert localized(challenge, "problem_statement", "zh-hans") == challenge.problem_statement
    assert [v.language for v in versions_of(challenge)] == ["th", "zh-hans"]
    # Existing code reading the columns is untouched.
    assert challenge.title == THAI["title"]


def test_translation_save_replaces_and_keeps_history(thai_draft, asean_editor):
    multilingual.challenge_translation_save(
        challenge=thai_draft, language="en", by=asean_editor, title="Old", summary="Old summary"
    )
    multilingual.challenge_translation_save(
        challenge=thai_draft, language="en", by=asean_editor, title="New", summary="New summary"
    )
    row = ChallengeTranslation.objects.get(master=thai_draft, language_code="en")
    assert row.translated_title == "New"
    assert [h.translated_title for h in row.history.order_by("history_date")] == ["Old", "New"]
    assert row.history.latest("history_date").history_user == asean_editor


def test_translation_in_the_original_language_is_refused(thai_draft, asean_editor):
    with pytest.raises(ValidationError) as exc:
        multilingual.challenge_translation_save(
            challenge=thai_draft, language="th", by=asean_editor, **THAI
        )
    assert "language" in exc.value.message_dict
    assert not ChallengeTranslation.objects.exists()


def test_translation_of_a_listed_challenge_is_refused(thai_draft, asean_editor):
    _publish(thai_draft)
    with pytest.raises(ValidationError):
        multilingual.challenge_translation_save(
            challenge=thai_draft, language="en", by=asean_editor, title="T", summary="S"
        )
    assert not ChallengeTranslation.objects.exists()


def test_translation_delete_removes_the_version_but_history_keeps_it(thai_draft, asean_editor):
    multilingual.challenge_translation_save(
        challenge=thai_draft, language="en", by=asean_editor, title="Rice", summary="S"
    )
    multilingual.challenge_translation_delete(challenge=thai_draft, language="en", by=asean_editor)
    assert not ChallengeTranslation.objects.exists()
    assert ChallengeTranslation.history.filter(history_type="-").count() == 1


def test_detail_shows_readers_language_and_links_other_versions(
    thai_draft, asean_editor, client_for
):
    multilingual.challenge_translation_save(
        challenge=thai_draft, language="zh-hans", by=asean_editor, **CHINESE
    )
    _publish(thai_draft)
    url = reverse("challenges:detail", args=[thai_draft.pk])
    html = _client(client_for, None, "zh-hans").get(url).content.decode()
    assert f'<h1 lang="zh-hans">{CHINESE["title"]}</h1>' in html
    assert "?version=th" in html  # the original one click away

    # An English reader has no English version: the original, labelled.
    html = _client(client_for, None, "en").get(url).content.decode()
    assert f'<h1 lang="th">{THAI["title"]}</h1>' in html
    assert "Original language: ภาษาไทย." in html

    # ?version= picks a version explicitly; an unknown one falls back.
    html = _client(client_for, None, "en").get(url + "?version=zh-hans").content.decode()
    assert CHINESE["summary"] in html
    html = _client(client_for, None, "en").get(url + "?version=xx").content.decode()
    assert THAI["summary"] in html


def test_listing_cards_use_readers_version(thai_draft, asean_editor, client_for):
    multilingual.challenge_translation_save(
        challenge=thai_draft, language="zh-hans", by=asean_editor, **CHINESE
    )
    _publish(thai_draft)
    html = _client(client_for, None, "zh-hans").get(reverse("challenges:list")).content.decode()
    assert CHINESE["title"] in html
    assert THAI["title"] not in html


def test_translation_form_adds_edits_and_removes(thai_draft, asean_editor, client_for):
    c = client_for(asean_editor)
    url = reverse("challenges:translations", args=[thai_draft.pk])
    page = c.get(url).content.decode()
    assert "English or Chinese version is especially welcome" in page
    response = c.post(url, {"language": "en", "title": "Rice disease", "summary": "Losses."})
    assert response.status_code == 302
    assert ChallengeTranslation.objects.get(master=thai_draft).translated_title == "Rice disease"

    page = c.get(url + "?language=en").content.decode()
    assert 'value="Rice disease"' in page

    remove = reverse("challenges:translation_delete", args=[thai_draft.pk, "en"])
    assert "Remove the English version?" in c.get(remove).content.decode()
    assert ChallengeTranslation.objects.exists()  # the GET only asks
    c.post(remove)
    assert not ChallengeTranslation.objects.exists()


def test_translation_form_rejects_bad_input_and_changes_nothing(
    thai_draft, asean_editor, client_for
):
    c = client_for(asean_editor)
    url = reverse("challenges:translations", args=[thai_draft.pk])
    for data in (
        {"language": "th", "title": "x", "summary": "y"},  # the original's language
        {"language": "xx", "title": "x", "summary": "y"},  # not a portal language
        {"language": "en", "title": "", "summary": "y"},  # title missing
    ):
        response = c.post(url, data)
        assert response.status_code == 200
        assert 'class="field-error' in response.content.decode() or "errorlist" in (
            response.content.decode()
        )
    assert not ChallengeTranslation.objects.exists()


def test_translation_pages_are_404_for_outsiders_viewers_and_non_drafts(
    thai_draft, asean_org, outsider, client_for
):
    viewer = UserFactory(email="th.viewer@example.org")
    add_member(asean_org, viewer, MembershipRole.VIEWER)
    url = reverse("challenges:translations", args=[thai_draft.pk])
    assert client_for(outsider).post(url, {"language": "en"}).status_code == 404
    assert client_for(viewer).get(url).status_code == 404
    assert not ChallengeTranslation.objects.exists()


def test_emails_carry_the_recipients_version_of_the_title(
    operator, django_capture_on_commit_callbacks
):
    challenge = ChallengeFactory(title="Flood warning for the Mekong")
    chinese_reader = UserFactory(email="zh.owner@example.org", preferred_language="zh-hans")
    add_member(challenge.organization, chinese_reader, MembershipRole.OWNER)
    english_reader = UserFactory(email="en.editor@example.org", preferred_language="en")
    add_member(challenge.organization, english_reader, MembershipRole.EDITOR)
    multilingual.challenge_translation_save(
        challenge=challenge,
        language="zh-hans",
        by=english_reader,
        title="湄公河洪水预警",
        summary="洪水来时没有预警。",
    )
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition_challenge(challenge, "submit", by=english_reader)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition_challenge(challenge, "publish", by=operator)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "湄公河洪水预警" in subjects["zh.owner@example.org"]
    assert "Flood warning for the Mekong" in subjects["en.editor@example.org"]
    assert "湄公河" not in subjects["en.editor@example.org"]
