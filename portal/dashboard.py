"""The dashboard: what needs the user's attention in the active organization."""

from __future__ import annotations

from django.http import HttpRequest

from entities import rules as entity_rules
from entities.eligibility import Role, check_eligibility
from entities.enums import LEAD_CAPABILITIES
from entities.selectors import relevant_capability_keys


def dashboard_context(request: HttpRequest) -> dict:
    organization = request.organization or None
    context: dict = {"organization": organization, "membership": request.membership or None}
    if organization is None:
        return context
    from django.utils import timezone

    keys = relevant_capability_keys(organization)
    role = Role.LEAD if keys == LEAD_CAPABILITIES else Role.DEMAND
    report = check_eligibility(organization, role=role, on=timezone.now(), scope="organization")
    context.update(
        {
            "eligibility_role": role,
            "eligibility_report": report,
            "can_edit_content": entity_rules.can_edit_content(request.user, organization),
        }
    )
    return context
