"""Write operations on organizations, memberships, invitations and capabilities.

Services take keyword-only arguments, validate with `full_clean()`, run in a
transaction and never see the request. Business-rule violations raise
`django.core.exceptions.ValidationError` with a translated message.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from core.formats import format_list
from notifications.services import notify

from .enums import (
    InvitationStatus,
    MembershipRole,
    VerificationStatus,
)
from .lifecycle import ACTION_TO as ORGANIZATION_ACTION_TO
from .lifecycle import ORGANIZATION
from .models import (
    CapabilityDeclaration,
    CapabilityEvidence,
    EligibilityRecord,
    Invitation,
    Membership,
    Organization,
    OrganizationTranslation,
    RuleWaiver,
    User,
)
from .selectors import organization_users

# Changing one of these on a verified organization sends it back to the operators.
LEGAL_FACTS = (
    "legal_name",
    "country",
    "region_code",
    "institution_type",
    "independent_legal_status",
    "registry",
    "registration_number",
    "registration_date",
    "registry_status",
)


def _owners(organization: Organization) -> list[User]:
    return organization_users(organization, min_role=MembershipRole.MANAGER)


# --------------------------------------------------------------------------- organizations
@transaction.atomic
def organization_create(*, user: User, **fields: Any) -> Organization:
    """Create an organization with `user` as its first owner."""
    group = Group.objects.create(name=f"organization:new:{uuid.uuid4().hex}")
    organization = Organization(members_group=group, created_by=user, **fields)
    organization.full_clean()
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError as exc:
        raise ValidationError(
            {
                "registration_number": _(
                    "An organization with this registration number is already on the portal. "
                    "Ask one of its owners to invite you."
                )
            }
        ) from exc
    group.name = f"organization:{organization.pk}"
    group.save(update_fields=["name"])
    assign_perm("entities.view_organization", group, organization)
    membership_add(organization=organization, user=user, role=MembershipRole.OWNER)
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, user: User, **fields: Any) -> Organization:
    """Update an organization's profile; legal changes of a verified one need re-verification."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    changed_legal = [
        name
        for name in LEGAL_FACTS
        if name in fields and fields[name] != getattr(organization, name)
    ]
    for name, value in fields.items():
        setattr(organization, name, value)
    # created_by becomes NULL when the registering user is deleted (SET_NULL, not blank=True);
    # that must not make the organization uneditable.
    organization.full_clean(exclude=["created_by"])
    organization._change_reason = _("Profile updated")
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError as exc:
        raise ValidationError(
            {
                "registration_number": _(
                    "Another organization already uses this registration number."
                )
            }
        ) from exc
    if changed_legal and organization.verification_status == VerificationStatus.VERIFIED:
        organization_set_verification(
            organization=organization,
            to=VerificationStatus.PENDING,
            by=user,
            reason=_("Legal details changed: %(fields)s") % {"fields": format_list(changed_legal)},
        )
        organization.refresh_from_db()
    return organization


def organization_set_verification(
    *, organization: Organization, to: str, by: User, reason: str = ""
) -> Organization:
    """Change an organization's verification status through its transition table."""
    action = ORGANIZATION_ACTION_TO.get(to)
    if action is None:
        raise ValidationError(_("Choose one of the decisions offered."))
    return ORGANIZATION.apply(organization, action, by=by, reason=reason)


def organization_request_verification(*, organization: Organization, user: User) -> Organization:
    return organization_set_verification(
        organization=organization, to=VerificationStatus.PENDING, by=user
    )


# --------------------------------------------------------------------------- memberships
def membership_add(*, organization: Organization, user: User, role: str) -> Membership:
    """Make `user` a member with `role` (what an accepted invitation or a registration does)."""
    membership = Membership(organization=organization, user=user, role=role)
    membership.full_clean()
    membership.save()
    user.groups.add(organization.members_group)
    user.__dict__.pop("_membership_cache", None)
    user.__dict__.pop("_perm_cache", None)
    user.__dict__.pop("_group_perm_cache", None)
    return membership


