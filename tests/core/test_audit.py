"""The audit trail: each listed action writes its entry; entries cannot change; operators only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from challenges.models import Attachment
from core.audit import audit_record, user_agent_summary
from core.enums import AuditAction
from core.models import AppendOnlyError, AuditEntry
from entities import services as entity_services
from entities.enums import MembershipRole, RuleCode, VerificationStatus
from entities.models import Membership, Organization
from tests.challenges.factories import ChallengeFactory, listed_challenge, submitted_bid
from tests.factories import PDF_BYTES, UserFactory, add_member

pytestmark = pytest.mark.django_db
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def entries(action: str):
    return AuditEntry.objects.filter(action=action)


# --------------------------------------------------------------------------- sign-ins, MFA
def test_sign_in_is_recorded_with_address_and_browser(client):
    user = UserFactory(email="ana@example.org", password="a-long-passphrase-1")
    response = client.post(
        reverse("account_login"),
        {"login": "ana@example.org", "password": "a-long-passphrase-1"},
        HTTP_USER_AGENT=FIREFOX,
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    entry = entries(AuditAction.LOGIN).get()
    assert entry.actor == user and entry.object_id == str(user.pk)
    assert entry.ip_address == "203.0.113.7"
    assert entry.user_agent == "Firefox 128 on Linux"
    assert "ana@example.org" not in entry.object_label  # no personal data copied


def test_failed_sign_in_is_recorded_with_the_identifier_tried(client):
    UserFactory(email="ana@example.org", password="a-long-passphrase-1")
    client.post(
        reverse("account_login"),
        {"login": "ana@example.org", "password": "wrong"},
        REMOTE_ADDR="198.51.100.9",
    )
    entry = entries(AuditAction.LOGIN_FAILED).get()
    assert entry.actor is None
    assert entry.details == {"identifier": "ana@example.org"}
    assert entry.ip_address == "198.51.100.9"


@pytest.mark.parametrize(
    ("signal", "action"),
    [
        (mfa_signals.authenticator_added, AuditAction.MFA_ADDED),
        (mfa_signals.authenticator_removed, AuditAction.MFA_REMOVED),
        (mfa_signals.authenticator_reset, AuditAction.MFA_RESET),
    ],
)
def test_second_factor_changes_are_recorded(signal, action):
    from allauth.mfa.models import Authenticator

    user = UserFactory()
    authenticator = Authenticator(user=user, type=Authenticator.Type.TOTP, data={})
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
    request.user = user
    signal.send(sender=Authenticator, request=request, user=user, authenticator=authenticator)
    entry = entries(action).get()
    assert entry.actor == user and entry.details == {"type": "totp"}
    assert entry.ip_address == "192.0.2.1"


# --------------------------------------------------------------------------- memberships, rights
def test_membership_add_role_change_and_removal_are_recorded(org, owner, operator):
    user = UserFactory()
    membership = entity_services.membership_add(
        organization=org, user=user, role=MembershipRole.VIEWER
    )
    entity_services.membership_change_role(
        membership=membership, role=MembershipRole.EDITOR, by=owner
    )
    entity_services.membership_remove(membership=membership, by=owner)
    added = entries(AuditAction.MEMBERSHIP_ADDED).get(object_id=str(membership.pk))
    assert added.organization_id == org.pk and added.details["user"] == user.pk
    changed = entries(AuditAction.MEMBERSHIP_ROLE_CHANGED).get()
    assert changed.details["previous_role"] == "viewer" and changed.details["role"] == "editor"
    assert entries(AuditAction.MEMBERSHIP_REMOVED).get().organization_label == str(org)
    # The organization's own members group is bookkeeping, not a separate entry.
    assert not entries(AuditAction.GROUPS_CHANGED).exists()


def test_staff_flag_and_operator_group_changes_are_recorded():
    user = UserFactory()
    user.is_staff = True
    user.save()
    group, _ = Group.objects.get_or_create(name="Programme operators")
    user.groups.add(group)
    user.groups.remove(group)
    staff = entries(AuditAction.STAFF_CHANGED).get(object_id=str(user.pk))
    assert staff.details == {"changed": {"is_staff": [False, True]}}
    groups = list(
        entries(AuditAction.GROUPS_CHANGED).order_by("pk").values_list("details", flat=True)
    )
    assert groups == [{"added": ["Programme operators"]}, {"removed": ["Programme operators"]}]


def test_last_login_update_writes_no_permission_entry():
    user = UserFactory()
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert not entries(AuditAction.STAFF_CHANGED).exists()


# --------------------------------------------------------------------------- decisions, waivers
def test_verification_decision_is_recorded_as_a_transition(client_for, operator, org, owner):
    Organization.objects.filter(pk=org.pk).update(
        verification_status=VerificationStatus.PENDING, verified_at=None, verified_by=None
    )
    client_for(operator).post(
        f"/admin/entities/organization/{org.pk}/verify/",
        {"decision": "verified", "reason": "Certificate checked."},
        REMOTE_ADDR="192.0.2.44",
    )
    entry = AuditEntry.objects.get(action__startswith="organization.", object_id=str(org.pk))
    assert entry.actor == operator and entry.organization_id == org.pk
    assert entry.details["to"] == VerificationStatus.VERIFIED
    assert entry.ip_address == "192.0.2.44"


def test_waiver_grant_and_revoke_are_recorded(org, operator):
    waiver = entity_services.waiver_grant(
        organization=org,
        rule_code=RuleCode.LEGALLY_REGISTERED,
        reason="Pilot-era USCC.",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
        by=operator,
    )
    entity_services.waiver_revoke(waiver=waiver, by=operator)
    entity_services.waiver_revoke(waiver=waiver, by=operator)  # idempotent: no second entry
    granted = entries(AuditAction.WAIVER_GRANTED).get()
    assert granted.organization_id == org.pk and granted.details["reason"] == "Pilot-era USCC."
    assert entries(AuditAction.WAIVER_REVOKED).count() == 1


def test_every_state_change_is_recorded_once(operator):
    challenge = listed_challenge()
    bid = submitted_bid(challenge)
    submit = entries("bid.submit").get(object_id=str(bid.pk))
    assert submit.object_type == "challenges.bid"
    assert submit.organization_id == bid.applicant_id
    assert submit.details["from"] == "draft" and submit.details["to"] == "submitted"
    assert entries("challenge.publish").filter(object_id=str(challenge.pk)).count() == 1


# --------------------------------------------------------------------------- downloads
def test_attachment_download_is_recorded(client_for):
    challenge = ChallengeFactory()
    editor = UserFactory()
    add_member(challenge.organization, editor, MembershipRole.EDITOR)
    c = client_for(editor)
    c.post(
        reverse("challenges:attachments", args=[challenge.pk]),
        {"file": SimpleUploadedFile("spec.pdf", PDF_BYTES), "title": "Spec"},
    )
    attachment = Attachment.objects.get()
    response = c.get(
        reverse("challenges:attachment", args=[attachment.pk]), REMOTE_ADDR="192.0.2.5"
    )
    assert b"".join(response.streaming_content) == PDF_BYTES
    entry = entries(AuditAction.FILE_DOWNLOADED).get()
    assert entry.actor == editor and entry.ip_address == "192.0.2.5"
    assert entry.object_type == "challenges.attachment" and entry.object_id == str(attachment.pk)
    assert entry.organization_id == challenge.organization_id
    assert entry.details["name"] == "spec.pdf" and entry.details["sha256"] == attachment.sha256


def test_refused_download_writes_no_entry(client_for, outsider):
    challenge = ChallengeFactory()
    editor = UserFactory()
    add_member(challenge.organization, editor, MembershipRole.EDITOR)
    client_for(editor).post(
        reverse("challenges:attachments", args=[challenge.pk]),
        {"file": SimpleUploadedFile("spec.pdf", PDF_BYTES), "title": "Spec"},
    )
    attachment = Attachment.objects.get()
    response = client_for(outsider).get(reverse("challenges:attachment", args=[attachment.pk]))
    assert response.status_code == 404
    assert not entries(AuditAction.FILE_DOWNLOADED).exists()


def test_capability_evidence_download_is_recorded(client_for, org, owner):
    declaration = org.capabilities.first()
    evidence = declaration.evidence.first()
    response = client_for(owner).get(reverse("entities:evidence", args=[org.pk, evidence.pk]))
    assert response.status_code == 200
    entry = entries(AuditAction.FILE_DOWNLOADED).get()
    assert entry.object_type == "entities.capabilityevidence" and entry.organization_id == org.pk


def test_ranking_export_is_recorded(client_for, operator):
    from tests.evaluation.conftest import build_scenario

    s = build_scenario(operator=operator)
    from evaluation import services as evaluation_services

    evaluation_services.panel_create(challenge=s.challenge, by=operator)
    response = client_for(operator).get(
        reverse("evaluation:ranking_export", args=[s.challenge.pk, "csv"])
    )
    assert response.status_code == 200
    entry = entries(AuditAction.EXPORT_DOWNLOADED).get()
    assert entry.actor == operator and entry.object_id == str(s.challenge.pk)
    assert entry.details["format"] == "csv"


# --------------------------------------------------------------------------- append-only
def test_entries_cannot_be_changed_or_deleted_through_the_application():
    entry = audit_record(AuditAction.LOGIN)
    entry.action = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == AuditAction.LOGIN


def test_admin_is_read_only(client_for, operator):
    entry = audit_record(AuditAction.LOGIN)
    c = client_for(operator)
    assert c.get(reverse("admin:core_auditentry_changelist")).status_code == 200
    assert c.get(reverse("admin:core_auditentry_add")).status_code == 403
    c.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.postgres
def test_postgres_trigger_rejects_update_and_delete():
    from django.db import DatabaseError

    entry = audit_record(AuditAction.LOGIN)
    for sql in (
        "UPDATE core_auditentry SET action = 'x' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, action=AuditAction.LOGIN).exists()


# --------------------------------------------------------------------------- the operator page
def test_user_agent_summary_names_browser_and_system():
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1"
    )
    assert user_agent_summary(iphone) == "Safari 17 on iOS"
    assert user_agent_summary("") == ""


def test_audit_page_is_404_for_non_operators(client_for, owner, reviewer, client):
    for user in (owner, reviewer):
        assert client_for(user).get(reverse("audit_trail")).status_code == 404
        assert client_for(user).get(reverse("audit_export")).status_code == 404
    assert client.get(reverse("audit_trail")).status_code == 302  # to sign-in


def test_audit_page_filters_by_actor_action_organization_and_dates(
    client_for, operator, org, owner
):
    audit_record(AuditAction.LOGIN, actor=owner, obj=owner)
    audit_record(
        AuditAction.MEMBERSHIP_ADDED, actor=operator, obj=Membership.objects.get(user=owner)
    )
    old = audit_record(AuditAction.LOGIN, actor=operator, at=timezone.now() - dt.timedelta(days=40))
    c = client_for(operator)
    page = c.get(reverse("audit_trail"), {"actor": "owner@"})
    assert [e.action for e in page.context["entries"]] == [AuditAction.LOGIN]
    page = c.get(reverse("audit_trail"), {"organization": org.legal_name[:8]})
    assert {e.action for e in page.context["entries"]} == {AuditAction.MEMBERSHIP_ADDED}
    page = c.get(
        reverse("audit_trail"),
        {"action": "auth.", "until": (timezone.localdate() - dt.timedelta(days=30)).isoformat()},
    )
    assert [e.pk for e in page.context["entries"]] == [old.pk]
    page = c.get(reverse("audit_trail"), {"since": "not-a-date"})
    assert page.status_code == 200 and not page.context["entries"]
    assert "Enter a valid date." in page.content.decode()


def test_audit_page_paginates_with_a_constant_number_of_queries(
    client_for, operator, django_assert_max_num_queries
):
    for _ in range(60):
        audit_record(AuditAction.LOGIN, actor=operator)
    c = client_for(operator)
    with django_assert_max_num_queries(12):
        page = c.get(reverse("audit_trail"))
    assert len(page.context["entries"]) == 50 and page.context["page_obj"].has_next()


def test_audit_export_streams_csv_of_the_filtered_entries(client_for, operator):
    audit_record(AuditAction.LOGIN_FAILED, details={"identifier": "=HYPERLINK(1)"})
    audit_record(AuditAction.LOGIN, actor=operator)
    response = client_for(operator).get(reverse("audit_export"), {"action": "auth.login_failed"})
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "When (UTC)" and len(rows) == 2
    assert rows[1][2] == "auth.login_failed"
    assert json.loads(rows[1][10]) == {"identifier": "=HYPERLINK(1)"}  # JSON, not a formula
    assert entries(AuditAction.AUDIT_EXPORTED).get().actor == operator


def test_totp_activation_and_removal_through_allauth_are_recorded(
    client, django_capture_on_commit_callbacks
):
    from allauth.mfa.models import Authenticator

    from tests.portal.test_accounts import PASSWORD, _login, _totp_code

    user = UserFactory(email="secure@example.org")
    _login(client, "secure@example.org")
    response = client.get("/accounts/2fa/totp/activate/")
    client.post(response.url, {"password": PASSWORD})  # reauthenticate
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals on commit
        client.post("/accounts/2fa/totp/activate/", {"code": _totp_code(secret)})
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    added = entries(AuditAction.MFA_ADDED).filter(actor=user)
    assert "totp" in {e.details["type"] for e in added}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/2fa/totp/deactivate/")
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert entries(AuditAction.MFA_REMOVED).filter(actor=user, details__type="totp").exists()
