"""Full-text search ranks a bounded candidate set (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from challenges import selectors
from challenges.search import update_search_vector
from tests.challenges.factories import listed_challenge

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_search_ranks_only_the_newest_candidates(client, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES", 3)
    made = [listed_challenge(title=f"Flood warning model {n}") for n in range(5)]
    listed_challenge(title="Rice disease detection")
    for challenge in made:
        update_search_vector(challenge.pk)
    response = client.get(reverse("challenges:list"), {"q": "flood"})
    shown = [c.pk for c in response.context["challenges"]]
    # The three most recently published matches, ranked; older matches are not ranked.
    assert sorted(shown) == sorted(c.pk for c in made[-3:])
    assert response.context["total"] == 3
    newest = client.get(reverse("challenges:list"), {"q": "flood", "sort": "newest"})
    assert newest.context["total"] == 5
