"""Programme operators: a staff user in the operators group can work in /admin/, no more."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from entities.enums import VerificationStatus
from entities.models import Organization, RuleWaiver, User
from portal.signals import OPERATOR_PERMISSIONS, OPERATORS_GROUP, ensure_operators_group
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(db):
    """A programme operator without superuser rights."""
    user = UserFactory(email="clerk@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name=OPERATORS_GROUP))
    return User.objects.get(pk=user.pk)


def _codes(group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_operators_group_exists_after_migrate():
    group = Group.objects.get(name=OPERATORS_GROUP)
    codes = _codes(group)
    for app_label, models in OPERATOR_PERMISSIONS.items():
        for model, actions in models.items():
            for action in actions:
                assert f"{app_label}.{action}_{model}" in codes
    assert "entities.change_organization" in codes
    assert "entities.add_rulewaiver" in codes
    assert "entities.delete_organization" not in codes
    assert "entities.add_organization" not in codes


def test_operators_group_is_idempotent_and_completes_missing_permissions():
    group = Group.objects.get(name=OPERATORS_GROUP)
    extra = Permission.objects.get(codename="view_session")
    group.permissions.add(extra)
    group.permissions.remove(Permission.objects.get(codename="change_organization"))
    ensure_operators_group()
    ensure_operators_group()
    assert Group.objects.filter(name=OPERATORS_GROUP).count() == 1
    codes = _codes(group)
    assert "entities.change_organization" in codes
    assert "sessions.view_session" in codes  # granted by hand, kept


def test_operators_group_recreated_when_deleted():
    Group.objects.filter(name=OPERATORS_GROUP).delete()
    ensure_operators_group()
    assert "entities.view_organization" in _codes(Group.objects.get(name=OPERATORS_GROUP))


def test_operator_in_group_works_in_admin(client_for, clerk):
    c = client_for(clerk)
    assert c.get("/admin/").status_code == 200
    assert c.get(reverse("admin:entities_organization_changelist")).status_code == 200
    assert c.get(reverse("admin:entities_rulewaiver_add")).status_code == 200
    assert c.get(reverse("admin:entities_invitation_changelist")).status_code == 200
    assert c.get(reverse("admin:entities_user_changelist")).status_code == 200


def test_operator_in_group_verifies_an_organization(client_for, clerk, org, owner):
    Organization.objects.filter(pk=org.pk).update(verification_status=VerificationStatus.PENDING)
    response = client_for(clerk).post(
        reverse("admin:entities_organization_verify", args=[org.pk]),
        {"decision": "rejected", "reason": "The certificate has expired."},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.verification_status == VerificationStatus.REJECTED
    assert org.verification_reason == "The certificate has expired."


def test_operator_in_group_grants_a_waiver(client_for, clerk, org):
    import datetime as dt

    from django.utils import timezone

    response = client_for(clerk).post(
        reverse("admin:entities_rulewaiver_add"),
        {
            "organization": org.pk,
            "rule_code": "LEGALLY_REGISTERED",
            "reason": "Pilot-era credit code; checked with the registry by phone.",
            "expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert RuleWaiver.objects.get(organization=org).granted_by == clerk


def test_operator_in_group_flags_a_reviewer(client_for, clerk):
    expert = UserFactory(email="expert@example.org")
    url = reverse("admin:entities_user_change", args=[expert.pk])
    page = client_for(clerk).get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        "email": expert.email,
        "full_name": "Dr Expert",
        "preferred_language": "en",
        "is_active": "on",
        "is_reviewer": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "",
        "date_joined_1": "",
    }
    data = {k: v for k, v in data.items() if k in form.fields or k in {"email"}}
    response = client_for(clerk).post(url, data)
    assert response.status_code == 302, page.context["adminform"].form.errors
    expert.refresh_from_db()
    assert expert.is_reviewer
    assert expert.full_name == "Dr Expert"


def test_operator_in_group_cannot_grant_rights(client_for, clerk):
    someone = UserFactory(email="someone@example.org")
    url = reverse("admin:entities_user_change", args=[someone.pk])
    page = client_for(clerk).get(url)
    form = page.context["adminform"].form
    for name in ("is_staff", "is_superuser", "groups", "user_permissions"):
        assert name not in form.fields
    client_for(clerk).post(
        url,
        {
            "email": someone.email,
            "preferred_language": "en",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    someone.refresh_from_db()
    assert not someone.is_staff
    assert not someone.is_superuser


def test_operator_in_group_cannot_edit_staff_or_passwords(client_for, clerk, operator):
    c = client_for(clerk)
    # Their own account and other staff: read-only.
    for target in (clerk, operator):
        c.post(
            reverse("admin:entities_user_change", args=[target.pk]),
            {"email": target.email, "is_active": "", "preferred_language": "en"},
        )
        target.refresh_from_db()
        assert target.is_active
    plain = UserFactory()
    for target in (plain, operator):
        url = reverse("admin:auth_user_password_change", args=[target.pk])
        assert c.get(url).status_code == 403
        response = c.post(url, {"password1": "x-Takeover-123", "password2": "x-Takeover-123"})
        assert response.status_code == 403
        target.refresh_from_db()
        assert not target.check_password("x-Takeover-123")
    assert c.get(reverse("admin:entities_user_add")).status_code == 403


def test_operator_in_group_cannot_add_or_delete_organizations(client_for, clerk, org):
    c = client_for(clerk)
    assert c.get(reverse("admin:entities_organization_add")).status_code == 403
    assert c.get(reverse("admin:entities_organization_delete", args=[org.pk])).status_code == 403
    assert Organization.objects.filter(pk=org.pk).exists()


def test_staff_without_group_sees_no_entities(client_for, org):
    bare = UserFactory(is_staff=True)
    c = client_for(bare)
    assert c.get("/admin/").status_code == 200
    assert c.get(reverse("admin:entities_organization_changelist")).status_code == 403
    Organization.objects.filter(pk=org.pk).update(verification_status=VerificationStatus.PENDING)
    c.post(reverse("admin:entities_organization_verify", args=[org.pk]), {"decision": "verified"})
    org.refresh_from_db()
    assert org.verification_status == VerificationStatus.PENDING


def test_superuser_still_manages_staff(client_for, operator, clerk):
    url = reverse("admin:entities_user_change", args=[clerk.pk])
    form = client_for(operator).get(url).context["adminform"].form
    assert "is_superuser" in form.fields
    assert client_for(operator).get(reverse("admin:entities_user_add")).status_code == 200


def test_admin_user_list_query_count(client_for, clerk, django_assert_max_num_queries):
    for _ in range(15):
        UserFactory()
    OrganizationFactory()
    c = client_for(clerk)
    url = reverse("admin:entities_user_changelist")
    c.get(url)
    with django_assert_max_num_queries(12):
        assert c.get(url).status_code == 200
