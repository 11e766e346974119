"""The rules of DESIGN §3, table by table. Pure: no database.

Every rule code has passing and failing rows, and every boundary the issue
names has its own row: change a rule and a row here fails.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from entities.eligibility import (
    CURRENT_RULESET,
    EligibilityFacts,
    EligibilityReport,
    Role,
    RuleCode,
    Waiver,
    check_eligibility,
    first_anniversary,
    plausible_roles,
    to_programme_date,
)
from entities.eligibility.messages import MESSAGES, next_steps
from entities.enums import DEMAND_CAPABILITIES, LEAD_CAPABILITIES
from tests.factories import make_uscc, make_vn_mst

C = RuleCode
SHANGHAI = ZoneInfo("Asia/Shanghai")
JAKARTA = ZoneInfo("Asia/Jakarta")
ON = date(2026, 3, 14)
ALL_MODES = (
    "technology_transfer",
    "collaborative_rnd",
    "personnel_training",
    "technology_licensing",
    "technology_investment",
)

LEAD = EligibilityFacts(
    country="CN",
    region_code="450100",
    institution_type="enterprise",
    independent_legal_status=True,
    registration_number=make_uscc(1),
    registry_status="active",
    registration_date=date(2018, 5, 2),
    verified=True,
    capabilities=frozenset(LEAD_CAPABILITIES),
    name="Guangxi Lead Co.",
)
DEMAND = EligibilityFacts(
    country="VN",
    region_code="",
    institution_type="research_institute",
    independent_legal_status=True,
    registration_number=make_vn_mst(1),
    registry_status="active",
    registration_date=date(2006, 5, 12),
    verified=True,
    capabilities=frozenset(DEMAND_CAPABILITIES),
    name="Mekong Delta Rice Research Institute",
)
BASE = {Role.DEMAND: DEMAND, Role.LEAD: LEAD, Role.PARTNER: DEMAND}


def partner(n: int, **overrides) -> EligibilityFacts:
    """A distinct, eligible partner organization (a Guangxi enterprise unless overridden)."""
    fields = {"registration_number": make_uscc(100 + n), "name": f"Partner {n}", **overrides}
    return replace(LEAD, **fields)


def result(role, facts=None, *, on=ON, partners=(), modes=("collaborative_rnd",), code):
    report = check_eligibility(
        facts or BASE[role], role=role, on=on, partners=partners, modes=modes
    )
    found = report.result(code)
    assert found is not None, f"{code} is not checked for {role}"
    return found


def assert_outcome(found, passed: bool, outcome: str) -> None:
    assert (found.passed, found.outcome) == (passed, outcome), found.message


# --------------------------------------------------------------------------- which rules, in which order
def test_rules_per_role_are_those_of_design_section_3():
    assert CURRENT_RULESET.version == "2025-04"
    assert CURRENT_RULESET.rules[Role.DEMAND] == (
        C.DEMAND_ASEAN_MEMBER,
        C.DEMAND_INSTITUTION_TYPE,
        C.LEGALLY_REGISTERED,
        C.REGISTERED_ONE_YEAR,
        C.DEMAND_CAPABILITIES,
        C.COOPERATION_MODES,
        C.ORGANIZATION_VERIFIED,
    )
    assert CURRENT_RULESET.rules[Role.LEAD] == (
        C.LEGALLY_REGISTERED,
        C.REGISTERED_ONE_YEAR,
        C.LEAD_IN_GUANGXI,
        C.LEAD_INDEPENDENT_LEGAL_STATUS,
        C.LEAD_INSTITUTION_TYPE,
        C.LEAD_CAPABILITIES,
        C.PARTNERS_AT_MOST_FIVE,
        C.COOPERATION_MODES,
        C.ORGANIZATION_VERIFIED,
    )
    assert CURRENT_RULESET.rules[Role.PARTNER] == (C.LEGALLY_REGISTERED, C.ORGANIZATION_VERIFIED)


def test_every_rule_code_is_checked_for_some_role():
    checked = {code for codes in CURRENT_RULESET.rules.values() for code in codes}
    assert checked == set(RuleCode.values)


@pytest.mark.parametrize("role", list(Role))
def test_report_lists_the_roles_rules_in_order(role):
    report = check_eligibility(BASE[role], role=role, on=ON, partners=[partner(1)], modes=["x"])
    assert report.codes == list(CURRENT_RULESET.rules[role])
    assert report.role == role.value
    assert report.ruleset == "2025-04"
    assert report.on == ON


@pytest.mark.parametrize("role", [Role.DEMAND, Role.LEAD])
def test_organization_scope_leaves_out_partners_and_modes(role):
    report = check_eligibility(BASE[role], role=role, on=ON, scope="organization")
    assert C.PARTNERS_AT_MOST_FIVE not in report.codes
    assert C.COOPERATION_MODES not in report.codes
    assert report.eligible


def test_unknown_scope_is_an_error():
    with pytest.raises(ValueError):
        check_eligibility(LEAD, role=Role.LEAD, on=ON, scope="bid")


# --------------------------------------------------------------------------- DEMAND_ASEAN_MEMBER
@pytest.mark.parametrize(
    ("country", "on", "passed", "outcome"),
    [
        *[(c, ON, True, "pass") for c in ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH")],
        ("VN", ON, True, "pass"),
        ("vn", ON, True, "pass"),
        ("TL", date(2025, 10, 25), False, "not_yet_member"),
        ("TL", date(2025, 10, 26), True, "pass"),
        ("TL", ON, True, "pass"),
        ("CN", ON, False, "not_member"),
        ("US", ON, False, "not_member"),
        ("IN", ON, False, "not_member"),
        ("", ON, False, "not_member"),
    ],
)
def test_demand_asean_member(country, on, passed, outcome):
    found = result(Role.DEMAND, replace(DEMAND, country=country), on=on, code=C.DEMAND_ASEAN_MEMBER)
    assert_outcome(found, passed, outcome)


def test_timor_leste_before_accession_says_from_when():
    found = result(
        Role.DEMAND,
        replace(DEMAND, country="TL"),
        on=date(2025, 10, 25),
        code=C.DEMAND_ASEAN_MEMBER,
    )
    assert "2025-10-26" in found.message
    assert [s.text for s in found.next_steps] == ["Eligible from 2025-10-26"]


def test_timor_leste_membership_is_decided_on_the_shanghai_date():
    # 2025-10-25 17:00 in Dili (UTC+9) is 16:00 in Shanghai: still the 25th.
    dili = ZoneInfo("Asia/Dili")
    facts = replace(DEMAND, country="TL")
    before = result(
        Role.DEMAND, facts, on=datetime(2025, 10, 25, 17, tzinfo=dili), code=C.DEMAND_ASEAN_MEMBER
    )
    after = result(
        Role.DEMAND,
        facts,
        on=datetime(2025, 10, 26, 0, 30, tzinfo=dili),
        code=C.DEMAND_ASEAN_MEMBER,
    )
    # 00:30 in Dili on the 26th is 23:30 on the 25th in Shanghai.
    assert not before.passed
    assert not after.passed
    assert result(
        Role.DEMAND, facts, on=datetime(2025, 10, 26, 1, tzinfo=dili), code=C.DEMAND_ASEAN_MEMBER
    ).passed


# --------------------------------------------------------------------------- institution types
@pytest.mark.parametrize(
    ("kind", "passed", "outcome"),
    [
        ("university", True, "pass"),
        ("research_institute", True, "pass"),
        ("enterprise", True, "pass"),
        ("government_agency", True, "pass"),
        ("other", False, "not_allowed"),
        ("", False, "not_allowed"),
    ],
)
def test_demand_institution_type(kind, passed, outcome):
    found = result(
        Role.DEMAND, replace(DEMAND, institution_type=kind), code=C.DEMAND_INSTITUTION_TYPE
    )
    assert_outcome(found, passed, outcome)


@pytest.mark.parametrize(
    ("kind", "passed", "outcome"),
    [
        ("enterprise", True, "pass"),
        ("university", True, "pass"),
        ("research_institute", True, "pass"),
        ("government_agency", False, "government"),
        ("other", False, "not_allowed"),
    ],
)
def test_lead_institution_type(kind, passed, outcome):
    found = result(Role.LEAD, replace(LEAD, institution_type=kind), code=C.LEAD_INSTITUTION_TYPE)
    assert_outcome(found, passed, outcome)


def test_government_agency_as_lead_is_told_to_partner_instead():
    report = check_eligibility(
        replace(LEAD, institution_type="government_agency"),
        role=Role.LEAD,
        on=ON,
        modes=["collaborative_rnd"],
    )
    assert report.failed == {C.LEAD_INSTITUTION_TYPE}
    assert "Government agencies cannot lead" in report.result(C.LEAD_INSTITUTION_TYPE).message
    assert "partner" in report.result(C.LEAD_INSTITUTION_TYPE).message


def test_institution_type_accepts_enum_members():
    from entities.enums import InstitutionType

    facts = replace(LEAD, institution_type=InstitutionType.UNIVERSITY)
    assert result(Role.LEAD, facts, code=C.LEAD_INSTITUTION_TYPE).passed


# --------------------------------------------------------------------------- LEGALLY_REGISTERED
BAD_USCC = make_uscc(7)[:-1] + ("0" if make_uscc(7)[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("country", "number", "status", "passed", "outcome"),
    [
        ("CN", make_uscc(7), "active", True, "pass"),
        ("CN", make_uscc(7).lower(), "active", True, "pass"),
        ("CN", BAD_USCC, "active", False, "malformed"),
        ("CN", "91450100MA5K", "active", False, "malformed"),
        ("CN", "", "active", False, "missing"),
        ("CN", "   ", "active", False, "missing"),
        ("CN", make_uscc(7), "suspended", False, "inactive"),
        ("CN", make_uscc(7), "dissolved", False, "inactive"),
        ("SG", "197401143C", "active", True, "pass"),
        ("SG", "197401143D", "active", False, "malformed"),
        ("TH", "0994000617721", "active", True, "pass"),
        ("TH", "0994000617722", "active", False, "malformed"),
        ("VN", make_vn_mst(3), "active", True, "pass"),
        ("VN", "0100233489", "active", False, "malformed"),
        ("ID", "01.312.166.0-091.000", "active", True, "pass"),
        ("ID", "01.312.166.1-091.000", "active", False, "malformed"),
        ("MY", "201901000005", "active", True, "pass"),
        ("MY", "ABC", "active", False, "malformed"),
        ("PH", "CS201912345", "active", True, "pass"),
        ("TL", "2016/00123", "active", True, "pass"),
        ("DE", "HRB 12345", "active", True, "pass"),
        ("DE", "#", "active", False, "malformed"),
    ],
)
@pytest.mark.parametrize("role", list(Role))
def test_legally_registered(role, country, number, status, passed, outcome):
    facts = replace(BASE[role], country=country, registration_number=number, registry_status=status)
    assert_outcome(result(role, facts, code=C.LEGALLY_REGISTERED), passed, outcome)


def test_malformed_number_message_says_what_is_expected_and_how_to_fix():
    found = result(
        Role.LEAD, replace(LEAD, registration_number=BAD_USCC), code=C.LEGALLY_REGISTERED
    )
    assert BAD_USCC in found.message
    assert "18 characters" in found.message
    assert "correct it in the organization profile" in found.message
    assert "waiver" in found.message


# --------------------------------------------------------------------------- REGISTERED_ONE_YEAR
@pytest.mark.parametrize(
    ("registered", "on", "passed", "outcome"),
    [
        # the day before the anniversary, the anniversary, the day after
        (date(2024, 6, 3), date(2025, 6, 2), False, "too_recent"),
        (date(2024, 6, 3), date(2025, 6, 3), True, "pass"),
        (date(2024, 6, 3), date(2025, 6, 4), True, "pass"),
        # 29 February in a leap year: the anniversary is 28 February of the common year
        (date(2024, 2, 29), date(2025, 2, 27), False, "too_recent"),
        (date(2024, 2, 29), date(2025, 2, 28), True, "pass"),
        (date(2024, 2, 29), date(2025, 3, 1), True, "pass"),
        (date(2020, 2, 29), date(2021, 2, 28), True, "pass"),
        # 28 February of a common year: anniversary 28 February of the leap year
        (date(2023, 2, 28), date(2024, 2, 27), False, "too_recent"),
        (date(2023, 2, 28), date(2024, 2, 28), True, "pass"),
        (date(2023, 2, 28), date(2024, 2, 29), True, "pass"),
        # 1 March of a common year: 29 February of the leap year is not yet enough
        (date(2023, 3, 1), date(2024, 2, 29), False, "too_recent"),
        (date(2023, 3, 1), date(2024, 3, 1), True, "pass"),
        # the day of registration itself, and a registration date in the future
        (date(2026, 3, 14), date(2026, 3, 14), False, "too_recent"),
        (date(2026, 3, 15), date(2026, 3, 14), False, "future"),
        (date(2030, 1, 1), date(2026, 3, 14), False, "future"),
        (None, date(2026, 3, 14), False, "missing"),
        (date(1990, 1, 1), date(2026, 3, 14), True, "pass"),
    ],
)
@pytest.mark.parametrize("role", [Role.DEMAND, Role.LEAD])
def test_registered_one_year(role, registered, on, passed, outcome):
    facts = replace(BASE[role], registration_date=registered)
    assert_outcome(result(role, facts, on=on, code=C.REGISTERED_ONE_YEAR), passed, outcome)


@pytest.mark.parametrize(
    ("registered", "anniversary"),
    [
        (date(2024, 6, 3), date(2025, 6, 3)),
        (date(2024, 2, 29), date(2025, 2, 28)),
        (date(2023, 2, 28), date(2024, 2, 28)),
        (date(2023, 3, 1), date(2024, 3, 1)),
        (date(2024, 12, 31), date(2025, 12, 31)),
    ],
)
def test_first_anniversary(registered, anniversary):
    assert first_anniversary(registered) == anniversary


@pytest.mark.parametrize(
    ("on", "passed"),
    [
        # 23:30 in Jakarta on the eve of the anniversary is 00:30 on the anniversary in Guangxi.
        (datetime(2025, 6, 2, 23, 30, tzinfo=JAKARTA), True),
        (datetime(2025, 6, 2, 22, 59, 59, tzinfo=JAKARTA), False),
        (datetime(2025, 6, 2, 23, 0, tzinfo=JAKARTA), True),
        (datetime(2025, 6, 2, 15, 59, 59, tzinfo=UTC), False),
        (datetime(2025, 6, 2, 16, 0, tzinfo=UTC), True),
        (datetime(2025, 6, 3, 0, 0, tzinfo=SHANGHAI), True),
        (datetime(2025, 6, 2, 23, 59, 59, tzinfo=SHANGHAI), False),
    ],
)
def test_one_year_rule_takes_the_date_in_shanghai(on, passed):
    facts = replace(DEMAND, registration_date=date(2024, 6, 3))
    found = result(Role.DEMAND, facts, on=on, code=C.REGISTERED_ONE_YEAR)
    assert found.passed is passed


def test_one_year_evidence_names_the_dates():
    facts = replace(DEMAND, registration_date=date(2024, 6, 3))
    found = result(Role.DEMAND, facts, on=date(2025, 5, 30), code=C.REGISTERED_ONE_YEAR)
    with translation.override("en"):
        assert (
            found.evidence == "registered 2024-06-03, anniversary 2025-06-03, submission 2025-05-30"
        )
        assert "eligible from 2025-06-03" in found.message
        assert [s.text for s in found.next_steps] == ["Eligible from 2025-06-03"]


def test_future_registration_date_has_its_own_message():
    too_recent = result(
        Role.DEMAND,
        replace(DEMAND, registration_date=date(2026, 1, 1)),
        code=C.REGISTERED_ONE_YEAR,
    )
    future = result(
        Role.DEMAND,
        replace(DEMAND, registration_date=date(2026, 6, 1)),
        code=C.REGISTERED_ONE_YEAR,
    )
    assert future.outcome == "future"
    assert future.message != too_recent.message
    assert "future" in future.message
    assert "Correct the date of registration" in future.message
    assert "eligible from" not in future.message


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        check_eligibility(DEMAND, role=Role.DEMAND, on=datetime(2025, 6, 3, 12, 0))


def test_on_must_be_a_date():
    with pytest.raises(TypeError):
        check_eligibility(DEMAND, role=Role.DEMAND, on="2025-06-03")


def test_to_programme_date():
    assert to_programme_date(date(2025, 1, 1)) == date(2025, 1, 1)
    assert to_programme_date(datetime(2024, 12, 31, 16, tzinfo=UTC)) == date(2025, 1, 1)


# --------------------------------------------------------------------------- LEAD_IN_GUANGXI
@pytest.mark.parametrize(
    ("country", "region", "uscc_region", "passed", "outcome"),
    [
        ("CN", "450100", "450100", True, "pass"),
        ("CN", "451400", "451400", True, "pass"),
        ("CN", "450000", "450000", True, "pass"),
        # the declared region decides over the credit code's hint, both ways
        ("CN", "450100", "110000", True, "pass_uscc_differs"),
        ("CN", "110000", "450100", False, "outside"),
        ("CN", "110000", "110000", False, "outside"),
        ("CN", "440300", "440300", False, "outside"),
        ("CN", "", "450100", False, "no_region"),
        ("CN", "45", "450100", False, "no_region"),
        ("CN", "45010A", "450100", False, "no_region"),
        ("VN", "450100", "450100", False, "not_china"),
        ("", "450100", "450100", False, "not_china"),
    ],
)
def test_lead_in_guangxi(country, region, uscc_region, passed, outcome):
    facts = replace(
        LEAD,
        country=country,
        region_code=region,
        registration_number=make_uscc(9, region=uscc_region),
    )
    assert_outcome(result(Role.LEAD, facts, code=C.LEAD_IN_GUANGXI), passed, outcome)


def test_lead_outside_guangxi_names_the_region_and_the_way_out():
    facts = replace(LEAD, region_code="110000", registration_number=make_uscc(9, region="110000"))
    found = result(Role.LEAD, facts, code=C.LEAD_IN_GUANGXI)
    assert "110000" in found.message
    assert "Beijing" in found.message
    assert "partner" in found.message


# --------------------------------------------------------------------------- LEAD_INDEPENDENT_LEGAL_STATUS
@pytest.mark.parametrize(
    ("category", "independent", "passed", "outcome"),
    [
        ("91", True, True, "pass"),
        ("12", True, True, "pass"),
        ("52", True, True, "pass"),
        ("91", False, False, "not_independent"),
        # an individual business (个体工商户) is never a legal person, whatever is ticked
        ("92", True, False, "individual_business"),
        ("92", False, False, "individual_business"),
    ],
)
def test_lead_independent_legal_status(category, independent, passed, outcome):
    facts = replace(
        LEAD,
        registration_number=make_uscc(5, category=category),
        independent_legal_status=independent,
    )
    assert_outcome(result(Role.LEAD, facts, code=C.LEAD_INDEPENDENT_LEGAL_STATUS), passed, outcome)


def test_individual_business_as_lead_fails_only_that_rule():
    facts = replace(LEAD, registration_number=make_uscc(5, category="92"))
    report = check_eligibility(facts, role=Role.LEAD, on=ON, modes=["collaborative_rnd"])
    assert report.failed == {C.LEAD_INDEPENDENT_LEGAL_STATUS}
    assert "92" in report.result(C.LEAD_INDEPENDENT_LEGAL_STATUS).message


# --------------------------------------------------------------------------- capabilities
@pytest.mark.parametrize(
    ("declared", "missing"),
    [
        (DEMAND_CAPABILITIES, []),
        (
            ("operational_scenarios", "experimental_environment", "supporting_infrastructure"),
            ["local_data_resources"],
        ),
        ((), list(DEMAND_CAPABILITIES)),
        (LEAD_CAPABILITIES, list(DEMAND_CAPABILITIES)),
    ],
)
def test_demand_capabilities(declared, missing):
    found = result(
        Role.DEMAND,
        replace(DEMAND, capabilities=frozenset(declared)),
        code=C.DEMAND_CAPABILITIES,
    )
    assert_outcome(found, not missing, "missing" if missing else "pass")
    assert found.params["missing"] == missing


@pytest.mark.parametrize(
    ("declared", "missing"),
    [
        (LEAD_CAPABILITIES, []),
        (("rnd_capability", "research_facilities"), ["international_collaboration_network"]),
        ((), list(LEAD_CAPABILITIES)),
        (DEMAND_CAPABILITIES, list(LEAD_CAPABILITIES)),
    ],
)
def test_lead_capabilities(declared, missing):
    found = result(
        Role.LEAD, replace(LEAD, capabilities=frozenset(declared)), code=C.LEAD_CAPABILITIES
    )
    assert_outcome(found, not missing, "missing" if missing else "pass")
    assert found.params["missing"] == missing


def test_missing_capability_says_upload_evidence_of_it():
    facts = replace(DEMAND, capabilities=frozenset(DEMAND_CAPABILITIES) - {"local_data_resources"})
    found = result(Role.DEMAND, facts, code=C.DEMAND_CAPABILITIES)
    assert "Local data resources" in found.message
    assert "evidence" in found.message
    steps = found.next_steps
    assert [(s.text, s.target, s.key) for s in steps] == [
        ("Upload evidence of your local data resources", "capability", "local_data_resources")
    ]


# --------------------------------------------------------------------------- PARTNERS_AT_MOST_FIVE
@pytest.mark.parametrize(
    ("partners", "passed", "outcome"),
    [
        ((), True, "pass"),
        ((partner(1),), True, "pass"),
        (tuple(partner(n) for n in range(5)), True, "pass"),
        (tuple(partner(n) for n in range(6)), False, "too_many"),
        ((partner(1), partner(2), partner(1)), False, "duplicate"),
        # the same registration number written differently is the same organization
        (
            (
                partner(1),
                replace(
                    partner(1),
                    registration_number=partner(1).registration_number.lower(),
                    name="Other name",
                ),
            ),
            False,
            "duplicate",
        ),
        ((partner(1), LEAD), False, "self"),
        ((replace(LEAD, name="Our own branch"),), False, "self"),
        # same number in another country: another organization
        ((replace(LEAD, country="VN", name="Namesake"),), True, "pass"),
        # a partner of any kind or country may join
        ((DEMAND, partner(2, country="VN", registration_number=make_vn_mst(9))), True, "pass"),
    ],
)
def test_partners_at_most_five(partners, passed, outcome):
    found = result(Role.LEAD, partners=partners, code=C.PARTNERS_AT_MOST_FIVE)
    assert_outcome(found, passed, outcome)


def test_six_partners_says_how_many_to_remove():
    found = result(Role.LEAD, partners=[partner(n) for n in range(6)], code=C.PARTNERS_AT_MOST_FIVE)
    assert "at most 5" in found.message
    assert "Remove 1" in found.message


def test_partners_own_standing_is_not_part_of_the_leads_report():
    unverified = partner(1, verified=False)
    report = check_eligibility(
        LEAD, role=Role.LEAD, on=ON, partners=[unverified], modes=["collaborative_rnd"]
    )
    assert report.eligible
    assert not check_eligibility(unverified, role=Role.PARTNER, on=ON).eligible


# --------------------------------------------------------------------------- COOPERATION_MODES
@pytest.mark.parametrize(
    ("modes", "passed", "outcome"),
    [
        *[((m,), True, "pass") for m in ALL_MODES],
        (ALL_MODES, True, "pass"),
        (("collaborative_rnd", "collaborative_rnd"), True, "pass"),
        ("technology_transfer", True, "pass"),  # one mode given bare
        ((), False, "none"),
        (None, False, "none"),
        (("joint_venture",), False, "unknown"),
        (("collaborative_rnd", "joint_venture"), False, "unknown"),
        (("Technology transfer",), False, "unknown"),
    ],
)
@pytest.mark.parametrize("role", [Role.DEMAND, Role.LEAD])
def test_cooperation_modes(role, modes, passed, outcome):
    assert_outcome(result(role, modes=modes, code=C.COOPERATION_MODES), passed, outcome)


def test_the_five_modes_are_the_programmes():
    assert CURRENT_RULESET.cooperation_modes == ALL_MODES


def test_unknown_mode_is_named_in_the_message():
    found = result(Role.LEAD, modes=["joint_venture"], code=C.COOPERATION_MODES)
    assert "joint_venture" in found.message
    assert "technology transfer" in found.message


# --------------------------------------------------------------------------- ORGANIZATION_VERIFIED
@pytest.mark.parametrize(("verified", "passed"), [(True, True), (False, False)])
@pytest.mark.parametrize("role", list(Role))
def test_organization_verified(role, verified, passed):
    found = result(role, replace(BASE[role], verified=verified), code=C.ORGANIZATION_VERIFIED)
    assert_outcome(found, passed, "pass" if passed else "not_verified")


# --------------------------------------------------------------------------- reports
def test_eligible_lead_with_five_partners_and_modes():
    report = check_eligibility(
        LEAD, role="lead", on=ON, partners=[partner(n) for n in range(5)], modes=ALL_MODES
    )
    assert report.eligible
    assert report.failed == set()


def test_failed_is_a_set_of_codes():
    facts = replace(DEMAND, country="US", verified=False)
    report = check_eligibility(facts, role=Role.DEMAND, on=ON, modes=[])
    assert isinstance(report.failed, set)
    assert report.failed == {
        C.DEMAND_ASEAN_MEMBER,
        C.COOPERATION_MODES,
        C.ORGANIZATION_VERIFIED,
    }
    assert not report.eligible


def test_role_may_be_given_as_a_string():
    assert check_eligibility(LEAD, role="lead", on=ON, modes=["collaborative_rnd"]).eligible
    with pytest.raises(ValueError):
        check_eligibility(LEAD, role="sponsor", on=ON)


def test_ruleset_can_be_named_and_unknown_ones_are_refused():
    assert check_eligibility(LEAD, role=Role.PARTNER, on=ON, ruleset="2025-04").ruleset == "2025-04"
    with pytest.raises(ValueError):
        check_eligibility(LEAD, role=Role.PARTNER, on=ON, ruleset="1999-01")


def test_facts_accept_sets_and_normalise():
    facts = replace(DEMAND, country="vn", capabilities=set(DEMAND_CAPABILITIES))
    assert facts.country == "VN"
    assert facts.capabilities == frozenset(DEMAND_CAPABILITIES)
    assert check_eligibility(facts, role=Role.DEMAND, on=ON, modes=["collaborative_rnd"]).eligible


AS_DICT_KEYS = ["ruleset", "role", "on", "scope", "subject", "eligible", "failed", "results"]
RESULT_KEYS = [
    "code",
    "title",
    "passed",
    "outcome",
    "message",
    "evidence",
    "params",
    "waived",
    "waiver",
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("role", list(Role))
def test_as_dict_is_json_with_stable_keys(role, language):
    facts = replace(BASE[role], verified=False, registration_date=date(2026, 1, 1))
    report = check_eligibility(facts, role=role, on=ON, partners=[LEAD, LEAD], modes=["x"])
    with translation.override(language):
        data = report.as_dict()
        text = json.dumps(data, ensure_ascii=False)
    assert list(data) == AS_DICT_KEYS
    assert all(list(r) == RESULT_KEYS for r in data["results"])
    assert json.loads(text) == data
    assert data["failed"] == sorted(report.failed)
    assert data["ruleset"] == "2025-04"
    assert data["on"] == "2026-03-14"
    assert EligibilityReport.from_dict(json.loads(text)) == report


def test_plausible_roles():
    assert plausible_roles(LEAD) == (Role.LEAD, Role.PARTNER)
    assert plausible_roles(DEMAND) == (Role.DEMAND, Role.PARTNER)
    assert plausible_roles(replace(DEMAND, country="TL")) == (Role.DEMAND, Role.PARTNER)
    assert plausible_roles(replace(DEMAND, country="DE")) == (Role.PARTNER,)


# --------------------------------------------------------------------------- waivers
WAIVER = Waiver(
    code=C.LEGALLY_REGISTERED,
    reason="Pilot-era credit code, confirmed by the market regulator.",
    granted_by="Zhang Min",
    granted_on=date(2026, 3, 1),
    expires_on=date(2026, 6, 30),
)


@pytest.mark.parametrize(
    ("on", "waivers", "passed", "waived"),
    [
        (ON, (WAIVER,), True, True),
        (date(2026, 3, 1), (WAIVER,), True, True),
        (date(2026, 6, 30), (WAIVER,), True, True),
        (date(2026, 7, 1), (WAIVER,), False, False),  # expired
        (date(2026, 2, 28), (WAIVER,), False, False),  # not yet granted
        (ON, (replace(WAIVER, code=C.ORGANIZATION_VERIFIED),), False, False),  # another rule
        (ON, (), False, False),
    ],
)
def test_waiver_turns_a_failed_rule_into_a_waived_pass(on, waivers, passed, waived):
    facts = replace(LEAD, registration_number=BAD_USCC, waivers=waivers)
    report = check_eligibility(facts, role=Role.LEAD, on=on, modes=["collaborative_rnd"])
    found = report.result(C.LEGALLY_REGISTERED)
    assert (found.passed, found.waived) == (passed, waived)
    assert found.outcome == "malformed"  # what was wrong stays visible
    assert report.eligible is passed
    if waived:
        assert found.waiver == {
            "code": "LEGALLY_REGISTERED",
            "reason": WAIVER.reason,
            "granted_by": "Zhang Min",
            "granted_on": "2026-03-01",
            "expires_on": "2026-06-30",
        }
        assert report.as_dict()["results"][0]["waiver"]["granted_by"] == "Zhang Min"


def test_waiver_does_not_mark_a_rule_that_passes():
    facts = replace(LEAD, waivers=(WAIVER,))
    found = result(Role.LEAD, facts, code=C.LEGALLY_REGISTERED)
    assert found.passed
    assert not found.waived


# --------------------------------------------------------------------------- messages
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_outcome_has_a_message_that_renders(language):
    facts_by_role = {
        Role.DEMAND: replace(DEMAND, country="TL"),
        Role.LEAD: LEAD,
        Role.PARTNER: DEMAND,
    }
    seen = set()
    variants = [
        {},
        {"country": "CN", "registration_number": ""},
        {"registration_number": BAD_USCC, "registry_status": "suspended"},
        {"registry_status": "dissolved"},
        {"registration_date": None},
        {"registration_date": date(2030, 1, 1)},
        {"registration_date": date(2026, 1, 1)},
        {"region_code": ""},
        {"region_code": "110000"},
        {"country": "VN"},
        {"independent_legal_status": False},
        {"registration_number": make_uscc(5, category="92")},
        {"registration_number": make_uscc(5, region="110000")},
        {"institution_type": "government_agency"},
        {"institution_type": "other"},
        {"capabilities": frozenset()},
        {"verified": False},
    ]
    with translation.override(language):
        for role, facts in facts_by_role.items():
            for overrides in variants:
                for partners, modes, sought in (
                    ((), (), ()),
                    ([partner(n) for n in range(6)], ["x"], ()),
                    ([LEAD], ALL_MODES, ()),
                    ([partner(1), partner(1)], ["collaborative_rnd"], ()),
                    ((), ALL_MODES, ["collaborative_rnd"]),
                ):
                    for on in (ON, date(2025, 10, 1)):
                        report = check_eligibility(
                            replace(facts, **overrides),
                            role=role,
                            on=on,
                            partners=partners,
                            modes=modes,
                            sought_modes=sought,
                        )
                        for r in report.results:
                            seen.add((r.code, r.outcome))
                            assert r.message and "%(" not in r.message, (r.code, r.outcome)
                            assert "%(" not in r.evidence, (r.code, r.outcome)
                            for step in r.next_steps:
                                assert step.text and "%(" not in step.text
    assert set(MESSAGES) <= seen | {(C.LEAD_IN_GUANGXI, "pass_uscc_differs")}


@pytest.mark.parametrize(
    ("code", "outcome"), [k for k in MESSAGES if k[1] != "pass" and not k[1].startswith("pass")]
)
def test_every_failing_outcome_says_what_to_do(code, outcome):
    text = str(MESSAGES[(code, outcome)])
    passing = str(MESSAGES[(code, "pass")])
    assert text != passing
    params = {
        "missing": ["local_data_resources"],
        "since": "2025-10-26",
        "anniversary": "2026-01-01",
        "excess": 1,
        "count": 6,
        "limit": 5,
    }
    assert next_steps(code, outcome, params), f"no next step for {code}/{outcome}"
