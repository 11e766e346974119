"""Validation (stage 4): milestones reported, checked by the demand entity, signed off.

Each step is a transition (`evaluation.lifecycle`): the rows check who may
act and the row's own rule, write the milestone history and the evaluation
history, and send the e-mails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from challenges.lifecycle import CHALLENGE
from challenges.models import Challenge
from entities.files import UploadInfo
from entities.models import User

from ..lifecycle import MILESTONE
from ..models import MilestoneEntry, MilestoneValidation


@transaction.atomic
def validation_start(
    *, challenge: Challenge, by: User, now: dt.datetime | None = None
) -> list[MilestoneValidation]:
    """Stage 4 begins: the selected bid's milestones wait for the lead's reports."""
    challenge = CHALLENGE.apply(challenge, "start_validation", by=by, now=now)
    return list(MilestoneValidation.objects.filter(challenge=challenge).order_by("pk"))


def milestone_report(
    *,
    validation: MilestoneValidation,
    text: str,
    files: Sequence[tuple[Any, UploadInfo]] = (),
    by: User,
    now: dt.datetime | None = None,
) -> MilestoneEntry:
    """The lead reports progress on a milestone, with evidence files (checked uploads)."""
    validation = MILESTONE.apply(
        validation, "report", by=by, reason=text, now=now, files=list(files)
    )
    return validation.entries.order_by("-pk").first()


def milestone_decide(
    *,
    validation: MilestoneValidation,
    accept: bool,
    comment: str = "",
    by: User,
    now: dt.datetime | None = None,
) -> MilestoneEntry:
    """The demand entity accepts or rejects (with a comment) a reported milestone."""
    comment = (comment or "").strip()
    if accept and not comment:
        comment = _("Accepted.")
    validation = MILESTONE.apply(
        validation, "accept" if accept else "reject", by=by, reason=comment, now=now
    )
    return validation.entries.order_by("-pk").first()


def validation_sign_off(
    *, challenge: Challenge, by: User, reason: str = "", now: dt.datetime | None = None
) -> Challenge:
    """The operator signs off once the demand entity has accepted every milestone → validated."""
    return CHALLENGE.apply(challenge, "validate", by=by, reason=reason, now=now)


def validation_fail(
    *, challenge: Challenge, by: User, reason: str, now: dt.datetime | None = None
) -> Challenge:
    """The operator records that the solution failed validation (a reason is required)."""
    return CHALLENGE.apply(challenge, "fail_validation", by=by, reason=reason, now=now)
