"""Rule sets as data (DESIGN §3).

A new version of the guidelines is a new `RuleSet` registered in `RULESETS`,
never an edit of an old one: stored reports keep the version they were made
with, and `check_eligibility(..., ruleset="2025-04")` can re-run an old one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from ..enums import (
    DEMAND_CAPABILITIES,
    LEAD_CAPABILITIES,
    CooperationMode,
    EligibilityRole,
    InstitutionType,
    RuleCode,
)

#: The part an organization plays: `Role.DEMAND`, `Role.LEAD`, `Role.PARTNER`.
Role = EligibilityRole


@dataclass(frozen=True)
class Membership:
    """A country's ASEAN membership: from `since` (inclusive) until `until` (exclusive)."""

    since: date
    until: date | None = None

    def covers(self, day: date) -> bool:
        """True when the country is a member on `day`."""
        return self.since <= day and (self.until is None or day < self.until)


@dataclass(frozen=True)
class RuleSet:
    """Everything the rules need to know about one version of the programme guidelines."""

    version: str
    #: ISO alpha-2 → dated membership.
    asean_membership: Mapping[str, Membership]
    #: role → institution types allowed in that role.
    institution_types: Mapping[str, frozenset[str]]
    #: role → capability keys that must be declared with evidence.
    required_capabilities: Mapping[str, tuple[str, ...]]
    max_partners: int
    cooperation_modes: tuple[str, ...]
    #: first two digits of the 6-digit division codes of the Guangxi Zhuang Autonomous Region.
    guangxi_region_prefix: str
    #: USCC characters 1–2 of entities without independent legal status (92: individual business).
    dependent_uscc_categories: frozenset[str]
    #: role → the rule codes checked for that role, in the order they are shown.
    rules: Mapping[str, tuple[str, ...]]
    #: rules that depend on a submission (its partners, its modes), not on the organization.
    submission_rules: frozenset[str]

    def is_asean_member(self, country: str, on: date) -> bool:
        """True when `country` (ISO alpha-2) is an ASEAN member state on `on`."""
        membership = self.asean_membership.get((country or "").upper())
        return membership is not None and membership.covers(on)

    @property
    def asean_members(self) -> frozenset[str]:
        """Every country that is or will be a member in this rule set (dates not considered)."""
        return frozenset(self.asean_membership)


_FOUNDING = date(1967, 8, 8)

RULESET_2025_04 = RuleSet(
    version="2025-04",
    asean_membership=MappingProxyType(
        {
            "ID": Membership(_FOUNDING),
            "MY": Membership(_FOUNDING),
            "PH": Membership(_FOUNDING),
            "SG": Membership(_FOUNDING),
            "TH": Membership(_FOUNDING),
            "BN": Membership(date(1984, 1, 7)),
            "VN": Membership(date(1995, 7, 28)),
            "LA": Membership(date(1997, 7, 23)),
            "MM": Membership(date(1997, 7, 23)),
            "KH": Membership(date(1999, 4, 30)),
            # Timor-Leste was admitted as the eleventh member at the 47th summit.
            "TL": Membership(date(2025, 10, 26)),
        }
    ),
    institution_types=MappingProxyType(
        {
            Role.DEMAND: frozenset(
                {
                    InstitutionType.UNIVERSITY,
                    InstitutionType.RESEARCH_INSTITUTE,
                    InstitutionType.ENTERPRISE,
                    InstitutionType.GOVERNMENT_AGENCY,
                }
            ),
            Role.LEAD: frozenset(
                {
                    InstitutionType.ENTERPRISE,
                    InstitutionType.UNIVERSITY,
                    InstitutionType.RESEARCH_INSTITUTE,
                }
            ),
        }
    ),
    required_capabilities=MappingProxyType(
        {Role.DEMAND: DEMAND_CAPABILITIES, Role.LEAD: LEAD_CAPABILITIES}
    ),
    max_partners=5,
    cooperation_modes=tuple(CooperationMode.values),
    guangxi_region_prefix="45",
    dependent_uscc_categories=frozenset({"92"}),
    # In the order of the table in DESIGN §3.
    rules=MappingProxyType(
        {
            Role.DEMAND: (
                RuleCode.DEMAND_ASEAN_MEMBER,
                RuleCode.DEMAND_INSTITUTION_TYPE,
                RuleCode.LEGALLY_REGISTERED,
                RuleCode.REGISTERED_ONE_YEAR,
                RuleCode.DEMAND_CAPABILITIES,
                RuleCode.COOPERATION_MODES,
                RuleCode.ORGANIZATION_VERIFIED,
            ),
            Role.LEAD: (
                RuleCode.LEGALLY_REGISTERED,
                RuleCode.REGISTERED_ONE_YEAR,
                RuleCode.LEAD_IN_GUANGXI,
                RuleCode.LEAD_INDEPENDENT_LEGAL_STATUS,
                RuleCode.LEAD_INSTITUTION_TYPE,
                RuleCode.LEAD_CAPABILITIES,
                RuleCode.PARTNERS_AT_MOST_FIVE,
                RuleCode.COOPERATION_MODES,
                RuleCode.ORGANIZATION_VERIFIED,
            ),
            Role.PARTNER: (
                RuleCode.LEGALLY_REGISTERED,
                RuleCode.ORGANIZATION_VERIFIED,
            ),
        }
    ),
    submission_rules=frozenset({RuleCode.PARTNERS_AT_MOST_FIVE, RuleCode.COOPERATION_MODES}),
)

RULESETS: Mapping[str, RuleSet] = MappingProxyType({RULESET_2025_04.version: RULESET_2025_04})
CURRENT_RULESET = RULESET_2025_04

# Rules that depend on the submission (modes, partners), not on the organization alone.
SUBMISSION_RULES = CURRENT_RULESET.submission_rules
