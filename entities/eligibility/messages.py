"""Plain-language text for every rule outcome: what is wrong, how to fix it, what to do next.

Templates are translated lazily and filled from a result's parameters when
they are read, so a stored report renders in whatever language its reader
uses. Dates are written as YYYY-MM-DD, which reads the same in every language
of the programme.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext
from django_countries import countries

from core.formats import format_list

from ..enums import CapabilityKey, CooperationMode, InstitutionType, RegistryStatus, RuleCode
from ..regions import cn_region_name
from ..registry import registries_for

C = RuleCode

# --------------------------------------------------------------------------- messages
MESSAGES: Mapping[tuple[str, str], Any] = {
    # DEMAND_ASEAN_MEMBER
    (C.DEMAND_ASEAN_MEMBER, "pass"): _(
        "%(country_name)s is an ASEAN member state, so your organization may post challenges."
    ),
    (C.DEMAND_ASEAN_MEMBER, "not_member"): _(
        "%(country_name)s is not an ASEAN member state. Challenges can only be posted by "
        "institutions registered in an ASEAN member state. If your organization is registered "
        "in one, correct the country in the organization profile; otherwise you can still join "
        "a bid as a partner."
    ),
    (C.DEMAND_ASEAN_MEMBER, "not_yet_member"): _(
        "%(country_name)s becomes an ASEAN member state on %(since)s. Challenges from "
        "%(country_name)s can be submitted from that day; you can prepare yours now."
    ),
    # DEMAND_INSTITUTION_TYPE
    (C.DEMAND_INSTITUTION_TYPE, "pass"): _(
        "Type of institution “%(type_name)s”: may post challenges."
    ),
    (C.DEMAND_INSTITUTION_TYPE, "not_allowed"): _(
        "Challenges can be posted by a university, a research institute, an enterprise or a "
        "government agency; your organization is registered as “%(type_name)s”. If that is "
        "wrong, correct the type of institution in the organization profile."
    ),
    # LEGALLY_REGISTERED
    (C.LEGALLY_REGISTERED, "pass"): _(
        "Registration number %(number)s is well-formed and the registry status is active."
    ),
    (C.LEGALLY_REGISTERED, "missing"): _(
        "No registration number is recorded. Add your official registration number to the "
        "organization profile."
    ),
    (C.LEGALLY_REGISTERED, "malformed"): _(
        "The registration number %(number)s is not valid for %(country_name)s (expected: "
        "%(expected)s, for example %(example)s). Check it against your registration "
        "certificate and correct it in the organization profile. If the number on your "
        "certificate really is this one, ask the programme office for a waiver."
    ),
    (C.LEGALLY_REGISTERED, "inactive"): _(
        "The registry lists your organization as %(status_name)s. Only organizations whose "
        "registration is active may take part. Once the registry shows it as active again, "
        "update the registry status in the organization profile."
    ),
    # REGISTERED_ONE_YEAR
    (C.REGISTERED_ONE_YEAR, "pass"): _(
        "Registered on %(registered)s; the first anniversary, %(anniversary)s, is on or before "
        "the submission date %(on)s."
    ),
    (C.REGISTERED_ONE_YEAR, "missing"): _(
        "No date of registration is recorded. Add it to the organization profile, as on your "
        "registration certificate."
    ),
    (C.REGISTERED_ONE_YEAR, "too_recent"): _(
        "Your organization must have been registered for at least one year. It was registered "
        "on %(registered)s, so it is eligible from %(anniversary)s (China time). Nothing to "
        "correct: submit on or after that day."
    ),
    (C.REGISTERED_ONE_YEAR, "future"): _(
        "The date of registration, %(registered)s, is after %(on)s: a registration date cannot "
        "be in the future. Correct the date of registration in the organization profile, as on "
        "your registration certificate."
    ),
    # LEAD_IN_GUANGXI
    (C.LEAD_IN_GUANGXI, "pass"): _("Registered in Guangxi (region code %(region)s)."),
    (C.LEAD_IN_GUANGXI, "pass_uscc_differs"): _(
        "Registered in Guangxi (declared region code %(region)s). Note: characters 3–8 of your "
        "credit code (%(uscc_region)s) point elsewhere; the declared region decides, and the "
        "programme office checks it against your registration documents."
    ),
    (C.LEAD_IN_GUANGXI, "not_china"): _(
        "Only organizations registered in the Guangxi Zhuang Autonomous Region of China may "
        "lead a challenge; your organization is registered in %(country_name)s. You can still "
        "join a Guangxi-led bid as a partner. If the country is wrong, correct it in the "
        "organization profile."
    ),
    (C.LEAD_IN_GUANGXI, "no_region"): _(
        "No 6-digit region code is recorded, so we cannot tell whether your organization is "
        "registered in Guangxi. Add the administrative division code of your place of "
        "registration (for example 450100 for Nanning) to the organization profile."
    ),
    (C.LEAD_IN_GUANGXI, "outside"): _(
        "Region code %(region)s (%(region_name)s) is outside Guangxi, whose codes start with 45. "
        "Only Guangxi-registered organizations may lead a challenge; you can join a Guangxi-led "
        "bid as a partner. If the region code is wrong, correct it in the organization profile."
    ),
    # LEAD_INDEPENDENT_LEGAL_STATUS
    (C.LEAD_INDEPENDENT_LEGAL_STATUS, "pass"): _("An independent legal person."),
    (C.LEAD_INDEPENDENT_LEGAL_STATUS, "not_independent"): _(
        "A lead organizer must be an independent legal person; branch offices and "
        "representative offices cannot lead. Ask your parent organization to apply (you can "
        "join its bid), or, if your organization is in fact a legal person, tick “independent "
        "legal person” in the organization profile."
    ),
    (C.LEAD_INDEPENDENT_LEGAL_STATUS, "individual_business"): _(
        "Your credit code starts with 92, the code of an individual business (个体工商户), which "
        "has no independent legal status and cannot lead a challenge. If your business has "
        "since been registered as a company, enter the company's credit code in the "
        "organization profile; otherwise you can join a bid as a partner."
    ),
    # LEAD_INSTITUTION_TYPE
    (C.LEAD_INSTITUTION_TYPE, "pass"): _(
        "Type of institution “%(type_name)s”: may lead a challenge."
    ),
    (C.LEAD_INSTITUTION_TYPE, "government"): _(
        "Government agencies cannot lead a challenge: an enterprise, a university or a research "
        "institution must apply. Your agency can support a bid as a partner."
    ),
    (C.LEAD_INSTITUTION_TYPE, "not_allowed"): _(
        "Only an enterprise, a university or a research institution may lead a challenge; your "
        "organization is registered as “%(type_name)s”. If that is wrong, correct the type of "
        "institution in the organization profile."
    ),
    # DEMAND_CAPABILITIES / LEAD_CAPABILITIES
    (C.DEMAND_CAPABILITIES, "pass"): _(
        "All four demand-side resources are declared with evidence: %(declared_names)s."
    ),
    (C.DEMAND_CAPABILITIES, "missing"): _(
        "Still missing: %(missing_names)s. On the Capabilities page, describe each of them and "
        "upload at least one evidence file (a report, photos of the site, a data catalogue, an "
        "agreement…)."
    ),
    (C.LEAD_CAPABILITIES, "pass"): _(
        "All three lead capabilities are declared with evidence: %(declared_names)s."
    ),
    (C.LEAD_CAPABILITIES, "missing"): _(
        "Still missing: %(missing_names)s. On the Capabilities page, describe each of them and "
        "upload at least one evidence file (project reports, photos of the facilities, "
        "cooperation agreements…)."
    ),
    # PARTNERS_AT_MOST_FIVE
    (C.PARTNERS_AT_MOST_FIVE, "pass"): ngettext_lazy(
        "%(count)s partner organization, within the limit of %(limit)s.",
        "%(count)s partner organizations, all different, within the limit of %(limit)s.",
        "count",
    ),
    (C.PARTNERS_AT_MOST_FIVE, "too_many"): _(
        "A bid may have at most %(limit)s partner organizations; this one lists %(count)s. "
        "Remove %(excess)s of them."
    ),
    (C.PARTNERS_AT_MOST_FIVE, "self"): _(
        "Your own organization is listed as a partner. Remove it: the lead organizer cannot be "
        "its own partner."
    ),
    (C.PARTNERS_AT_MOST_FIVE, "duplicate"): _(
        "The same organization is listed more than once (%(duplicate_names)s). List each "
        "partner only once."
    ),
    # COOPERATION_MODES
    (C.COOPERATION_MODES, "pass"): _("Cooperation modes: %(mode_names)s."),
    (C.COOPERATION_MODES, "none"): _(
        "No cooperation mode is chosen. Choose at least one: technology transfer, collaborative "
        "R&D, personnel training, technology licensing or technology investment."
    ),
    (C.COOPERATION_MODES, "unknown"): _(
        "“%(unknown_names)s” is not one of the programme's five cooperation modes. Choose among "
        "technology transfer, collaborative R&D, personnel training, technology licensing and "
        "technology investment."
    ),
    (C.COOPERATION_MODES, "not_sought"): _(
        "The challenge does not ask for %(not_sought_names)s. A bid may offer only the "
        "cooperation modes the challenge asks for: %(sought_names)s. Untick the others."
    ),
    # ORGANIZATION_VERIFIED
    (C.ORGANIZATION_VERIFIED, "pass"): _(
        "The programme office has checked the registration documents."
    ),
    (C.ORGANIZATION_VERIFIED, "not_verified"): _(
        "The programme office has not verified this organization yet. Complete the profile and "
        "request verification on the Profile page; the office checks the registration "
        "documents, usually within a few working days."
    ),
}

EVIDENCE: Mapping[str, Any] = {
    C.DEMAND_ASEAN_MEMBER: _("country %(country)s, member since %(since)s, submission %(on)s"),
    C.DEMAND_INSTITUTION_TYPE: _("type of institution: %(type_name)s"),
    C.LEGALLY_REGISTERED: _("number %(number)s (%(country)s), registry status %(status_name)s"),
    C.REGISTERED_ONE_YEAR: _(
        "registered %(registered)s, anniversary %(anniversary)s, submission %(on)s"
    ),
    C.LEAD_IN_GUANGXI: _(
        "country %(country)s, declared region %(region)s, credit code region %(uscc_region)s"
    ),
    C.LEAD_INDEPENDENT_LEGAL_STATUS: _(
        "independent legal person: %(independent_display)s, credit code category %(uscc_category)s"
    ),
    C.LEAD_INSTITUTION_TYPE: _("type of institution: %(type_name)s"),
    C.DEMAND_CAPABILITIES: _("declared with evidence: %(declared_names)s"),
    C.LEAD_CAPABILITIES: _("declared with evidence: %(declared_names)s"),
    C.PARTNERS_AT_MOST_FIVE: ngettext_lazy(
        "%(count)s partner: %(partner_names)s", "%(count)s partners: %(partner_names)s", "count"
    ),
    C.COOPERATION_MODES: _("modes: %(mode_names)s"),
    C.ORGANIZATION_VERIFIED: _("verified by the programme office: %(verified_display)s"),
}


# --------------------------------------------------------------------------- next steps
@dataclass(frozen=True)
class NextStep:
    """One thing to do to pass a rule.

    `target` names where to do it: "profile" (edit the organization profile),
    "capability" (declare `key` with evidence), "verification" (request
    verification), "office" (contact the programme office), "" (nothing to
    do but wait, e.g. until an anniversary).
    """

    text: str
    target: str = ""
    key: str = ""


_PROFILE = "profile"
_STEPS: Mapping[tuple[str, str], tuple[Any, str]] = {
    (C.DEMAND_ASEAN_MEMBER, "not_member"): (
        _("Check the country of registration in the profile"),
        _PROFILE,
    ),
    (C.DEMAND_ASEAN_MEMBER, "not_yet_member"): (_("Eligible from %(since)s"), ""),
    (C.DEMAND_INSTITUTION_TYPE, "not_allowed"): (
        _("Check the type of institution in the profile"),
        _PROFILE,
    ),
    (C.LEGALLY_REGISTERED, "missing"): (_("Add the registration number to the profile"), _PROFILE),
    (C.LEGALLY_REGISTERED, "malformed"): (
        _("Correct the registration number in the profile"),
        _PROFILE,
    ),
    (C.LEGALLY_REGISTERED, "inactive"): (
        _("Update the registry status once it is active"),
        _PROFILE,
    ),
    (C.REGISTERED_ONE_YEAR, "missing"): (
        _("Add the date of registration to the profile"),
        _PROFILE,
    ),
    (C.REGISTERED_ONE_YEAR, "too_recent"): (_("Eligible from %(anniversary)s"), ""),
    (C.REGISTERED_ONE_YEAR, "future"): (
        _("Correct the date of registration in the profile"),
        _PROFILE,
    ),
    (C.LEAD_IN_GUANGXI, "not_china"): (_("Join a Guangxi-led bid as a partner instead"), ""),
    (C.LEAD_IN_GUANGXI, "no_region"): (_("Add the 6-digit region code to the profile"), _PROFILE),
    (C.LEAD_IN_GUANGXI, "outside"): (_("Join a Guangxi-led bid as a partner instead"), ""),
    (C.LEAD_INDEPENDENT_LEGAL_STATUS, "not_independent"): (
        _("Ask your parent organization to lead, or correct the profile"),
        _PROFILE,
    ),
    (C.LEAD_INDEPENDENT_LEGAL_STATUS, "individual_business"): (
        _("Join a bid as a partner, or enter your company's credit code"),
        _PROFILE,
    ),
    (C.LEAD_INSTITUTION_TYPE, "government"): (_("Support a bid as a partner instead"), ""),
    (C.LEAD_INSTITUTION_TYPE, "not_allowed"): (
        _("Check the type of institution in the profile"),
        _PROFILE,
    ),
    (C.ORGANIZATION_VERIFIED, "not_verified"): (
        _("Request verification by the programme office"),
        "verification",
    ),
    (C.PARTNERS_AT_MOST_FIVE, "too_many"): (
        ngettext_lazy("Remove %(excess)s partner", "Remove %(excess)s partners", "excess"),
        "",
    ),
    (C.PARTNERS_AT_MOST_FIVE, "self"): (_("Remove your own organization from the partners"), ""),
    (C.PARTNERS_AT_MOST_FIVE, "duplicate"): (_("List each partner only once"), ""),
    (C.COOPERATION_MODES, "none"): (_("Choose at least one cooperation mode"), ""),
    (C.COOPERATION_MODES, "unknown"): (_("Choose among the five cooperation modes"), ""),
    (C.COOPERATION_MODES, "not_sought"): (
        _("Offer only the modes the challenge asks for: %(sought_names)s"),
        "",
    ),
}

# "Upload evidence of your local data resources": one step per missing capability.
_CAPABILITY_STEP: dict[str, Any] = {
    CapabilityKey.OPERATIONAL_SCENARIOS: _("Describe your operational scenarios, with evidence"),
    CapabilityKey.EXPERIMENTAL_ENVIRONMENT: _(
        "Describe your experimental environment, with evidence"
    ),
    CapabilityKey.LOCAL_DATA_RESOURCES: _("Upload evidence of your local data resources"),
    CapabilityKey.SUPPORTING_INFRASTRUCTURE: _(
        "Describe your supporting infrastructure, with evidence"
    ),
    CapabilityKey.RND_CAPABILITY: _("Upload evidence of your R&D capability"),
    CapabilityKey.RESEARCH_FACILITIES: _("Upload evidence of your research facilities"),
    CapabilityKey.INTERNATIONAL_COLLABORATION_NETWORK: _(
        "Describe your international collaboration network, with evidence"
    ),
}


# --------------------------------------------------------------------------- rendering
def _label(choices, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _names(choices, values: Any) -> str:
    if not isinstance(values, list | tuple):
        return "—"
    return format_list(_label(choices, v) for v in values)


def _yes_no(value: Any) -> str:
    if value:
        return pgettext("eligibility evidence", "yes")
    return pgettext("eligibility evidence", "no")


def _registry_hint(params: Mapping[str, Any]) -> dict[str, str]:
    registries = registries_for(str(params.get("country") or ""))
    return {
        "expected": " / ".join(str(r.format) for r in registries),
        "example": registries[0].example,
    }


def _region_name(params: Mapping[str, Any]) -> dict[str, str]:
    return {"region_name": cn_region_name(str(params.get("region") or "")) or "?"}


def _excess(params: Mapping[str, Any]) -> dict[str, Any]:
    count, limit = params.get("count"), params.get("limit")
    if isinstance(count, int) and isinstance(limit, int):
        return {"excess": max(0, count - limit)}
    return {"excess": "?"}


# Extra display values a code's templates use, beyond the common ones.
_EXTRA: Mapping[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    C.LEGALLY_REGISTERED: _registry_hint,
    C.LEAD_IN_GUANGXI: _region_name,
    C.PARTNERS_AT_MOST_FIVE: _excess,
}


def display_params(code: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The values a message template may use, computed from a result's stored parameters."""
    p: dict[str, Any] = {k: ("—" if v in ("", None) else v) for k, v in params.items()}
    country = str(params.get("country") or "")
    p["country_name"] = str(countries.name(country)) or country or "—"
    p["type_name"] = _label(InstitutionType, params.get("type", "")) or "—"
    p["status_name"] = _label(RegistryStatus, params.get("status", "")).lower() or "—"
    p["missing_names"] = _names(CapabilityKey, params.get("missing"))
    p["declared_names"] = _names(CapabilityKey, params.get("declared"))
    p["mode_names"] = _names(CooperationMode, params.get("modes"))
    p["sought_names"] = _names(CooperationMode, params.get("sought"))
    p["not_sought_names"] = _names(CooperationMode, params.get("not_sought"))
    p["unknown_names"] = format_list(params.get("unknown") or ()) or "—"
    p["partner_names"] = format_list(params.get("partners") or ()) or "—"
    p["duplicate_names"] = format_list(params.get("duplicates") or ()) or "—"
    p["independent_display"] = _yes_no(params.get("independent"))
    p["verified_display"] = _yes_no(params.get("verified"))
    more_params = _EXTRA.get(code)
    if more_params is not None:
        p.update(more_params(params))
    return p


