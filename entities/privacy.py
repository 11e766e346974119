"""Personal data rights: the privacy notice's version, consent, "download my data", deletion.

Apps above `entities` that hold personal data of their own (saved searches,
…) register an exporter and an eraser at start-up with `register_personal_data`,
so this module never imports them. Deleting an account anonymises the person:
what the organization submitted to the programme stays, attributed to a
"former member".
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.models import UserObjectPermission

from core.audit import audit_record
from core.enums import AuditAction
from core.models import AuditEntry
from notifications.models import Notification, Preference

from .enums import InvitationStatus, MembershipRole
from .models import Invitation, Membership, PrivacyConsent, User

#: The privacy notice in force: bump both when its text changes (everyone is asked again).
NOTICE_VERSION = "2026-11"
NOTICE_DATE = dt.date(2026, 11, 30)

#: How the person is shown after deleting their account.
FORMER_MEMBER = "Former member"

Exporter = Callable[[User], dict[str, Any]]
Eraser = Callable[[User], None]
_EXPORTERS: list[Exporter] = []
_ERASERS: list[Eraser] = []


def register_personal_data(
    *, exporter: Exporter | None = None, eraser: Eraser | None = None
) -> None:
    """An app above adds its part of the archive and of the deletion (idempotent)."""
    if exporter is not None and exporter not in _EXPORTERS:
        _EXPORTERS.append(exporter)
    if eraser is not None and eraser not in _ERASERS:
        _ERASERS.append(eraser)


# --------------------------------------------------------------------------- consent
def consent_record(*, user: User, version: str = NOTICE_VERSION) -> PrivacyConsent:
    """Record that `user` accepted `version` of the notice (once per version)."""
    consent, created = PrivacyConsent.objects.get_or_create(user=user, version=version)
    if created:
        audit_record(AuditAction.CONSENT_GIVEN, actor=user, obj=user, details={"version": version})
    return consent


def consent_latest(user: User) -> PrivacyConsent | None:
    return PrivacyConsent.objects.filter(user=user).first()


def consent_outdated(user: User, *, ask_without_record: bool = False) -> bool:
    """Whether to ask `user` to accept the current notice.

    Someone who accepted an older version is asked again; an account with no
    record at all (created before the notice, or by an operator) only when
    `ask_without_record` (setting PRIVACY_ASK_WITHOUT_CONSENT).
    """
    versions = set(PrivacyConsent.objects.filter(user=user).values_list("version", flat=True))
    if NOTICE_VERSION in versions:
        return False
    return bool(versions) or ask_without_record


# --------------------------------------------------------------------------- download my data
def _account_data(user: User) -> dict[str, Any]:
    return {
        "profile": {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_reviewer": user.is_reviewer,
            "is_staff": user.is_staff,
        },
        "email_addresses": list(
            EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
        ),
        "privacy_consents": list(
            PrivacyConsent.objects.filter(user=user).values("version", "accepted_at")
        ),
        "second_factors": list(
            Authenticator.objects.filter(user=user).values("type", "created_at", "last_used_at")
        ),
    }


def _activity_data(user: User) -> dict[str, Any]:
    audit = AuditEntry.objects.filter(actor_id=user.pk) | AuditEntry.objects.filter(
        object_type=User._meta.label_lower, object_id=str(user.pk)
    )
    return {
        "memberships": [
            {
                "organization_id": m.organization_id,
                "organization": m.organization.legal_name,
                "role": m.role,
                "since": m.created_at,
            }
            for m in Membership.objects.filter(user=user).select_related("organization")
        ],
        "invitations_received": list(
            Invitation.objects.filter(email__iexact=user.email).values(
                "organization__legal_name", "role", "status", "created_at", "responded_at"
            )
        ),
        "notification_preferences": list(
            Preference.objects.filter(user=user).values("event", "mode", "updated_at")
        ),
        "notifications": list(
            Notification.objects.filter(recipient=user).values("event", "created_at", "read_at")
        ),
        "audit_entries": list(
            audit.order_by("at").values(
                "at",
                "action",
                "object_type",
                "object_id",
                "object_label",
                "ip_address",
                "user_agent",
                "details",
            )
        ),
    }


def personal_data(user: User) -> dict[str, Any]:
    """Everything the portal holds about `user` as a person, as JSON-ready data."""
    data: dict[str, Any] = {
        "format": "asean-guangxi-portal/personal-data/1",
        "exported_at": timezone.now(),
        **_account_data(user),
        **_activity_data(user),
    }
    for exporter in _EXPORTERS:
        data.update(exporter(user))
    return data


def personal_data_archive(*, user: User) -> bytes:
    """A ZIP with `personal-data.json` and a short README; the download is audited."""
    data = personal_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "personal-data.json",
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        archive.writestr(
            "README.txt",
            _(
                "Your personal data held by the ASEAN–Guangxi AI Challenge Portal, exported on "
                "%(date)s. personal-data.json is UTF-8 JSON; times are in UTC (ISO 8601)."
            )
            % {"date": timezone.now().date().isoformat()},
        )
    audit_record(AuditAction.DATA_EXPORTED, actor=user, obj=user)
    return buffer.getvalue()


# --------------------------------------------------------------------------- deletion
def sole_owned_organizations(user: User) -> list[Any]:
    """Organizations where `user` is the only owner (deletion waits until there is another)."""
    owned = Membership.objects.filter(user=user, role=MembershipRole.OWNER).select_related(
        "organization"
    )
    return [
        m.organization
        for m in owned
        if Membership.objects.filter(
            organization_id=m.organization_id, role=MembershipRole.OWNER
        ).count()
        <= 1
    ]


def _end_sessions(user: User) -> None:
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


@transaction.atomic
def account_delete(*, user: User) -> User:
    """Anonymise `user`: placeholders for name and e-mail, no password, sessions, MFA or memberships.

    Refused (nothing changes) while the person is the last owner of an
    organization. Submitted programme records of the organizations stay and
    show "Former member"; the audit trail keeps the person's number only.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    sole = sole_owned_organizations(user)
    if sole:
        raise ValidationError(
            _(
                "You are the only owner of %(names)s. Make another member owner first, "
                "then delete your account."
            )
            % {"names": ", ".join(o.legal_name for o in sole)}
        )
    audit_record(
        AuditAction.ACCOUNT_DELETED,
        actor=user,
        obj=user,
        details={
            "memberships": list(
                Membership.objects.filter(user=user).values_list("organization_id", flat=True)
            )
        },
    )
    for membership in Membership.objects.filter(user=user).select_related("organization"):
        user.groups.remove(membership.organization.members_group)
        membership._change_reason = "account deleted"
        membership.delete()
    for eraser in _ERASERS:
        eraser(user)
    user.groups.clear()
    user.user_permissions.clear()
    UserObjectPermission.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Preference.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()
    _end_sessions(user)
    user.email = f"former-member-{user.pk}@deleted.invalid"
    user.full_name = FORMER_MEMBER
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.is_reviewer = False
    user.set_unusable_password()
    user.save()
    return user


# --------------------------------------------------------------------------- retention
def purge_expired_invitations(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete invitations that expired (or were declined/revoked) longer ago than `older_than`.

    Accepted invitations stay: they record how a membership began.
    """
    cutoff = (now or timezone.now()) - older_than
    stale = Invitation.objects.filter(expires_at__lt=cutoff).exclude(
        status=InvitationStatus.ACCEPTED
    )
    deleted, _by_model = stale.delete()
    return deleted


def purge_unverified_accounts(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete accounts that never confirmed an e-mail address nor signed in, older than `older_than`.

    Staff, reviewers and members of an organization are never removed this way;
    an account that something else still points to is left for an operator.
    """
    cutoff = (now or timezone.now()) - older_than
    candidates = (
        User.objects.filter(
            date_joined__lt=cutoff,
            last_login__isnull=True,
            is_staff=False,
            is_superuser=False,
            is_reviewer=False,
            is_demo=False,
            memberships__isnull=True,
        )
        .exclude(emailaddress__verified=True)
        .values_list("pk", flat=True)
    )
    deleted = 0
    for pk in list(candidates):
        try:
            with transaction.atomic():
                User.objects.filter(pk=pk).delete()
        except ProtectedError:
            continue
        deleted += 1
    return deleted
