"""Read queries for organizations and memberships."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .eligibility import PROGRAMME_TZ, EligibilityFacts, Waiver
from .eligibility.ruleset import CURRENT_RULESET
from .enums import (
    DEMAND_CAPABILITIES,
    LEAD_CAPABILITIES,
    InvitationStatus,
    MembershipRole,
    VerificationStatus,
)
from .models import CapabilityDeclaration, Invitation, Membership, Organization, RuleWaiver, User


def has_second_factor(user: User) -> bool:
    """Whether the user has an authenticator app or a passkey (recovery codes alone do not count)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


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
    if country in CURRENT_RULESET.asean_members:
        return DEMAND_CAPABILITIES
    return DEMAND_CAPABILITIES + LEAD_CAPABILITIES


def search_organizations(query: str, *, exclude: Organization | None = None, limit: int = 10):
    """Organizations matching a name or registration number (for picking partners)."""
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
    memberships = organization.memberships.select_related("user").filter(user__is_active=True)
    if min_role is not None:
        allowed = [
            r
            for r in MembershipRole.values
            if MembershipRole.rank(r) >= MembershipRole.rank(min_role)
        ]
        memberships = memberships.filter(role__in=allowed)
    return [m.user for m in memberships.order_by("pk")]


def organizations_users(organization_ids: Iterable[int]) -> list[User]:
    """Active members of several organizations, organization by organization, in one query."""
    order = {pk: index for index, pk in enumerate(dict.fromkeys(organization_ids))}
    if not order:
        return []
    memberships = (
        Membership.objects.select_related("user")
        .filter(organization_id__in=order, user__is_active=True)
        .order_by("pk")
    )
    return [m.user for m in sorted(memberships, key=lambda m: order[m.organization_id])]


def operators() -> list[User]:
    """Active programme operators (staff)."""
    return list(User.objects.filter(is_staff=True, is_active=True).order_by("pk"))


def eligibility_facts(organizations: Iterable[Organization]) -> list[EligibilityFacts]:
    """Facts of several organizations, in order, with two queries whatever their number.

    A capability counts when it is described and has at least one evidence
    file. Waivers are those not revoked; whether one is in force is decided
    by the rules for the date checked. Registered at start-up as the
    eligibility engine's loader, so `check_eligibility(organization, ...)` works.
    """
    orgs = list(organizations)
    if not orgs:
        return []
    ids = {org.pk for org in orgs}
    declared: dict[int, set[str]] = {pk: set() for pk in ids}
    rows = (
        CapabilityDeclaration.objects.filter(organization_id__in=ids)
        .annotate(evidence_count=Count("evidence"))
        .filter(evidence_count__gt=0)
        .exclude(description__regex=r"^\s*$")
        .values_list("organization_id", "key")
    )
    for org_id, key in rows:
        declared[org_id].add(key)
    waivers: dict[int, list[Waiver]] = {pk: [] for pk in ids}
    for w in (
        RuleWaiver.objects.filter(organization_id__in=ids, revoked_at__isnull=True)
        .select_related("granted_by")
        .order_by("-granted_at", "-pk")
    ):
        waivers[w.organization_id].append(
            Waiver(
                code=w.rule_code,
                reason=w.reason,
                granted_by=str(w.granted_by),
                granted_on=timezone.localdate(w.granted_at, PROGRAMME_TZ),
                expires_on=w.expires_on,
            )
        )
    return [
        EligibilityFacts(
            country=org.country.code if org.country else "",
            region_code=org.region_code,
            institution_type=org.institution_type,
            independent_legal_status=org.independent_legal_status,
            registration_number=org.registration_number,
            registry_status=org.registry_status,
            registration_date=org.registration_date,
            verified=org.verification_status == VerificationStatus.VERIFIED,
            capabilities=frozenset(declared[org.pk]),
            name=org.legal_name,
            waivers=tuple(waivers[org.pk]),
        )
        for org in orgs
    ]
