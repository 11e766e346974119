"""Rule sets as data. A new version of the guidelines is a new RuleSet, never an edit:
stored reports keep the version they were made with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
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

Role = EligibilityRole


@dataclass(frozen=True)
class Membership:
    """A country's ASEAN membership: from `since` (inclusive) until `until` (exclusive)."""

    since: date
    until: date | None = None

    def covers(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day < self.until)


@dataclass(frozen=True)
class RuleSet:
    version: str
    asean_membership: Mapping[str, Membership]
    institution_types: Mapping[str, frozenset[str]]
    required_capabilities: Mapping[str, tuple[str, ...]]
    max_partners: int
    cooperation_modes: tuple[str, ...]
    guangxi_region_prefix: str
    # USCC characters 1–2 of entities without independent legal status (92: individual business)
    dependent_uscc_categories: frozenset[str]
    rules: Mapping[str, tuple[str, ...]]
    partner_rules: tuple[str, ...] = field(default=())

    def is_asean_member(self, country: str, on: date) -> bool:
        membership = self.asean_membership.get((country or "").upper())
        return membership is not None and membership.covers(on)

    @property
    def asean_members(self) -> frozenset[str]:
        return frozenset(self.asean_membership)


RULESET_2025_04 = RuleSet(
    version="2025-04",
    asean_membership=MappingProxyType(
        {
            "ID": Membership(date(1967, 8, 8)),
            "MY": Membership(date(1967, 8, 8)),
            "PH": Membership(date(1967, 8, 8)),
            "SG": Membership(date(1967, 8, 8)),
            "TH": Membership(date(1967, 8, 8)),
            "BN": Membership(date(1984, 1, 7)),
            "VN": Membership(date(1995, 7, 28)),
            "LA": Membership(date(1997, 7, 23)),
            "MM": Membership(date(1997, 7, 23)),
            "KH": Membership(date(1999, 4, 30)),
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
                RuleCode.LEAD_IN_GUANGXI,
                RuleCode.LEAD_INDEPENDENT_LEGAL_STATUS,
                RuleCode.LEAD_INSTITUTION_TYPE,
                RuleCode.LEGALLY_REGISTERED,
                RuleCode.REGISTERED_ONE_YEAR,
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
    # Checked for every partner of a bid, inside the lead's report.
    partner_rules=(RuleCode.LEGALLY_REGISTERED, RuleCode.ORGANIZATION_VERIFIED),
)

RULESETS: Mapping[str, RuleSet] = MappingProxyType({RULESET_2025_04.version: RULESET_2025_04})
CURRENT_RULESET = RULESET_2025_04

# Rules that depend on the submission (modes, partners), not on the organization alone.
SUBMISSION_RULES = frozenset({RuleCode.PARTNERS_AT_MOST_FIVE, RuleCode.COOPERATION_MODES})
