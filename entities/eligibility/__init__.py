"""Eligibility rules of the programme (DESIGN §3).

Public interface, used by challenges and bids and by outside acceptance
suites: `EligibilityFacts`, `check_eligibility`, `EligibilityReport`, `Role`.

    report = check_eligibility(facts, role=Role.LEAD, on=timezone.now(),
                               partners=[p1_facts, p2_facts], modes=["collaborative_rnd"])
    report.eligible, report.failed, report.as_dict()

The package is pure: facts in, report out. `entities.selectors.eligibility_facts`
loads facts from organizations; organizations passed directly are loaded
through it too (the loader is registered when the entities app starts).
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
    first_anniversary,
    plausible_roles,
    render_report,
    to_programme_date,
)
from .facts import as_facts, set_facts_loader
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
    "as_facts",
    "check_eligibility",
    "set_facts_loader",
    "first_anniversary",
    "plausible_roles",
    "render_report",
    "to_programme_date",
]
