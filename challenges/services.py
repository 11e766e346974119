"""Write operations on challenge and bid drafts, partners and attachments.

State changes are not here: they go through `challenges.lifecycle`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from core.formats import format_list
from core.multilingual import all_versions
from entities.enums import MembershipRole
from entities.files import UploadInfo
from entities.models import Organization, User
from entities.selectors import organization_users
from notifications.services import notify

from .enums import BidState, ChallengeState, CooperationMode, PartnerStatus
from .models import (
    Attachment,
    Bid,
    BidBudgetLine,
    BidModePlan,
    BidPartner,
    BidTeamMember,
    Challenge,
    ChallengeKPI,
    Milestone,
)
from .prechecks import MAX_PARTNERS
from .search import update_search_vector


def _members(organization: Organization) -> list[User]:
    return organization_users(organization)


def _managers(organization: Organization) -> list[User]:
    return organization_users(organization, min_role=MembershipRole.MANAGER)


# --------------------------------------------------------------------------- challenges
@transaction.atomic
def challenge_create(*, organization: Organization, by: User, **fields: Any) -> Challenge:
    """Start a draft challenge for a demand-side organization."""
    kpis = fields.pop("kpis", None)
    challenge = Challenge(organization=organization, created_by=by, **fields)
    challenge.full_clean()
    challenge.save()
    if kpis is not None:
        _replace_kpis(challenge, kpis)
    transaction.on_commit(lambda: update_search_vector(challenge.pk))
    return challenge


@transaction.atomic
def challenge_update(*, challenge: Challenge, by: User, **fields: Any) -> Challenge:
    """Save a draft; only drafts can be edited."""
    kpis = fields.pop("kpis", None)
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if locked.state != ChallengeState.DRAFT:
        raise ValidationError(
            _("Only a draft can be edited. This challenge is “%(state)s”.")
            % {"state": locked.get_state_display()}
        )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked._change_reason = "draft saved"
    locked.save()
    if kpis is not None:
        _replace_kpis(locked, kpis)
    transaction.on_commit(lambda: update_search_vector(locked.pk))
    return locked


def _replace_kpis(challenge: Challenge, kpis: Iterable[dict[str, str]]) -> None:
    challenge.kpis.all().delete()
    for order, row in enumerate(kpis):
        kpi = ChallengeKPI(challenge=challenge, order=order, **row)
        kpi.full_clean()
        kpi.save()


@transaction.atomic
def attachment_add(
    *,
    upload,
    info: UploadInfo,
    by: User,
    challenge: Challenge | None = None,
    bid: Bid | None = None,
    title: str = "",
    public: bool = True,
) -> Attachment:
    """Attach a checked upload (see entities.files.inspect_upload) to a draft challenge or bid."""
    if challenge is not None and challenge.state != ChallengeState.DRAFT:
        raise ValidationError(_("Attachments can only be changed while the challenge is a draft."))
    if bid is not None and bid.state != BidState.DRAFT:
        raise ValidationError(_("Attachments can only be changed while the bid is a draft."))
    attachment = Attachment(
        challenge=challenge,
        bid=bid,
        title=title,
        public=public if challenge else False,
        uploaded_by=by,
    )
    attachment.set_upload(upload, info)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by: User) -> None:
    owner = attachment.challenge or attachment.bid
    draft = ChallengeState.DRAFT if attachment.challenge_id else BidState.DRAFT
    if owner.state != draft:
        raise ValidationError(_("Attachments can only be changed while in draft."))
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --------------------------------------------------------------------------- bids
def _grant_bid_view(bid: Bid, organization: Organization) -> None:
    assign_perm("challenges.view_bid", organization.members_group, bid)


def _revoke_bid_view(bid: Bid, organization: Organization) -> None:
    remove_perm("challenges.view_bid", organization.members_group, bid)


@transaction.atomic
def bid_create(*, challenge: Challenge, applicant: Organization, by: User) -> Bid:
    """Start a draft bid; one active bid per organization and challenge."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not challenge.is_open_for_bids:
        raise ValidationError(_("This challenge is not open for bids."))
    if challenge.organization_id == applicant.pk:
        raise ValidationError(_("An organization cannot bid on its own challenge."))
    existing = Bid.objects.filter(
        challenge=challenge, applicant=applicant, state__in=BidState.active()
    ).first()
    if existing:
        raise ValidationError(_("Your organization already has a bid for this challenge."))
    bid = Bid(
        challenge=challenge,
        applicant=applicant,
        created_by=by,
        lead_name=by.full_name,
        lead_email=by.email,
        lead_affiliation=applicant.legal_name,
        currency=challenge.currency,
        duration_months=challenge.duration_months,
    )
    bid.full_clean()
    try:
        with transaction.atomic():
            bid.save()
    except IntegrityError as exc:
        raise ValidationError(_("Your organization already has a bid for this challenge.")) from exc
    _grant_bid_view(bid, applicant)
    return bid


