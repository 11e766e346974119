"""The eligibility page of an organization: who sees it, and what it tells them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.formats import format_date
from entities import services
from entities.eligibility import Role, RuleCode, check_eligibility, first_anniversary
from entities.enums import DEMAND_CAPABILITIES, MembershipRole
from tests.factories import OrganizationFactory, UserFactory, add_member, make_uscc

pytestmark = pytest.mark.django_db

C = RuleCode


def bad_uscc(n: int) -> str:
    """A credit code with a wrong check character (a pilot-era code, say)."""
    good = make_uscc(n)
    return good[:-1] + ("1" if good[-1] == "0" else "0")


def url(org) -> str:
    return reverse("entities:eligibility", args=[org.pk])


def rule_states(html: str) -> dict[str, list[str]]:
    """{code: [state per role card, in page order]} from the rendered rule list."""
    states: dict[str, list[str]] = {}
    for state, code in re.findall(r'<li class="rule (pass|fail|waived)" data-code="(\w+)"', html):
        states.setdefault(code, []).append(state)
    return states


def test_url():
    assert reverse("entities:eligibility", args=[7]) == "/organizations/7/eligibility/"


# --------------------------------------------------------------------------- who may see it
@pytest.mark.parametrize("who", ["owner", "manager", "editor", "viewer", "operator"])
def test_members_and_operators_see_the_page(request, client_for, org, who):
    user = request.getfixturevalue(who)
    response = client_for(user).get(url(org))
    assert response.status_code == 200
    assert org.legal_name in response.content.decode()


@pytest.mark.parametrize("who", ["outsider", "reviewer"])
def test_others_get_404(request, client_for, org, who):
    assert client_for(request.getfixturevalue(who)).get(url(org)).status_code == 404


def test_member_of_another_organization_gets_404(client_for, org, asean_org):
    user = UserFactory()
    add_member(asean_org, user, MembershipRole.OWNER)
    assert client_for(user).get(url(org)).status_code == 404


def test_unknown_organization_is_404(client_for, operator):
    assert client_for(operator).get("/organizations/999999/eligibility/").status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client, org):
    response = client.get(url(org))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_organization_tabs_link_to_the_page(client_for, org, owner):
    html = client_for(owner).get(reverse("entities:detail", args=[org.pk])).content.decode()
    assert f'href="{url(org)}"' in html
    page = client_for(owner).get(url(org)).content.decode()
    assert f'href="{url(org)}" aria-current="page"' in page


# --------------------------------------------------------------------------- what it shows
def test_guangxi_enterprise_can_lead_and_partner_today(client_for, org, editor):
    response = client_for(editor).get(url(org))
    html = response.content.decode()
    roles = response.context["roles"]
    assert [(r["role"], r["primary"]) for r in roles] == [
        ("lead", True),
        ("partner", True),
        ("demand", False),
    ]
    assert roles[0]["report"].eligible and roles[1]["report"].eligible
    assert "Eligible today" in html
    states = rule_states(html)
    # lead, partner, demand (collapsed): every lead rule green
    for code in (
        C.LEAD_IN_GUANGXI,
        C.LEAD_INDEPENDENT_LEGAL_STATUS,
        C.LEAD_INSTITUTION_TYPE,
        C.LEAD_CAPABILITIES,
    ):
        assert states[code] == ["pass"]
    assert states[C.LEGALLY_REGISTERED] == ["pass", "pass", "pass"]
    assert states[C.DEMAND_ASEAN_MEMBER] == ["fail"]
    # partners and modes are not checked here but at submission, and the page says so
    assert C.PARTNERS_AT_MOST_FIVE not in states
    assert C.COOPERATION_MODES not in states
    assert "checked when you submit a bid" in html


@pytest.mark.parametrize("role", list(Role))
def test_page_shows_todays_organization_report(client_for, asean_org, role):
    user = UserFactory()
    add_member(asean_org, user, MembershipRole.VIEWER)
    response = client_for(user).get(url(asean_org))
    shown = {r["role"]: r["report"] for r in response.context["roles"]}
    assert shown[role] == check_eligibility(
        asean_org, role=role, on=timezone.now(), scope="organization"
    )


def test_every_rule_is_shown_with_its_message_and_evidence(client_for, asean_org):
    user = UserFactory()
    add_member(asean_org, user, MembershipRole.VIEWER)
    html = client_for(user).get(url(asean_org)).content.decode()
    report = check_eligibility(asean_org, role=Role.DEMAND, on=timezone.now(), scope="organization")
    for result in report.results:
        assert result.code in html
        assert str(result.title) in html
    assert "Vietnam is an ASEAN member state" in html
    assert "Checked:" in html


def test_missing_evidence_says_what_to_upload_and_links_to_capabilities(db, client_for):
    org = OrganizationFactory(
        asean=True,
        capabilities=[k for k in DEMAND_CAPABILITIES if k != "local_data_resources"],
    )
    editor, viewer = UserFactory(), UserFactory()
    add_member(org, editor, MembershipRole.EDITOR)
    add_member(org, viewer, MembershipRole.VIEWER)
    edit_link = reverse("entities:capability_edit", args=[org.pk, "local_data_resources"])
    html = client_for(editor).get(url(org)).content.decode()
    assert rule_states(html)[C.DEMAND_CAPABILITIES] == ["fail"]
    assert f'<a href="{edit_link}">Upload evidence of your local data resources</a>' in html
    assert "1 thing to do" in html
    # a viewer cannot edit: the link goes to the capabilities page instead
    html = client_for(viewer).get(url(org)).content.decode()
    caps = reverse("entities:capabilities", args=[org.pk])
    assert f'<a href="{caps}">Upload evidence of your local data resources</a>' in html
    assert "owners and managers" in html


def test_recently_registered_organization_is_told_from_when(db, client_for):
    registered = timezone.localdate() - dt.timedelta(days=31)
    org = OrganizationFactory(asean=True, capabilities=True, registration_date=registered)
    owner = UserFactory()
    add_member(org, owner, MembershipRole.OWNER)
    html = client_for(owner).get(url(org)).content.decode()
    anniversary = first_anniversary(registered)
    assert rule_states(html)[C.REGISTERED_ONE_YEAR][0] == "fail"
    assert f"Eligible from {anniversary.isoformat()}" in html
    assert f"registered {registered.isoformat()}, anniversary {anniversary.isoformat()}" in html


def test_organization_outside_guangxi_sees_why_it_cannot_lead(db, client_for):
    org = OrganizationFactory(
        capabilities=True,
        legal_name="Shenzhen Speech Technology Co., Ltd.",
        region="Shenzhen",
        region_code="440300",
        registration_number=make_uscc(77, region="440300"),
    )
    owner = UserFactory()
    add_member(org, owner, MembershipRole.OWNER)
    html = client_for(owner).get(url(org)).content.decode()
    assert rule_states(html)[C.LEAD_IN_GUANGXI] == ["fail"]
    assert "Region code 440300 (Guangdong) is outside Guangxi" in html
    assert "Join a Guangxi-led bid as a partner instead" in html


def test_unverified_organization_is_sent_to_request_verification(db, client_for):
    org = OrganizationFactory(capabilities=True, unverified=True)
    owner = UserFactory()
    add_member(org, owner, MembershipRole.OWNER)
    html = client_for(owner).get(url(org)).content.decode()
    detail = reverse("entities:detail", args=[org.pk])
    assert f'<a href="{detail}">Request verification by the programme office</a>' in html


def test_malformed_number_links_owners_to_the_profile_form(db, client_for):
    org = OrganizationFactory(capabilities=True, registration_number=bad_uscc(55))
    owner = UserFactory()
    add_member(org, owner, MembershipRole.OWNER)
    html = client_for(owner).get(url(org)).content.decode()
    edit = reverse("entities:edit", args=[org.pk])
    assert f'<a href="{edit}">Correct the registration number in the profile</a>' in html


def test_waiver_is_shown_with_who_granted_it_and_until_when(db, client_for, operator):
    org = OrganizationFactory(capabilities=True, registration_number=bad_uscc(56))
    owner = UserFactory()
    add_member(org, owner, MembershipRole.OWNER)
    until = timezone.localdate() + dt.timedelta(days=30)
    services.waiver_grant(
        organization=org,
        rule_code=C.LEGALLY_REGISTERED,
        reason="Pilot-era credit code confirmed by the Nanning market regulator.",
        expires_on=until,
        by=operator,
    )
    response = client_for(owner).get(url(org))
    html = response.content.decode()
    assert response.context["roles"][0]["report"].eligible
    assert rule_states(html)[C.LEGALLY_REGISTERED][:2] == ["waived", "waived"]
    # Dates in the reader's format (core.formats), here English.
    assert f"Waived by Ops Operator on {format_date(timezone.localdate(), language='en')}" in html
    assert f"valid until {format_date(until, language='en')}" in html
    assert "Pilot-era credit code confirmed by the Nanning market regulator." in html
    assert "in force" in html


def test_expired_waiver_is_listed_as_expired_and_no_longer_applies(db, client_for, operator):
    import time_machine

    org = OrganizationFactory(capabilities=True, registration_number=bad_uscc(57))
    owner = UserFactory()
    add_member(org, owner, MembershipRole.OWNER)
    services.waiver_grant(
        organization=org,
        rule_code=C.LEGALLY_REGISTERED,
        reason="Pilot-era code",
        expires_on=timezone.localdate(),
        by=operator,
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        html = client_for(owner).get(url(org)).content.decode()
    assert rule_states(html)[C.LEGALLY_REGISTERED][0] == "fail"
    assert ">expired<" in html


def test_operator_sees_a_link_to_grant_a_waiver(client_for, org, operator, owner):
    add = reverse("admin:entities_rulewaiver_add")
    assert add in client_for(operator).get(url(org)).content.decode()
    assert add not in client_for(owner).get(url(org)).content.decode()


def test_page_explains_the_rules_in_plain_language(client_for, org, viewer):
    html = client_for(viewer).get(url(org)).content.decode()
    for text in (
        "The rules in plain language",
        "Timor-Leste",
        "Registered for at least one year.",
        "Government agencies cannot lead",
        "credit codes starting with 92",
        "at most 5 partner organizations",
        "Technology transfer",
        "China time (Asia/Shanghai)",
        "28 February",
        "Rules version 2025-04.",
    ):
        assert text in html, text


def test_page_renders_in_chinese(client_for, org, owner):
    client = client_for(owner)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(url(org), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200


def test_page_works_for_an_organization_from_anywhere(db, client_for):
    org = OrganizationFactory(
        country="DE", region_code="", registry="other", registration_number="HRB 12345"
    )
    owner = UserFactory()
    add_member(org, owner, MembershipRole.OWNER)
    response = client_for(owner).get(url(org))
    assert [(r["role"], r["primary"]) for r in response.context["roles"]] == [
        ("partner", True),
        ("demand", False),
        ("lead", False),
    ]
    assert response.context["roles"][0]["report"].eligible


def test_page_takes_a_bounded_number_of_queries(client_for, org, owner, operator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(owner)
    client.get(url(org))  # warm caches (session, content types)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(org)).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for code in (C.ORGANIZATION_VERIFIED, C.LEGALLY_REGISTERED, C.LEAD_IN_GUANGXI):
        services.waiver_grant(
            organization=org,
            rule_code=code,
            reason="x",
            expires_on=timezone.localdate(),
            by=operator,
        )
    assert count() == before <= 10
