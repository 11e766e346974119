"""An organization's standing in every role, for its eligibility page and dashboards.

Facts once (an organization is loaded through the registered facts loader,
two queries), then the pure rules for each role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django_countries import countries

from ..enums import CapabilityKey, CooperationMode, InstitutionType, RuleCode
from .engine import (
    SCOPE_ORGANIZATION,
    EligibilityFacts,
    EligibilityReport,
    check_eligibility,
    plausible_roles,
    to_programme_date,
)
from .facts import as_facts
from .ruleset import CURRENT_RULESET, Role, RuleSet


@dataclass(frozen=True)
class RoleStanding:
    """Today's report for one role, and whether the role is one the organization would play."""

    role: Role
    report: EligibilityReport
    primary: bool


@dataclass(frozen=True)
class Overview:
    """What the eligibility page shows: the facts, each role's report, the waivers."""

    facts: EligibilityFacts
    on: date
    ruleset: RuleSet
    standings: tuple[RoleStanding, ...]

    @property
    def primary(self) -> list[RoleStanding]:
        return [s for s in self.standings if s.primary]

    @property
    def others(self) -> list[RoleStanding]:
        return [s for s in self.standings if not s.primary]

    @property
    def waivers(self) -> list[dict]:
        """Every waiver not revoked: the waiver, its rule's title, in force or expired today."""
        return [
            {
                "waiver": w,
                "title": str(RuleCode(w.code).label) if w.code in RuleCode.values else w.code,
                "in_force": w.covers(self.on),
                "expired": w.expires_on < self.on,
            }
            for w in self.facts.waivers
        ]


def organization_overview(
    organization, *, on: date | datetime, ruleset: RuleSet | None = None
) -> Overview:
    """Each role's report for `organization` on `on`, organization scope (two queries).

    Equal, role by role, to `check_eligibility(organization, role=...,
    on=on, scope="organization")`; the roles the organization would play by
    its country come first.
    """
    rs = ruleset or CURRENT_RULESET
    (facts,) = as_facts([organization])
    primary = plausible_roles(facts, rs)
    ordered = list(primary) + [
        r for r in (Role.DEMAND, Role.LEAD, Role.PARTNER) if r not in primary
    ]
    standings = tuple(
        RoleStanding(
            role=role,
            report=check_eligibility(facts, role=role, on=on, ruleset=rs, scope=SCOPE_ORGANIZATION),
            primary=role in primary,
        )
        for role in ordered
    )
    return Overview(facts=facts, on=to_programme_date(on), ruleset=rs, standings=standings)


def rules_in_plain_language(ruleset: RuleSet | None = None, *, on: date) -> dict:
    """The data the plain-language explanation of the rules is written from."""
    rs = ruleset or CURRENT_RULESET
    members = sorted(
        (str(countries.name(code)), m.since)
        for code, m in rs.asean_membership.items()
        if m.covers(on) or m.since > on
    )
    return {
        "version": rs.version,
        "members": [name for name, since in members if since <= on],
        "future_members": [(name, since) for name, since in members if since > on],
        "demand_types": _labels(InstitutionType, rs.institution_types[Role.DEMAND]),
        "lead_types": _labels(InstitutionType, rs.institution_types[Role.LEAD]),
        "demand_capabilities": _labels(CapabilityKey, rs.required_capabilities[Role.DEMAND]),
        "lead_capabilities": _labels(CapabilityKey, rs.required_capabilities[Role.LEAD]),
        "modes": _labels(CooperationMode, rs.cooperation_modes),
        "max_partners": rs.max_partners,
        "guangxi_prefix": rs.guangxi_region_prefix,
    }


def _labels(choices, values) -> list[str]:
    order = list(choices.values)
    return [
        str(choices(v).label) for v in sorted(values, key=lambda v: order.index(v)) if v in order
    ]
