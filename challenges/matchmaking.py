"""Partner finder and matchmaking: the opt-in directory, and for a listed challenge the
Guangxi leads and ASEAN partners whose declared capabilities and past challenges fit it.

The score is explained: the capability keywords found in the challenge's text ("matches:
rice, salinity, remote sensing"), a shared sector, and words shared with challenges the
organization took part in. On PostgreSQL the full-text rank of the organization's listing
against the challenge's words is added (same explanation); SQLite uses the keywords alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from entities.enums import VerificationStatus
from entities.models import Organization, User

from .enums import ChallengeState
from .models import Bid, Challenge, DirectoryListing

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "are",
        "was",
        "were",
        "will",
        "can",
        "our",
        "their",
        "its",
        "into",
        "over",
        "under",
        "about",
        "each",
        "more",
        "most",
        "than",
        "then",
        "them",
        "they",
        "you",
        "your",
        "have",
        "has",
        "had",
        "not",
        "but",
        "all",
        "any",
        "use",
        "using",
        "used",
        "which",
        "who",
        "what",
        "when",
        "where",
        "how",
        "per",
        "via",
        "within",
        "between",
    ]
)
SIDE_LEAD = "lead"
SIDE_PARTNER = "partner"


def words(text: str) -> set[str]:
    """Content words of a text, lower case (three letters or more, no stop words)."""
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def challenge_text(challenge: Challenge) -> str:
    parts = (
        challenge.title,
        challenge.summary,
        challenge.problem_statement,
        challenge.operational_scenario,
        challenge.data_kind,
        challenge.experimental_environment,
        challenge.expected_outcomes,
    )
    return " ".join(p for p in parts if p).lower()


def directory_organizations() -> QuerySet[Organization]:
    """Verified organizations that opted in to the directory."""
    return (
        Organization.objects.filter(
            verification_status=VerificationStatus.VERIFIED, directory_listing__listed=True
        )
        .select_related("directory_listing")
        .order_by("legal_name")
    )


@dataclass
class Match:
    """One suggested organization, with why it is suggested."""

    organization: Organization
    score: float
    keywords: list[str] = field(default_factory=list)
    same_sector: bool = False
    past_words: list[str] = field(default_factory=list)

    @property
    def side(self) -> str:
        return SIDE_LEAD if self.organization.country.code == "CN" else SIDE_PARTNER


def _keyword_hits(keywords: list[str], text: str) -> list[str]:
    return [k for k in keywords if re.search(rf"(?<!\w){re.escape(k)}(?!\w)", text)]


def _past_titles(organizations: list[Organization]) -> dict[int, list[str]]:
    """Titles of the public challenges each organization posted or bid for (two queries)."""
    titles: dict[int, list[str]] = defaultdict(list)
    ids = [o.pk for o in organizations]
    public = ChallengeState.public()
    for org_id, title in Challenge.objects.filter(
        organization_id__in=ids, state__in=public
    ).values_list("organization_id", "title"):
        titles[org_id].append(title)
    for org_id, title in (
        Bid.objects.filter(applicant_id__in=ids, challenge__state__in=public)
        .exclude(state="draft")
        .values_list("applicant_id", "challenge__title")
    ):
        titles[org_id].append(title)
    return titles


def _fulltext_ranks(candidates: QuerySet[Organization], terms: set[str]) -> dict[int, float]:
    """PostgreSQL: rank of each listing (capabilities, summary) against the challenge's words."""
    if connection.vendor != "postgresql" or not terms:
        return {}
    query = SearchQuery(" | ".join(sorted(terms)), search_type="raw", config="simple")
    vector = SearchVector(
        "directory_listing__capabilities", "directory_listing__summary", config="simple"
    )
    return dict(candidates.annotate(rank=SearchRank(vector, query)).values_list("pk", "rank"))


def match_partners(challenge: Challenge, *, limit: int = 10) -> dict[str, list[Match]]:
    """Suggested Guangxi leads and ASEAN (and other) partners for `challenge`, best first.

    Only organizations with at least one reason to be suggested are returned.
    """
    text = challenge_text(challenge)
    terms = words(text)
    candidates = directory_organizations().exclude(pk=challenge.organization_id)
    organizations = list(candidates)
    past = _past_titles(organizations)
    ranks = _fulltext_ranks(candidates, terms)
    found: dict[str, list[Match]] = {SIDE_LEAD: [], SIDE_PARTNER: []}
    for organization in organizations:
        listing = organization.directory_listing
        hits = _keyword_hits(listing.keywords(), text)
        same_sector = bool(challenge.sector) and challenge.sector in (listing.sectors or [])
        shared = sorted(
            terms & set().union(*(words(t) for t in past.get(organization.pk, []))) - set(hits)
        )[:5]
        score = 2 * len(hits) + (3 if same_sector else 0) + len(shared)
        score += 10 * float(ranks.get(organization.pk) or 0)
        if not (hits or same_sector or shared):
            continue
        match = Match(organization, score, hits, same_sector, shared)
        found[match.side].append(match)
    for side in found:
        found[side].sort(key=lambda m: (-m.score, m.organization.legal_name))
        found[side] = found[side][:limit]
    return found


def search_directory(queryset: QuerySet[Organization], query: str) -> QuerySet[Organization]:
    """Organizations whose name, capabilities or summary contain every word of `query`."""
    for word in query.split():
        queryset = queryset.filter(
            Q(legal_name__icontains=word)
            | Q(local_name__icontains=word)
            | Q(directory_listing__capabilities__icontains=word)
            | Q(directory_listing__summary__icontains=word)
        )
    return queryset


def directory_listing_for(organization: Organization) -> DirectoryListing:
    """The organization's listing (unsaved and not listed when it never opted in)."""
    try:
        return organization.directory_listing
    except DirectoryListing.DoesNotExist:
        return DirectoryListing(organization=organization)


@transaction.atomic
def directory_listing_save(
    *, organization: Organization, by: User, **fields: Any
) -> DirectoryListing:
    """Opt in or out of the directory and update what it shows (history kept)."""
    listing = directory_listing_for(organization)
    for name, value in fields.items():
        setattr(listing, name, value)
    listing.updated_by = by
    listing.full_clean()
    listing._change_reason = "listed" if listing.listed else "not listed"
    listing.save()
    return listing
