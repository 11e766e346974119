"""The eligibility rule engine (DESIGN §3).

Rules are pure functions over facts: no database, no network, no clock. Each
returns a `RuleResult` with the rule code, passed or not, an outcome key and
the parameters it looked at. The plain-language message, the evidence line
and the next steps are rendered from those by `messages`, in the reader's
language, so a stored report can be shown again years later.

The only database access is in `EligibilityFacts.from_organization` and
`facts_for_organizations`, which turn `Organization` rows into facts with a
fixed number of queries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import translation

from ..enums import InstitutionType, RuleCode
from ..registry import is_well_formed, uscc_category, uscc_region_code
from . import messages
from .ruleset import CURRENT_RULESET, RULESETS, Role, RuleSet

#: Submission dates are calendar dates in China: the programme is run from Nanning.
PROGRAMME_TZ = ZoneInfo("Asia/Shanghai")

#: `scope` of `check_eligibility`: a whole submission, or the organization's own standing only.
SCOPE_SUBMISSION = "submission"
SCOPE_ORGANIZATION = "organization"


# --------------------------------------------------------------------------- facts
@dataclass(frozen=True)
class Waiver:
    """An operator's override of one rule for one organization, valid through `expires_on`."""

    code: str
    reason: str
    granted_by: str
    granted_on: date
    expires_on: date

    def covers(self, day: date) -> bool:
        """True when the waiver is in force on `day` (both ends inclusive)."""
        return self.granted_on <= day <= self.expires_on

    def as_dict(self) -> dict[str, str]:
        """JSON-serializable form, as stored in a report."""
        return {
            "code": str(self.code),
            "reason": self.reason,
            "granted_by": self.granted_by,
            "granted_on": self.granted_on.isoformat(),
            "expires_on": self.expires_on.isoformat(),
        }


_NUMBER_SEPARATORS = re.compile(r"[\s.\-/]")


@dataclass(frozen=True)
class EligibilityFacts:
    """What the rules need to know about an organization.

    `country` is ISO 3166 alpha-2; `region_code` the 6-digit division code for
    China, else ""; `institution_type` one of `InstitutionType`;
    `registry_status` one of `RegistryStatus`; `capabilities` the keys
    declared *with evidence*. `name` and `waivers` are optional: the name is
    used in messages, the waivers are the operators' overrides in force.
    """

    country: str
    region_code: str
    institution_type: str
    independent_legal_status: bool
    registration_number: str
    registry_status: str
    registration_date: date | None
    verified: bool
    capabilities: frozenset[str] = frozenset()
    name: str = ""
    waivers: tuple[Waiver, ...] = ()

    def __post_init__(self) -> None:
        # Accept enum members, sets, lists: the rules and the JSON see plain values.
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        put("country", str(self.country or "").strip().upper())
        put("region_code", str(self.region_code or "").strip())
        put("institution_type", str(self.institution_type or ""))
        put("independent_legal_status", bool(self.independent_legal_status))
        put("registration_number", str(self.registration_number or "").strip())
        put("registry_status", str(self.registry_status or ""))
        if isinstance(self.registration_date, datetime):
            put("registration_date", self.registration_date.date())
        put("verified", bool(self.verified))
        put("capabilities", frozenset(str(c) for c in (self.capabilities or ())))
        put("name", str(self.name or ""))
        put("waivers", tuple(self.waivers or ()))

    @property
    def identity(self) -> tuple[str, str] | None:
        """Organizations are the same when country and registration number match.

        The number is compared without spaces, dots, dashes and slashes and
        ignoring case; without a number there is no identity (None).
        """
        number = _NUMBER_SEPARATORS.sub("", self.registration_number).upper()
        return (self.country, number) if number else None

    def same_organization(self, other: EligibilityFacts) -> bool:
        """True when both have an identity and it is the same."""
        return self.identity is not None and self.identity == other.identity

    @property
    def label(self) -> str:
        """How the organization is named in messages."""
        return self.name or self.registration_number

    @classmethod
    def from_organization(cls, org) -> EligibilityFacts:
        """The facts of one `Organization`: two queries (capabilities, waivers)."""
        return facts_for_organizations([org])[0]


