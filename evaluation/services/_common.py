"""Helpers shared by the evaluation services: locks, the evaluation history, contexts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from challenges.models import Challenge
from core.multilingual import all_versions
from entities.models import Organization, User
from entities.selectors import operators, organization_users

from .. import rules
from ..history import log_event
from ..models import (
    Panel,
)

REVIEW_PERMISSION = "challenges.review_bid"
VIEW_PERMISSION = "challenges.view_bid"


# --------------------------------------------------------------------------- helpers
def _members(organization: Organization, *, min_role: str | None = None) -> list[User]:
    return organization_users(organization, min_role=min_role)


def _operators() -> list[User]:
    return operators()


_log = log_event


def _challenge_context(challenge: Challenge, **extra: Any) -> dict[str, Any]:
    return {
        "challenge": all_versions(challenge, "title"),
        "organization": challenge.organization.legal_name,
        "url": challenge.get_absolute_url(),
        **extra,
    }


def _lock_challenge(challenge: Challenge) -> Challenge:
    return (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=challenge.pk)
    )


def _lock_panel(challenge: Challenge, *, for_change: bool = True) -> Panel:
    """The challenge's panel, locked; panels change only while bidding or evaluation runs."""
    panel = Panel.objects.select_for_update().filter(challenge_id=challenge.pk).first()
    if panel is None:
        raise ValidationError(_("Set up the review panel first."))
    challenge = Challenge.objects.select_related("organization").get(pk=challenge.pk)
    if for_change and challenge.state not in rules.PANEL_STATES:
        raise ValidationError(
            _("The panel can no longer be changed: the challenge is “%(state)s”.")
            % {"state": challenge.get_state_display()}
        )
    panel.challenge = challenge
    return panel
