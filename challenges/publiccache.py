"""What the public sees of challenges, cached (Django cache: Redis in production).

Every cached entry (anonymous listing and detail pages, listing counts) is
keyed by one *generation* stamp. Anything that changes what the public sees
— a challenge published, edited, closed, cancelled, its KPIs, attachments
or organization edited — calls `invalidate_public_pages()`, which writes a
new stamp: every older entry is unreachable at once and expires on its own.
The stamp is a clock value, never a counter, so a stamp lost with a Redis
restart can never come back and revive old entries.

The hooks live next to the writers (the challenge transition machine and
model saves, see `connect()`), never in views. `PUBLIC_CACHE_SECONDS = 0`
(the test settings) switches caching off.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from .enums import ChallengeState

GENERATION_KEY = "challenges:public:generation"
# The stamp read once for the whole of one public request (see `pinned`).
_PINNED: ContextVar[str | None] = ContextVar("public_generation", default=None)


def timeout() -> int:
    """Seconds a public entry lives (0: the cache is off)."""
    return int(getattr(settings, "PUBLIC_CACHE_SECONDS", 0) or 0)


def generation() -> str:
    """The current stamp; started (never reset to an older value) when missing."""
    pinned_stamp = _PINNED.get()
    if pinned_stamp is not None:
        return pinned_stamp
    stamp = cache.get(GENERATION_KEY)
    if stamp is None:
        stamp = str(time.time_ns())
        cache.add(GENERATION_KEY, stamp, None)
        stamp = cache.get(GENERATION_KEY) or stamp
    return str(stamp)


@contextmanager
def pinned() -> Iterator[None]:
    """Read the stamp once for the block (one public page: its page, count, card keys).

    A change made inside the block unpins it (`invalidate_public_pages`).
    """
    token = _PINNED.set(generation() if timeout() else None)
    try:
        yield
    finally:
        _PINNED.reset(token)


def _bump() -> None:
    _PINNED.set(None)
    cache.set(GENERATION_KEY, str(time.time_ns()), None)


def invalidate_public_pages() -> None:
    """Make every cached public page and count stale, now and again after the commit.

    The first stamp keeps readers in other transactions from serving the old
    entries; the second one drops anything they cached from the old rows in
    between (they could not see the uncommitted change yet).
    """
    _bump()
    transaction.on_commit(_bump)


def key(kind: str, *parts: Any, stamp: str | None = None) -> str:
    """A cache key of the current generation (or of `stamp`) for `kind` and its parts (hashed).

    Pass `stamp=generation()` when making several keys in one request: one
    cache read for the stamp instead of one per key.
    """
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f"challenges:public:{stamp or generation()}:{kind}:{digest}"


def cached_count(queryset: QuerySet, parts: Sequence[Any]) -> int:
    """`queryset.count()`, cached for this generation under the filter values `parts`."""
    seconds = timeout()
    if not seconds:
        return queryset.count()
    count_key = key("count", *parts)
    count = cache.get(count_key)
    if count is None:
        count = queryset.count()
        cache.set(count_key, count, seconds)
    return int(count)


# --------------------------------------------------------------------------- hooks
def _public(state: str) -> bool:
    return state in ChallengeState.public()


def on_transitions(changes: Iterable[Any]) -> None:
    """Machine observer: a challenge entered or left a public state."""
    if any(_public(c.from_state) or _public(c.to_state) for c in changes):
        invalidate_public_pages()


def _on_challenge_saved(sender, instance, **kwargs) -> None:
    # Edits of a public challenge (and transitions into a public state) are saves.
    if _public(instance.state):
        invalidate_public_pages()


def _on_part_saved(sender, instance, **kwargs) -> None:
    # KPIs and attachments of a challenge (not of a bid) show on its public page.
    if getattr(instance, "challenge_id", None):
        invalidate_public_pages()


def _always(sender, instance, **kwargs) -> None:
    invalidate_public_pages()


def connect(
    *, challenge: type, parts: Sequence[type], owners: Sequence[type], machine: Any
) -> None:
    """Hook the invalidation to the writers (called once from `AppConfig.ready`)."""
    receivers: list[tuple[Sequence[type], Callable[..., None]]] = [
        ((challenge,), _on_challenge_saved),
        (parts, _on_part_saved),
        (owners, _always),
    ]
    for models, receiver in receivers:
        for model in models:
            uid = f"publiccache:{model._meta.label}"
            post_save.connect(receiver, sender=model, dispatch_uid=uid + ":save")
            post_delete.connect(receiver, sender=model, dispatch_uid=uid + ":delete")
    if on_transitions not in machine.audit:
        machine.audit.append(on_transitions)