def _fill(template: Any, code: str, params: Mapping[str, Any]) -> str:
    try:
        # `template % values`, not `str(template) % values`: a lazy plural picks its form
        # from the values (ngettext_lazy with a named number).
        return str(template % display_params(code, params))
    except (KeyError, TypeError, ValueError):
        # A stored report from an older rule set may lack a parameter: show the
        # template rather than fail the page.
        return str(template)


def render_message(code: str, outcome: str, params: Mapping[str, Any]) -> str:
    """The plain-language message of an outcome, in the active language."""
    template = MESSAGES.get((code, outcome))
    if template is None:
        return str(RuleCode(code).label) if code in RuleCode.values else code
    return _fill(template, code, params)


def render_evidence(code: str, params: Mapping[str, Any]) -> str:
    """The facts the rule looked at, in one line."""
    template = EVIDENCE.get(code)
    return "" if template is None else _fill(template, code, params)


def next_steps(code: str, outcome: str, params: Mapping[str, Any]) -> list[NextStep]:
    """What to do to pass a failed rule; empty for a passed one."""
    if code in (C.DEMAND_CAPABILITIES, C.LEAD_CAPABILITIES) and outcome == "missing":
        return [
            NextStep(text=str(_CAPABILITY_STEP.get(key, key)), target="capability", key=str(key))
            for key in params.get("missing") or ()
        ]
    step = _STEPS.get((code, outcome))
    if step is None:
        return []
    template, target = step
    return [NextStep(text=_fill(template, code, params), target=target)]