def _lock_draft(bid: Bid) -> Bid:
    locked = Bid.objects.select_for_update().select_related("challenge", "applicant").get(pk=bid.pk)
    if locked.state != BidState.DRAFT:
        raise ValidationError(
            _(
                "A submitted bid is frozen: nothing can be changed. Withdraw it first (before the deadline) to make changes."
            )
        )
    return locked


@transaction.atomic
def bid_update(
    *,
    bid: Bid,
    by: User,
    modes: dict[str, str] | None = None,
    team: Sequence[dict[str, str]] | None = None,
    budget_lines: Sequence[dict[str, Any]] | None = None,
    milestones: Sequence[dict[str, Any]] | None = None,
    **fields: Any,
) -> Bid:
    """Save a bid draft. `modes` maps each chosen cooperation mode to its plan.

    A draft saves as it is: budget lines that do not add up to the total,
    milestones due after the end, a mode without its plan are reported by the
    submission pre-check (`challenges.prechecks.bid_precheck`), all at once.
    Each list given replaces the stored one.
    """
    locked = _lock_draft(bid)
    _save_bid_fields(locked, fields)
    if modes is not None:
        _replace_mode_plans(locked, modes)
    for rows, related, model in (
        (team, "team", BidTeamMember),
        (budget_lines, "budget_lines", BidBudgetLine),
        (milestones, "milestones", Milestone),
    ):
        if rows is not None:
            _replace_rows(locked, related, model, rows)
    return locked


