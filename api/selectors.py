"""Read queries for personal access tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from entities.models import Organization, User

from .models import AccessToken, token_digest


def user_tokens(user: User) -> QuerySet[AccessToken]:
    """The user's tokens, newest first, with their organizations (one query)."""
    return AccessToken.objects.filter(user=user).select_related("organization")


def user_token(user: User, pk: int) -> AccessToken | None:
    return user_tokens(user).filter(pk=pk).first()


def token_by_secret(secret: str) -> AccessToken | None:
    """The token whose secret is `secret` (active or not), with its user and organization."""
    return (
        AccessToken.objects.select_related("user", "organization")
        .filter(digest=token_digest(secret))
        .first()
    )


def token_organizations(user: User) -> QuerySet[Organization]:
    """The organizations a token of `user` may be scoped to: those they belong to."""
    return Organization.objects.filter(memberships__user=user).order_by("legal_name").distinct()
