"""Organizations as facts, stored reports, and operators' waivers (services and admin)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from entities import services
from entities.eligibility import (
    EligibilityFacts,
    EligibilityReport,
    Role,
    RuleCode,
    check_eligibility,
)
from entities.enums import DEMAND_CAPABILITIES, LEAD_CAPABILITIES, VerificationStatus
from entities.models import EligibilityRecord, RuleWaiver
from entities.selectors import eligibility_facts
from tests.factories import OrganizationFactory, declare_capability, make_uscc


def _facts(organization):
    """The facts the selector loads for one organization (two queries)."""
    return eligibility_facts([organization])[0]


pytestmark = pytest.mark.django_db

C = RuleCode
NOW = dt.datetime(2026, 3, 14, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 14)  # NOW in Asia/Shanghai


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def bad_uscc(n: int) -> str:
    good = make_uscc(n)
    return good[:-1] + ("0" if good[-1] != "0" else "1")


# --------------------------------------------------------------------------- facts from organizations
def test_facts_from_organization(org):
    facts = _facts(org)
    assert facts == EligibilityFacts(
        country="CN",
        region_code="450100",
        institution_type="enterprise",
        independent_legal_status=True,
        registration_number=org.registration_number,
        registry_status="active",
        registration_date=dt.date(2015, 3, 14),
        verified=True,
        capabilities=frozenset(LEAD_CAPABILITIES),
        name=org.legal_name,
    )


def test_capability_counts_only_with_evidence(db):
    org = OrganizationFactory(asean=True)
    declare_capability(org, "operational_scenarios")
    declare_capability(org, "local_data_resources", evidence=False)
    assert _facts(org).capabilities == {"operational_scenarios"}


@pytest.mark.parametrize(
    ("status", "verified"),
    [
        (VerificationStatus.VERIFIED, True),
        (VerificationStatus.PENDING, False),
        (VerificationStatus.UNVERIFIED, False),
        (VerificationStatus.REJECTED, False),
    ],
)
def test_only_verified_status_counts_as_verified(db, status, verified):
    org = OrganizationFactory(verification_status=status)
    assert _facts(org).verified is verified


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("scope", ["submission", "organization"])
def test_report_for_organization_equals_report_for_its_facts(org, asean_org, role, scope):
    subject = asean_org if role == Role.DEMAND else org
    partners = [OrganizationFactory(), OrganizationFactory(asean=True)]
    kwargs = {"role": role, "on": NOW, "modes": ["collaborative_rnd"], "scope": scope}
    from_org = check_eligibility(subject, partners=partners, **kwargs)
    from_facts = check_eligibility(
        _facts(subject),
        partners=[_facts(p) for p in partners],
        **kwargs,
    )
    assert from_org == from_facts
    assert from_org.as_dict() == from_facts.as_dict()
    assert from_org.eligible


def test_report_for_organization_equals_report_for_its_facts_when_failing(db, operator):
    org = OrganizationFactory(
        unverified=True,
        registration_number=bad_uscc(3),
        registration_date=timezone.localdate() - dt.timedelta(days=30),
        region_code="440300",
    )
    services.waiver_grant(
        organization=org,
        rule_code=C.LEGALLY_REGISTERED,
        reason="Pilot-era code",
        expires_on=timezone.localdate(),
        by=operator,
    )
    report = check_eligibility(org, role=Role.LEAD, on=timezone.now(), modes=[])
    assert report == check_eligibility(_facts(org), role=Role.LEAD, on=timezone.now(), modes=[])
    assert report.failed == {
        C.REGISTERED_ONE_YEAR,
        C.LEAD_IN_GUANGXI,
        C.LEAD_CAPABILITIES,
        C.COOPERATION_MODES,
        C.ORGANIZATION_VERIFIED,
    }
    assert report.result(C.LEGALLY_REGISTERED).waived


def test_facts_take_two_queries(org, django_assert_num_queries):
    with django_assert_num_queries(2):
        _facts(org)


def test_bid_with_five_partner_organizations_takes_two_queries(org, django_assert_num_queries):
    partners = [OrganizationFactory(capabilities=True) for _ in range(5)]
    with django_assert_num_queries(2):
        report = check_eligibility(
            org, role=Role.LEAD, on=NOW, partners=partners, modes=["technology_transfer"]
        )
    assert report.eligible


def test_eligibility_facts_keeps_order_and_duplicates(org, asean_org):
    facts = eligibility_facts([asean_org, org, asean_org])
    assert [f.name for f in facts] == [asean_org.legal_name, org.legal_name, asean_org.legal_name]
    assert eligibility_facts([]) == []


def test_organizations_listed_twice_or_the_lead_itself_fail_the_partner_rule(org):
    other = OrganizationFactory()
    twice = check_eligibility(org, role=Role.LEAD, on=NOW, partners=[other, other], modes=["x"])
    assert twice.result(C.PARTNERS_AT_MOST_FIVE).outcome == "duplicate"
    itself = check_eligibility(org, role=Role.LEAD, on=NOW, partners=[other, org], modes=["x"])
    assert itself.result(C.PARTNERS_AT_MOST_FIVE).outcome == "self"


# --------------------------------------------------------------------------- stored reports
@pytest.fixture
def record(org, frozen):
    report = check_eligibility(org, role=Role.LEAD, on=NOW, modes=["collaborative_rnd"])
    return services.eligibility_record_create(organization=org, report=report, context="bid:7")


def test_record_keeps_a_snapshot(record, org):
    record.refresh_from_db()
    assert record.organization == org
    assert record.subject_name == org.legal_name
    assert record.role == "lead"
    assert record.ruleset == "2025-04"
    assert record.on_date == TODAY
    assert record.evaluated_at == NOW
    assert record.eligible is True
    assert record.context == "bid:7"
    report = EligibilityReport.from_dict(record.report)
    assert report == check_eligibility(org, role=Role.LEAD, on=NOW, modes=["collaborative_rnd"])
    assert json.loads(json.dumps(record.report)) == record.report


def test_record_does_not_follow_later_changes_of_the_organization(record, org):
    org.verification_status = VerificationStatus.REJECTED
    org.save()
    record.refresh_from_db()
    assert record.eligible
    assert EligibilityReport.from_dict(record.report).eligible


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.save(),
        lambda r: r.save(update_fields=["eligible"]),
        lambda r: r.delete(),
        lambda r: EligibilityRecord.objects.filter(pk=r.pk).update(eligible=False),
        lambda r: EligibilityRecord.objects.filter(pk=r.pk).delete(),
        lambda r: r.organization.eligibility_records.update(context=""),
        lambda r: EligibilityRecord.objects.bulk_update([r], ["eligible"]),
    ],
    ids=["save", "save-fields", "delete", "qs-update", "qs-delete", "related-update", "bulk"],
)
def test_record_can_never_be_changed(record, change):
    record.eligible = False
    with pytest.raises(PermissionError), transaction.atomic():
        change(record)
    record.refresh_from_db()
    assert record.eligible is True


def test_organization_with_records_cannot_be_deleted(record, org):
    with pytest.raises(ProtectedError):
        org.delete()


def test_record_of_an_ineligible_report(db, frozen):
    org = OrganizationFactory(asean=True, unverified=True)
    report = check_eligibility(org, role=Role.DEMAND, on=NOW, modes=[])
    record = services.eligibility_record_create(organization=org, report=report)
    assert record.eligible is False
    assert {r["code"] for r in record.failed} == report.failed


# --------------------------------------------------------------------------- waivers (services)
@pytest.fixture
def pilot_org(db):
    """A Guangxi enterprise whose pilot-era credit code fails the checksum."""
    return OrganizationFactory(capabilities=True, registration_number=bad_uscc(11))


def lead_report(org, on=NOW):
    return check_eligibility(org, role=Role.LEAD, on=on, scope="organization")


def test_waiver_shows_in_the_report_with_who_granted_it(pilot_org, operator, frozen):
    assert lead_report(pilot_org).failed == {C.LEGALLY_REGISTERED}
    services.waiver_grant(
        organization=pilot_org,
        rule_code=C.LEGALLY_REGISTERED,
        reason="Pilot-era USCC; registration confirmed by the Nanning market regulator.",
        expires_on=dt.date(2026, 6, 30),
        by=operator,
    )
    report = lead_report(pilot_org)
    assert report.eligible
    result = report.result(C.LEGALLY_REGISTERED)
    assert result.passed and result.waived
    assert result.outcome == "malformed"
    assert result.waiver == {
        "code": "LEGALLY_REGISTERED",
        "reason": "Pilot-era USCC; registration confirmed by the Nanning market regulator.",
        "granted_by": "Ops Operator",
        "granted_on": "2026-03-14",
        "expires_on": "2026-06-30",
    }
    data = report.as_dict()["results"][0]
    assert data["waived"] is True
    assert data["waiver"]["granted_by"] == "Ops Operator"


def test_waiver_only_affects_its_organization_and_rule(pilot_org, operator, frozen):
    services.waiver_grant(
        organization=pilot_org,
        rule_code=C.ORGANIZATION_VERIFIED,
        reason="Documents checked on paper",
        expires_on=dt.date(2026, 6, 30),
        by=operator,
    )
    assert lead_report(pilot_org).failed == {C.LEGALLY_REGISTERED}
    other = OrganizationFactory(registration_number=bad_uscc(12))
    assert C.LEGALLY_REGISTERED in lead_report(other).failed


def test_waiver_expires_after_its_last_day(pilot_org, operator):
    with time_machine.travel(NOW, tick=False):
        services.waiver_grant(
            organization=pilot_org,
            rule_code=C.LEGALLY_REGISTERED,
            reason="Pilot-era code",
            expires_on=dt.date(2026, 3, 20),
            by=operator,
        )
    last_day = dt.datetime(2026, 3, 20, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert lead_report(pilot_org, on=last_day).eligible
    assert lead_report(pilot_org, on=dt.date(2026, 3, 20)).eligible
    assert not lead_report(pilot_org, on=dt.date(2026, 3, 21)).eligible
    assert not lead_report(pilot_org, on=last_day + dt.timedelta(minutes=1)).eligible
    # and it did not apply before it was granted
    assert not lead_report(pilot_org, on=dt.date(2026, 3, 13)).eligible


def test_revoked_waiver_no_longer_applies_but_stored_reports_keep_it(pilot_org, operator, frozen):
    waiver = services.waiver_grant(
        organization=pilot_org,
        rule_code=C.LEGALLY_REGISTERED,
        reason="Pilot-era code",
        expires_on=dt.date(2026, 6, 30),
        by=operator,
    )
    record = services.eligibility_record_create(
        organization=pilot_org, report=lead_report(pilot_org)
    )
    services.waiver_revoke(waiver=waiver, by=operator)
    services.waiver_revoke(waiver=waiver, by=operator)  # idempotent
    waiver.refresh_from_db()
    assert waiver.revoked_at == NOW and waiver.revoked_by == operator
    assert lead_report(pilot_org).failed == {C.LEGALLY_REGISTERED}
    record.refresh_from_db()
    assert record.eligible
    assert record.report["results"][0]["waiver"]["granted_by"] == "Ops Operator"


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_waiver_needs_a_reason(pilot_org, operator, reason):
    with pytest.raises(ValidationError) as exc:
        services.waiver_grant(
            organization=pilot_org,
            rule_code=C.LEGALLY_REGISTERED,
            reason=reason,
            expires_on=timezone.localdate(),
            by=operator,
        )
    assert "reason" in exc.value.message_dict
    assert not RuleWaiver.objects.exists()


def test_waiver_cannot_expire_in_the_past(pilot_org, operator, frozen):
    with pytest.raises(ValidationError) as exc:
        services.waiver_grant(
            organization=pilot_org,
            rule_code=C.LEGALLY_REGISTERED,
            reason="Pilot-era code",
            expires_on=dt.date(2026, 3, 13),
            by=operator,
        )
    assert "expires_on" in exc.value.message_dict
    # today (China time) is fine: the waiver holds until the end of the day
    services.waiver_grant(
        organization=pilot_org,
        rule_code=C.LEGALLY_REGISTERED,
        reason="Pilot-era code",
        expires_on=TODAY,
        by=operator,
    )
    assert lead_report(pilot_org).eligible


def test_waiver_must_name_a_rule(pilot_org, operator):
    with pytest.raises(ValidationError):
        services.waiver_grant(
            organization=pilot_org,
            rule_code="NO_SUCH_RULE",
            reason="x",
            expires_on=timezone.localdate(),
            by=operator,
        )


# --------------------------------------------------------------------------- waivers (admin)
@pytest.fixture
def admin_client(client_for, operator):
    return client_for(operator)


def test_operator_grants_a_waiver_in_the_admin(admin_client, pilot_org, operator):
    url = reverse("admin:entities_rulewaiver_add")
    assert admin_client.get(url + f"?organization={pilot_org.pk}").status_code == 200
    expires = timezone.localdate() + dt.timedelta(days=60)
    response = admin_client.post(
        url,
        {
            "organization": pilot_org.pk,
            "rule_code": C.LEGALLY_REGISTERED,
            "reason": "  Pilot-era code, confirmed by letter.  ",
            "expires_on": expires.isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    waiver = RuleWaiver.objects.get()
    assert (waiver.organization, waiver.granted_by) == (pilot_org, operator)
    assert waiver.reason == "Pilot-era code, confirmed by letter."
    assert waiver.expires_on == expires
    assert waiver.history.first().history_user == operator
    result = lead_report(pilot_org, on=timezone.now()).result(C.LEGALLY_REGISTERED)
    assert result.waiver["granted_by"] == "Ops Operator"
    assert result.waiver["expires_on"] == expires.isoformat()
    # the waiver's page shows it, read-only, with a way to revoke it
    page = admin_client.get(reverse("admin:entities_rulewaiver_change", args=[waiver.pk]))
    assert page.status_code == 200
    assert "Ops Operator" in page.content.decode()
    assert reverse("admin:entities_rulewaiver_revoke", args=[waiver.pk]) in page.content.decode()
    assert 'name="_save"' not in page.content.decode()


@pytest.mark.parametrize(
    ("reason", "days", "field"),
    [("", 30, "reason"), ("   ", 30, "reason"), ("Pilot-era code", -1, "expires_on")],
)
def test_admin_refuses_a_waiver_without_reason_or_expiring_in_the_past(
    admin_client, pilot_org, reason, days, field
):
    response = admin_client.post(
        reverse("admin:entities_rulewaiver_add"),
        {
            "organization": pilot_org.pk,
            "rule_code": C.LEGALLY_REGISTERED,
            "reason": reason,
            "expires_on": (timezone.localdate() + dt.timedelta(days=days)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not RuleWaiver.objects.exists()


def _organization_change_data(response) -> dict:
    """The organization change form as the browser would post it back, unchanged."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for i, sub in enumerate(formset.initial_forms):
            data[f"{formset.prefix}-{i}-id"] = sub.instance.pk
            data[f"{formset.prefix}-{i}-organization"] = sub.instance.organization_id
    return data