def _owner_count(organization: Organization) -> int:
    return Membership.objects.filter(organization=organization, role=MembershipRole.OWNER).count()


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    """Change a member's role; the last owner cannot be demoted."""
    if role not in MembershipRole.values:
        raise ValidationError({"role": _("Choose one of the roles offered.")})
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    # Lock every owner row so two concurrent demotions cannot both succeed.
    list(
        Membership.objects.select_for_update().filter(
            organization_id=membership.organization_id, role=MembershipRole.OWNER
        )
    )
    if (
        membership.role == MembershipRole.OWNER
        and role != MembershipRole.OWNER
        and _owner_count(membership.organization) <= 1
    ):
        raise ValidationError(
            _("An organization needs at least one owner. Make someone else owner first.")
        )
    membership.role = role
    membership._change_reason = f"role changed by {by}"
    membership.save()
    return membership


@transaction.atomic
def organization_set_second_factor_policy(
    *, organization: Organization, required: bool, by: User
) -> Organization:
    """Require (or stop requiring) a second factor of everyone working for the organization.

    Members are told by e-mail when it becomes required; the change is in the
    organization's history.
    """
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.require_second_factor == required:
        return organization
    organization.require_second_factor = required
    organization._change_reason = (
        f"second factor {'required' if required else 'no longer required'} by {by}"
    )
    # Only a boolean changes: no full_clean(), which would re-judge registration data
    # an operator may have accepted with a waiver.
    organization.save(update_fields=["require_second_factor", "updated_at"])
    if required:
        notify(
            [user for user in organization_users(organization) if user.pk != by.pk],
            "organization.second_factor_required",
            organization,
            {
                "organization": organization.legal_name,
                "changed_by": str(by),
                "url": reverse("mfa_index"),
            },
        )
    return organization


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """Remove a member; the last owner cannot be removed (nor leave)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    list(
        Membership.objects.select_for_update().filter(
            organization_id=membership.organization_id, role=MembershipRole.OWNER
        )
    )
    if membership.role == MembershipRole.OWNER and _owner_count(membership.organization) <= 1:
        raise ValidationError(_("You cannot remove the last owner. Make someone else owner first."))
    user = membership.user
    user.groups.remove(membership.organization.members_group)
    membership._change_reason = f"removed by {by}"
    membership.delete()


# --------------------------------------------------------------------------- invitations
@transaction.atomic
def invitation_create(*, organization: Organization, email: str, role: str, by: User) -> Invitation:
    """Invite someone (with or without an account) to join the organization."""
    email = (email or "").strip().lower()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    if Invitation.objects.filter(
        organization=organization,
        email__iexact=email,
        status=InvitationStatus.PENDING,
        expires_at__gt=timezone.now(),
    ).exists():
        raise ValidationError(
            {"email": _("An invitation to this address is already waiting for an answer.")}
        )
    # An expired pending invitation is closed so a fresh one can be sent.
    Invitation.objects.filter(
        organization=organization, email__iexact=email, status=InvitationStatus.PENDING
    ).update(status=InvitationStatus.REVOKED, responded_at=timezone.now())
    invitation = Invitation(organization=organization, email=email, role=role, invited_by=by)
    invitation.full_clean()
    invitation.save()
    notify(
        [email],
        "organization.invitation",
        invitation,
        {
            "organization": organization.legal_name,
            "role": role,
            "invited_by": str(by),
            "expires_at": invitation.expires_at.isoformat(),
            "url": reverse("entities:invitation", args=[invitation.token]),
        },
    )
    return invitation


def _lock_open_invitation(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation has already been answered or withdrawn."))
    if invitation.is_expired:
        raise ValidationError(
            _("This invitation has expired. Ask the organization to send a new one.")
        )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Accept an invitation; it must be addressed to the user's e-mail address."""
    invitation = _lock_open_invitation(invitation)
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    if Membership.objects.filter(organization=invitation.organization, user=user).exists():
        raise ValidationError(_("You are already a member of this organization."))
    membership = membership_add(
        organization=invitation.organization, user=user, role=invitation.role
    )
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_by = user
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "responded_at"])
    if invitation.invited_by:
        notify(
            [invitation.invited_by],
            "organization.invitation_accepted",
            invitation.organization,
            {
                "organization": invitation.organization.legal_name,
                "member": str(user),
                "url": reverse("entities:members", args=[invitation.organization_id]),
            },
        )
    return membership


@transaction.atomic
def invitation_decline(*, invitation: Invitation) -> Invitation:
    invitation = _lock_open_invitation(invitation)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("Only a pending invitation can be withdrawn."))
    invitation.status = InvitationStatus.REVOKED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


