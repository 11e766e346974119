"""The eligibility rule engine (DESIGN §3). Pure functions over facts: no database, no network.

Each rule returns a RuleResult: code, passed, an outcome key, and the
parameters used. The plain-language message and the evidence line are
rendered from a table of translated templates, so a stored report can be
shown again in any language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import translation

from ..enums import CapabilityKey, CooperationMode, InstitutionType, RuleCode
from ..registry import is_well_formed, uscc_category, uscc_region_code
from . import messages
from .ruleset import CURRENT_RULESET, RULESETS, SUBMISSION_RULES, Role, RuleSet

PROGRAMME_TZ = ZoneInfo("Asia/Shanghai")


# --------------------------------------------------------------------------- facts
@dataclass(frozen=True)
class Waiver:
    """An operator's override of one rule, valid through `expires_on` (inclusive)."""

    code: str
    reason: str
    granted_by: str
    granted_on: date
    expires_on: date

    def covers(self, day: date) -> bool:
        return self.granted_on <= day <= self.expires_on

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "reason": self.reason,
            "granted_by": self.granted_by,
            "granted_on": self.granted_on.isoformat(),
            "expires_on": self.expires_on.isoformat(),
        }


@dataclass(frozen=True)
class EligibilityFacts:
    """What the rules need to know about an organization."""

    country: str
    region_code: str
    institution_type: str
    independent_legal_status: bool
    registration_number: str
    registry_status: str
    registration_date: date
    verified: bool
    capabilities: frozenset[str] = frozenset()
    name: str = ""
    waivers: tuple[Waiver, ...] = ()

    @property
    def identity(self) -> tuple[str, str]:
        """Two organizations are the same when country and registration number match."""
        return (
            (self.country or "").upper(),
            re.sub(r"[\s.\-/]", "", self.registration_number or "").upper(),
        )

    @classmethod
    def from_organization(cls, org) -> EligibilityFacts:
        """Facts of an Organization: two queries (capabilities with evidence, waivers)."""
        from django.db.models import Count, Q
        from django.utils import timezone

        from ..enums import VerificationStatus

        declared = (
            org.capabilities.annotate(n=Count("evidence"))
            .filter(n__gt=0)
            .exclude(description="")
            .exclude(description__regex=r"^\s*$")
            .values_list("key", flat=True)
        )
        waivers = tuple(
            Waiver(
                code=w.rule_code,
                reason=w.reason,
                granted_by=str(w.granted_by),
                granted_on=timezone.localdate(w.granted_at, PROGRAMME_TZ),
                expires_on=w.expires_on,
            )
            for w in org.waivers.filter(Q(revoked_at__isnull=True)).select_related("granted_by")
        )
        return cls(
            country=org.country.code if org.country else "",
            region_code=org.region_code or "",
            institution_type=org.institution_type,
            independent_legal_status=org.independent_legal_status,
            registration_number=org.registration_number,
            registry_status=org.registry_status,
            registration_date=org.registration_date,
            verified=org.verification_status == VerificationStatus.VERIFIED,
            capabilities=frozenset(declared),
            name=org.legal_name,
            waivers=waivers,
        )


def as_facts(subject) -> EligibilityFacts:
    if isinstance(subject, EligibilityFacts):
        return subject
    return EligibilityFacts.from_organization(subject)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class RuleResult:
    code: str
    passed: bool
    outcome: str
    params: dict[str, Any] = field(default_factory=dict)
    subject: str = ""  # "" for the applicant itself, else the partner's name
    waiver: dict[str, str] | None = None

    @property
    def waived(self) -> bool:
        return self.waiver is not None

    @property
    def message(self) -> str:
        """What is wrong and how to fix it (or why it passes), in the active language."""
        return messages.render_message(self.code, self.outcome, self.params, self.subject)

    @property
    def evidence(self) -> str:
        return messages.render_evidence(self.code, self.params)

    @property
    def title(self) -> str:
        return str(RuleCode(self.code).label)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "passed": self.passed,
            "outcome": self.outcome,
            "message": self.message,
            "evidence": self.evidence,
            "params": self.params,
            "subject": self.subject,
            "waived": self.waived,
            "waiver": self.waiver,
        }


