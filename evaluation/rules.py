"""Permission checks for evaluation and validation: `can_<verb>(user, obj)`.

Views use these first and answer 404 when they fail, so nobody learns that
another reviewer's assignment, an unassigned bid or another tenant's
milestone exists. Services check them again before writing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from challenges.enums import BidState, ChallengeState, PartnerStatus
from challenges.models import Bid, BidPartner, Challenge
from entities.enums import MembershipRole
from entities.models import Membership, User
from entities.rules import (
    AnyUser,
    can_edit_content,
    is_operator,
    is_reviewer,
    membership_of,
    role_at_least,
)

from .enums import AssignmentStatus, KPIState, MilestoneState, ReviewStatus
from .models import (
    Appeal,
    BidAllocation,
    ConflictDeclaration,
    Decision,
    KPIAchievement,
    MilestoneValidation,
    Review,
    ReviewerAssignment,
)

# Bids a reviewer sees in the panel: the ones that went through review.
REVIEWABLE_BID_STATES = (BidState.UNDER_REVIEW, BidState.SELECTED, BidState.NOT_SELECTED)
# Challenge states in which operators may set up the panel.
PANEL_STATES = (ChallengeState.LISTED, ChallengeState.EVALUATION)
VALIDATION_STATES = (
    ChallengeState.LEAD_ASSIGNED,
    ChallengeState.IN_VALIDATION,
    ChallengeState.VALIDATED,
    ChallengeState.FAILED_VALIDATION,
)


# --------------------------------------------------------------------------- the review site
def can_use_review_site(user: AnyUser) -> bool:
    """Active reviewers and operators may sign in to /review/ (and see only their own work)."""
    return is_reviewer(user) or is_operator(user)


def active_assignment(user: AnyUser, challenge: Challenge) -> ReviewerAssignment | None:
    if not user.is_authenticated:
        return None
    return (
        ReviewerAssignment.objects.filter(
            panel__challenge=challenge, reviewer=user, status=AssignmentStatus.ACTIVE
        )
        .select_related("panel")
        .first()
    )


def conflicting_organizations(user: AnyUser, bid: Bid) -> list[str]:
    """Names of the organizations taking part in the competition that the user belongs to.

    Members of the applicant or of a partner of `bid` are in conflict; so are members of
    any other applicant or partner competing for the same challenge (a rival must not
    score its competitors).
    """
    if not user.is_authenticated:
        return []
    competing = Bid.objects.filter(challenge_id=bid.challenge_id).exclude(
        state__in=[BidState.DRAFT, BidState.WITHDRAWN]
    )
    org_ids = {bid.applicant_id} | set(competing.values_list("applicant_id", flat=True))
    org_ids |= set(
        BidPartner.objects.filter(bid__in=competing, organization__isnull=False)
        .exclude(status=PartnerStatus.DECLINED)
        .values_list("organization_id", flat=True)
    )
    org_ids |= set(
        bid.partners.filter(organization__isnull=False)
        .exclude(status=PartnerStatus.DECLINED)
        .values_list("organization_id", flat=True)
    )
    return list(
        Membership.objects.filter(user=user, organization_id__in=org_ids)
        .order_by("organization__legal_name")
        .values_list("organization__legal_name", flat=True)
    )


def has_automatic_conflict(user: AnyUser, bid: Bid) -> bool:
    """A reviewer who belongs to the applicant or a partner has a conflict, whatever they declare."""
    return bool(conflicting_organizations(user, bid))


def is_allocated(assignment: ReviewerAssignment, bid: Bid) -> bool:
    """Every bid is the reviewer's until an allocation is confirmed; then only theirs."""
    allocations = BidAllocation.objects.filter(assignment__panel_id=assignment.panel_id)
    if not allocations.exists():
        return True
    return allocations.filter(assignment=assignment, bid=bid).exists()


def declaration_for(assignment: ReviewerAssignment, bid: Bid) -> ConflictDeclaration | None:
    return ConflictDeclaration.objects.filter(assignment=assignment, bid=bid).first()


