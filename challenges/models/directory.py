"""The partner directory: an organization's opt-in listing with capabilities and sectors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from entities.models import Organization


class DirectoryListing(models.Model):
    """Opt-in: an organization appears in the partner directory and in matchmaking
    suggestions only while `listed` is on (and it is verified)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="directory_listing"
    )
    listed = models.BooleanField(
        _("list my organization in the partner directory"),
        default=False,
        help_text=_(
            "Verified organizations only. Other organizations can find you and invite you to "
            "bids; your registration number and members are never shown."
        ),
    )
    capabilities = models.TextField(
        _("capabilities (keywords)"),
        max_length=2000,
        blank=True,
        help_text=_(
            "Comma-separated, e.g. rice, salinity, remote sensing, drone imaging. Used to "
            "suggest you for challenges."
        ),
    )
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    summary = models.TextField(
        _("what you offer partners"),
        max_length=1500,
        blank=True,
        help_text=_("Two or three sentences: expertise, facilities, past projects."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("directory listing")

    def __str__(self) -> str:
        return f"{self.organization} ({'listed' if self.listed else 'not listed'})"

    def keywords(self) -> list[str]:
        """The declared capabilities, one keyword or phrase each, lower case, distinct."""
        words = (w.strip().lower() for w in self.capabilities.replace(";", ",").split(","))
        return list(dict.fromkeys(w for w in words if w))
