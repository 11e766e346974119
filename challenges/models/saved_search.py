"""A signed-in user's saved search of the listing, and the alerts it has already sent."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from ..enums import CooperationMode, Sector
from .challenge import Challenge


class SavedSearch(models.Model):
    """The listing's filters under a name; new matching challenges are e-mailed to the user.

    The filters are stored as their own fields (not an opaque query string) so
    that the alert fan-out can narrow the candidates in the database.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("search words"), max_length=200, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices, blank=True)
    mode = models.CharField(
        _("cooperation mode"), max_length=32, choices=CooperationMode.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_search_unique_name")
        ]
        indexes = [models.Index(fields=["sector", "mode"], name="saved_search_filter_idx")]

    def __str__(self) -> str:
        return self.name

    def params(self) -> list[tuple[str, str]]:
        """The listing's query parameters for these filters (the order the form uses)."""
        pairs: list[tuple[str, str]] = []
        if self.query:
            pairs.append(("q", self.query))
        pairs += [("country", code) for code in self.countries]
        if self.sector:
            pairs.append(("sector", self.sector))
        if self.mode:
            pairs.append(("mode", self.mode))
        return pairs

    def country_names(self) -> list[str]:
        return [str(countries.name(code)) or code for code in self.countries]

    def listing_url(self) -> str:
        query = urlencode(self.params())
        return reverse("challenges:list") + (f"?{query}" if query else "")


class SavedSearchAlert(models.Model):
    """An alert already sent: exactly once per saved search and challenge."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="alerts")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved search alert")
        verbose_name_plural = _("saved search alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "challenge"], name="saved_search_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id} → {self.challenge_id}"