def can_declare_conflict(user: AnyUser, bid: Bid) -> bool:
    """An assigned reviewer declares once per bid under review (a conflict may be added later)."""
    if bid.state not in REVIEWABLE_BID_STATES:
        return False
    assignment = active_assignment(user, bid.challenge)
    return assignment is not None and is_allocated(assignment, bid)


def can_read_bid_for_review(user: AnyUser, bid: Bid) -> bool:
    """Assigned, declared no conflict, and no automatic conflict: the bid's content may be shown."""
    if not can_use_review_site(user) or bid.state not in REVIEWABLE_BID_STATES:
        return False
    assignment = active_assignment(user, bid.challenge)
    if assignment is None or not is_allocated(assignment, bid):
        return False
    declaration = declaration_for(assignment, bid)
    if declaration is None or declaration.has_conflict:
        return False
    return not has_automatic_conflict(user, bid)


def can_score_bid(user: AnyUser, bid: Bid) -> bool:
    """Scoring is open while the challenge is in evaluation and the bid under review."""
    return (
        bid.challenge.state == ChallengeState.EVALUATION
        and bid.state == BidState.UNDER_REVIEW
        and can_read_bid_for_review(user, bid)
    )


def can_see_other_reviews(user: AnyUser, bid: Bid) -> bool:
    """Others' scores stay hidden until the reviewer has submitted their own review."""
    assignment = active_assignment(user, bid.challenge)
    if assignment is None or not can_read_bid_for_review(user, bid):
        return False
    return Review.objects.filter(
        assignment=assignment, bid=bid, status=ReviewStatus.SUBMITTED
    ).exists()


# --------------------------------------------------------------------------- operators
def can_manage_evaluation(user: AnyUser) -> bool:
    """Panels, rubrics, rankings and the lead decision: programme operators only."""
    return is_operator(user)


def can_manage_panel(user: AnyUser, challenge: Challenge) -> bool:
    return is_operator(user) and challenge.state in PANEL_STATES


def can_select_lead(user: AnyUser, challenge: Challenge) -> bool:
    return is_operator(user) and challenge.state == ChallengeState.EVALUATION


def can_start_validation(user: AnyUser, challenge: Challenge) -> bool:
    return is_operator(user) and challenge.state == ChallengeState.LEAD_ASSIGNED


def can_sign_off(user: AnyUser, challenge: Challenge) -> bool:
    return is_operator(user) and challenge.state == ChallengeState.IN_VALIDATION


# --------------------------------------------------------------------------- the demand entity
def can_nominate_reviewer(user: AnyUser, challenge: Challenge) -> bool:
    """The demand entity's owners and managers may nominate one member for the panel."""
    return challenge.state in PANEL_STATES and role_at_least(
        user, challenge.organization, MembershipRole.MANAGER
    )


def can_be_nominated(user: User, challenge: Challenge) -> bool:
    return user.is_active and membership_of(user, challenge.organization) is not None


# --------------------------------------------------------------------------- validation
def selected_bid(challenge: Challenge) -> Bid | None:
    return (
        Bid.objects.filter(challenge=challenge, state=BidState.SELECTED)
        .select_related("applicant")
        .first()
    )


def is_demand_member(user: AnyUser, challenge: Challenge) -> bool:
    return membership_of(user, challenge.organization) is not None


def is_lead_member(user: AnyUser, challenge: Challenge, bid: Bid | None = None) -> bool:
    bid = bid if bid is not None else selected_bid(challenge)
    return bid is not None and membership_of(user, bid.applicant) is not None


def can_view_validation(user: AnyUser, challenge: Challenge) -> bool:
    """Operators, the demand entity's members and the selected lead's members."""
    if challenge.state not in VALIDATION_STATES:
        return False
    if is_operator(user):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    return is_demand_member(user, challenge) or is_lead_member(user, challenge)


