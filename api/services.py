"""Creating, revoking and checking personal access tokens."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from entities.models import Organization, User
from notifications.services import notify

from .models import TOKEN_PREFIX, AccessToken, token_digest
from .rules import can_create_token, can_revoke_token, token_grants_access
from .selectors import token_by_secret

#: How long a token may live, in days (the choices on the form).
LIFETIMES = (7, 30, 90, 365)
#: `last_used_at` is written at most this often per token (no write per request).
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)
MAX_TOKENS_PER_USER = 50


@transaction.atomic
def token_create(
    *, user: User, organization: Organization, name: str, lifetime_days: int
) -> tuple[AccessToken, str]:
    """A new token for `user` scoped to `organization`; returns it and its secret (shown once)."""
    if not can_create_token(user, organization):
        raise PermissionDenied
    if lifetime_days not in LIFETIMES:
        raise ValidationError(_("Choose one of the offered lifetimes."))
    if AccessToken.objects.filter(user=user, revoked_at__isnull=True).count() >= (
        MAX_TOKENS_PER_USER
    ):
        raise ValidationError(
            _("You have %(count)s tokens. Revoke the ones you no longer use first.")
            % {"count": MAX_TOKENS_PER_USER}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = AccessToken(
        user=user,
        organization=organization,
        name=name.strip(),
        hint=secret[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(secret),
        created_at=now,
        expires_at=now + dt.timedelta(days=lifetime_days),
    )
    token.full_clean()
    token.save()
    notify(
        [user],
        "token.created",
        token,
        {
            "name": token.name,
            "organization": organization.legal_name,
            "expires": token.expires_at.isoformat(),
            "url": reverse("api:tokens"),
        },
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: AccessToken, user: User) -> AccessToken:
    """Revoke a token at once; revoking a revoked token changes nothing."""
    if not can_revoke_token(user, token):
        raise PermissionDenied
    token = AccessToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(secret: str) -> AccessToken | None:
    """The token a request presents, if it may be used now (else None: a 401)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = token_by_secret(secret)
    if token is None or not token_grants_access(token):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
