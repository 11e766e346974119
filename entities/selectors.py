"""Read queries for organizations and memberships."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from .enums import DEMAND_CAPABILITIES, LEAD_CAPABILITIES, InvitationStatus
from .models import CapabilityDeclaration, Invitation, Membership, Organization, User


def memberships_for(user: User) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organization")


def organization_members(organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("-role", "user__email")


def pending_invitations(organization: Organization) -> QuerySet[Invitation]:
    return organization.invitations.filter(status=InvitationStatus.PENDING).select_related(
        "invited_by"
    )


def invitations_for_email(email: str) -> QuerySet[Invitation]:
    from django.utils import timezone

    return Invitation.objects.filter(
        email__iexact=email, status=InvitationStatus.PENDING, expires_at__gt=timezone.now()
    ).select_related("organization", "invited_by")


def registration_number_taken(country: str, number: str, *, exclude_pk: int | None = None) -> bool:
    """Whether another organization already uses this registration number in this country."""
    qs = Organization.objects.filter(country=country, registration_number=number)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def capability_declarations(organization: Organization) -> dict[str, CapabilityDeclaration]:
    """The organization's declarations keyed by capability, with evidence prefetched."""
    qs = organization.capabilities.annotate(evidence_count=Count("evidence")).prefetch_related(
        Prefetch("evidence")
    )
    return {d.key: d for d in qs}


def relevant_capability_keys(organization: Organization) -> tuple[str, ...]:
    """Demand-side keys for ASEAN organizations, lead keys for Chinese ones, both otherwise."""
    country = organization.country.code if organization.country else ""
    if country == "CN":
        return LEAD_CAPABILITIES
    from .eligibility.ruleset import CURRENT_RULESET

    if country in CURRENT_RULESET.asean_members:
        return DEMAND_CAPABILITIES
    return DEMAND_CAPABILITIES + LEAD_CAPABILITIES


def search_organizations(query: str, *, exclude: Organization | None = None, limit: int = 10):
    """Organizations matching a name or registration number (for picking partners)."""
    from django.db.models import Q

    query = (query or "").strip()
    if len(query) < 2:
        return Organization.objects.none()
    qs = Organization.objects.filter(
        Q(legal_name__icontains=query)
        | Q(local_name__icontains=query)
        | Q(registration_number__iexact=query.replace(" ", "").upper())
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.order_by("legal_name")[:limit]


def organization_users(organization: Organization, *, min_role: str | None = None) -> list[User]:
    """Active members of an organization (with at least `min_role`), e.g. to notify them."""
    from .enums import MembershipRole

    memberships = organization.memberships.select_related("user").filter(user__is_active=True)
    if min_role is not None:
        allowed = [
            r
            for r in MembershipRole.values
            if MembershipRole.rank(r) >= MembershipRole.rank(min_role)
        ]
        memberships = memberships.filter(role__in=allowed)
    return [m.user for m in memberships.order_by("pk")]


def operators() -> list[User]:
    """Active programme operators (staff)."""
    return list(User.objects.filter(is_staff=True, is_active=True).order_by("pk"))
