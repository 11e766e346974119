"""Personal data held by the challenges app, and the retention sweep.

`export_personal_data`/`erase_personal_data` are registered with
`entities.privacy` at start-up (saved searches belong to the person).
`retention_purge` is the daily sweep (`challenges.tasks.purge_retention`):
drafts never submitted and untouched for RETENTION_DRAFT_DAYS, invitations
expired for RETENTION_INVITATION_DAYS, accounts never confirmed for
RETENTION_UNVERIFIED_ACCOUNT_DAYS. Running it twice deletes nothing more.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from guardian.models import GroupObjectPermission, UserObjectPermission

from core.audit import audit_record
from core.enums import AuditAction
from entities import privacy as entity_privacy
from entities.models import User

from .enums import BidState, ChallengeState
from .models import Attachment, Bid, BidTransition, Challenge, ChallengeTransition, SavedSearch


def export_personal_data(user: User) -> dict[str, Any]:
    return {
        "saved_searches": list(
            SavedSearch.objects.filter(user=user).values(
                "name", "query", "countries", "sector", "mode", "created_at", "updated_at"
            )
        )
    }


def erase_personal_data(user: User) -> None:
    SavedSearch.objects.filter(user=user).delete()


def abandoned_challenges(cutoff: dt.datetime) -> models.QuerySet[Challenge]:
    """Drafts untouched since `cutoff` that were never submitted (a returned one was)."""
    submitted = ChallengeTransition.objects.filter(challenge=models.OuterRef("pk"), action="submit")
    return Challenge.objects.filter(state=ChallengeState.DRAFT, updated_at__lt=cutoff).exclude(
        models.Exists(submitted)
    )


def abandoned_bids(cutoff: dt.datetime) -> models.QuerySet[Bid]:
    submitted = BidTransition.objects.filter(bid=models.OuterRef("pk"), action="submit")
    return Bid.objects.filter(state=BidState.DRAFT, updated_at__lt=cutoff).exclude(
        models.Exists(submitted)
    )


def _delete_drafts(queryset: models.QuerySet, owner_field: str) -> int:
    """Delete the rows with their history, object permissions and attached files."""
    model = queryset.model
    pks = list(queryset.values_list("pk", flat=True))
    if not pks:
        return 0
    files = list(
        Attachment.objects.filter(**{f"{owner_field}__in": pks}).values_list("file", flat=True)
    )
    content_type = ContentType.objects.get_for_model(model)
    object_pks = [str(pk) for pk in pks]
    for permission_model in (GroupObjectPermission, UserObjectPermission):
        permission_model.objects.filter(
            content_type=content_type, object_pk__in=object_pks
        ).delete()
    model._default_manager.filter(pk__in=pks).delete()
    # After the rows: simple_history writes a "deleted" record as they go, for the
    # drafts and for their cascaded children (partners, …).
    model.history.filter(id__in=pks).delete()
    for relation in model._meta.related_objects:
        child = relation.related_model
        if relation.on_delete is models.CASCADE and hasattr(child, "history"):
            child.history.filter(**{f"{relation.field.attname}__in": pks}).delete()
    storage = Attachment._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in files if name])
    return len(pks)


def retention_purge(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Apply the retention periods; returns how many rows of each kind were deleted."""
    now = now or timezone.now()
    draft_cutoff = now - dt.timedelta(days=settings.RETENTION_DRAFT_DAYS)
    with transaction.atomic():
        counts = {
            # Bids first: a draft challenge has none, but keep the order safe.
            "bids": _delete_drafts(abandoned_bids(draft_cutoff), "bid"),
            "challenges": _delete_drafts(abandoned_challenges(draft_cutoff), "challenge"),
            "invitations": entity_privacy.purge_expired_invitations(
                older_than=dt.timedelta(days=settings.RETENTION_INVITATION_DAYS), now=now
            ),
        }
    counts["accounts"] = entity_privacy.purge_unverified_accounts(
        older_than=dt.timedelta(days=settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS), now=now
    )
    if any(counts.values()):
        audit_record(AuditAction.RETENTION_PURGED, details=counts)
    return counts
