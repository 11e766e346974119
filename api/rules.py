"""Permission checks for personal access tokens: `can_<verb>(user, obj)`."""

from __future__ import annotations

from entities.models import Organization
from entities.rules import AnyUser, is_operator, membership_of

from .models import AccessToken


def can_create_token(user: AnyUser, organization: Organization) -> bool:
    """Any member may read their organization's data through the API, as on the pages."""
    return bool(user.is_authenticated and user.is_active) and (
        membership_of(user, organization) is not None
    )


def can_revoke_token(user: AnyUser, token: AccessToken) -> bool:
    """The token's own user (another user's token is a 404), or an operator in the admin."""
    return bool(user.is_authenticated and (token.user_id == user.pk or is_operator(user)))


def token_grants_access(token: AccessToken) -> bool:
    """A token works while active, its user active and still a member of its organization."""
    user = token.user
    return (
        token.is_active and user.is_active and membership_of(user, token.organization) is not None
    )
