"""Eligibility rules of the programme (DESIGN §3).

Public interface, used by the challenges and bids and by outside acceptance
suites: `EligibilityFacts`, `check_eligibility`, `EligibilityReport`, `Role`.
"""

from ..enums import RuleCode
from .engine import (
    EligibilityFacts,
    EligibilityReport,
    RuleResult,
    Waiver,
    check_eligibility,
    first_anniversary,
    render_report,
    to_programme_date,
)
from .ruleset import CURRENT_RULESET, RULESETS, SUBMISSION_RULES, Role, RuleSet

__all__ = [
    "CURRENT_RULESET",
    "RULESETS",
    "SUBMISSION_RULES",
    "EligibilityFacts",
    "EligibilityReport",
    "Role",
    "RuleCode",
    "RuleResult",
    "RuleSet",
    "Waiver",
    "check_eligibility",
    "first_anniversary",
    "render_report",
    "to_programme_date",
]
