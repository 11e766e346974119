"""The listing's cards, rendered once per challenge, language and time zone (issue 11).

A card is the same HTML for every reader of one language and time zone
(plus the "draft bid" badge of the reader's organization). Its rendering is
cached under the public generation stamp (`challenges.publiccache`), so any
change the public sees renders it afresh. The rows of the cached cards are
not even loaded: the page needs only their primary keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from .. import publiccache

CARD_TEMPLATE = "challenges/_card.html"


@dataclass(frozen=True)
class CachedCard:
    """A card already rendered: stands in for the row in the page."""

    pk: int
    html: SafeString


def _key(pk: int, has_draft: bool, stamp: str) -> str:
    zone = timezone.get_current_timezone_name()
    return publiccache.key("card", get_language(), zone, pk, int(has_draft), stamp=stamp)


def cached_fetch(
    fetch: Callable[[list[int]], Iterable[Any]], draft_ids: set[int]
) -> Callable[[list[int]], list[Any]]:
    """Wrap a paginator's `fetch(pks)`: cached cards for the hits, rows for the misses."""

    def fetch_cards(pks: list[int]) -> list[Any]:
        if not publiccache.timeout():
            return list(fetch(pks))
        stamp = publiccache.generation()
        keys = {pk: _key(pk, pk in draft_ids, stamp) for pk in pks}
        found = cache.get_many(list(keys.values()))
        # The cache holds only what render_cards stored: autoescaped template output.
        hits = [
            CachedCard(pk, SafeString(found[k]))  # nosec B703
            for pk, k in keys.items()
            if k in found
        ]
        missing = [pk for pk, k in keys.items() if k not in found]
        return hits + (list(fetch(missing)) if missing else [])

    return fetch_cards


def render_cards(rows: list[Any], draft_ids: set[int]) -> list[SafeString]:
    """The HTML of each card, in order; renders (and caches) the ones not cached yet."""
    template = get_template(CARD_TEMPLATE)
    fresh: dict[str, str] = {}
    stamp = publiccache.generation() if publiccache.timeout() else ""
    cards: list[SafeString] = []
    for row in rows:
        if isinstance(row, CachedCard):
            cards.append(row.html)
            continue
        html = SafeString(  # nosec B703  # an autoescaping template's output
            template.render({"challenge": row, "draft_bid_ids": draft_ids})
        )
        cards.append(html)
        fresh[_key(row.pk, row.pk in draft_ids, stamp)] = str(html)
    if fresh and stamp:
        cache.set_many(fresh, publiccache.timeout())
    return cards


FILTER_TEMPLATE = "challenges/_filter_fields.html"


def filter_fields(form: Any, data: Any) -> SafeString:
    """The listing's filter fields (all but the search box), cached per language and values.

    The widgets are the slowest part of the listing to render; they depend
    only on the submitted values (`data`, the query string) and the language.
    """
    template = get_template(FILTER_TEMPLATE)
    seconds = publiccache.timeout()
    if not seconds:
        return SafeString(template.render({"form": form}))  # nosec B703  # autoescaped
    values = [(name, data.getlist(name)) for name in form.fields]
    cache_key = publiccache.key("filters", get_language(), values)
    html = cache.get(cache_key)
    if html is None:
        html = template.render({"form": form})
        cache.set(cache_key, str(html), seconds)
    return SafeString(html)  # nosec B703  # the template's autoescaped output (cached)
