"""The evaluation desk: the panel's review quorum and the balanced allocation of bids."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from challenges.models import Challenge
from entities.models import User
from entities.rules import is_operator

from ..enums import EventAction
from ..models import Panel
from ._common import _lock_panel, _log


@transaction.atomic
def panel_quorum_set(*, challenge: Challenge, minimum: int, by: User) -> Panel:
    """Set the minimum of submitted reviews each bid needs before the lead is selected."""
    if not is_operator(by):
        raise ValidationError(_("Only the programme office sets the review quorum."))
    panel = _lock_panel(challenge)
    if panel.min_reviews == minimum:
        return panel
    old = panel.min_reviews
    panel.min_reviews = minimum
    panel.full_clean(exclude=["challenge", "created_by"])
    panel.save(update_fields=["min_reviews"])
    _log(
        panel.challenge,
        EventAction.QUORUM_CHANGED,
        by=by,
        subject=_("%(old)s → %(new)s submitted reviews per bid") % {"old": old, "new": minimum},
    )
    return panel
