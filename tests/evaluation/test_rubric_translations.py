"""The rubric in other languages: the operator adds versions, reviewers read theirs."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.multilingual import localized
from evaluation import selectors, services
from evaluation.models import CriterionTranslation

from .conftest import assign, review

pytestmark = pytest.mark.django_db


def _first(scenario):
    return selectors.rubric(scenario.challenge)[0]


def test_rubric_translation_save_adds_changes_and_removes_versions(operator, scenario):
    criterion = _first(scenario)
    rows = {criterion.pk: {"name": "技术方案", "guidance": "方法是否可行。"}}
    assert (
        services.rubric_translation_save(
            challenge=scenario.challenge, language="zh-hans", rows=rows, by=operator
        )
        == 1
    )
    criterion = _first(scenario)
    assert localized(criterion, "name", "zh-hans") == "技术方案"
    assert localized(criterion, "guidance", "zh-hans") == "方法是否可行。"
    assert localized(criterion, "name", "th") == criterion.name  # no Thai version: original
    # Saving the same text again changes nothing; an empty name removes the version.
    assert (
        services.rubric_translation_save(
            challenge=scenario.challenge, language="zh-hans", rows=rows, by=operator
        )
        == 0
    )
    services.rubric_translation_save(
        challenge=scenario.challenge,
        language="zh-hans",
        rows={criterion.pk: {"name": "", "guidance": ""}},
        by=operator,
    )
    assert not CriterionTranslation.objects.exists()
    assert CriterionTranslation.history.count() == 2  # added, then removed


def test_rubric_translation_is_refused_for_the_original_language_and_non_operators(
    operator, owner, scenario
):
    criterion = _first(scenario)
    rows = {criterion.pk: {"name": "Technical", "guidance": ""}}
    with pytest.raises(ValidationError):
        services.rubric_translation_save(
            challenge=scenario.challenge, language="en", rows=rows, by=operator
        )
    with pytest.raises(ValidationError):
        services.rubric_translation_save(
            challenge=scenario.challenge, language="th", rows=rows, by=owner
        )
    assert not CriterionTranslation.objects.exists()


def test_rubric_translation_is_refused_once_a_review_is_submitted(operator, scenario):
    review(assign(scenario), scenario.bids[0], 7)
    criterion = _first(scenario)
    with pytest.raises(ValidationError):
        services.rubric_translation_save(
            challenge=scenario.challenge,
            language="th",
            rows={criterion.pk: {"name": "เทคนิค", "guidance": ""}},
            by=operator,
        )
    assert not CriterionTranslation.objects.exists()


def test_rubric_translation_page_saves_and_is_404_for_others(client_for, operator, owner, scenario):
    criterion = _first(scenario)
    url = reverse("evaluation:rubric_translations", args=[scenario.challenge.pk])
    assert client_for(owner).get(url).status_code == 404
    c = client_for(operator)
    assert f"name_{criterion.pk}" in c.get(url + "?language=th").content.decode()
    response = c.post(url, {"language": "th", f"name_{criterion.pk}": "ความเป็นเลิศทางเทคนิค"})
    assert response.status_code == 302
    row = CriterionTranslation.objects.get()
    assert (row.language_code, row.translated_name) == ("th", "ความเป็นเลิศทางเทคนิค")
    # Guidance without a name is refused, and nothing changes.
    response = c.post(url, {"language": "th", f"guidance_{criterion.pk}": "only guidance"})
    assert response.status_code == 200
    assert CriterionTranslation.objects.get().translated_guidance == ""


def test_reviewer_reads_the_rubric_in_their_language(client_for, operator, scenario):
    criterion = _first(scenario)
    services.rubric_translation_save(
        challenge=scenario.challenge,
        language="zh-hans",
        rows={criterion.pk: {"name": "技术方案的质量", "guidance": ""}},
        by=operator,
    )
    assignment = assign(scenario)
    c = client_for(assignment.reviewer)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    url = reverse("review:evaluation_reviewerassignment_change", args=[assignment.pk])
    html = c.get(url).content.decode()
    assert "技术方案的质量" in html
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert criterion.name in c.get(url).content.decode()
