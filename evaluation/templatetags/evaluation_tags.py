"""Template tags that let other apps' pages link into evaluation without new view context."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from .. import rules, selectors
from ..enums import MilestoneState
from ..selectors import results as result_selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def evaluation_links(context: template.Context, challenge: Any) -> dict[str, str]:
    """URLs of the evaluation pages the current user may open for `challenge`.

    Keys: "operator" (panel, ranking, decision), "nominate" (the demand
    entity's reviewer nomination), "validation" (stage 4).
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or challenge is None:
        return {}
    links: dict[str, str] = {}
    if rules.can_manage_evaluation(user) and challenge.state in selectors.OPERATOR_STATES:
        links["operator"] = reverse("evaluation:operator_challenge", args=[challenge.pk])
    if rules.can_nominate_reviewer(user, challenge):
        links["nominate"] = reverse("evaluation:nominate", args=[challenge.pk])
    if rules.can_view_validation(user, challenge):
        links["validation"] = reverse("evaluation:validation", args=[challenge.pk])
    return links


@register.simple_tag(takes_context=True)
def reviewer_todo(context: template.Context) -> list[Any]:
    """The signed-in reviewer's active panel seats, with counts (for the dashboard)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not rules.can_use_review_site(user):
        return []
    return list(selectors.reviewer_assignments(user).order_by("-assigned_at", "pk")[:10])


@register.simple_tag(takes_context=True)
def validation_todo(context: template.Context) -> dict[str, Any]:
    """Milestones the active organization must report on or decide (for the dashboard).

    "rejected" is the state a milestone to report again is in (templates compare with it).
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    organization = getattr(request, "organization", None) or None
    if user is None or not user.is_authenticated:
        return {"to_report": [], "to_decide": [], "rejected": MilestoneState.REJECTED}
    return {**selectors.validation_todo(user, organization), "rejected": MilestoneState.REJECTED}


@register.simple_tag
def public_result(challenge: Any) -> Any:
    """The challenge's public result (lead, partners, modes, validated KPIs) or None."""
    if challenge is None:
        return None
    return result_selectors.public_result(challenge)
