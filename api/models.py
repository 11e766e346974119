"""Personal access tokens: a user's key to the API for one of their organizations.

The secret is shown once, at creation; only its SHA-256 digest is stored
(the secret is 256 random bits, so a fast hash is enough). A token stops
working when it is revoked, when it expires, when its user is deactivated
or when the user is no longer a member of the organization.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

#: Every token starts with this, so that secret scanners can recognise a leaked one.
TOKEN_PREFIX = "gxp_"  # nosec B105 - a public marker, not a secret


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


class AccessToken(models.Model):
    """A personal access token scoped to one organization (read-only API access)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="access_tokens",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        "entities.Organization",
        on_delete=models.CASCADE,
        related_name="access_tokens",
        verbose_name=_("organization"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. “Reporting script”.")
    )
    #: The first characters of the secret, shown in lists to tell tokens apart.
    hint = models.CharField(_("starts with"), max_length=16)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="token_user_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
