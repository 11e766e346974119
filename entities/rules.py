"""Permission checks for organizations: `can_<verb>(user, obj)`.

Backed by django-guardian: each organization's members are in the
organization's group, which holds `view_organization` on it. What a member may
do beyond viewing depends on the role on their Membership.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from .enums import MembershipRole
from .models import Membership, Organization, User

AnyUser = User | AnonymousUser


def is_operator(user: AnyUser) -> bool:
    """Programme office staff."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def is_reviewer(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_reviewer)


def membership_of(user: AnyUser, organization: Organization) -> Membership | None:
    """The user's membership of the organization (cached on the user object per request)."""
    if not user.is_authenticated or organization is None:
        return None
    cache = user.__dict__.setdefault("_membership_cache", {})
    if organization.pk not in cache:
        cache[organization.pk] = Membership.objects.filter(
            user=user, organization=organization
        ).first()
    return cache[organization.pk]


def role_at_least(user: AnyUser, organization: Organization, role: str) -> bool:
    membership = membership_of(user, organization)
    return membership is not None and membership.rank >= MembershipRole.rank(role)


def can_view_organization(user: AnyUser, organization: Organization) -> bool:
    if is_operator(user):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm("entities.view_organization", organization)


def can_edit_organization(user: AnyUser, organization: Organization) -> bool:
    """Legal facts and profile: owners and managers."""
    return role_at_least(user, organization, MembershipRole.MANAGER)


def can_manage_members(user: AnyUser, organization: Organization) -> bool:
    return role_at_least(user, organization, MembershipRole.MANAGER)


def can_grant_role(user: AnyUser, organization: Organization, role: str) -> bool:
    """Only owners make owners; managers may grant manager and below."""
    membership = membership_of(user, organization)
    if membership is None or membership.rank < MembershipRole.rank(MembershipRole.MANAGER):
        return False
    return MembershipRole.rank(role) <= membership.rank


def can_edit_content(user: AnyUser, organization: Organization) -> bool:
    """Capabilities, challenges and bids: editors and above."""
    return role_at_least(user, organization, MembershipRole.EDITOR)


def can_request_verification(user: AnyUser, organization: Organization) -> bool:
    return can_edit_organization(user, organization)


def second_factor_required(user: AnyUser, organization: Organization | None = None) -> bool:
    """Whether the user must have a second factor to act (as a member of `organization`).

    Always for the programme office (staff, superusers) and reviewers; for anyone
    working for an organization whose owners require it.
    """
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser or user.is_reviewer:
        return True
    return bool(organization and organization.require_second_factor)


def can_set_second_factor_policy(user: AnyUser, organization: Organization) -> bool:
    return role_at_least(user, organization, MembershipRole.OWNER)