def test_operator_grants_a_waiver_inline_on_the_organization(admin_client, pilot_org, operator):
    url = reverse("admin:entities_organization_change", args=[pilot_org.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = _organization_change_data(page)
    expires = timezone.localdate() + dt.timedelta(days=10)
    data.update(
        {
            "waivers-TOTAL_FORMS": "1",
            "waivers-0-rule_code": C.LEGALLY_REGISTERED,
            "waivers-0-reason": "Pilot-era code",
            "waivers-0-expires_on": expires.isoformat(),
            "waivers-0-organization": pilot_org.pk,
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and [
        f.errors for f in response.context["inline_admin_formsets"][1].formset.forms
    ]
    waiver = RuleWaiver.objects.get()
    assert (waiver.granted_by, waiver.expires_on) == (operator, expires)
    assert lead_report(pilot_org, on=timezone.now()).eligible
    assert "in force until" in admin_client.get(url).content.decode()


@pytest.mark.parametrize(("reason", "days"), [("", 10), ("Pilot-era code", -3)])
def test_inline_refuses_a_waiver_without_reason_or_expiring_in_the_past(
    admin_client, pilot_org, reason, days
):
    url = reverse("admin:entities_organization_change", args=[pilot_org.pk])
    data = _organization_change_data(admin_client.get(url))
    data.update(
        {
            "waivers-TOTAL_FORMS": "1",
            "waivers-0-rule_code": C.LEGALLY_REGISTERED,
            "waivers-0-reason": reason,
            "waivers-0-expires_on": (timezone.localdate() + dt.timedelta(days=days)).isoformat(),
            "waivers-0-organization": pilot_org.pk,
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert not RuleWaiver.objects.exists()


def test_operator_revokes_a_waiver_from_its_page(admin_client, pilot_org, operator):
    waiver = services.waiver_grant(
        organization=pilot_org,
        rule_code=C.LEGALLY_REGISTERED,
        reason="Pilot-era code",
        expires_on=timezone.localdate() + dt.timedelta(days=10),
        by=operator,
    )
    url = reverse("admin:entities_rulewaiver_revoke", args=[waiver.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url).status_code == 302
    waiver.refresh_from_db()
    assert waiver.revoked_by == operator
    assert not lead_report(pilot_org, on=timezone.now()).eligible


def test_operator_revokes_waivers_from_the_list(admin_client, pilot_org, operator):
    waiver = services.waiver_grant(
        organization=pilot_org,
        rule_code=C.LEGALLY_REGISTERED,
        reason="Pilot-era code",
        expires_on=timezone.localdate() + dt.timedelta(days=10),
        by=operator,
    )
    changelist = reverse("admin:entities_rulewaiver_changelist")
    listing = admin_client.get(changelist)
    assert listing.status_code == 200
    assert "in force until" in listing.content.decode()
    response = admin_client.post(
        changelist, {"action": "revoke_selected", "_selected_action": [waiver.pk]}
    )
    assert response.status_code == 302
    waiver.refresh_from_db()
    assert waiver.revoked_at is not None
    assert not lead_report(pilot_org, on=timezone.now()).eligible


def test_waiver_admin_is_for_operators_only(client_for, pilot_org, owner, operator):
    waiver = services.waiver_grant(
        organization=pilot_org,
        rule_code=C.LEGALLY_REGISTERED,
        reason="Pilot-era code",
        expires_on=timezone.localdate(),
        by=operator,
    )
    member = client_for(owner)
    for url in (
        reverse("admin:entities_rulewaiver_add"),
        reverse("admin:entities_rulewaiver_revoke", args=[waiver.pk]),
    ):
        response = member.post(url, {})
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    waiver.refresh_from_db()
    assert waiver.revoked_at is None


def test_demand_capabilities_constant_matches_design():
    assert DEMAND_CAPABILITIES == (
        "operational_scenarios",
        "experimental_environment",
        "local_data_resources",
        "supporting_infrastructure",
    )
    assert LEAD_CAPABILITIES == (
        "rnd_capability",
        "research_facilities",
        "international_collaboration_network",
    )
