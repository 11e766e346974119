"""An organization's eligibility page: today's standing in each role, rule by rule."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import rules
from ..eligibility import Role
from ..eligibility.overview import organization_overview, rules_in_plain_language
from ..enums import VerificationStatus
from ..models import Organization
from ._common import get_organization


def _eligibility_step(step, organization: Organization, verification: str, can: dict) -> dict:
    """A next step with the page it is done on (or none: e.g. wait until a date)."""
    text, url = step.text, ""
    if step.target == "profile":
        url = reverse("entities:edit" if can["edit"] else "entities:detail", args=[organization.pk])
    elif step.target == "capability":
        url = (
            reverse("entities:capability_edit", args=[organization.pk, step.key])
            if can["content"]
            else reverse("entities:capabilities", args=[organization.pk])
        )
    elif step.target == "verification":
        if verification == VerificationStatus.PENDING:
            text = _("The programme office is checking your documents; you will get an e-mail")
        else:
            url = reverse("entities:detail", args=[organization.pk])
            if verification == VerificationStatus.REJECTED:
                text = _("Correct the profile, then request verification again")
    return {"text": text, "url": url}


def _rule_row(result, organization: Organization, can: dict) -> dict:
    failed = not result.waived and not result.passed
    return {
        "result": result,
        # A CSS class; the template decides with the booleans.
        "state": "waived" if result.waived else ("fail" if failed else "pass"),
        "waived": result.waived,
        "passed": result.passed and not result.waived,
        "failed": failed,
        "steps": [
            _eligibility_step(s, organization, organization.verification_status, can)
            for s in result.next_steps
        ],
    }


def _role_item(standing, organization: Organization, can: dict) -> dict:
    return {
        "role": standing.role.value,
        "label": standing.role.label,
        "is_demand": standing.role == Role.DEMAND,
        "is_lead": standing.role == Role.LEAD,
        "is_partner": standing.role == Role.PARTNER,
        "primary": standing.primary,
        "report": standing.report,
        "rows": [_rule_row(r, organization, can) for r in standing.report.results],
        "to_do": len(standing.report.failures),
    }


@login_required
def eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    """Today's eligibility in each role, rule by rule, with what to do next. Members and operators."""
    organization = get_organization(request, pk)
    overview = organization_overview(organization, on=timezone.now())
    can = {
        "edit": rules.can_edit_organization(request.user, organization),
        "content": rules.can_edit_content(request.user, organization),
    }
    return render(
        request,
        "entities/eligibility.html",
        {
            "organization": organization,
            "overview": overview,
            "roles": [_role_item(s, organization, can) for s in overview.standings],
            "can_edit": can["edit"],
            "can_edit_content": can["content"],
            "plain": rules_in_plain_language(overview.ruleset, on=overview.on),
            "is_operator": rules.is_operator(request.user),
        },
    )
