"""Properties of the rule engine that hold for any facts (hypothesis). Pure: no database."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from entities.eligibility import (
    CURRENT_RULESET,
    EligibilityFacts,
    EligibilityReport,
    Role,
    RuleCode,
    Waiver,
    check_eligibility,
    first_anniversary,
    to_programme_date,
)
from entities.enums import CapabilityKey, CooperationMode, InstitutionType, RegistryStatus
from tests.factories import make_uscc, make_vn_mst

SHANGHAI = ZoneInfo("Asia/Shanghai")
dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))
ZONES = ["Asia/Shanghai", "Asia/Jakarta", "Asia/Dili", "UTC", "Asia/Kolkata", "America/New_York"]

registration_numbers = st.one_of(
    st.integers(0, 99_999).map(make_uscc),
    st.integers(0, 9_999_999).map(make_vn_mst),
    st.builds(
        make_uscc,
        st.integers(0, 99_999),
        region=st.sampled_from(["450100", "110000", "440300"]),
        category=st.sampled_from(["91", "92", "12"]),
    ),
    st.text(max_size=20),
)
facts_strategy = st.builds(
    EligibilityFacts,
    country=st.sampled_from(["CN", "VN", "TH", "SG", "ID", "TL", "MY", "US", "DE", ""]),
    region_code=st.sampled_from(["", "450100", "451400", "110000", "440300", "45"]),
    institution_type=st.sampled_from(InstitutionType.values),
    independent_legal_status=st.booleans(),
    registration_number=registration_numbers,
    registry_status=st.sampled_from(RegistryStatus.values),
    registration_date=st.one_of(st.none(), dates),
    verified=st.booleans(),
    capabilities=st.frozensets(st.sampled_from(CapabilityKey.values)),
    name=st.text(max_size=30),
    waivers=st.lists(
        st.builds(
            Waiver,
            code=st.sampled_from(RuleCode.values),
            reason=st.text(min_size=1, max_size=40),
            granted_by=st.text(min_size=1, max_size=20),
            granted_on=dates,
            expires_on=dates,
        ),
        max_size=2,
    ).map(tuple),
)
modes_strategy = st.lists(
    st.one_of(st.sampled_from(CooperationMode.values), st.text(max_size=12)), max_size=6
)
aware_datetimes = st.builds(
    lambda naive, zone: naive.replace(tzinfo=ZoneInfo(zone)),
    st.datetimes(min_value=datetime(1950, 1, 2), max_value=datetime(2100, 12, 30)),
    st.sampled_from(ZONES),
)


def one_year_passes(registered: date, on) -> bool:
    facts = EligibilityFacts(
        country="VN",
        region_code="",
        institution_type="university",
        independent_legal_status=True,
        registration_number=make_vn_mst(1),
        registry_status="active",
        registration_date=registered,
        verified=True,
    )
    report = check_eligibility(facts, role=Role.DEMAND, on=on, scope="organization")
    return report.result(RuleCode.REGISTERED_ONE_YEAR).passed


@given(registered=dates, first=dates, second=dates)
def test_one_year_rule_is_monotonic_in_the_date(registered, first, second):
    early, late = sorted((first, second))
    if one_year_passes(registered, early):
        assert one_year_passes(registered, late)


@given(registered=dates, on=dates)
def test_one_year_rule_passes_exactly_from_the_first_anniversary(registered, on):
    anniversary = first_anniversary(registered)
    assert timedelta(days=365) <= anniversary - registered <= timedelta(days=366)
    assert anniversary.month == registered.month
    assert one_year_passes(registered, on) is (on >= anniversary)


@given(registered=dates, moment=aware_datetimes)
def test_one_year_rule_on_a_datetime_is_the_rule_on_its_shanghai_date(registered, moment):
    shanghai_day = moment.astimezone(SHANGHAI).date()
    assert to_programme_date(moment) == shanghai_day
    assert one_year_passes(registered, moment) is one_year_passes(registered, shanghai_day)


@settings(max_examples=200)
@given(
    facts=facts_strategy,
    role=st.sampled_from(list(Role)),
    on=st.one_of(dates, aware_datetimes),
    partners=st.lists(facts_strategy, max_size=7),
    modes=modes_strategy,
    scope=st.sampled_from(["submission", "organization"]),
)
def test_report_is_eligible_exactly_when_no_result_failed(facts, role, on, partners, modes, scope):
    report = check_eligibility(facts, role=role, on=on, partners=partners, modes=modes, scope=scope)
    assert report.eligible is (not any(not r.passed for r in report.results))
    assert report.eligible is (report.failed == set())
    assert report.failed == {r.code for r in report.results if not r.passed}
    assert report.failed <= set(CURRENT_RULESET.rules[role])
    # A waived result always passed, and only failed rules get waived.
    assert all(r.passed for r in report.results if r.waived)


@settings(max_examples=150)
@given(
    facts=facts_strategy,
    role=st.sampled_from(list(Role)),
    on=dates,
    partners=st.lists(facts_strategy, max_size=7),
    modes=modes_strategy,
    language=st.sampled_from(["en", "zh-hans"]),
)
def test_as_dict_round_trips_through_json(facts, role, on, partners, modes, language):
    report = check_eligibility(facts, role=role, on=on, partners=partners, modes=modes)
    with translation.override(language):
        data = report.as_dict()
        again = json.loads(json.dumps(data))
    assert again == data
    assert EligibilityReport.from_dict(again) == report
    assert again["eligible"] is report.eligible
    assert set(again["failed"]) == report.failed


@given(count=st.integers(0, 12))
def test_partner_limit_is_five_distinct(count):
    lead = EligibilityFacts(
        country="CN",
        region_code="450100",
        institution_type="enterprise",
        independent_legal_status=True,
        registration_number=make_uscc(0),
        registry_status="active",
        registration_date=date(2015, 1, 1),
        verified=True,
    )
    partners = [
        EligibilityFacts(**{**lead.__dict__, "registration_number": make_uscc(n + 1)})
        for n in range(count)
    ]
    report = check_eligibility(
        lead, role=Role.LEAD, on=datetime(2026, 1, 1, tzinfo=UTC), partners=partners, modes=[]
    )
    assert report.result(RuleCode.PARTNERS_AT_MOST_FIVE).passed is (count <= 5)
