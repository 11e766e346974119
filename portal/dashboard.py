"""The dashboard: what needs the user's attention in the active organization."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from challenges import rules as challenge_rules
from challenges import selectors as challenge_selectors
from entities import rules as entity_rules
from entities.eligibility import Role, check_eligibility
from entities.enums import LEAD_CAPABILITIES
from entities.selectors import relevant_capability_keys


def dashboard_context(request: HttpRequest) -> dict:
    organization = request.organization or None
    context: dict = {"organization": organization, "membership": request.membership or None}
    if organization is None:
        return context
    keys = relevant_capability_keys(organization)
    role = Role.LEAD if keys == LEAD_CAPABILITIES else Role.DEMAND
    report = check_eligibility(organization, role=role, on=timezone.now(), scope="organization")
    context.update(
        {
            "eligibility_role": role,
            "eligibility_report": report,
            "can_edit_content": entity_rules.can_edit_content(request.user, organization),
            "can_post": challenge_rules.can_create_challenge(request.user, organization),
            "is_demand_side": challenge_rules.is_demand_side(organization),
            "is_lead_side": challenge_rules.is_lead_side(organization),
            "my_challenges": list(challenge_selectors.organization_challenges(organization)[:20]),
            "my_bids": list(challenge_selectors.organization_bids(organization)[:20]),
            "partner_invitations": list(challenge_selectors.partner_invitations(organization)),
            "partner_bids": list(challenge_selectors.partner_bids(organization)[:20]),
        }
    )
    return context