def facts_for_organizations(organizations: Iterable) -> list[EligibilityFacts]:
    """Facts of several `Organization`s, in order, with two queries whatever their number.

    A capability counts when it is described and has at least one evidence
    file. Waivers are those not revoked; whether one is in force is decided
    by the rules for the date checked.
    """
    from django.db.models import Count
    from django.utils import timezone

    from ..enums import VerificationStatus
    from ..models import CapabilityDeclaration, RuleWaiver

    orgs = list(organizations)
    if not orgs:
        return []
    ids = {org.pk for org in orgs}
    declared: dict[int, set[str]] = {pk: set() for pk in ids}
    rows = (
        CapabilityDeclaration.objects.filter(organization_id__in=ids)
        .annotate(evidence_count=Count("evidence"))
        .filter(evidence_count__gt=0)
        .exclude(description__regex=r"^\s*$")
        .values_list("organization_id", "key")
    )
    for org_id, key in rows:
        declared[org_id].add(key)
    waivers: dict[int, list[Waiver]] = {pk: [] for pk in ids}
    for w in (
        RuleWaiver.objects.filter(organization_id__in=ids, revoked_at__isnull=True)
        .select_related("granted_by")
        .order_by("-granted_at", "-pk")
    ):
        waivers[w.organization_id].append(
            Waiver(
                code=w.rule_code,
                reason=w.reason,
                granted_by=str(w.granted_by),
                granted_on=timezone.localdate(w.granted_at, PROGRAMME_TZ),
                expires_on=w.expires_on,
            )
        )
    return [
        EligibilityFacts(
            country=org.country.code if org.country else "",
            region_code=org.region_code,
            institution_type=org.institution_type,
            independent_legal_status=org.independent_legal_status,
            registration_number=org.registration_number,
            registry_status=org.registry_status,
            registration_date=org.registration_date,
            verified=org.verification_status == VerificationStatus.VERIFIED,
            capabilities=frozenset(declared[org.pk]),
            name=org.legal_name,
            waivers=tuple(waivers[org.pk]),
        )
        for org in orgs
    ]


def as_facts(subjects: Sequence) -> list[EligibilityFacts]:
    """Facts for a mix of `Organization`s and `EligibilityFacts`, in order (two queries at most)."""
    rows = [s for s in subjects if not isinstance(s, EligibilityFacts)]
    fetched = iter(facts_for_organizations(rows))
    return [s if isinstance(s, EligibilityFacts) else next(fetched) for s in subjects]


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule: code, passed or not, and what it was decided on.

    A failed rule that an operator waived has `passed=True` and the waiver
    (code, reason, granted_by, granted_on, expires_on) in `waiver`.
    """

    code: str
    passed: bool
    outcome: str
    params: dict[str, Any] = field(default_factory=dict)
    waiver: dict[str, str] | None = None

    @property
    def waived(self) -> bool:
        return self.waiver is not None

    @property
    def title(self) -> str:
        """The rule's name, in the active language."""
        return str(RuleCode(self.code).label) if self.code in RuleCode.values else self.code

    @property
    def message(self) -> str:
        """What is wrong and how to fix it (or why it passes), in the active language."""
        return messages.render_message(self.code, self.outcome, self.params)

    @property
    def evidence(self) -> str:
        """The facts the rule looked at, e.g. "registered 2024-06-03, anniversary …"."""
        return messages.render_evidence(self.code, self.params)

    @property
    def next_steps(self) -> list[messages.NextStep]:
        """What to do to pass; empty when the rule passed (waived or not)."""
        if self.passed and not self.waived:
            return []
        return messages.next_steps(self.code, self.outcome, self.params)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": str(self.code),
            "title": self.title,
            "passed": self.passed,
            "outcome": self.outcome,
            "message": self.message,
            "evidence": self.evidence,
            "params": self.params,
            "waived": self.waived,
            "waiver": self.waiver,
        }


