"""Eligibility rules of the programme (DESIGN §3).

Public interface, used by challenges and bids and by outside acceptance
suites: `EligibilityFacts`, `check_eligibility`, `EligibilityReport`, `Role`.

    report = check_eligibility(org, role=Role.LEAD, on=timezone.now(),
                               partners=[p1, p2], modes=["collaborative_rnd"])
    report.eligible, report.failed, report.as_dict()
"""

from ..enums import RuleCode
from .engine import (
    PROGRAMME_TZ,
    SCOPE_ORGANIZATION,
    SCOPE_SUBMISSION,
    EligibilityFacts,
    EligibilityReport,
    RuleResult,
    Waiver,
    check_eligibility,
    facts_for_organizations,
    first_anniversary,
    plausible_roles,
    render_report,
    to_programme_date,
)
from .messages import NextStep
from .ruleset import CURRENT_RULESET, RULESETS, SUBMISSION_RULES, Role, RuleSet

__all__ = [
    "CURRENT_RULESET",
    "PROGRAMME_TZ",
    "RULESETS",
    "SCOPE_ORGANIZATION",
    "SCOPE_SUBMISSION",
    "SUBMISSION_RULES",
    "EligibilityFacts",
    "EligibilityReport",
    "NextStep",
    "Role",
    "RuleCode",
    "RuleResult",
    "RuleSet",
    "Waiver",
    "check_eligibility",
    "facts_for_organizations",
    "first_anniversary",
    "plausible_roles",
    "render_report",
    "to_programme_date",
]