@dataclass(frozen=True)
class EligibilityReport:
    role: str
    on: date
    ruleset: str
    results: tuple[RuleResult, ...]
    subject: str = ""

    @property
    def eligible(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failed(self) -> set[str]:
        return {r.code for r in self.results if not r.passed}

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed]

    def result(self, code: str) -> RuleResult | None:
        """The applicant's own result for a rule code."""
        return next((r for r in self.results if r.code == code and not r.subject), None)

    def as_dict(self) -> dict[str, Any]:
        """JSON-serializable, stable keys; messages rendered in the active language."""
        return {
            "ruleset": self.ruleset,
            "role": str(self.role),
            "on": self.on.isoformat(),
            "subject": self.subject,
            "eligible": self.eligible,
            "failed": sorted(self.failed),
            "results": [r.as_dict() for r in self.results],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EligibilityReport:
        return cls(
            role=data["role"],
            on=date.fromisoformat(data["on"]),
            ruleset=data["ruleset"],
            subject=data.get("subject", ""),
            results=tuple(
                RuleResult(
                    code=r["code"],
                    passed=r["passed"],
                    outcome=r["outcome"],
                    params=r.get("params", {}),
                    subject=r.get("subject", ""),
                    waiver=r.get("waiver"),
                )
                for r in data["results"]
            ),
        )


# --------------------------------------------------------------------------- dates
def to_programme_date(on: date | datetime) -> date:
    """The calendar date in Asia/Shanghai; datetimes must be timezone-aware."""
    if isinstance(on, datetime):
        if on.tzinfo is None or on.tzinfo.utcoffset(on) is None:
            raise ValueError("check_eligibility needs an aware datetime or a date")
        return on.astimezone(PROGRAMME_TZ).date()
    if isinstance(on, date):
        return on
    raise TypeError("`on` must be a date or an aware datetime")


def first_anniversary(registered: date) -> date:
    """The first anniversary; a 29 February registration → 28 February (PRC Civil Code art. 203)."""
    try:
        return registered.replace(year=registered.year + 1)
    except ValueError:
        return date(registered.year + 1, 2, 28)


# --------------------------------------------------------------------------- rules
def _r(code: str, passed: bool, outcome: str, **params: Any) -> RuleResult:
    return RuleResult(code=code, passed=passed, outcome=outcome, params=params)


def rule_demand_asean_member(facts: EligibilityFacts, on: date, rs: RuleSet) -> RuleResult:
    country = (facts.country or "").upper()
    membership = rs.asean_membership.get(country)
    params = {"country": country, "on": on.isoformat()}
    if membership is None:
        return _r(RuleCode.DEMAND_ASEAN_MEMBER, False, "not_member", **params)
    params["since"] = membership.since.isoformat()
    if not membership.covers(on):
        return _r(RuleCode.DEMAND_ASEAN_MEMBER, False, "not_yet_member", **params)
    return _r(RuleCode.DEMAND_ASEAN_MEMBER, True, "pass", **params)


def _institution_type_rule(code: str, role: str):
    def rule(facts: EligibilityFacts, on: date, rs: RuleSet) -> RuleResult:
        allowed = rs.institution_types[role]
        params = {
            "type": facts.institution_type,
            "allowed": sorted(allowed),
        }
        if facts.institution_type not in allowed:
            outcome = (
                "government"
                if facts.institution_type == InstitutionType.GOVERNMENT_AGENCY
                else "not_allowed"
            )
            return _r(code, False, outcome, **params)
        return _r(code, True, "pass", **params)

    return rule


def rule_legally_registered(facts: EligibilityFacts, on: date, rs: RuleSet) -> RuleResult:
    params = {
        "number": facts.registration_number or "",
        "country": (facts.country or "").upper(),
        "status": facts.registry_status,
    }
    if not (facts.registration_number or "").strip():
        return _r(RuleCode.LEGALLY_REGISTERED, False, "missing", **params)
    if not is_well_formed(params["country"], facts.registration_number):
        return _r(RuleCode.LEGALLY_REGISTERED, False, "malformed", **params)
    if facts.registry_status != "active":
        return _r(RuleCode.LEGALLY_REGISTERED, False, "inactive", **params)
    return _r(RuleCode.LEGALLY_REGISTERED, True, "pass", **params)


def rule_registered_one_year(facts: EligibilityFacts, on: date, rs: RuleSet) -> RuleResult:
    registered = facts.registration_date
    if registered is None:
        return _r(RuleCode.REGISTERED_ONE_YEAR, False, "missing", on=on.isoformat())
    anniversary = first_anniversary(registered)
    params = {
        "registered": registered.isoformat(),
        "anniversary": anniversary.isoformat(),
        "on": on.isoformat(),
    }
    if registered > on:
        return _r(RuleCode.REGISTERED_ONE_YEAR, False, "future", **params)
    if on < anniversary:
        return _r(RuleCode.REGISTERED_ONE_YEAR, False, "too_recent", **params)
    return _r(RuleCode.REGISTERED_ONE_YEAR, True, "pass", **params)


def rule_lead_in_guangxi(facts: EligibilityFacts, on: date, rs: RuleSet) -> RuleResult:
    country = (facts.country or "").upper()
    region = (facts.region_code or "").strip()
    hint = uscc_region_code(facts.registration_number) if country == "CN" else ""
    params = {"country": country, "region": region, "uscc_region": hint}
    if country != "CN":
        return _r(RuleCode.LEAD_IN_GUANGXI, False, "not_china", **params)
    if not (len(region) == 6 and region.isdigit()):
        return _r(RuleCode.LEAD_IN_GUANGXI, False, "no_region", **params)
    if not region.startswith(rs.guangxi_region_prefix):
        return _r(RuleCode.LEAD_IN_GUANGXI, False, "outside", **params)
    if hint and not hint.startswith(rs.guangxi_region_prefix):
        # The declared region decides; the USCC only hints. Pass, but say so.
        return _r(RuleCode.LEAD_IN_GUANGXI, True, "pass_uscc_differs", **params)
    return _r(RuleCode.LEAD_IN_GUANGXI, True, "pass", **params)


def rule_lead_independent(facts: EligibilityFacts, on: date, rs: RuleSet) -> RuleResult:
    category = (
        uscc_category(facts.registration_number) if (facts.country or "").upper() == "CN" else ""
    )
    params = {"declared": bool(facts.independent_legal_status), "uscc_category": category}
    if category in rs.dependent_uscc_categories:
        return _r(RuleCode.LEAD_INDEPENDENT_LEGAL_STATUS, False, "individual_business", **params)
    if not facts.independent_legal_status:
        return _r(RuleCode.LEAD_INDEPENDENT_LEGAL_STATUS, False, "not_independent", **params)
    return _r(RuleCode.LEAD_INDEPENDENT_LEGAL_STATUS, True, "pass", **params)


def _capabilities_rule(code: str, role: str):
    def rule(facts: EligibilityFacts, on: date, rs: RuleSet) -> RuleResult:
        required = rs.required_capabilities[role]
        missing = [k for k in required if k not in facts.capabilities]
        params = {
            "required": list(required),
            "declared": sorted(k for k in facts.capabilities if k in required),
            "missing": missing,
        }
        if missing:
            return _r(code, False, "missing", **params)
        return _r(code, True, "pass", **params)

    return rule


def rule_partners(
    facts: EligibilityFacts, partners: Sequence[EligibilityFacts], rs: RuleSet
) -> RuleResult:
    names = [p.name or p.registration_number for p in partners]
    params: dict[str, Any] = {"count": len(partners), "limit": rs.max_partners, "partners": names}
    if len(partners) > rs.max_partners:
        return _r(RuleCode.PARTNERS_AT_MOST_FIVE, False, "too_many", **params)
    own = facts.identity
    if any(p.identity == own for p in partners):
        return _r(RuleCode.PARTNERS_AT_MOST_FIVE, False, "self", **params)
    seen: set[tuple[str, str]] = set()
    duplicates = []
    for p in partners:
        if p.identity in seen:
            duplicates.append(p.name or p.registration_number)
        seen.add(p.identity)
    if duplicates:
        params["duplicates"] = duplicates
        return _r(RuleCode.PARTNERS_AT_MOST_FIVE, False, "duplicate", **params)
    return _r(RuleCode.PARTNERS_AT_MOST_FIVE, True, "pass", **params)


def rule_cooperation_modes(modes: Sequence[str], rs: RuleSet) -> RuleResult:
    chosen = [str(m) for m in modes]
    unknown = sorted({m for m in chosen if m not in rs.cooperation_modes})
    params = {"modes": chosen, "unknown": unknown, "allowed": list(rs.cooperation_modes)}
    if not chosen:
        return _r(RuleCode.COOPERATION_MODES, False, "none", **params)
    if unknown:
        return _r(RuleCode.COOPERATION_MODES, False, "unknown", **params)
    return _r(RuleCode.COOPERATION_MODES, True, "pass", **params)


def rule_verified(facts: EligibilityFacts, on: date, rs: RuleSet) -> RuleResult:
    if not facts.verified:
        return _r(RuleCode.ORGANIZATION_VERIFIED, False, "not_verified")
    return _r(RuleCode.ORGANIZATION_VERIFIED, True, "pass")


ORGANIZATION_RULES = {
    RuleCode.DEMAND_ASEAN_MEMBER: rule_demand_asean_member,
    RuleCode.DEMAND_INSTITUTION_TYPE: _institution_type_rule(
        RuleCode.DEMAND_INSTITUTION_TYPE, Role.DEMAND
    ),
    RuleCode.LEGALLY_REGISTERED: rule_legally_registered,
    RuleCode.REGISTERED_ONE_YEAR: rule_registered_one_year,
    RuleCode.LEAD_IN_GUANGXI: rule_lead_in_guangxi,
    RuleCode.LEAD_INDEPENDENT_LEGAL_STATUS: rule_lead_independent,
    RuleCode.LEAD_INSTITUTION_TYPE: _institution_type_rule(
        RuleCode.LEAD_INSTITUTION_TYPE, Role.LEAD
    ),
    RuleCode.DEMAND_CAPABILITIES: _capabilities_rule(RuleCode.DEMAND_CAPABILITIES, Role.DEMAND),
    RuleCode.LEAD_CAPABILITIES: _capabilities_rule(RuleCode.LEAD_CAPABILITIES, Role.LEAD),
    RuleCode.ORGANIZATION_VERIFIED: rule_verified,
}


def _apply_waiver(result: RuleResult, facts: EligibilityFacts, on: date) -> RuleResult:
    if result.passed:
        return result
    for waiver in facts.waivers:
        if waiver.code == result.code and waiver.covers(on):
            return RuleResult(
                code=result.code,
                passed=True,
                outcome=result.outcome,
                params=result.params,
                subject=result.subject,
                waiver=waiver.as_dict(),
            )
    return result


def _with_subject(result: RuleResult, subject: str) -> RuleResult:
    return RuleResult(
        code=result.code,
        passed=result.passed,
        outcome=result.outcome,
        params=result.params,
        subject=subject,
        waiver=result.waiver,
    )


# --------------------------------------------------------------------------- entry point
def check_eligibility(
    subject,
    *,
    role: Role | str,
    on: date | datetime,
    partners: Iterable = (),
    modes: Iterable[str] = (),
    ruleset: str | RuleSet | None = None,
    scope: str = "submission",
) -> EligibilityReport:
    """Evaluate every rule of the rule set for `subject` acting in `role` on date `on`.

    `subject` and each partner are Organizations or EligibilityFacts. With
    `scope="organization"` the rules that depend on a submission (partners,
    cooperation modes) are left out: the organization's standing only.
    """
    rs = RULESETS[ruleset] if isinstance(ruleset, str) else (ruleset or CURRENT_RULESET)
    role = Role(role)
    day = to_programme_date(on)
    facts = as_facts(subject)
    partner_facts = [as_facts(p) for p in partners]
    modes = list(modes)

    results: list[RuleResult] = []
    for code in rs.rules[role]:
        if scope != "submission" and code in SUBMISSION_RULES:
            continue
        if code == RuleCode.PARTNERS_AT_MOST_FIVE:
            result = rule_partners(facts, partner_facts, rs)
        elif code == RuleCode.COOPERATION_MODES:
            result = rule_cooperation_modes(modes, rs)
        else:
            result = ORGANIZATION_RULES[code](facts, day, rs)
        results.append(_apply_waiver(result, facts, day))

    if role == Role.LEAD and scope == "submission":
        for partner in partner_facts:
            label = partner.name or partner.registration_number
            for code in rs.partner_rules:
                result = _with_subject(ORGANIZATION_RULES[code](partner, day, rs), label)
                results.append(_apply_waiver(result, partner, day))

    return EligibilityReport(
        role=role.value, on=day, ruleset=rs.version, results=tuple(results), subject=facts.name
    )


def render_report(report: EligibilityReport, language: str | None = None) -> dict[str, Any]:
    """`as_dict()` rendered in a given language (e.g. for an e-mail)."""
    if language is None:
        return report.as_dict()
    with translation.override(language):
        return report.as_dict()


__all__ = [
    "CapabilityKey",
    "CooperationMode",
    "EligibilityFacts",
    "EligibilityReport",
    "Role",
    "RuleResult",
    "Waiver",
    "check_eligibility",
    "first_anniversary",
    "to_programme_date",
]
