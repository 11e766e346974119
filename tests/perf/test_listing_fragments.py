"""The listing's cards and filter fields are rendered once per language and reused (issue 11)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.challenges.factories import draft_bid, listed_challenge
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db

LISTING = reverse("challenges:list")


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PUBLIC_CACHE_SECONDS = 60


def _uncached(url: str, client: Client | None = None) -> tuple[str, int]:
    """The page without the page cache (a URL never seen before), and its query count."""
    with CaptureQueriesContext(connection) as queries:
        response = (client or Client()).get(url, headers={"Cache-Control": "no-cache"})
    assert response.status_code == 200
    assert response.get("X-Page-Cache") is None
    return response.content.decode(), len(queries)


def test_listing_cards_are_reused_without_loading_their_rows():
    listed_challenge(title="Mangrove loss mapping")
    listed_challenge(title="Dengue outbreak forecasting")
    first, cold = _uncached(LISTING)
    second, warm = _uncached(LISTING + "?page=1")
    assert "Mangrove loss mapping" in second and "Dengue outbreak forecasting" in second
    # The rows and their translations are not loaded when every card is cached.
    assert warm <= cold - 2
    assert first.count('class="item"') == second.count('class="item"') == 2


def test_listing_card_shows_an_edit_at_once(django_capture_on_commit_callbacks):
    challenge = listed_challenge(title="Mangrove loss mapping")
    _uncached(LISTING)
    challenge.title = "Mangrove and seagrass loss mapping"
    with django_capture_on_commit_callbacks(execute=True):
        challenge.save()
    assert "Mangrove and seagrass loss mapping" in _uncached(LISTING)[0]


def test_listing_draft_badge_is_never_shown_to_another_reader():
    challenge = listed_challenge(title="Mangrove loss mapping")
    author = UserFactory()
    bid = draft_bid(challenge)
    add_member(bid.applicant, author, "editor")
    member = Client()
    member.force_login(author)
    assert "You have a draft bid" in _uncached(LISTING, member)[0]
    assert "You have a draft bid" not in _uncached(LISTING)[0]
    assert "You have a draft bid" in _uncached(LISTING, member)[0]


def test_listing_filter_fields_keep_each_requests_values():
    listed_challenge(title="Mangrove loss mapping")
    plain, _ = _uncached(LISTING)
    filtered, _ = _uncached(LISTING + "?country=TH")
    assert _checked(filtered, "TH") and not _checked(plain, "TH")
    assert not _checked(_uncached(LISTING)[0], "TH")


def _checked(page: str, code: str) -> bool:
    tag = page.split(f'value="{code}"')[1].split(">")[0]
    return "checked" in tag


def test_public_stamp_is_read_once_per_page_and_unpinned_by_a_change():
    from challenges import publiccache

    with publiccache.pinned():
        stamp = publiccache.generation()
        publiccache.cache.set(publiccache.GENERATION_KEY, "elsewhere", None)
        assert publiccache.generation() == stamp  # read once for the page
        publiccache.invalidate_public_pages()
        assert publiccache.generation() not in (stamp, "elsewhere")
