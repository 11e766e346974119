"""Search in every script: a word from the middle of a sentence is found, in any version.

Thai, Lao, Khmer and Burmese are written without spaces between words, Chinese
without any separator; ICU segments them at indexing and at query time. The
same sentences run on PostgreSQL (tsvector, `postgres` tests) and on the SQLite
fallback (the default test database).
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from challenges import multilingual
from challenges.enums import ChallengeState
from challenges.models import Challenge
from challenges.search import rebuild_search_vectors, search, update_search_vector
from core.wordbreak import words
from tests.factories import UserFactory

from .factories import ChallengeFactory

pytestmark = pytest.mark.django_db

#: (language, a sentence in it, a word from its middle, a word it does not contain)
SENTENCES = [
    (
        "th",
        "เกษตรกรในจังหวัดขอนแก่นต้องการระบบตรวจโรคข้าวด้วยภาพถ่ายจากโดรน",
        "ขอนแก่น",
        "ทุเรียน",
    ),
    (
        "lo",
        "ກະສິກອນໃນແຂວງສະຫວັນນະເຂດຕ້ອງການລະບົບກວດພະຍາດເຂົ້າ",
        "ລະບົບ",
        "ໂຮງຮຽນ",
    ),
    ("km", "កសិករនៅខេត្តបាត់ដំបងត្រូវការប្រព័ន្ធពិនិត្យជំងឺស្រូវ", "ប្រព័ន្ធ", "សាលារៀន"),
    (
        "my",
        "မန္တလေးတိုင်းရှိ လယ်သမားများသည် စပါးရောဂါကို ရှာဖွေရန်စနစ်လိုအပ်သည်",
        "ရောဂါ",
        "ကျောင်း",
    ),
    ("zh-hans", "广西农民需要一个识别水稻病害的系统。", "水稻", "医院"),
    ("vi", "Nông dân ở Đồng Tháp cần hệ thống phát hiện bệnh lúa sớm.", "phát hiện", "bệnh viện"),
]
IDS = [s[0] for s in SENTENCES]


def _listed(language: str, sentence: str) -> Challenge:
    challenge = ChallengeFactory(
        original_language=language,
        title=f"{sentence[:40]}",
        summary=sentence,
        problem_statement="",
        operational_scenario="",
    )
    Challenge.objects.filter(pk=challenge.pk).update(state=ChallengeState.LISTED)
    update_search_vector(challenge.pk)
    return challenge


def _found(query: str) -> set[int]:
    return set(search(Challenge.objects.all(), query).values_list("pk", flat=True))


@pytest.mark.parametrize(("language", "sentence", "word", "absent"), SENTENCES, ids=IDS)
def test_icu_segments_the_middle_word_as_a_word_of_its_own(language, sentence, word, absent):
    assert set(words(word, language)) <= set(words(sentence, language))
    assert not set(words(absent, language)) <= set(words(sentence, language))


@pytest.mark.parametrize(("language", "sentence", "word", "absent"), SENTENCES, ids=IDS)
def test_search_finds_a_word_from_the_middle_of_the_original(language, sentence, word, absent):
    challenge = _listed(language, sentence)
    ChallengeFactory(title="Flood warning", summary="Water levels", original_language="en")
    assert _found(word) == {challenge.pk}
    assert _found(absent) == set()


@pytest.mark.postgres
@pytest.mark.parametrize(("language", "sentence", "word", "absent"), SENTENCES, ids=IDS)
def test_postgres_vector_holds_the_segmented_words(language, sentence, word, absent):
    challenge = _listed(language, sentence)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text FROM challenges_challenge WHERE id = %s", [challenge.pk]
        )
        vector = cursor.fetchone()[0]
    for token in words(word, language):
        assert f"'{token}'" in vector
    assert _found(word) == {challenge.pk}


@pytest.mark.parametrize(("language", "sentence", "word", "absent"), SENTENCES, ids=IDS)
def test_search_finds_a_word_of_a_translation_and_forgets_it_when_removed(
    language, sentence, word, absent, django_capture_on_commit_callbacks
):
    challenge = _listed("en", "Early detection of crop disease")
    Challenge.objects.filter(pk=challenge.pk).update(state=ChallengeState.DRAFT)
    by = UserFactory()
    assert _found(word) == set()
    with django_capture_on_commit_callbacks(execute=True):
        multilingual.challenge_translation_save(
            challenge=challenge, language=language, by=by, title=sentence[:30], summary=sentence
        )
    assert _found(word) == {challenge.pk}
    assert _found("detection") == {challenge.pk}  # the English original still counts
    with django_capture_on_commit_callbacks(execute=True):
        multilingual.challenge_translation_delete(challenge=challenge, language=language, by=by)
    assert _found(word) == set()


def test_english_stemming_still_matches_on_postgres_and_words_on_sqlite():
    challenge = _listed("en", "Forecasting floods along the Mekong river")
    assert _found("forecasting floods") == {challenge.pk}
    if connection.vendor == "postgresql":
        assert _found("flooded forecast") == {challenge.pk}  # stems
    assert _found("forecasting volcanoes") == set()


def test_listing_search_in_thai_through_the_page(client):
    language, sentence, word, _absent = SENTENCES[0]
    challenge = _listed(language, sentence)
    response = client.get(reverse("challenges:list"), {"q": word})
    assert [c.pk for c in response.context["challenges"]] == [challenge.pk]


@pytest.mark.postgres
def test_rebuild_command_refills_every_vector():
    thai = _listed(*SENTENCES[0][:2])
    english = _listed("en", "Forecasting floods along the Mekong river")
    Challenge.objects.update(search_vector=None)
    assert _found(SENTENCES[0][2]) == set()
    call_command("rebuild_search_vectors")
    assert _found(SENTENCES[0][2]) == {thai.pk}
    assert _found("flood") == {english.pk}
    assert rebuild_search_vectors(Challenge.objects.filter(pk=thai.pk)) == 1


def test_rebuild_command_runs_on_sqlite_too(capsys):
    _listed("en", "Forecasting floods")
    call_command("rebuild_search_vectors")
    assert "search vector" in capsys.readouterr().out