# --------------------------------------------------------------------------- capabilities
@transaction.atomic
def capability_save(
    *,
    organization: Organization,
    key: str,
    description: str,
    files: Iterable[tuple[Any, Any]] = (),
    by: User,
) -> CapabilityDeclaration:
    """Create or update one capability declaration and attach evidence files.

    `files` holds (upload, UploadInfo) pairs already checked by `inspect_upload`.
    """
    declaration, _created = CapabilityDeclaration.objects.select_for_update().get_or_create(
        organization=organization, key=key, defaults={"description": description, "updated_by": by}
    )
    declaration.description = description
    declaration.updated_by = by
    declaration.full_clean()
    declaration.save()
    for upload, info in files:
        evidence = CapabilityEvidence(declaration=declaration, uploaded_by=by)
        evidence.set_upload(upload, info)
        evidence.save()
    return declaration


@transaction.atomic
def capability_evidence_delete(*, evidence: CapabilityEvidence, by: User) -> None:
    declaration = evidence.declaration
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(name))
    declaration.updated_by = by
    declaration.save(update_fields=["updated_by", "updated_at"])


# --------------------------------------------------------------------------- eligibility
def eligibility_record_create(
    *, organization: Organization, report, context: str = ""
) -> EligibilityRecord:
    """Store an immutable snapshot of an eligibility report (e.g. at submission time)."""
    record = EligibilityRecord(
        organization=organization,
        subject_name=organization.legal_name,
        role=report.role,
        ruleset=report.ruleset,
        on_date=report.on,
        eligible=report.eligible,
        report=report.as_dict(),
        context=context,
    )
    record.full_clean()
    record.save(force_insert=True)
    return record


def eligibility_records_create(
    items: Iterable[tuple[Organization, Any, str]],
) -> list[EligibilityRecord]:
    """Store several eligibility snapshots with one INSERT: (organization, report, context) each.

    Used at bid submission for the lead and its partners, whatever their number.
    """
    records = []
    for organization, report, context in items:
        record = EligibilityRecord(
            organization=organization,
            subject_name=organization.legal_name,
            role=report.role,
            ruleset=report.ruleset,
            on_date=report.on,
            eligible=report.eligible,
            report=report.as_dict(),
            context=context,
        )
        # The organizations are loaded rows: no query to check that they exist.
        record.full_clean(exclude=["organization"])
        records.append(record)
    return EligibilityRecord.objects.bulk_create(records)


@transaction.atomic
def waiver_grant(
    *, organization: Organization, rule_code: str, reason: str, expires_on, by: User
) -> RuleWaiver:
    """An operator waives one rule for one organization until `expires_on`, with a reason."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("A waiver needs a written reason.")})
    if expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("The expiry date cannot be in the past.")})
    waiver = RuleWaiver(
        organization=organization,
        rule_code=rule_code,
        reason=reason.strip(),
        expires_on=expires_on,
        granted_by=by,
    )
    waiver.full_clean()
    waiver._change_reason = "granted"
    waiver.save()
    return waiver


@transaction.atomic
def waiver_revoke(*, waiver: RuleWaiver, by: User) -> RuleWaiver:
    """End a waiver now (idempotent). Reports already stored keep the waiver they showed."""
    waiver = RuleWaiver.objects.select_for_update().get(pk=waiver.pk)
    if waiver.revoked_at is None:
        waiver.revoked_at = timezone.now()
        waiver.revoked_by = by
        waiver._change_reason = "revoked"
        waiver.save()
    return waiver


def profile_translation_languages(organization: Organization) -> list[tuple[str, str]]:
    """The languages a profile version may be added in: every UI language but the original's."""
    return [(c, str(n)) for c, n in settings.LANGUAGES if c != organization.profile_language]


@transaction.atomic
def organization_profile_translation_save(
    *, organization: Organization, language: str, profile: str, by: User
) -> OrganizationTranslation | None:
    """Add, replace or (with an empty text) remove one language version of the public profile."""
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    if language not in dict(profile_translation_languages(locked)):
        raise ValidationError(
            {"language": _("Choose a portal language other than the profile's own.")}
        )
    row = OrganizationTranslation.objects.filter(master=locked, language_code=language).first()
    profile = (profile or "").strip()
    if not profile:
        if row is not None:
            row._history_user = by
            row.delete()
        return None
    row = row or OrganizationTranslation(master=locked, language_code=language)
    row.translated_profile = profile
    row.full_clean()
    row._history_user = by
    row.save()
    return row