def can_report_milestone(user: AnyUser, validation: MilestoneValidation) -> bool:
    """Editors and above of the lead organization, while the challenge is in validation."""
    challenge = validation.challenge
    bid = validation.milestone.bid
    return (
        challenge.state == ChallengeState.IN_VALIDATION
        and bid.state == BidState.SELECTED
        and validation.state in (MilestoneState.PENDING, MilestoneState.REJECTED)
        and role_at_least(user, bid.applicant, MembershipRole.EDITOR)
    )


def can_decide_milestone(user: AnyUser, validation: MilestoneValidation) -> bool:
    """Editors and above of the demand entity accept or reject a reported milestone."""
    challenge = validation.challenge
    return (
        challenge.state == ChallengeState.IN_VALIDATION
        and validation.state == MilestoneState.REPORTED
        and role_at_least(user, challenge.organization, MembershipRole.EDITOR)
    )


def can_download_evidence(user: AnyUser, validation: MilestoneValidation) -> bool:
    return can_view_validation(user, validation.challenge)


# --------------------------------------------------------------------------- achieved KPI values
def can_report_kpis(user: AnyUser, challenge: Challenge, bid: Bid | None = None) -> bool:
    """Editors and above of the selected lead report achieved values while in validation."""
    if challenge.state != ChallengeState.IN_VALIDATION:
        return False
    bid = bid if bid is not None else selected_bid(challenge)
    return bid is not None and role_at_least(user, bid.applicant, MembershipRole.EDITOR)


def can_confirm_kpis(user: AnyUser, challenge: Challenge) -> bool:
    """Editors and above of the demand entity confirm reported values or send them back."""
    return challenge.state == ChallengeState.IN_VALIDATION and role_at_least(
        user, challenge.organization, MembershipRole.EDITOR
    )


def can_report_kpi(user: AnyUser, achievement: KPIAchievement) -> bool:
    return achievement.state != KPIState.CONFIRMED and can_report_kpis(user, achievement.challenge)


def can_confirm_kpi(user: AnyUser, achievement: KPIAchievement) -> bool:
    return can_confirm_kpis(user, achievement.challenge)


def can_export_reviews(user: AnyUser) -> bool:
    """The spreadsheet of every review (reviewers' names and scores): operators only."""
    return can_manage_evaluation(user)


# --------------------------------------------------------------------------- appeals
def appeal_deadline(decision: Decision) -> dt.datetime:
    return decision.decided_at + dt.timedelta(days=settings.APPEAL_WINDOW_DAYS)


def appeal_refusal(user: AnyUser, bid: Bid, *, now: dt.datetime) -> str | None:
    """Why `user` cannot appeal the decision on `bid` now (None: they may).

    Editors of a bidder that was not selected, once, within the appeal window.
    """
    if not user.is_authenticated or not can_edit_content(user, bid.applicant):
        return _("Only editors of the bidding organization can appeal.")
    decision = Decision.objects.filter(challenge_id=bid.challenge_id).first()
    if decision is None or bid.state != BidState.NOT_SELECTED:
        return _("Only a bid that was not selected can be appealed, after the decision.")
    if Appeal.objects.filter(bid=bid).exists():
        return _("This bid has already been appealed; an appeal can be filed once.")
    if now > appeal_deadline(decision):
        return _("The appeal period ended on %(date)s.") % {
            "date": date_format(timezone.localtime(appeal_deadline(decision)), "DATETIME_FORMAT")
        }
    return None


def can_view_appeal(user: AnyUser, appeal: Appeal) -> bool:
    """Operators, the appellant's members and the demand entity's members."""
    if is_operator(user):
        return True
    if not user.is_authenticated:
        return False
    return membership_of(user, appeal.bid.applicant) is not None or is_demand_member(
        user, appeal.challenge
    )


def can_decide_appeal(user: AnyUser, appeal: Appeal) -> bool:
    return is_operator(user) and appeal.is_open
