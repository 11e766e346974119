"""The anonymous listing and detail pages are cached, and never stale after a change."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.test import Client
from django.urls import reverse

from challenges import lifecycle
from challenges.models import Challenge
from portal.demo import builders
from portal.templatetags.portal_tags import elided_pages
from tests.challenges.factories import ChallengeFactory, listed_challenge
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db

LISTING = reverse("challenges:list")


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PUBLIC_CACHE_SECONDS = 60


def _get(url: str, **headers) -> tuple[str, bool]:
    response = Client().get(url, headers=headers)
    assert response.status_code == 200
    return response.content.decode(), response.get("X-Page-Cache") == "hit"


def test_public_cache_second_anonymous_request_is_a_hit_with_its_own_csrf_token():
    challenge = listed_challenge(title="Mangrove loss mapping")
    first, hit = _get(LISTING)
    assert not hit and "Mangrove loss mapping" in first
    client = Client()
    response = client.get(LISTING)
    page = response.content.decode()
    assert response["X-Page-Cache"] == "hit"
    assert "Mangrove loss mapping" in page
    # The token in the page is this visitor's, not the first visitor's.
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert token not in first
    assert client.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token})
    assert _get(reverse("challenges:detail", args=[challenge.pk]))[1] is False
    assert _get(reverse("challenges:detail", args=[challenge.pk]))[1] is True


def test_public_cache_visitor_sees_a_newly_published_challenge_at_once(
    operator, django_capture_on_commit_callbacks
):
    listed_challenge(title="Mangrove loss mapping")
    draft = ChallengeFactory(title="Typhoon damage triage")
    assert "Typhoon damage triage" not in _get(LISTING)[0]
    assert _get(LISTING)[1]
    author = UserFactory()
    add_member(draft.organization, author, "editor")
    with django_capture_on_commit_callbacks(execute=True):
        builders.challenge_listed(draft, author=author, operator=operator)
    page, hit = _get(LISTING)
    assert not hit
    assert "Typhoon damage triage" in page


def test_public_cache_visitor_sees_a_cancellation_and_an_edit_at_once(
    operator, django_capture_on_commit_callbacks
):
    challenge = listed_challenge(title="Mangrove loss mapping")
    other = listed_challenge(title="Dengue outbreak forecasting")
    detail = reverse("challenges:detail", args=[other.pk])
    _get(LISTING), _get(detail)
    assert _get(LISTING)[1] and _get(detail)[1]
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition_challenge(challenge, "cancel", by=operator, reason="No budget.")
    page, hit = _get(LISTING)
    assert not hit and "Mangrove loss mapping" not in page
    # An edit of a published challenge (e.g. by the programme office) is a save.
    other.refresh_from_db()
    other.title = "Dengue outbreak early warning"
    with django_capture_on_commit_callbacks(execute=True):
        other.save()
    assert "Dengue outbreak early warning" in _get(detail)[0]
    assert "Dengue outbreak early warning" in _get(LISTING)[0]


def test_public_cache_is_bypassed_for_members_and_no_cache_requests(client_for, operator):
    listed_challenge(title="Mangrove loss mapping")
    _get(LISTING)
    assert _get(LISTING)[1]
    assert not _get(LISTING, **{"Cache-Control": "no-cache"})[1]
    response = client_for(operator).get(LISTING)
    assert response.get("X-Page-Cache") is None
    assert "Operator desk" in response.content.decode()


def test_pagination_of_a_huge_listing_names_a_handful_of_pages():
    page = Paginator(range(100_000), 12).page(500)
    pages = elided_pages(page)
    assert pages == [1, Paginator.ELLIPSIS, 498, 499, 500, 501, 502, Paginator.ELLIPSIS, 8334]


def test_listing_page_links_only_nearby_pages():
    for n in range(40):
        ChallengeFactory(title=f"Challenge number {n}", kpis=False)
    Challenge.objects.update(state="listed")
    page, _ = _get(LISTING + "?page=1")
    assert "?page=2" in page and "?page=4" in page
    assert "?page=5" not in page  # 4 pages: 1 2 3 4, nothing more


def test_public_cache_visitor_sees_a_published_answer_at_once(django_capture_on_commit_callbacks):
    from challenges import clarifications
    from tests.factories import OrganizationFactory

    challenge = listed_challenge(title="Salinity maps")
    url = reverse("challenges:detail", args=[challenge.pk])
    asking = OrganizationFactory(capabilities=True)
    asker = UserFactory()
    add_member(asking, asker, "viewer")
    question = clarifications.question_ask(
        challenge=challenge, organization=asking, by=asker, text="Is the imagery labelled?"
    )
    _get(url)
    assert _get(url)[1]  # cached
    answerer = UserFactory()
    add_member(challenge.organization, answerer, "editor")
    with django_capture_on_commit_callbacks(execute=True):
        clarifications.question_answer(
            question=question, by=answerer, answer="Yes, by the provincial survey office."
        )
    page, hit = _get(url)
    assert not hit
    assert "Yes, by the provincial survey office." in page
