"""Personal data: the notice and consent, download my data, account deletion, retention."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from challenges import lifecycle
from challenges.enums import BidState, ChallengeState
from challenges.models import Bid, Challenge, SavedSearch
from challenges.tasks import purge_retention
from core.enums import AuditAction
from core.models import AuditEntry
from entities import privacy
from entities.enums import InvitationStatus, MembershipRole
from entities.models import Invitation, Membership, PrivacyConsent, User
from notifications.models import Preference
from tests.challenges.factories import ChallengeFactory, draft_bid, listed_challenge, submitted_bid
from tests.factories import InvitationFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db
PASSWORD = "a long passphrase 42"


def signup(client: Client, **extra):
    data = {
        "email": "new@example.org",
        "full_name": "New Person",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }
    return client.post("/accounts/signup/", data)


# --------------------------------------------------------------------------- notice and consent
def test_every_page_footer_links_the_privacy_notice(client):
    for url in ("/", reverse("challenges:list"), "/accounts/login/"):
        body = client.get(url).content.decode()
        assert f'href="{reverse("privacy_notice")}"' in body, url


def test_notice_names_its_version_and_the_retention_periods(client, settings):
    settings.RETENTION_DRAFT_DAYS = 200
    settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS = 21
    body = client.get(reverse("privacy_notice")).content.decode()
    assert f"Version {privacy.NOTICE_VERSION}" in body
    assert "deleted 200 days after they were last changed" in body
    assert "deleted 21 days after registration" in body
    assert '<h1 id="notice-h">Privacy notice</h1>' in body


def test_notice_is_translated(client):
    body = client.get(reverse("privacy_notice"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'lang="zh-hans"' in body


def test_signup_without_accepting_the_notice_creates_no_account(client):
    response = signup(client)
    assert response.status_code == 200
    assert "Tick the box to accept the privacy notice." in response.content.decode()
    assert not User.objects.exists()


def test_signup_stores_consent_with_version_and_time(client):
    before = timezone.now()
    assert signup(client, accept_privacy="on").status_code == 302
    consent = PrivacyConsent.objects.get(user__email="new@example.org")
    assert consent.version == privacy.NOTICE_VERSION and consent.accepted_at >= before
    assert AuditEntry.objects.filter(action=AuditAction.CONSENT_GIVEN).count() == 1


def test_signup_form_links_the_notice(client):
    body = client.get("/accounts/signup/").content.decode()
    assert reverse("privacy_notice") in body and 'name="accept_privacy"' in body


@pytest.fixture
def old_consent_user():
    user = UserFactory()
    PrivacyConsent.objects.create(user=user, version="2020-01")
    return user


def test_user_with_an_older_consent_is_asked_once_and_sent_back(client_for, old_consent_user):
    c = client_for(old_consent_user)
    response = c.get("/dashboard/?tab=bids")
    assert response.status_code == 302
    assert response.url.startswith(reverse("privacy_accept"))
    page = c.get(response.url)
    assert "You last accepted version 2020-01." in page.content.decode()
    refused = c.post(response.url, {"next": "/dashboard/?tab=bids"})
    assert refused.status_code == 200 and "Tick the box" in refused.content.decode()
    accepted = c.post(response.url, {"next": "/dashboard/?tab=bids", "accept": "on"})
    assert accepted.status_code == 302 and accepted.url == "/dashboard/?tab=bids"
    assert c.get("/dashboard/").status_code == 200
    assert list(old_consent_user.privacy_consents.values_list("version", flat=True)) == [
        privacy.NOTICE_VERSION,
        "2020-01",
    ]
    # A new session does not ask again either.
    assert client_for(old_consent_user).get("/dashboard/").status_code == 200


def test_a_form_being_sent_is_not_lost_to_the_question(client_for, old_consent_user):
    c = client_for(old_consent_user)
    response = c.post(reverse("profile"), {"full_name": "Kept Name", "preferred_language": "en"})
    assert response.status_code == 302 and response.url == reverse("profile")
    old_consent_user.refresh_from_db()
    assert old_consent_user.full_name == "Kept Name"


def test_accept_refuses_an_offsite_next(client_for, old_consent_user):
    response = client_for(old_consent_user).post(
        reverse("privacy_accept"), {"next": "https://evil.example/", "accept": "on"}
    )
    assert response.url == "/dashboard/"


def test_current_consent_and_no_record_are_not_asked_by_default(client_for, settings):
    current = UserFactory()
    privacy.consent_record(user=current)
    assert client_for(current).get("/dashboard/").status_code == 200
    never = UserFactory()
    assert client_for(never).get("/dashboard/").status_code == 200
    settings.PRIVACY_ASK_WITHOUT_CONSENT = True
    assert client_for(never).get("/dashboard/").status_code == 302


# --------------------------------------------------------------------------- download my data
def _archive(response) -> dict:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert set(archive.namelist()) == {"personal-data.json", "README.txt"}
        return json.loads(archive.read("personal-data.json"))


def test_download_my_data_is_a_zip_of_json_with_everything_about_the_person(client_for, org, owner):
    privacy.consent_record(user=owner)
    Preference.objects.create(user=owner, event="challenge.published", mode="off")
    SavedSearch.objects.create(user=owner, name="Rice", query="rice")
    c = client_for(owner)
    response = c.post(reverse("data_download"))
    assert response["Content-Type"] == "application/zip"
    assert "attachment;" in response["Content-Disposition"]
    data = _archive(response)
    assert data["profile"]["email"] == "owner@example.org"
    assert data["privacy_consents"][0]["version"] == privacy.NOTICE_VERSION
    assert data["memberships"] == [
        {
            "organization_id": org.pk,
            "organization": org.legal_name,
            "role": "owner",
            "since": data["memberships"][0]["since"],
        }
    ]
    assert data["notification_preferences"][0]["event"] == "challenge.published"
    assert data["saved_searches"][0]["name"] == "Rice"
    actions = {e["action"] for e in data["audit_entries"]}
    assert {AuditAction.LOGIN, AuditAction.CONSENT_GIVEN} <= actions
    assert AuditEntry.objects.filter(action=AuditAction.DATA_EXPORTED, actor=owner).exists()


def test_download_my_data_needs_post_and_sign_in(client, client_for, owner):
    assert client_for(owner).get(reverse("data_download")).status_code == 405
    assert client.post(reverse("data_download")).status_code == 302


def test_another_persons_data_is_not_in_the_archive(client_for, owner, viewer):
    data = _archive(client_for(viewer).post(reverse("data_download")))
    assert "owner@example.org" not in json.dumps(data)


def test_account_page_offers_download_and_deletion(client_for, owner):
    body = client_for(owner).get(reverse("account_privacy")).content.decode()
    assert reverse("data_download") in body and reverse("account_delete") in body
    assert "You are the only owner of 1 organization" in body


# --------------------------------------------------------------------------- deletion
def test_deletion_is_refused_for_the_last_owner(client_for, org, owner):
    c = client_for(owner)
    page = c.get(reverse("account_delete"))
    assert "You cannot delete your account yet" in page.content.decode()
    response = c.post(reverse("account_delete"), {"password": "x", "confirm": "on"})
    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.is_active and owner.email == "owner@example.org"
    with pytest.raises(Exception, match="only owner"):
        privacy.account_delete(user=owner)


def test_deletion_needs_the_password_and_the_confirmation(client_for, editor):
    editor.set_password(PASSWORD)
    editor.save()
    c = client_for(editor)
    response = c.post(reverse("account_delete"), {"password": "wrong", "confirm": "on"})
    assert "That is not your password." in response.content.decode()
    response = c.post(reverse("account_delete"), {"password": PASSWORD})
    assert "Tick the box to confirm." in response.content.decode()
    editor.refresh_from_db()
    assert editor.is_active


def test_deletion_anonymises_and_keeps_the_organizations_records(client_for, owner, editor):
    challenge = listed_challenge()
    bid = submitted_bid(challenge, applicant=owner.memberships.first().organization)
    Bid.objects.filter(pk=bid.pk).update(lead_user=editor)
    editor.set_password(PASSWORD)
    editor.save()
    Authenticator.objects.create(user=editor, type=Authenticator.Type.TOTP, data={"secret": "x"})
    other_session = client_for(editor)
    c = client_for(editor)
    response = c.post(reverse("account_delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response.url == reverse("home")
    editor.refresh_from_db()
    assert editor.full_name == privacy.FORMER_MEMBER and str(editor) == "Former member"
    assert editor.email == f"former-member-{editor.pk}@deleted.invalid"
    assert not editor.has_usable_password() and not editor.is_active
    assert not Authenticator.objects.filter(user=editor).exists()
    assert not Membership.objects.filter(user=editor).exists()
    assert SESSION_KEY not in c.session
    assert other_session.get("/dashboard/").status_code == 302  # that session ended too
    bid.refresh_from_db()
    assert bid.state == BidState.SUBMITTED and bid.lead_user_id == editor.pk
    entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_DELETED)
    assert entry.actor_id == editor.pk
    assert "editor@example.org" not in json.dumps(entry.details)


# --------------------------------------------------------------------------- retention
@pytest.fixture
def long_ago():
    return timezone.now() - dt.timedelta(days=400)


def test_retention_deletes_abandoned_drafts_only(long_ago, settings):
    settings.RETENTION_DRAFT_DAYS = 365
    abandoned = ChallengeFactory()
    fresh = ChallengeFactory()
    returned = ChallengeFactory()
    editor = UserFactory()
    add_member(returned.organization, editor, MembershipRole.EDITOR)
    lifecycle.transition_challenge(returned, "submit", by=editor)
    lifecycle.transition_challenge(
        returned, "return", by=UserFactory(is_staff=True), reason="Add the KPIs."
    )
    listed = listed_challenge()
    old_bid = draft_bid(listed)
    new_bid = draft_bid(listed)
    Challenge.objects.filter(pk__in=[abandoned.pk, returned.pk]).update(updated_at=long_ago)
    Bid.objects.filter(pk=old_bid.pk).update(updated_at=long_ago)
    counts = purge_retention()
    assert counts["challenges"] == 1 and counts["bids"] == 1
    assert set(Challenge.objects.values_list("pk", flat=True)) == {fresh.pk, returned.pk, listed.pk}
    assert list(Bid.objects.values_list("pk", flat=True)) == [new_bid.pk]
    assert not Challenge.history.filter(id=abandoned.pk).exists()
    assert not Bid.history.filter(id=old_bid.pk).exists()
    assert Challenge.objects.get(pk=returned.pk).state == ChallengeState.DRAFT
    assert purge_retention() == {"bids": 0, "challenges": 0, "invitations": 0, "accounts": 0}
    assert AuditEntry.objects.filter(action=AuditAction.RETENTION_PURGED).count() == 1


def test_retention_deletes_expired_invitations_but_keeps_accepted_ones(org, settings):
    settings.RETENTION_INVITATION_DAYS = 30
    old = timezone.now() - dt.timedelta(days=31)
    expired = InvitationFactory(organization=org, expires_at=old)
    accepted = InvitationFactory(organization=org, expires_at=old, status=InvitationStatus.ACCEPTED)
    recent = InvitationFactory(organization=org, expires_at=timezone.now() - dt.timedelta(days=2))
    assert purge_retention()["invitations"] == 1
    assert set(Invitation.objects.values_list("pk", flat=True)) == {accepted.pk, recent.pk}
    assert not Invitation.objects.filter(pk=expired.pk).exists()


def test_retention_deletes_old_unverified_accounts_only(org, settings):
    settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS = 30
    old = timezone.now() - dt.timedelta(days=31)
    unverified = UserFactory(date_joined=old)
    unverified.emailaddress_set.update(verified=False)
    verified = UserFactory(date_joined=old)
    recent = UserFactory()
    recent.emailaddress_set.update(verified=False)
    member = UserFactory(date_joined=old)
    member.emailaddress_set.update(verified=False)
    add_member(org, member, MembershipRole.VIEWER)
    assert purge_retention()["accounts"] == 1
    assert not User.objects.filter(pk=unverified.pk).exists()
    assert User.objects.filter(pk__in=[verified.pk, recent.pk, member.pk]).count() == 3
    assert purge_retention()["accounts"] == 0


def test_retention_runs_daily_in_beat(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["retention-sweep"]
    assert schedule["task"] == "challenges.tasks.purge_retention"


def test_operators_see_consents_read_only_in_the_admin(client_for, operator, owner):
    consent = privacy.consent_record(user=owner)
    c = client_for(operator)
    page = c.get(reverse("admin:entities_privacyconsent_changelist"))
    assert privacy.NOTICE_VERSION in page.content.decode()
    assert c.get(reverse("admin:entities_privacyconsent_add")).status_code == 403
    c.post(reverse("admin:entities_privacyconsent_delete", args=[consent.pk]), {"post": "yes"})
    assert PrivacyConsent.objects.filter(pk=consent.pk).exists()
