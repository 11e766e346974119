"""Registering and editing an organization through the pages a user sees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import uscc

from entities.enums import MembershipRole, VerificationStatus
from entities.models import Membership, Organization
from entities.session import SESSION_KEY
from tests.conftest import assert_error_tied_to_field
from tests.factories import OrganizationFactory, UserFactory, make_uscc, organization_form_data

pytestmark = pytest.mark.django_db

CREATE_URL = "/organizations/new/"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _edit_data(org: Organization, **overrides) -> dict:
    data = {
        "legal_name": org.legal_name,
        "local_name": org.local_name,
        "institution_type": org.institution_type,
        "independent_legal_status": "on" if org.independent_legal_status else None,
        "country": org.country.code,
        "registry": org.registry,
        "registration_number": org.registration_number,
        "registration_date": org.registration_date.isoformat(),
        "registry_status": org.registry_status,
        "region": org.region,
        "region_code": org.region_code,
        "website": org.website,
        "contact_email": org.contact_email,
        "address": org.address,
    }
    data.update(overrides)
    return organization_form_data(**data)


@pytest.fixture
def newcomer(db):
    return UserFactory(email="newcomer@example.org")


# --------------------------------------------------------------------------- create
def test_organization_create_page_is_reachable(client_for, newcomer):
    response = client_for(newcomer).get(reverse("entities:create"))
    assert response.status_code == 200
    assert b'<label for="id_registration_number"' in response.content


def test_organization_create_valid_makes_owner_and_active_org(client_for, newcomer):
    c = client_for(newcomer)
    response = c.post(reverse("entities:create"), organization_form_data())
    org = Organization.objects.get(legal_name="Guangxi Smart Farming Co., Ltd.")
    assert response.status_code == 302
    assert response.url == reverse("entities:detail", args=[org.pk])
    assert org.verification_status == VerificationStatus.UNVERIFIED
    assert org.registration_number == make_uscc(4242)
    assert org.created_by == newcomer
    membership = Membership.objects.get(organization=org, user=newcomer)
    assert membership.role == MembershipRole.OWNER
    assert c.session[SESSION_KEY] == org.pk
    assert newcomer.has_perm("entities.view_organization", org)
    assert c.get(response.url).status_code == 200


def test_organization_create_normalises_the_number(client_for, newcomer):
    number = make_uscc(77)
    spaced = f"{number[:4]} {number[4:10]} {number[10:]}".lower()
    client_for(newcomer).post(
        reverse("entities:create"), organization_form_data(registration_number=spaced)
    )
    assert Organization.objects.get().registration_number == number


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"legal_name": ""}, "legal_name"),
        ({"institution_type": "sect"}, "institution_type"),
        ({"country": "XX"}, "country"),
        ({"registration_number": ""}, "registration_number"),
        ({"registration_number": "91450100MA5KB12341"}, "registration_number"),
        ({"registration_date": "not a date"}, "registration_date"),
        ({"registration_date": "2019-02-30"}, "registration_date"),
        ({"registry_status": "zombie"}, "registry_status"),
        ({"region_code": "4501"}, "region_code"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"contact_email": "office at example"}, "contact_email"),
    ],
)
def test_organization_create_bad_input_shows_error_next_to_field(
    client_for, newcomer, overrides, field
):
    response = client_for(newcomer).post(
        reverse("entities:create"), organization_form_data(**overrides)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert_error_tied_to_field(response.content, field)
    assert not Organization.objects.exists()
    assert not Membership.objects.exists()


def test_organization_create_future_registration_date_is_refused(client_for, newcomer):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(newcomer).post(
        reverse("entities:create"), organization_form_data(registration_date=tomorrow.isoformat())
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.context["form"].errors["registration_date"][0]
    assert not Organization.objects.exists()


def test_organization_create_today_registration_date_is_accepted(client_for, newcomer):
    response = client_for(newcomer).post(
        reverse("entities:create"),
        organization_form_data(registration_date=timezone.localdate().isoformat()),
    )
    assert response.status_code == 302


def test_organization_create_duplicate_registration_number_is_refused(client_for, newcomer):
    existing = OrganizationFactory()
    response = client_for(newcomer).post(
        reverse("entities:create"),
        organization_form_data(registration_number=existing.registration_number.lower()),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "registration_number" in errors
    assert "already on the portal" in errors["registration_number"][0]
    assert Organization.objects.count() == 1
    assert not Membership.objects.filter(user=newcomer).exists()


def test_organization_create_same_number_in_another_country_is_allowed(client_for, newcomer):
    OrganizationFactory(country="LA", registry="la_erc", registration_number="0190123456")
    response = client_for(newcomer).post(
        reverse("entities:create"),
        organization_form_data(
            country="KH", registry="kh_moc", registration_number="0190123456", region_code=""
        ),
    )
    assert response.status_code == 302


def test_organization_create_region_mismatch_warns_after_saving(client_for, newcomer):
    shenzhen = "91440300MA5FABCDE"
    number = shenzhen + uscc.calc_check_digit(shenzhen)
    c = client_for(newcomer)
    response = c.post(
        reverse("entities:create"), organization_form_data(registration_number=number)
    )
    assert response.status_code == 302
    assert any("440300" in m for m in _messages(response))
    detail = c.get(response.url)
    assert b"440300" in detail.content


def test_organization_create_anonymous_is_sent_to_login(client):
    response = client.post(reverse("entities:create"), organization_form_data())
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Organization.objects.exists()


# --------------------------------------------------------------------------- edit
def test_organization_edit_profile_change_keeps_verification(client_for, org, owner):
    response = client_for(owner).post(
        reverse("entities:edit", args=[org.pk]),
        _edit_data(org, website="https://new.example.org", address="2 New Road"),
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.website == "https://new.example.org"
    assert org.verification_status == VerificationStatus.VERIFIED


@pytest.mark.parametrize(
    "overrides",
    [
        {"legal_name": "Renamed Intelligent Systems Co."},
        {"registration_date": "2016-01-01"},
        {"institution_type": "university"},
        {"independent_legal_status": None},
        {"region_code": "450200"},
        {"registry_status": "suspended"},
    ],
)
def test_organization_edit_legal_change_of_verified_org_goes_back_to_pending(
    client_for, org, owner, manager, overrides, django_capture_on_commit_callbacks
):
    operator = UserFactory(email="office@example.org", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(
            reverse("entities:edit", args=[org.pk]), _edit_data(org, **overrides)
        )
    assert response.status_code == 302
    assert any("back to the programme office" in m for m in _messages(response))
    org.refresh_from_db()
    assert org.verification_status == VerificationStatus.PENDING
    assert "Legal details changed" in org.verification_reason
    assert any(operator.email in m.to for m in mail.outbox)


def test_organization_edit_bad_input_changes_nothing(client_for, org, owner):
    before = Organization.objects.get(pk=org.pk)
    response = client_for(owner).post(
        reverse("entities:edit", args=[org.pk]),
        _edit_data(
            org,
            legal_name="Half-edited name",
            registration_number="91450100MA5KB1234A",
            registration_date=(timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"registration_number", "registration_date"}
    after = Organization.objects.get(pk=org.pk)
    assert after.legal_name == before.legal_name
    assert after.registration_number == before.registration_number
    assert after.verification_status == VerificationStatus.VERIFIED
    assert after.history.count() == before.history.count()


def test_organization_edit_duplicate_registration_number_is_refused(client_for, org, owner):
    other = OrganizationFactory()
    response = client_for(owner).post(
        reverse("entities:edit", args=[org.pk]),
        _edit_data(org, registration_number=other.registration_number),
    )
    assert response.status_code == 200
    assert "registration_number" in response.context["form"].errors
    org.refresh_from_db()
    assert org.registration_number != other.registration_number
    assert org.verification_status == VerificationStatus.VERIFIED


def test_organization_edit_shows_current_values(client_for, org, owner):
    response = client_for(owner).get(reverse("entities:edit", args=[org.pk]))
    assert response.status_code == 200
    assert org.registration_number.encode() in response.content


def test_organization_create_website_without_scheme_means_https(client_for, newcomer):
    client_for(newcomer).post(
        reverse("entities:create"), organization_form_data(website="smartport.example")
    )
    assert Organization.objects.get().website == "https://smartport.example"
