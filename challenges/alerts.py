"""Saved searches of the public listing and the e-mail alerts they send.

A signed-in user saves the listing's filters (search words, countries,
sector, cooperation mode) under a name. When the programme office publishes
a challenge, a Celery task (`challenges.tasks.notify_saved_searches`, queued
by a hook on the challenge machine's `publish` row) finds the saved searches
it matches and notifies each owner once through the notification outbox,
which honours their e-mail preference (right away, daily digest or off).
`SavedSearchAlert` is the "already sent" mark: one row per saved search and
challenge, so a task run twice never notifies twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.multilingual import all_versions
from entities.models import User
from notifications.services import notify

from .enums import ChallengeState
from .models import Challenge, SavedSearch, SavedSearchAlert
from .search import search

log = logging.getLogger(__name__)

#: How many saved searches one user may keep.
MAX_SAVED_SEARCHES = 20
MATCH_EVENT = "challenge.search_match"


# --------------------------------------------------------------------------- reading
def saved_searches_of(user: User) -> QuerySet[SavedSearch]:
    """The user's saved searches, by name."""
    return SavedSearch.objects.filter(user=user).order_by("name", "pk")


def saved_search_of(user: User, pk: int) -> SavedSearch | None:
    """One of the user's own saved searches (None for anybody else's: a 404 for the view)."""
    if not user.is_authenticated:
        return None
    return SavedSearch.objects.filter(user=user, pk=pk).first()


# --------------------------------------------------------------------------- writing
def _check_name(*, user: User, name: str, exclude: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the search a name.")})
    taken = SavedSearch.objects.filter(user=user, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"name": _("You already have a saved search with this name.")})
    return name


@transaction.atomic
def saved_search_create(
    *,
    user: User,
    name: str,
    query: str = "",
    countries: Sequence[str] = (),
    sector: str = "",
    mode: str = "",
) -> SavedSearch:
    """Save the listing's filters under a name (at most MAX_SAVED_SEARCHES per user)."""
    # Lock the user's row: two saves at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
        raise ValidationError(
            _("You can keep at most %(n)s saved searches. Delete one you no longer need first.")
            % {"n": MAX_SAVED_SEARCHES}
        )
    saved = SavedSearch(
        user=user,
        name=_check_name(user=user, name=name),
        query=(query or "").strip(),
        countries=sorted(set(countries)),
        sector=sector or "",
        mode=mode or "",
    )
    saved.full_clean()
    saved.save()
    return saved


@transaction.atomic
def saved_search_rename(*, saved_search: SavedSearch, name: str, by: User) -> SavedSearch:
    """Give a saved search a new name (only its owner may)."""
    if saved_search.user_id != by.pk:
        raise ValidationError(_("This saved search is not yours."))
    locked = SavedSearch.objects.select_for_update().get(pk=saved_search.pk)
    locked.name = _check_name(user=by, name=name, exclude=locked.pk)
    locked.updated_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["name", "updated_at"])
    return locked


@transaction.atomic
def saved_search_delete(*, saved_search: SavedSearch, by: User) -> None:
    """Delete a saved search: no more alerts from it (only its owner may)."""
    if saved_search.user_id != by.pk:
        raise ValidationError(_("This saved search is not yours."))
    SavedSearch.objects.filter(pk=saved_search.pk).delete()


# --------------------------------------------------------------------------- matching
def matching_saved_searches(challenge: Challenge) -> list[SavedSearch]:
    """Saved searches of active users that `challenge` matches and has not alerted yet.

    Sector and mode are narrowed in the database, countries in Python (a JSON
    list), and the search words with the listing's own full-text search: one
    query per distinct phrase among the candidates.
    """
    already = SavedSearchAlert.objects.filter(saved_search=OuterRef("pk"), challenge=challenge)
    candidates = (
        SavedSearch.objects.filter(user__is_active=True)
        .filter(Q(sector="") | Q(sector=challenge.sector))
        .filter(Q(mode="") | Q(mode__in=list(challenge.cooperation_modes)))
        .exclude(Exists(already))
        .select_related("user")
        .order_by("pk")
    )
    country = challenge.organization.country.code
    candidates = [s for s in candidates if not s.countries or country in s.countries]
    found: dict[str, bool] = {}
    for phrase in {s.query for s in candidates if s.query}:
        found[phrase] = search(Challenge.objects.filter(pk=challenge.pk), phrase).exists()
    return [s for s in candidates if not s.query or found[s.query]]


def _alert_context(challenge: Challenge, saved: SavedSearch) -> dict[str, object]:
    return {
        "search": saved.name,
        "challenge": all_versions(challenge, "title"),
        "organization": challenge.organization.legal_name,
        "country": challenge.organization.country.code,
        "deadline": challenge.deadline,
        "url": challenge.get_absolute_url(),
    }


def saved_search_alerts_send(*, challenge_id: int, now: dt.datetime | None = None) -> int:
    """Notify the owner of every saved search the published challenge matches, once each.

    Idempotent: the unique `SavedSearchAlert` row is written in the same
    transaction as the notification, so a second run (or a concurrent one)
    skips what was sent. Returns how many alerts were sent now.
    """
    challenge = (
        Challenge.objects.select_related("organization")
        .filter(pk=challenge_id, state=ChallengeState.LISTED)
        .first()
    )
    if challenge is None:
        return 0
    sent = 0
    for saved in matching_saved_searches(challenge):
        try:
            with transaction.atomic():
                SavedSearchAlert.objects.create(
                    saved_search=saved, challenge=challenge, sent_at=now or timezone.now()
                )
                notify([saved.user], MATCH_EVENT, challenge, _alert_context(challenge, saved))
        except IntegrityError:
            continue  # another run sent this one first
        sent += 1
    if sent:
        log.info("challenge %s: %s saved-search alert(s) sent", challenge_id, sent)
    return sent
