"""Search, filters and sort of the public listing of challenges."""

from __future__ import annotations

from urllib.parse import urlencode

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from entities.eligibility import CURRENT_RULESET

from ..enums import CooperationMode, Sector
from ..models import Challenge
from ..selectors import browse_challenges

#: The filters a feed, a calendar and a saved search carry (not the sort or the page).
FEED_PARAMS = ("q", "country", "sector", "mode", "status", "deadline_before")


def asean_country_choices() -> list[tuple[str, str]]:
    """The ASEAN member states of the current rules, by name in the active language."""
    return sorted(
        ((code, str(countries.name(code))) for code in CURRENT_RULESET.asean_members),
        key=lambda c: c[1],
    )


class ChallengeFilter(django_filters.FilterSet):
    """Search, filters and sort of the public listing (no model fields exposed directly)."""

    q = django_filters.CharFilter(label=_("Search"), method="noop")
    country = django_filters.MultipleChoiceFilter(
        label=_("Country"),
        choices=asean_country_choices,
        method="noop",
        widget=forms.CheckboxSelectMultiple,
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector"), choices=Sector.choices, method="noop", empty_label=_("All sectors")
    )
    mode = django_filters.ChoiceFilter(
        label=_("Cooperation mode"),
        choices=CooperationMode.choices,
        method="noop",
        empty_label=_("All modes"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=(("open", _("Open for bids")), ("closed", _("Closed"))),
        method="noop",
        empty_label=_("Open and closed"),
    )
    deadline_before = django_filters.DateFilter(
        label=_("Deadline on or before"),
        method="noop",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=(
            ("relevance", _("Relevance")),
            ("deadline", _("Deadline soonest")),
            ("newest", _("Newest")),
        ),
        method="noop",
        empty_label=None,
    )

    class Meta:
        model = Challenge
        fields: list[str] = []

    def noop(self, queryset, name, value):
        return queryset

    def listing_filters(self) -> dict:
        """The valid filters as `browse_challenges` arguments (an invalid one is left out)."""
        data = {}
        if self.is_bound:
            # Apply every valid filter; an invalid one is shown as an error next to
            # its field and ignored, never silently dropping the others.
            self.form.is_valid()
            data = self.form.cleaned_data
        return {
            "query": data.get("q") or "",
            "countries": list(data.get("country") or []),
            "sector": data.get("sector") or "",
            "mode": data.get("mode") or "",
            "status": data.get("status") or "",
            "deadline_before": data.get("deadline_before"),
            "sort": data.get("sort") or "",
        }

    def query_string(self, *, keep: tuple[str, ...] = FEED_PARAMS) -> str:
        """The valid filters as a query string (for feeds, calendars and saved searches)."""
        filters = self.listing_filters()
        pairs: list[tuple[str, str]] = []
        for name, key in (("q", "query"), ("sector", "sector"), ("mode", "mode")):
            if name in keep and filters[key]:
                pairs.append((name, filters[key]))
        if "country" in keep:
            pairs += [("country", code) for code in filters["countries"]]
        if "status" in keep and filters["status"]:
            pairs.append(("status", filters["status"]))
        if "deadline_before" in keep and filters["deadline_before"]:
            pairs.append(("deadline_before", filters["deadline_before"].isoformat()))
        return urlencode(pairs)

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self._qs = browse_challenges(**self.listing_filters())
        return self._qs
