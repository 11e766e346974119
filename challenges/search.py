"""Full-text search over challenges: PostgreSQL tsvector with a GIN index, a simple
case-insensitive fallback elsewhere (the embedded SQLite default)."""

from __future__ import annotations

from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet

from .models import Challenge

SEARCH_CONFIG = "english"
SEARCH_FIELDS = ("title", "summary", "problem_statement", "operational_scenario")


def _vector() -> SearchVector:
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("problem_statement", weight="C", config=SEARCH_CONFIG)
        + SearchVector("operational_scenario", weight="C", config=SEARCH_CONFIG)
    )


def update_search_vector(challenge_id: int) -> None:
    """Recompute the stored search vector of one challenge (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    Challenge.objects.filter(pk=challenge_id).update(search_vector=_vector())


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Filter (and on PostgreSQL rank) challenges matching a free-text query."""
    query = (query or "").strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        # F(): rank the stored, weighted vector (a bare name would re-parse its text).
        return queryset.filter(search_vector=search_query).annotate(
            rank=SearchRank(F("search_vector"), search_query)
        )
    terms = [t for t in query.split() if t.strip('"')][:8]
    conditions = [
        reduce(or_, (Q(**{f"{field}__icontains": term.strip('"')}) for field in SEARCH_FIELDS))
        for term in terms
    ]
    return queryset.filter(reduce(and_, conditions)) if conditions else queryset
