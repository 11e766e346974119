"""The review quorum's rule on the lead decision (the `assign_lead` row's guard and e-mail)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from challenges.lifecycle import challenge_owners
from core.transitions import Change, TransitionError
from entities.models import User

from .selectors.quorum import quorum_state


def guard_quorum(change: Change) -> None:
    """Every bid reviewed by the panel's quorum, or an operator's written reason to go ahead."""
    state = quorum_state(change.obj)
    if not state.met:
        change.data["quorum_short"] = state.short_names()
    if not state.met and not (change.data.get("quorum_override") or "").strip():
        raise TransitionError(
            {
                "quorum_override": _(
                    "Bids short of the %(minimum)s submitted reviews required: %(bids)s."
                )
                % {"minimum": state.minimum, "bids": state.short_names()}
            }
        )


def owners_if_quorum_overridden(change: Change) -> list[User]:
    """The demand entity, when the lead was selected below the review quorum."""
    return challenge_owners(change) if change.data.get("quorum_short") else []


def override_context(change: Change) -> dict[str, Any]:
    return {
        "short": change.data.get("quorum_short", ""),
        "reason": change.data.get("quorum_override", ""),
        "url": reverse("evaluation:validation", args=[change.obj.pk]),
    }
