"""Full-text search over challenges, in every language version and every script.

PostgreSQL: a stored tsvector with a GIN index, built from the original text
and every translation. English text is indexed with English stemming; text in
any other language is first segmented into words with ICU (Thai, Lao, Khmer,
Burmese and Chinese have no spaces between words; `core.wordbreak`) and
indexed with the 'simple' configuration. A query is matched both ways: as
English (stemmed, web-search syntax) or as ICU-segmented words.

Elsewhere (the embedded SQLite default): every ICU word of the query must
occur (case-insensitively) in some field of the original or of a translation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import reduce
from operator import add, and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, TextField, Value

from core.multilingual import normalize, reader_language
from core.wordbreak import segmented, words

from .models import Challenge, ChallengeTranslation

SEARCH_CONFIG = "english"
SIMPLE_CONFIG = "simple"
SEARCH_FIELDS = ("title", "summary", "problem_statement", "operational_scenario")
WEIGHTS = {"title": "A", "summary": "B", "problem_statement": "C", "operational_scenario": "C"}
MAX_TERMS = 8


def _vector() -> SearchVector:
    """The vector of an English original without translations, as one SQL expression.

    Used for bulk rebuilds (`rebuild_search_vectors`, the benchmark seeding): it
    gives the same vector as `search_documents` for such a challenge.
    """
    return reduce(
        add,
        (SearchVector(f, weight=WEIGHTS[f], config=SEARCH_CONFIG) for f in SEARCH_FIELDS),
    )


def search_documents(
    challenge: Challenge, translations: Iterable[ChallengeTranslation] = ()
) -> dict[tuple[str, str], str]:
    """What goes into the vector: text per (configuration, weight), all versions merged."""
    versions = [(normalize(challenge.original_language), challenge, "")]
    versions += [(normalize(t.language_code), t, "translated_") for t in translations]
    parts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for language, source, prefix in versions:
        english = language == "en"
        for field in SEARCH_FIELDS:
            text = getattr(source, prefix + field, "") or ""
            if not text.strip():
                continue
            config = SEARCH_CONFIG if english else SIMPLE_CONFIG
            parts[(config, WEIGHTS[field])].append(text if english else segmented(text, language))
    return {key: "\n".join(texts) for key, texts in parts.items()}


def _vector_of(challenge: Challenge, translations: Iterable[ChallengeTranslation]):
    documents = search_documents(challenge, translations)
    if not documents:
        return None
    return reduce(
        add,
        (
            SearchVector(Value(text, output_field=TextField()), config=config, weight=weight)
            for (config, weight), text in sorted(documents.items())
        ),
    )


def update_search_vector(challenge_id: int) -> None:
    """Recompute the stored search vector of one challenge (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    challenge = Challenge.objects.filter(pk=challenge_id).first()
    if challenge is None:
        return
    translations = ChallengeTranslation.objects.filter(master_id=challenge_id)
    Challenge.objects.filter(pk=challenge_id).update(
        search_vector=_vector_of(challenge, translations)
    )


def rebuild_search_vectors(queryset: QuerySet | None = None) -> int:
    """Recompute the vectors of `queryset` (default: every challenge); returns how many.

    English originals without translations are updated with one SQL statement;
    the others are segmented in Python, one UPDATE each. PostgreSQL only (0 elsewhere).
    """
    if connection.vendor != "postgresql":
        return 0
    queryset = queryset if queryset is not None else Challenge.objects.all()
    has_translation = Exists(ChallengeTranslation.objects.filter(master=OuterRef("pk")))
    with transaction.atomic():
        plain = queryset.filter(original_language="en").exclude(has_translation)
        count = Challenge.objects.filter(pk__in=plain.values("pk")).update(search_vector=_vector())
        rest = (
            queryset.exclude(pk__in=plain.values("pk"))
            .prefetch_related("translations")
            .only("pk", "original_language", *SEARCH_FIELDS)
        )
        for challenge in rest.iterator(chunk_size=500):
            Challenge.objects.filter(pk=challenge.pk).update(
                search_vector=_vector_of(challenge, challenge.translations.all())
            )
            count += 1
    return count


def _terms(query: str, *, lower: bool) -> list[str]:
    language = reader_language()
    found: list[str] = []
    for chunk in query.split():
        chunk = chunk.strip('"')
        found += words(chunk, language) if lower else _cased_words(chunk, language)
    return list(dict.fromkeys(found))[:MAX_TERMS]


def _cased_words(text: str, language: str) -> list[str]:
    # ICU words in their original case (SQLite's LIKE folds ASCII case only).
    lowered = text.lower()
    out, position = [], 0
    for word in words(text, language):
        start = lowered.find(word, position)
        if start < 0:
            out.append(word)
            continue
        out.append(text[start : start + len(word)])
        position = start + len(word)
    return out


def _postgres_search(queryset: QuerySet, query: str) -> QuerySet:
    search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    terms = _terms(query, lower=True)
    if terms:
        search_query = search_query | SearchQuery(
            " ".join(terms), config=SIMPLE_CONFIG, search_type="plain"
        )
    return queryset.filter(search_vector=search_query).annotate(
        rank=SearchRank(F("search_vector"), search_query)  # F(): the stored, weighted vector
    )


def _fallback_condition(term: str) -> Q:
    original = reduce(or_, (Q(**{f"{f}__icontains": term}) for f in SEARCH_FIELDS))
    translated = reduce(or_, (Q(**{f"translated_{f}__icontains": term}) for f in SEARCH_FIELDS))
    return original | Q(
        Exists(ChallengeTranslation.objects.filter(translated, master=OuterRef("pk")))
    )


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Filter (and on PostgreSQL rank) challenges matching a free-text query."""
    query = (query or "").strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        return _postgres_search(queryset, query)
    conditions = [_fallback_condition(term) for term in _terms(query, lower=False)]
    return queryset.filter(reduce(and_, conditions)) if conditions else queryset
