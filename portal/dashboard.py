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
    demand_side = challenge_rules.is_demand_side(organization)
    lead_side = challenge_rules.is_lead_side(organization)
    # Only ASEAN organizations post challenges and only Chinese ones bid: no query for
    # the list an organization cannot have.
    context.update(
        {
            "eligibility_role": role,
            "eligibility_report": report,
            "can_edit_content": entity_rules.can_edit_content(request.user, organization),
            "can_post": challenge_rules.can_create_challenge(request.user, organization),
            "is_demand_side": demand_side,
            "is_lead_side": lead_side,
            "my_challenges": list(challenge_selectors.organization_challenges(organization)[:20])
            if demand_side or not lead_side
            else [],
            "my_bids": list(challenge_selectors.organization_bids(organization)[:20])
            if lead_side or not demand_side
            else [],
        }
    )
    invitations, partner_bids = challenge_selectors.partner_overview(organization)
    context.update({"partner_invitations": invitations, "partner_bids": partner_bids})
    return context
