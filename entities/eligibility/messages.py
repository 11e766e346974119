"""Plain-language messages for every rule outcome: what is wrong and how to fix it.

Templates are translated lazily and filled from a result's parameters, so
a stored report renders in whatever language the reader uses.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from ..enums import CapabilityKey, CooperationMode, InstitutionType, RegistryStatus, RuleCode
from ..registry import registries_for

C = RuleCode

MESSAGES: dict[tuple[str, str], Any] = {
    (C.DEMAND_ASEAN_MEMBER, "pass"): _("%(country_name)s is an ASEAN member state."),
    (C.DEMAND_ASEAN_MEMBER, "not_member"): _(
        "%(country_name)s is not an ASEAN member state. Challenges can only be posted by "
        "institutions registered in an ASEAN member state; if your organization is registered "
        "in one, correct the country in its profile."
    ),
    (C.DEMAND_ASEAN_MEMBER, "not_yet_member"): _(
        "%(country_name)s becomes an ASEAN member state on %(since_display)s. You can post "
        "challenges from that day."
    ),
    (C.DEMAND_INSTITUTION_TYPE, "pass"): _("A %(type_name)s may post challenges."),
    (C.DEMAND_INSTITUTION_TYPE, "not_allowed"): _(
        "Challenges can be posted by a university, research institute, enterprise or government "
        "agency; your organization is registered as “%(type_name)s”. If that is wrong, correct "
        "the type of institution in the organization profile."
    ),
    (C.DEMAND_INSTITUTION_TYPE, "government"): _("A %(type_name)s may post challenges."),
    (C.LEGALLY_REGISTERED, "pass"): _(
        "Registration number %(number)s is valid and the registry status is active."
    ),
    (C.LEGALLY_REGISTERED, "missing"): _(
        "No registration number is recorded. Add your official registration number to the "
        "organization profile."
    ),
    (C.LEGALLY_REGISTERED, "malformed"): _(
        "The registration number %(number)s is not valid for %(country_name)s (expected: "
        "%(expected)s, e.g. %(example)s). Check it against your registration certificate and "
        "correct it in the organization profile; if your number is genuine, ask the programme "
        "office for a waiver."
    ),
    (C.LEGALLY_REGISTERED, "inactive"): _(
        "The registry lists your organization as %(status_name)s. Only organizations whose "
        "registration is active may take part; update the status once it is active again."
    ),
    (C.REGISTERED_ONE_YEAR, "pass"): _(
        "Registered on %(registered_display)s: more than one year before the submission date."
    ),
    (C.REGISTERED_ONE_YEAR, "missing"): _(
        "No registration date is recorded. Add it to the organization profile."
    ),
    (C.REGISTERED_ONE_YEAR, "too_recent"): _(
        "Your organization must have been registered for at least one year. Registered on "
        "%(registered_display)s, it is eligible from %(anniversary_display)s."
    ),
    (C.REGISTERED_ONE_YEAR, "future"): _(
        "The registration date %(registered_display)s is in the future: that cannot be right. "
        "Correct the date of registration in the organization profile."
    ),
    (C.LEAD_IN_GUANGXI, "pass"): _("Registered in Guangxi (region code %(region)s)."),
    (C.LEAD_IN_GUANGXI, "pass_uscc_differs"): _(
        "Registered in Guangxi (declared region code %(region)s). Note: characters 3–8 of your "
        "credit code (%(uscc_region)s) point elsewhere; the operators will check your "
        "registration documents."
    ),
    (C.LEAD_IN_GUANGXI, "not_china"): _(
        "Only organizations registered in the Guangxi Zhuang Autonomous Region of China may "
        "lead a challenge. Your organization may still join a bid as a partner."
    ),
    (C.LEAD_IN_GUANGXI, "no_region"): _(
        "No 6-digit region code is recorded. Add the administrative division code of your place "
        "of registration (e.g. 450100 for Nanning) to the organization profile."
    ),
    (C.LEAD_IN_GUANGXI, "outside"): _(
        "Region code %(region)s (%(region_name)s) is outside Guangxi (codes starting 45). Only "
        "Guangxi-registered organizations may lead; you may join a bid as a partner."
    ),
    (C.LEAD_INDEPENDENT_LEGAL_STATUS, "pass"): _("An independent legal person."),
    (C.LEAD_INDEPENDENT_LEGAL_STATUS, "not_independent"): _(
        "A lead organizer must be an independent legal person; branch offices and "
        "representative offices cannot lead. Apply through your parent organization, or "
        "correct the profile if this is wrong."
    ),
    (C.LEAD_INDEPENDENT_LEGAL_STATUS, "individual_business"): _(
        "Your credit code starts with 92, the code of an individual business (个体工商户), which "
        "has no independent legal status and cannot lead a challenge."
    ),
    (C.LEAD_INSTITUTION_TYPE, "pass"): _("A %(type_name)s may lead a challenge."),
    (C.LEAD_INSTITUTION_TYPE, "government"): _(
        "Government agencies cannot lead a challenge. An enterprise, university or research "
        "institution must apply; your agency may support it as a partner."
    ),
    (C.LEAD_INSTITUTION_TYPE, "not_allowed"): _(
        "Only an enterprise, university or research institution may lead a challenge; your "
        "organization is registered as “%(type_name)s”."
    ),
    (C.DEMAND_CAPABILITIES, "pass"): _("All demand-side resources are declared with evidence."),
    (C.DEMAND_CAPABILITIES, "missing"): _(
        "Declare, with at least one evidence file each: %(missing_names)s. Go to the "
        "organization's capabilities page to add them."
    ),
    (C.LEAD_CAPABILITIES, "pass"): _("All lead capabilities are declared with evidence."),
    (C.LEAD_CAPABILITIES, "missing"): _(
        "Declare, with at least one evidence file each: %(missing_names)s. Go to the "
        "organization's capabilities page to add them."
    ),
    (C.PARTNERS_AT_MOST_FIVE, "pass"): _("%(count)s partner organization(s), within the limit."),
    (C.PARTNERS_AT_MOST_FIVE, "too_many"): _(
        "A bid may have at most %(limit)s partner organizations; this one has %(count)s. Remove "
        "%(excess)s of them."
    ),
    (C.PARTNERS_AT_MOST_FIVE, "self"): _(
        "Your own organization is listed as a partner. Remove it: the lead cannot be its own "
        "partner."
    ),
    (C.PARTNERS_AT_MOST_FIVE, "duplicate"): _(
        "The same organization is listed more than once (%(duplicate_names)s). List each partner "
        "once."
    ),
    (C.COOPERATION_MODES, "pass"): _("Cooperation modes: %(mode_names)s."),
    (C.COOPERATION_MODES, "none"): _(
        "Choose at least one cooperation mode: technology transfer, collaborative R&D, "
        "personnel training, technology licensing or technology investment."
    ),
    (C.COOPERATION_MODES, "unknown"): _(
        "“%(unknown_names)s” is not one of the programme's five cooperation modes. Choose among "
        "technology transfer, collaborative R&D, personnel training, technology licensing and "
        "technology investment."
    ),
    (C.ORGANIZATION_VERIFIED, "pass"): _(
        "The programme office has checked the registration documents."
    ),
    (C.ORGANIZATION_VERIFIED, "not_verified"): _(
        "The programme office has not yet verified this organization. Complete the profile and "
        "request verification; operators check the registration documents within a few "
        "working days."
    ),
}

EVIDENCE: dict[str, Any] = {
    C.DEMAND_ASEAN_MEMBER: _("country %(country)s, submission %(on)s"),
    C.DEMAND_INSTITUTION_TYPE: _("type: %(type_name)s"),
    C.LEGALLY_REGISTERED: _("number %(number)s (%(country)s), registry status %(status)s"),
    C.REGISTERED_ONE_YEAR: _(
        "registered %(registered)s, anniversary %(anniversary)s, submission %(on)s"
    ),
    C.LEAD_IN_GUANGXI: _(
        "country %(country)s, declared region %(region)s, credit code region %(uscc_region)s"
    ),
    C.LEAD_INDEPENDENT_LEGAL_STATUS: _(
        "declared independent: %(declared)s, credit code category %(uscc_category)s"
    ),
    C.LEAD_INSTITUTION_TYPE: _("type: %(type_name)s"),
    C.DEMAND_CAPABILITIES: _("declared with evidence: %(declared_names)s"),
    C.LEAD_CAPABILITIES: _("declared with evidence: %(declared_names)s"),
    C.PARTNERS_AT_MOST_FIVE: _("%(count)s partner(s): %(partner_names)s"),
    C.COOPERATION_MODES: _("modes: %(mode_names)s"),
    C.ORGANIZATION_VERIFIED: _("verification status recorded by the programme office"),
}


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _date(value: str | None) -> str:
    from datetime import date

    if not value:
        return "—"
    try:
        return date_format(date.fromisoformat(value), "DATE_FORMAT")
    except ValueError:
        return value


def _display_params(code: str, params: dict[str, Any]) -> dict[str, Any]:
    p: dict[str, Any] = {k: ("—" if v in ("", None) else v) for k, v in params.items()}
    country = params.get("country") or ""
    p["country_name"] = str(countries.name(country)) or country or "—"
    p["type_name"] = _label(InstitutionType, params.get("type", ""))
    p["status_name"] = _label(RegistryStatus, params.get("status", "")).lower()
    for key in ("since", "registered", "anniversary", "on"):
        p[f"{key}_display"] = _date(params.get(key))
    p["missing_names"] = ", ".join(_label(CapabilityKey, k) for k in params.get("missing", []))
    p["declared_names"] = (
        ", ".join(_label(CapabilityKey, k) for k in params.get("declared", [])) or "—"
    )
    p["mode_names"] = ", ".join(_label(CooperationMode, m) for m in params.get("modes", [])) or "—"
    p["unknown_names"] = ", ".join(params.get("unknown", []))
    p["partner_names"] = ", ".join(params.get("partners", [])) or "—"
    p["duplicate_names"] = ", ".join(params.get("duplicates", []))
    count, limit = params.get("count", 0), params.get("limit", 0)
    p["excess"] = max(0, count - limit) if isinstance(count, int) else 0
    if code == C.LEGALLY_REGISTERED:
        registries = registries_for(country)
        p["expected"] = " / ".join(str(r.format) for r in registries)
        p["example"] = registries[0].example
    if code == C.LEAD_IN_GUANGXI:
        from ..regions import cn_region_name

        p["region_name"] = cn_region_name(params.get("region", "")) or "?"
    return p


def render_message(code: str, outcome: str, params: dict[str, Any], subject: str = "") -> str:
    template = MESSAGES.get((code, outcome))
    if template is None:
        return str(RuleCode(code).label) if code in RuleCode.values else code
    text = str(template) % _display_params(code, params)
    if subject:
        text = gettext("Partner %(partner)s: %(message)s") % {"partner": subject, "message": text}
    return text


def render_evidence(code: str, params: dict[str, Any]) -> str:
    template = EVIDENCE.get(code)
    if template is None:
        return ""
    try:
        return str(template) % _display_params(code, params)
    except (KeyError, TypeError):
        return ""
