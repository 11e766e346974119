"""Validation (stage 4): milestones reported, checked by the demand entity, signed off.

Each step is a transition (`evaluation.lifecycle`): the rows check who may
act and the row's own rule, write the milestone history and the evaluation
history, and send the e-mails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from challenges.lifecycle import CHALLENGE
from challenges.models import Challenge, ChallengeKPI
from core.multilingual import all_versions
from entities.enums import MembershipRole
from entities.files import UploadInfo
from entities.models import User
from entities.selectors import organization_users
from notifications.services import notify

from .. import rules
from ..enums import KPIState
from ..lifecycle import KPI_RESULT, MILESTONE
from ..models import KPIAchievement, MilestoneEntry, MilestoneValidation


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


# --------------------------------------------------------------------------- achieved KPI values
@dataclass(frozen=True)
class KPIValue:
    """What the lead reports for one KPI: the value achieved and a short note."""

    kpi: ChallengeKPI
    achieved: str
    note: str = ""


@dataclass(frozen=True)
class KPIVerdict:
    """The demand entity's answer on one reported value: confirm, or send back with a comment."""

    achievement: KPIAchievement
    confirm: bool
    comment: str = ""


def _kpi_context(challenge: Challenge) -> dict[str, Any]:
    winner = rules.selected_bid(challenge)
    return {
        "challenge": all_versions(challenge, "title"),
        "organization": challenge.organization.legal_name,
        "lead": winner.applicant.legal_name if winner else "",
        "url": reverse("evaluation:validation", args=[challenge.pk]) + "#kpis",
    }


@transaction.atomic
def kpi_results_report(
    *,
    challenge: Challenge,
    values: Sequence[KPIValue],
    by: User,
    now: dt.datetime | None = None,
) -> list[KPIAchievement]:
    """The lead reports achieved values (a transition per changed KPI; one e-mail in all).

    Confirmed values are final and unchanged values are left alone. The demand
    entity's editors are told once when anything was reported.
    """
    if not rules.can_report_kpis(by, challenge):
        raise ValidationError(
            _("Only editors of the lead organization can report achieved values now.")
        )
    reported = []
    for value in values:
        if value.kpi.challenge_id != challenge.pk:
            raise ValidationError(_("This KPI belongs to another challenge."))
        achievement, _created = KPIAchievement.objects.get_or_create(
            kpi=value.kpi, defaults={"challenge": challenge}
        )
        unchanged = (achievement.achieved, achievement.note) == (
            value.achieved.strip(),
            value.note.strip(),
        )
        if achievement.is_confirmed or (unchanged and achievement.state == KPIState.REPORTED):
            continue
        reported.append(
            KPI_RESULT.apply(
                achievement, "report", by=by, reason=value.note, now=now, achieved=value.achieved
            )
        )
    if reported:
        editors = organization_users(challenge.organization, min_role=MembershipRole.EDITOR)
        notify(editors, "kpi.reported", challenge, _kpi_context(challenge))
    return reported


@transaction.atomic
def kpi_results_decide(
    *,
    challenge: Challenge,
    verdicts: Sequence[KPIVerdict],
    by: User,
    now: dt.datetime | None = None,
) -> list[KPIAchievement]:
    """The demand entity confirms reported values or sends them back with a comment.

    The lead's members are told once, with how many were confirmed and sent back.
    """
    if not rules.can_confirm_kpis(by, challenge):
        raise ValidationError(
            _("Only editors of the demand entity can confirm or send back achieved values.")
        )
    decided = []
    comments = []
    for verdict in verdicts:
        if verdict.achievement.challenge_id != challenge.pk:
            raise ValidationError(_("This KPI belongs to another challenge."))
        action = "confirm" if verdict.confirm else "return"
        decided.append(
            KPI_RESULT.apply(verdict.achievement, action, by=by, reason=verdict.comment, now=now)
        )
        if not verdict.confirm:
            comments.append(f"{verdict.achievement.kpi.metric}: {verdict.comment.strip()}")
    winner = rules.selected_bid(challenge)
    if decided and winner is not None:
        confirmed = sum(1 for a in decided if a.state == KPIState.CONFIRMED)
        notify(
            organization_users(winner.applicant),
            "kpi.decided",
            challenge,
            {
                **_kpi_context(challenge),
                "confirmed": confirmed,
                "returned": len(decided) - confirmed,
                "comments": "\n".join(comments),
            },
        )
    return decided