def _save_bid_fields(bid: Bid, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(bid, name, value)
    if "lead_email" in fields:
        # Link the lead researcher's account when they already have one on the portal.
        bid.lead_user = (
            User.objects.filter(email__iexact=bid.lead_email).first() if bid.lead_email else None
        )
    bid.full_clean()
    bid._change_reason = "draft saved"
    bid.save()


def _replace_mode_plans(bid: Bid, modes: dict[str, str]) -> None:
    unknown = set(modes) - set(CooperationMode.values)
    if unknown:
        raise ValidationError(
            _("Unknown cooperation mode: %(modes)s") % {"modes": format_list(sorted(unknown))}
        )
    bid.mode_plans.all().delete()
    for mode, plan in modes.items():
        BidModePlan.objects.create(bid=bid, mode=mode, plan=plan)


def _replace_rows(bid: Bid, related: str, model: type, rows: Sequence[dict[str, Any]]) -> None:
    """Replace the bid's team, budget lines or milestones, keeping the given order."""
    getattr(bid, related).all().delete()
    for order, row in enumerate(rows):
        item = model(bid=bid, order=order, **row)
        item.full_clean()
        item.save()


# --------------------------------------------------------------------------- partners
def _partner_limit(bid: Bid) -> None:
    if bid.partners.count() >= MAX_PARTNERS:
        raise ValidationError(
            _(
                "A bid may have at most %(n)s partner organizations. Remove one before adding another."
            )
            % {"n": MAX_PARTNERS}
        )


@transaction.atomic
def partner_add(
    *, bid: Bid, organization: Organization, role: str, contribution: str, by: User
) -> BidPartner:
    """Invite an organization already on the portal; its owners and managers are asked to accept."""
    locked = _lock_draft(bid)
    _partner_limit(locked)
    if organization.pk == locked.applicant_id:
        raise ValidationError(_("Your own organization cannot be its own partner."))
    if organization.pk == locked.challenge.organization_id:
        raise ValidationError(
            _("The organization that posted the challenge cannot be a partner of a bid for it.")
        )
    if locked.partners.filter(organization=organization).exists():
        raise ValidationError(_("This organization is already a partner of the bid."))
    partner = BidPartner(
        bid=locked, organization=organization, role=role, contribution=contribution, invited_by=by
    )
    partner.full_clean()
    partner.save()
    _grant_bid_view(locked, organization)
    notify(
        _managers(organization),
        "bid.partner_invited",
        partner,
        {
            "challenge": all_versions(locked.challenge, "title"),
            "applicant": locked.applicant.legal_name,
            "bid": str(locked),
            "url": reverse("challenges:partner_respond", args=[partner.token]),
        },
    )
    return partner


@transaction.atomic
def partner_invite_email(
    *, bid: Bid, email: str, name: str, role: str, contribution: str, by: User
) -> BidPartner:
    """Invite an organization not on the portal yet: it registers, then accepts."""
    locked = _lock_draft(bid)
    _partner_limit(locked)
    email = email.strip().lower()
    if locked.partners.filter(invited_email__iexact=email, organization__isnull=True).exists():
        raise ValidationError(_("An invitation to this address is already part of the bid."))
    partner = BidPartner(
        bid=locked,
        invited_email=email,
        invited_name=name,
        role=role,
        contribution=contribution,
        invited_by=by,
    )
    partner.full_clean()
    partner.save()
    notify(
        [email],
        "bid.partner_invited",
        partner,
        {
            "challenge": all_versions(locked.challenge, "title"),
            "applicant": locked.applicant.legal_name,
            "bid": str(locked),
            "url": reverse("challenges:partner_respond", args=[partner.token]),
        },
    )
    return partner


@transaction.atomic
def partner_remove(*, partner: BidPartner, by: User) -> None:
    locked = _lock_draft(partner.bid)
    partner = BidPartner.objects.select_for_update().get(pk=partner.pk, bid=locked)
    if partner.organization_id:
        _revoke_bid_view(locked, partner.organization)
    partner.delete()


@transaction.atomic
def partner_respond(
    *, partner: BidPartner, organization: Organization, accept: bool, by: User, note: str = ""
) -> BidPartner:
    """The partner organization's owner or manager accepts or declines the invitation."""
    partner = (
        BidPartner.objects.select_for_update()
        .select_related("bid", "bid__applicant", "bid__challenge")
        .get(pk=partner.pk)
    )
    bid = partner.bid
    if bid.state != BidState.DRAFT:
        raise ValidationError(_("The bid is no longer a draft; the invitation cannot be answered."))
    if partner.status != PartnerStatus.INVITED:
        raise ValidationError(_("This invitation has already been answered."))
    membership = organization.memberships.filter(
        user=by, role__in=[MembershipRole.OWNER, MembershipRole.MANAGER]
    ).exists()
    if not membership:
        raise ValidationError(
            _("Only an owner or manager of %(org)s can answer for it.")
            % {"org": organization.legal_name}
        )
    if partner.organization_id and partner.organization_id != organization.pk:
        raise ValidationError(_("This invitation is addressed to another organization."))
    if partner.organization_id is None:
        # An e-mail invitation is claimed by the organization that answers it.
        if organization.pk in (bid.applicant_id, bid.challenge.organization_id):
            raise ValidationError(_("This organization cannot be a partner of this bid."))
        if bid.partners.filter(organization=organization).exclude(pk=partner.pk).exists():
            raise ValidationError(_("This organization is already a partner of the bid."))
        partner.organization = organization
        _grant_bid_view(bid, organization)
    partner.status = PartnerStatus.ACCEPTED if accept else PartnerStatus.DECLINED
    partner.responded_by = by
    partner.responded_at = timezone.now()
    partner.response_note = note.strip()
    partner._change_reason = "accepted" if accept else "declined"
    partner.save()
    if not accept:
        _revoke_bid_view(bid, organization)
    notify(
        _members(bid.applicant),
        "bid.partner_accepted" if accept else "bid.partner_declined",
        bid,
        {
            "partner": organization.legal_name,
            "challenge": all_versions(bid.challenge, "title"),
            "reason": partner.response_note,
            "url": bid.get_absolute_url(),
        },
    )
    return partner
