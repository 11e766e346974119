"""Read queries for challenges and bids. List queries have a fixed number of SQL queries."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from entities.enums import MembershipRole
from entities.models import Organization, User
from entities.selectors import organization_users, search_organizations

from ..enums import BidState, ChallengeState, PartnerStatus
from ..models import (
    Attachment,
    Bid,
    BidPartner,
    Challenge,
    ChallengeTransition,
    DeadlineReminder,
)
from ..search import search


def public_challenges() -> QuerySet[Challenge]:
    return Challenge.objects.filter(state__in=ChallengeState.public()).select_related(
        "organization"
    )


def with_mode(queryset: QuerySet[Challenge], mode: str) -> QuerySet[Challenge]:
    """Challenges seeking a cooperation mode (JSON containment on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return queryset.filter(cooperation_modes__contains=[mode])
    return queryset.filter(cooperation_modes__icontains=f'"{mode}"')


def open_q(now=None) -> Q:
    now = now or timezone.now()
    return Q(state=ChallengeState.LISTED, deadline__gt=now)


def browse_challenges(
    *,
    query: str = "",
    countries: list[str] | None = None,
    sector: str = "",
    mode: str = "",
    status: str = "",
    deadline_before=None,
    sort: str = "",
) -> QuerySet[Challenge]:
    """The public listing with its search, filters and sort orders."""
    qs = public_challenges()
    if countries:
        qs = qs.filter(organization__country__in=countries)
    if sector:
        qs = qs.filter(sector=sector)
    if mode:
        qs = with_mode(qs, mode)
    if status == "open":
        qs = qs.filter(open_q())
    elif status == "closed":
        qs = qs.exclude(open_q())
    if deadline_before:
        qs = qs.filter(deadline__date__lte=deadline_before)
    qs = search(qs, query)
    if sort == "deadline":
        qs = qs.order_by("deadline", "-pk")
    elif sort == "newest" or not query or connection.vendor != "postgresql":
        qs = qs.order_by("-published_at", "-pk")
    else:
        qs = _bounded(qs).order_by("-rank", "-published_at", "-pk")
    return qs


#: Ranked by relevance: the newest this many matches (found through the GIN index).
SEARCH_CANDIDATES = 250


def _bounded(matches: QuerySet[Challenge]) -> QuerySet[Challenge]:
    """Only the newest `SEARCH_CANDIDATES` matches, so that a broad word ("flood": 4,000
    hits at 100,000 challenges) ranks a few hundred rows, not every hit."""
    newest = matches.order_by("-published_at", "-pk").values("pk")[:SEARCH_CANDIDATES]
    return matches.filter(pk__in=newest)


def featured_challenges(limit: int = 6) -> list[Challenge]:
    featured = public_challenges().filter(open_q()).prefetch_related("translations")
    return list(featured.order_by("deadline")[:limit])


def programme_figures() -> dict[str, int]:
    public = Challenge.objects.filter(state__in=ChallengeState.public())
    return {
        "open": public.filter(open_q()).count(),
        "countries": public.values("organization__country").distinct().count(),
        "bids": Bid.objects.filter(state__in=BidState.in_competition()).count(),
        "leads": Bid.objects.filter(state=BidState.SELECTED).count(),
    }


def challenge_detail(pk: int) -> Challenge | None:
    return (
        Challenge.objects.select_related("organization", "eligibility_record")
        .prefetch_related("kpis", "attachments", "translations", "organization__translations")
        .filter(pk=pk)
        .first()
    )


def challenge_history(challenge: Challenge) -> QuerySet[ChallengeTransition]:
    return challenge.transitions.select_related("actor").order_by("at", "pk")


def vetting_queue() -> QuerySet[Challenge]:
    return (
        Challenge.objects.filter(state=ChallengeState.SUBMITTED)
        .select_related("organization")
        .order_by("submitted_at", "pk")
    )


def organization_challenges(organization: Organization) -> QuerySet[Challenge]:
    return (
        Challenge.objects.filter(organization=organization)
        .annotate(
            bid_count=Count(
                "bids", filter=Q(bids__state__in=BidState.in_competition()), distinct=True
            )
        )
        .order_by("-updated_at")
    )


def public_attachments(challenge: Challenge) -> list[Attachment]:
    return [a for a in challenge.attachments.all() if a.public]


def attachment_detail(pk: int) -> Attachment | None:
    """An attachment with what the permission check needs (its challenge or bid)."""
    return (
        Attachment.objects.select_related("challenge", "challenge__organization", "bid")
        .filter(pk=pk)
        .first()
    )


# --------------------------------------------------------------------------- bids
def active_bid(challenge: Challenge, organization: Organization | None) -> Bid | None:
    if organization is None:
        return None
    return (
        Bid.objects.filter(challenge=challenge, applicant=organization, state__in=BidState.active())
        .order_by("-pk")
        .first()
    )


def organization_bids(organization: Organization) -> QuerySet[Bid]:
    return (
        Bid.objects.filter(applicant=organization)
        .select_related("challenge", "challenge__organization")
        .annotate(
            partner_count=Count("partners", distinct=True),
            pending_partners=Count(
                "partners", filter=~Q(partners__status=PartnerStatus.ACCEPTED), distinct=True
            ),
        )
        .order_by("-updated_at")
    )


def partner_invitations(organization: Organization) -> QuerySet[BidPartner]:
    """Invitations to the organization that still need an answer, for open drafts."""
    return (
        BidPartner.objects.filter(
            organization=organization, status=PartnerStatus.INVITED, bid__state=BidState.DRAFT
        )
        .select_related("bid", "bid__challenge", "bid__applicant")
        .order_by("-invited_at")
    )


def partner_bids(organization: Organization) -> QuerySet[Bid]:
    """Bids the organization has agreed to join."""
    return (
        Bid.objects.filter(
            partners__organization=organization, partners__status=PartnerStatus.ACCEPTED
        )
        .select_related("challenge", "applicant")
        .order_by("-updated_at")
        .distinct()
    )


def partner_overview(organization: Organization, *, limit: int = 20) -> tuple[list, list]:
    """(`partner_invitations`, `partner_bids`) of the organization in one query (the dashboard)."""
    rows = list(
        BidPartner.objects.filter(organization=organization)
        .filter(
            Q(status=PartnerStatus.INVITED, bid__state=BidState.DRAFT)
            | Q(status=PartnerStatus.ACCEPTED)
        )
        .select_related("bid", "bid__challenge", "bid__applicant")
        .order_by("-bid__updated_at", "-invited_at", "pk")[:500]
    )
    invitations = sorted(
        (p for p in rows if p.status == PartnerStatus.INVITED),
        key=lambda p: p.invited_at,
        reverse=True,
    )
    bids = list({p.bid_id: p.bid for p in rows if p.status == PartnerStatus.ACCEPTED}.values())
    return invitations, bids[:limit]


def bid_detail(pk: int) -> Bid | None:
    return (
        Bid.objects.select_related(
            "challenge", "challenge__organization", "applicant", "eligibility_record"
        )
        .prefetch_related(
            "mode_plans",
            "team",
            "budget_lines",
            "milestones",
            "attachments",
            Prefetch("partners", queryset=BidPartner.objects.select_related("organization")),
        )
        .filter(pk=pk)
        .first()
    )


def bid_head(pk: int) -> Bid | None:
    """A bid with its challenge and applicant only (for permission checks before a write)."""
    return (
        Bid.objects.select_related(
            "challenge", "challenge__organization", "applicant", "eligibility_record"
        )
        .filter(pk=pk)
        .first()
    )


def partner_candidates(bid: Bid, query: str, *, limit: int = 10) -> list[Organization]:
    """Organizations matching `query` that may still be invited to the bid."""
    taken = {p.organization_id for p in bid.partners.all()} | {
        bid.applicant_id,
        bid.challenge.organization_id,
    }
    return [o for o in search_organizations(query, limit=15) if o.pk not in taken][:limit]


def partner_invitation(token: str) -> BidPartner | None:
    return (
        BidPartner.objects.select_related("bid", "bid__challenge", "bid__applicant", "organization")
        .filter(token=token)
        .first()
    )


def organizations_answering_for(partner: BidPartner, user: User) -> QuerySet[Organization]:
    """The organizations `user` manages that may answer this partner invitation."""
    managed = Organization.objects.filter(
        memberships__user=user,
        memberships__role__in=[MembershipRole.OWNER, MembershipRole.MANAGER],
    ).exclude(pk__in=[partner.bid.applicant_id, partner.bid.challenge.organization_id])
    if partner.organization_id:
        managed = managed.filter(pk=partner.organization_id)
    return managed


def bid_history(bid: Bid):
    return bid.transitions.select_related("actor", "eligibility_record").order_by("at", "pk")


def draft_bids_needing_reminder(challenge: Challenge, kind: str) -> QuerySet[Bid]:
    sent = DeadlineReminder.objects.filter(bid=OuterRef("pk"), kind=kind)
    return (
        challenge.bids.filter(state=BidState.DRAFT)
        .annotate(already=Exists(sent))
        .filter(already=False)
        .select_related("applicant")
    )


def challenges_with_draft_bid(organization: Organization | None) -> set[int]:
    if organization is None:
        return set()
    return set(
        Bid.objects.filter(applicant=organization, state=BidState.DRAFT).values_list(
            "challenge_id", flat=True
        )
    )


def users_of(organization: Organization) -> list[User]:
    return organization_users(organization)
