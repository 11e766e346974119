"""Permission checks for challenges, bids and their attachments: `can_<verb>(user, obj)`.

Another tenant's non-public object is a 404 for the caller (views use
`can_view_*` first), never a 403 that confirms it exists.
"""

from __future__ import annotations

from django.utils import timezone

from entities.eligibility import CURRENT_RULESET
from entities.enums import MembershipRole
from entities.models import Organization
from entities.rules import AnyUser, can_edit_content, is_operator, membership_of, role_at_least

from .enums import BidState, ChallengeState
from .lifecycle import BID, CHALLENGE
from .models import Attachment, Bid, BidPartner, Challenge, ClarificationQuestion


def is_demand_side(organization: Organization) -> bool:
    """ASEAN organizations post challenges."""
    return CURRENT_RULESET.is_asean_member(organization.country.code, timezone.localdate())


def is_lead_side(organization: Organization) -> bool:
    """Chinese organizations may draft bids; the eligibility rules decide if they may lead."""
    return organization.country.code == "CN"


# --------------------------------------------------------------------------- challenges
def can_create_challenge(user: AnyUser, organization: Organization | None) -> bool:
    return (
        organization is not None
        and is_demand_side(organization)
        and can_edit_content(user, organization)
    )


def is_challenge_member(user: AnyUser, challenge: Challenge) -> bool:
    return membership_of(user, challenge.organization) is not None


def can_view_challenge(user: AnyUser, challenge: Challenge) -> bool:
    if challenge.state in ChallengeState.public():
        return True
    return is_operator(user) or is_challenge_member(user, challenge)


def can_view_challenge_internals(user: AnyUser, challenge: Challenge) -> bool:
    """History, vetting comments and the eligibility record: owner's members and operators."""
    return is_operator(user) or is_challenge_member(user, challenge)


def can_edit_challenge(user: AnyUser, challenge: Challenge) -> bool:
    return challenge.state == ChallengeState.DRAFT and can_edit_content(
        user, challenge.organization
    )


def can_submit_challenge(user: AnyUser, challenge: Challenge) -> bool:
    return CHALLENGE.permits("submit", user, challenge)


def can_withdraw_challenge(user: AnyUser, challenge: Challenge) -> bool:
    return CHALLENGE.permits("withdraw", user, challenge)


def can_vet_challenges(user: AnyUser) -> bool:
    return is_operator(user)


def can_cancel_challenge(user: AnyUser, challenge: Challenge) -> bool:
    return CHALLENGE.permits("cancel", user, challenge)


# --------------------------------------------------------------------------- bids
def can_create_bid(user: AnyUser, organization: Organization | None, challenge: Challenge) -> bool:
    return (
        organization is not None
        and is_lead_side(organization)
        and organization.pk != challenge.organization_id
        and challenge.is_open_for_bids
        and can_edit_content(user, organization)
    )


def can_view_bid(user: AnyUser, bid: Bid) -> bool:
    """Applicant's members, partners (invited or accepted), operators, assigned reviewers."""
    if is_operator(user):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    # The applicant's members always may (their membership is already loaded per request);
    # everyone else through the object permission (partners, assigned reviewers).
    return is_applicant_member(user, bid) or user.has_perm("challenges.view_bid", bid)


def is_applicant_member(user: AnyUser, bid: Bid) -> bool:
    return membership_of(user, bid.applicant) is not None


def can_edit_bid(user: AnyUser, bid: Bid) -> bool:
    return bid.state == BidState.DRAFT and can_edit_content(user, bid.applicant)


def can_submit_bid(user: AnyUser, bid: Bid) -> bool:
    return BID.permits("submit", user, bid)


def can_withdraw_bid(user: AnyUser, bid: Bid) -> bool:
    return BID.permits("withdraw", user, bid)


def can_reopen_bid(user: AnyUser, bid: Bid) -> bool:
    return BID.permits("reopen", user, bid) and bid.challenge.is_open_for_bids


def can_mark_bid_ineligible(user: AnyUser, bid: Bid) -> bool:
    return BID.permits("mark_ineligible", user, bid)


def can_respond_for_partner(user: AnyUser, partner: BidPartner) -> bool:
    """A partner organization's owners and managers accept or decline."""
    return partner.organization_id is not None and role_at_least(
        user, partner.organization, MembershipRole.MANAGER
    )


# --------------------------------------------------------------------------- attachments
def can_download_attachment(user: AnyUser, attachment: Attachment) -> bool:
    if attachment.bid_id:
        # Reviewers hold `review_bid` (granted by evaluation once they declare no conflict),
        # not `view_bid`: the bid page would show names that blind review hides.
        return can_view_bid(user, attachment.bid) or (
            user.is_authenticated
            and user.is_active
            and user.has_perm("challenges.review_bid", attachment.bid)
        )
    challenge = attachment.challenge
    if attachment.public and challenge.state in ChallengeState.public():
        return True
    return can_view_challenge_internals(user, challenge)


# --------------------------------------------------------------------------- exports
def can_export_programme_data(user: AnyUser) -> bool:
    """Spreadsheets of every challenge and bid: the programme office only."""
    return is_operator(user)


# --------------------------------------------------------------------------- documents (PDF)
def can_download_bid_documents(user: AnyUser, bid: Bid) -> bool:
    """The receipt, decision letter and certificate: the applicant's members and operators.

    Partners see the bid read-only but not its documents: a decision letter
    carries the lead organizer's own feedback.
    """
    if is_operator(user):
        return True
    return user.is_authenticated and user.is_active and is_applicant_member(user, bid)


# --------------------------------------------------------------------------- clarification Q&A
def can_ask_question(
    user: AnyUser, organization: Organization | None, challenge: Challenge
) -> bool:
    """Signed-in members of a Guangxi-side organization (bidders and would-be bidders)."""
    return (
        organization is not None
        and is_lead_side(organization)
        and organization.pk != challenge.organization_id
        and membership_of(user, organization) is not None
        and challenge.accepts_questions
    )


def can_answer_questions(user: AnyUser, challenge: Challenge) -> bool:
    """The demand entity's editors, or an operator, while the challenge is published."""
    return challenge.state in ChallengeState.public() and (
        is_operator(user) or can_edit_content(user, challenge.organization)
    )


def can_moderate_questions(user: AnyUser) -> bool:
    """Operators hide or edit questions and answers."""
    return is_operator(user)


def can_see_asker(user: AnyUser, question: ClarificationQuestion) -> bool:
    """Who asked stays hidden from rivals and from the demand entity: operators and the
    asking organization's own members only."""
    return is_operator(user) or membership_of(user, question.organization) is not None
