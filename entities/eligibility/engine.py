"""The eligibility rule engine (DESIGN §3).

Rules are pure functions over facts: no database, no network, no clock. Each
returns a `RuleResult` with the rule code, passed or not, an outcome key and
the parameters it looked at. The plain-language message, the evidence line
and the next steps are rendered from those by `messages`, in the reader's
language, so a stored report can be shown again years later.

The engine reads no database: `check_eligibility` takes `EligibilityFacts`
(`facts.py`). Organizations passed instead are turned into facts by the
loader the entities app registers at start-up (`entities.selectors.eligibility_facts`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import translation

from ..enums import InstitutionType, RuleCode
from ..registry import is_well_formed, uscc_category, uscc_region_code
from .facts import EligibilityFacts, Waiver, as_facts
from .report import SCOPE_ORGANIZATION, SCOPE_SUBMISSION, EligibilityReport, RuleResult
from .ruleset import CURRENT_RULESET, RULESETS, Role, RuleSet

#: Submission dates are calendar dates in China: the programme is run from Nanning.
PROGRAMME_TZ = ZoneInfo("Asia/Shanghai")


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
    #: the modes the challenge asks for (a bid's modes must be among them); empty: no limit.
    sought_modes: tuple[str, ...] = ()


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
    """COOPERATION_MODES: one or more of the five modes, and nothing else.

    For a bid, every mode offered must also be one the challenge asks for
    (`sought_modes`); a bid may offer fewer modes than sought, never others.
    """
    allowed = ctx.ruleset.cooperation_modes
    chosen = list(dict.fromkeys(ctx.modes))
    params: dict[str, Any] = {
        "modes": chosen,
        "unknown": [m for m in chosen if m not in allowed],
        "allowed": list(allowed),
    }
    if ctx.sought_modes:
        params["sought"] = list(ctx.sought_modes)
        params["not_sought"] = [m for m in chosen if m in allowed and m not in ctx.sought_modes]
    if not chosen:
        return _r(RuleCode.COOPERATION_MODES, False, "none", **params)
    if params["unknown"]:
        return _r(RuleCode.COOPERATION_MODES, False, "unknown", **params)
    if params.get("not_sought"):
        return _r(RuleCode.COOPERATION_MODES, False, "not_sought", **params)
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
    sought_modes: Iterable[str] = (),
    ruleset: str | RuleSet | None = None,
    scope: str = SCOPE_SUBMISSION,
) -> EligibilityReport:
    """Check every rule of `role` for `subject` on `on` and return the report.

    `subject` and each partner are `Organization`s or `EligibilityFacts`
    (organizations cost two queries in all). `on` is a date, or an aware
    datetime taken as its date in Asia/Shanghai. `partners` and `modes` are
    those of the challenge or bid being submitted; `sought_modes`, for a
    bid, those its challenge asks for (offered modes must be among them). With
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
        sought_modes=_modes(sought_modes),
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