@dataclass(frozen=True)
class EligibilityReport:
    """Every rule of a role, checked for one organization on one date (Asia/Shanghai)."""

    role: str
    on: date
    ruleset: str
    results: tuple[RuleResult, ...]
    subject: str = ""
    scope: str = SCOPE_SUBMISSION

    @property
    def eligible(self) -> bool:
        """True exactly when no rule failed (waived rules count as passed)."""
        return all(r.passed for r in self.results)

    @property
    def failed(self) -> set[str]:
        """The codes of the rules that failed."""
        return {r.code for r in self.results if not r.passed}

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed]

    @property
    def waived(self) -> list[RuleResult]:
        return [r for r in self.results if r.waived]

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.results]

    def result(self, code: str) -> RuleResult | None:
        """The result of one rule, or None when the rule does not apply to this role."""
        return next((r for r in self.results if r.code == code), None)

    def as_dict(self) -> dict[str, Any]:
        """JSON-serializable with stable keys; texts rendered in the active language."""
        return {
            "ruleset": self.ruleset,
            "role": str(self.role),
            "on": self.on.isoformat(),
            "scope": self.scope,
            "subject": self.subject,
            "eligible": self.eligible,
            "failed": sorted(self.failed),
            "results": [r.as_dict() for r in self.results],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EligibilityReport:
        """The report back from `as_dict()` (e.g. from a stored record)."""
        return cls(
            role=data["role"],
            on=date.fromisoformat(data["on"]),
            ruleset=data["ruleset"],
            subject=data.get("subject", ""),
            scope=data.get("scope", SCOPE_SUBMISSION),
            results=tuple(
                RuleResult(
                    code=r["code"],
                    passed=r["passed"],
                    outcome=r["outcome"],
                    params=dict(r.get("params") or {}),
                    waiver=r.get("waiver"),
                )
                for r in data["results"]
            ),
        )


# --------------------------------------------------------------------------- dates
def to_programme_date(on: date | datetime) -> date:
    """The calendar date in Asia/Shanghai of `on`: a date as is, an aware datetime converted.

    23:30 in Jakarta (UTC+7) is already 00:30 the next day in Guangxi (UTC+8).
    """
    if isinstance(on, datetime):
        if on.tzinfo is None or on.tzinfo.utcoffset(on) is None:
            raise ValueError("check_eligibility needs a date or a timezone-aware datetime")
        return on.astimezone(PROGRAMME_TZ).date()
    if isinstance(on, date):
        return on
    raise TypeError("`on` must be a date or a timezone-aware datetime")


def first_anniversary(registered: date) -> date:
    """The same day one year later; for 29 February, 28 February of the (common) next year.

    A period counted in years ends on the corresponding day of the last
    year, or on the last day of the month when there is none (PRC Civil Code,
    chapter on periods).
    """
    try:
        return registered.replace(year=registered.year + 1)
    except ValueError:
        return date(registered.year + 1, 2, 28)


# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class RuleContext:
    """What every rule receives: the facts, the role, the date and, for bids, partners and modes."""

    facts: EligibilityFacts
    role: str
    on: date
    ruleset: RuleSet
    partners: tuple[EligibilityFacts, ...] = ()
    modes: tuple[str, ...] = ()


Rule = Callable[[RuleContext], RuleResult]


def _r(code: str, passed: bool, outcome: str, **params: Any) -> RuleResult:
    return RuleResult(code=str(code), passed=passed, outcome=outcome, params=params)


def rule_demand_asean_member(ctx: RuleContext) -> RuleResult:
    """DEMAND_ASEAN_MEMBER: the country is an ASEAN member state on the submission date."""
    country = ctx.facts.country
    membership = ctx.ruleset.asean_membership.get(country)
    params: dict[str, Any] = {"country": country, "since": "", "on": ctx.on.isoformat()}
    if membership is None:
        return _r(RuleCode.DEMAND_ASEAN_MEMBER, False, "not_member", **params)
    params["since"] = membership.since.isoformat()
    if not membership.covers(ctx.on):
        return _r(RuleCode.DEMAND_ASEAN_MEMBER, False, "not_yet_member", **params)
    return _r(RuleCode.DEMAND_ASEAN_MEMBER, True, "pass", **params)


def _institution_type_rule(code: str, role: str) -> Rule:
    def rule(ctx: RuleContext) -> RuleResult:
        allowed = ctx.ruleset.institution_types[role]
        kind = ctx.facts.institution_type
        params = {"type": kind, "allowed": sorted(allowed)}
        if kind in allowed:
            return _r(code, True, "pass", **params)
        outcome = "government" if kind == InstitutionType.GOVERNMENT_AGENCY else "not_allowed"
        return _r(code, False, outcome, **params)

    rule.__doc__ = f"{code}: the type of institution may act as {role}."
    return rule


def rule_legally_registered(ctx: RuleContext) -> RuleResult:
    """LEGALLY_REGISTERED: a well-formed number for the country's registry, status active."""
    facts = ctx.facts
    params = {
        "number": facts.registration_number,
        "country": facts.country,
        "status": facts.registry_status,
    }
    if not facts.registration_number:
        return _r(RuleCode.LEGALLY_REGISTERED, False, "missing", **params)
    if not is_well_formed(facts.country, facts.registration_number):
        return _r(RuleCode.LEGALLY_REGISTERED, False, "malformed", **params)
    if facts.registry_status != "active":
        return _r(RuleCode.LEGALLY_REGISTERED, False, "inactive", **params)
    return _r(RuleCode.LEGALLY_REGISTERED, True, "pass", **params)


def rule_registered_one_year(ctx: RuleContext) -> RuleResult:
    """REGISTERED_ONE_YEAR: the submission date is on or after the first anniversary.

    A registration date after the submission date is an error in the facts,
    reported as such ("future"), not as "not yet a year".
    """
    registered = ctx.facts.registration_date
    if registered is None:
        return _r(
            RuleCode.REGISTERED_ONE_YEAR,
            False,
            "missing",
            registered="",
            anniversary="",
            on=ctx.on.isoformat(),
        )
    anniversary = first_anniversary(registered)
    params = {
        "registered": registered.isoformat(),
        "anniversary": anniversary.isoformat(),
        "on": ctx.on.isoformat(),
    }
    if registered > ctx.on:
        return _r(RuleCode.REGISTERED_ONE_YEAR, False, "future", **params)
    if ctx.on < anniversary:
        return _r(RuleCode.REGISTERED_ONE_YEAR, False, "too_recent", **params)
    return _r(RuleCode.REGISTERED_ONE_YEAR, True, "pass", **params)


def rule_lead_in_guangxi(ctx: RuleContext) -> RuleResult:
    """LEAD_IN_GUANGXI: country CN and a declared region code 45xxxx.

    Characters 3–8 of a credit code only hint at the region: the declared
    region decides, and a mismatch is pointed out without failing the rule.
    """
    facts, prefix = ctx.facts, ctx.ruleset.guangxi_region_prefix
    region = facts.region_code
    hint = uscc_region_code(facts.registration_number) if facts.country == "CN" else ""
    params = {"country": facts.country, "region": region, "uscc_region": hint}
    if facts.country != "CN":
        return _r(RuleCode.LEAD_IN_GUANGXI, False, "not_china", **params)
    if not (len(region) == 6 and region.isdigit()):
        return _r(RuleCode.LEAD_IN_GUANGXI, False, "no_region", **params)
    if not region.startswith(prefix):
        return _r(RuleCode.LEAD_IN_GUANGXI, False, "outside", **params)
    if hint and not hint.startswith(prefix):
        return _r(RuleCode.LEAD_IN_GUANGXI, True, "pass_uscc_differs", **params)
    return _r(RuleCode.LEAD_IN_GUANGXI, True, "pass", **params)


def rule_lead_independent(ctx: RuleContext) -> RuleResult:
    """LEAD_INDEPENDENT_LEGAL_STATUS: a legal person, not a branch nor an individual business."""
    facts = ctx.facts
    category = uscc_category(facts.registration_number) if facts.country == "CN" else ""
    params = {"independent": facts.independent_legal_status, "uscc_category": category}
    if category in ctx.ruleset.dependent_uscc_categories:
        return _r(RuleCode.LEAD_INDEPENDENT_LEGAL_STATUS, False, "individual_business", **params)
    if not facts.independent_legal_status:
        return _r(RuleCode.LEAD_INDEPENDENT_LEGAL_STATUS, False, "not_independent", **params)
    return _r(RuleCode.LEAD_INDEPENDENT_LEGAL_STATUS, True, "pass", **params)


def _capabilities_rule(code: str, role: str) -> Rule:
    def rule(ctx: RuleContext) -> RuleResult:
        required = ctx.ruleset.required_capabilities[role]
        declared = ctx.facts.capabilities
        params = {
            "required": list(required),
            "declared": [k for k in required if k in declared],
            "missing": [k for k in required if k not in declared],
        }
        if params["missing"]:
            return _r(code, False, "missing", **params)
        return _r(code, True, "pass", **params)

    rule.__doc__ = f"{code}: every capability of the {role} side declared with evidence."
    return rule


def rule_partners(ctx: RuleContext) -> RuleResult:
    """PARTNERS_AT_MOST_FIVE: at most five partners, all different, none the lead itself."""
    partners, limit = ctx.partners, ctx.ruleset.max_partners
    params: dict[str, Any] = {
        "count": len(partners),
        "limit": limit,
        "partners": [p.label for p in partners],
        "duplicates": [],
    }
    if len(partners) > limit:
        return _r(RuleCode.PARTNERS_AT_MOST_FIVE, False, "too_many", **params)
    if any(ctx.facts.same_organization(p) for p in partners):
        return _r(RuleCode.PARTNERS_AT_MOST_FIVE, False, "self", **params)
    seen: list[EligibilityFacts] = []
    for partner in partners:
        if any(partner.same_organization(s) for s in seen):
            params["duplicates"].append(partner.label)
        seen.append(partner)
    if params["duplicates"]:
        return _r(RuleCode.PARTNERS_AT_MOST_FIVE, False, "duplicate", **params)
    return _r(RuleCode.PARTNERS_AT_MOST_FIVE, True, "pass", **params)


def rule_cooperation_modes(ctx: RuleContext) -> RuleResult:
    """COOPERATION_MODES: one or more of the five modes, and nothing else."""
    allowed = ctx.ruleset.cooperation_modes
    chosen = list(dict.fromkeys(ctx.modes))
    params = {
        "modes": chosen,
        "unknown": [m for m in chosen if m not in allowed],
        "allowed": list(allowed),
    }
    if not chosen:
        return _r(RuleCode.COOPERATION_MODES, False, "none", **params)
    if params["unknown"]:
        return _r(RuleCode.COOPERATION_MODES, False, "unknown", **params)
    return _r(RuleCode.COOPERATION_MODES, True, "pass", **params)


def rule_verified(ctx: RuleContext) -> RuleResult:
    """ORGANIZATION_VERIFIED: an operator has checked the registration documents."""
    params = {"verified": ctx.facts.verified}
    if not ctx.facts.verified:
        return _r(RuleCode.ORGANIZATION_VERIFIED, False, "not_verified", **params)
    return _r(RuleCode.ORGANIZATION_VERIFIED, True, "pass", **params)


RULES: Mapping[str, Rule] = {
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
    RuleCode.PARTNERS_AT_MOST_FIVE: rule_partners,
    RuleCode.COOPERATION_MODES: rule_cooperation_modes,
    RuleCode.ORGANIZATION_VERIFIED: rule_verified,
}


def apply_waivers(result: RuleResult, waivers: Iterable[Waiver], on: date) -> RuleResult:
    """A failed result turned into a passed one when a waiver for its code is in force on `on`."""
    if result.passed:
        return result
    for waiver in waivers:
        if waiver.code == result.code and waiver.covers(on):
            return RuleResult(
                code=result.code,
                passed=True,
                outcome=result.outcome,
                params=result.params,
                waiver=waiver.as_dict(),
            )
    return result


# --------------------------------------------------------------------------- entry points
def _ruleset(ruleset: str | RuleSet | None) -> RuleSet:
    if ruleset is None:
        return CURRENT_RULESET
    if isinstance(ruleset, RuleSet):
        return ruleset
    try:
        return RULESETS[ruleset]
    except KeyError:
        raise ValueError(f"unknown rule set {ruleset!r}; known: {', '.join(RULESETS)}") from None


def _modes(modes: Iterable[str] | str | None) -> tuple[str, ...]:
    if modes is None:
        return ()
    if isinstance(modes, str):  # one mode given bare, not as a list of characters
        modes = [modes]
    return tuple(str(m) for m in modes)


def check_eligibility(
    subject,
    *,
    role: Role | str,
    on: date | datetime,
    partners: Iterable = (),
    modes: Iterable[str] = (),
    ruleset: str | RuleSet | None = None,
    scope: str = SCOPE_SUBMISSION,
) -> EligibilityReport:
    """Check every rule of `role` for `subject` on `on` and return the report.

    `subject` and each partner are `Organization`s or `EligibilityFacts`
    (organizations cost two queries in all). `on` is a date, or an aware
    datetime taken as its date in Asia/Shanghai. `partners` and `modes` are
    those of the challenge or bid being submitted. With
    `scope="organization"` the rules that depend on a submission (partners,
    cooperation modes) are left out: the organization's standing only, as
    shown on its eligibility page. The partners' own standing is their own
    report: `check_eligibility(partner, role=Role.PARTNER, on=...)`.
    """
    rs = _ruleset(ruleset)
    role = Role(role)
    if scope not in (SCOPE_SUBMISSION, SCOPE_ORGANIZATION):
        raise ValueError(f"scope must be {SCOPE_SUBMISSION!r} or {SCOPE_ORGANIZATION!r}")
    day = to_programme_date(on)
    facts, *partner_facts = as_facts([subject, *partners])
    ctx = RuleContext(
        facts=facts,
        role=role.value,
        on=day,
        ruleset=rs,
        partners=tuple(partner_facts),
        modes=_modes(modes),
    )
    results = tuple(
        apply_waivers(RULES[code](ctx), facts.waivers, day)
        for code in rs.rules[role]
        if scope == SCOPE_SUBMISSION or code not in rs.submission_rules
    )
    return EligibilityReport(
        role=role.value,
        on=day,
        ruleset=rs.version,
        results=results,
        subject=facts.name,
        scope=scope,
    )


def plausible_roles(facts: EligibilityFacts, ruleset: RuleSet | None = None) -> tuple[Role, ...]:
    """The roles an organization could play, judged by its country alone.

    Chinese organizations lead (or partner), ASEAN ones post challenges (or
    partner), anyone may partner. The other roles' rules still apply and say
    why they fail.
    """
    rs = ruleset or CURRENT_RULESET
    if facts.country == "CN":
        return (Role.LEAD, Role.PARTNER)
    if facts.country in rs.asean_membership:
        return (Role.DEMAND, Role.PARTNER)
    return (Role.PARTNER,)


def render_report(report: EligibilityReport, language: str | None = None) -> dict[str, Any]:
    """`as_dict()` rendered in a given language (e.g. for an e-mail)."""
    if language is None:
        return report.as_dict()
    with translation.override(language):
        return report.as_dict()
