"""Operators verify or reject organizations in the admin; owners hear about it by e-mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from entities import services
from entities.enums import VerificationStatus
from entities.models import Organization
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _verify_url(org) -> str:
    return f"/admin/entities/organization/{org.pk}/verify/"


@pytest.fixture
def pending(org, owner, manager, viewer):
    Organization.objects.filter(pk=org.pk).update(
        verification_status=VerificationStatus.PENDING, verified_at=None, verified_by=None
    )
    org.refresh_from_db()
    return org


def _mail_to(user) -> list:
    return [m for m in mail.outbox if user.email in m.to]


def test_verify_url_is_the_admin_verify_view(pending):
    assert reverse("admin:entities_organization_verify", args=[pending.pk]) == _verify_url(pending)


def test_verify_page_shows_the_facts(client_for, operator, pending):
    response = client_for(operator).get(_verify_url(pending))
    assert response.status_code == 200
    assert pending.registration_number.encode() in response.content
    assert b'name="decision"' in response.content
    assert b'name="reason"' in response.content


def test_verify_operator_verifies_and_owners_get_email(
    client_for, operator, pending, owner, manager, viewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(operator).post(
            _verify_url(pending),
            {"decision": "verified", "reason": "Certificate checked against the registry."},
        )
    assert response.status_code == 302
    assert response.url == reverse("admin:entities_organization_changelist")
    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.VERIFIED
    assert pending.verified_by == operator
    assert pending.verified_at is not None
    assert len(_mail_to(owner)) == 1
    assert not _mail_to(viewer)


def test_verify_operator_rejects_with_reason_and_owners_get_it(
    client_for, operator, pending, owner, django_capture_on_commit_callbacks
):
    reason = "The registration certificate is for a different company."
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(operator).post(
            _verify_url(pending), {"decision": "rejected", "reason": reason}
        )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.REJECTED
    assert pending.verification_reason == reason
    sent = _mail_to(owner)
    assert len(sent) == 1
    assert reason in sent[0].body
    page = client_for(owner).get(reverse("entities:detail", args=[pending.pk]))
    assert reason.encode() in page.content


def test_verify_reject_without_reason_is_refused(client_for, operator, pending):
    response = client_for(operator).post(
        _verify_url(pending), {"decision": "rejected", "reason": " "}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.PENDING
    assert not mail.outbox


def test_verify_unknown_decision_is_refused(client_for, operator, pending):
    response = client_for(operator).post(_verify_url(pending), {"decision": "pending"})
    assert response.status_code == 200
    assert "decision" in response.context["form"].errors
    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.PENDING


def test_verify_unknown_organization_is_404(client_for, operator):
    assert (
        client_for(operator).get("/admin/entities/organization/999999/verify/").status_code == 404
    )


def test_verify_view_refuses_non_staff(client_for, pending, owner):
    response = client_for(owner).post(_verify_url(pending), {"decision": "verified"})
    assert response.status_code == 302
    assert "/admin/login/" in response.url
    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.PENDING


def test_verify_view_refuses_staff_without_permission(client_for, pending):
    clerk = UserFactory(is_staff=True)
    client_for(clerk).post(_verify_url(pending), {"decision": "verified"})
    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.PENDING


def test_verify_rejected_org_corrects_and_resubmits(
    client_for, operator, pending, owner, django_capture_on_commit_callbacks
):
    services.organization_set_verification(
        organization=pending, to=VerificationStatus.REJECTED, by=operator, reason="Wrong date."
    )
    c = client_for(owner)
    detail = c.get(reverse("entities:detail", args=[pending.pk]))
    assert b"Request verification" in detail.content
    assert b"Wrong date." in detail.content

    edit = c.get(reverse("entities:edit", args=[pending.pk]))
    data = {k: v for k, v in edit.context["form"].initial.items() if v not in (None, False)}
    data.update(
        country="CN",
        registration_date="2014-05-01",
        independent_legal_status="on",
    )
    response = c.post(reverse("entities:edit", args=[pending.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.REJECTED  # until resubmitted

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("entities:request_verification", args=[pending.pk]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.PENDING
    assert pending.verification_reason == ""
    assert pending.verification_requested_at is not None
    assert _mail_to(operator), "operators hear about the resubmission"

    with django_capture_on_commit_callbacks(execute=True):
        client_for(operator).post(_verify_url(pending), {"decision": "verified", "reason": ""})
    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.VERIFIED


def test_verify_pending_org_cannot_request_again(client_for, pending, owner):
    response = client_for(owner).post(reverse("entities:request_verification", args=[pending.pk]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.PENDING


def test_verify_status_changes_are_recorded_in_history(operator, pending):
    services.organization_set_verification(
        organization=pending, to=VerificationStatus.REJECTED, by=operator, reason="Blurry scan."
    )
    reasons = [h.history_change_reason for h in pending.history.all()]
    assert any("pending → rejected" in (r or "") for r in reasons)


def test_verify_only_by_set_verification_transitions(operator):
    org = OrganizationFactory(unverified=True)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.organization_set_verification(
            organization=org, to=VerificationStatus.VERIFIED, by=operator
        )


def test_verify_bulk_action_verifies_only_pending(client_for, operator, pending):
    unverified = OrganizationFactory(unverified=True)
    response = client_for(operator).post(
        reverse("admin:entities_organization_changelist"),
        {
            "action": "verify_selected",
            "_selected_action": [pending.pk, unverified.pk],
        },
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    unverified.refresh_from_db()
    assert pending.verification_status == VerificationStatus.VERIFIED
    assert unverified.verification_status == VerificationStatus.UNVERIFIED


def test_admin_organization_list_query_count(client_for, operator, django_assert_max_num_queries):
    for _ in range(3):
        OrganizationFactory()
    c = client_for(operator)
    url = reverse("admin:entities_organization_changelist")
    c.get(url)
    with django_assert_max_num_queries(12):
        assert c.get(url).status_code == 200
    for _ in range(12):
        OrganizationFactory()
    with django_assert_max_num_queries(12):
        assert c.get(url).status_code == 200
