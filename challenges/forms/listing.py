"""Search, filters and sort of the public listing of challenges."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from entities.eligibility import CURRENT_RULESET

from ..enums import CooperationMode, Sector
from ..models import Challenge
from ..selectors import browse_challenges


def _asean_country_choices():
    return sorted(
        ((code, str(countries.name(code))) for code in CURRENT_RULESET.asean_members),
        key=lambda c: c[1],
    )


class ChallengeFilter(django_filters.FilterSet):
    """Search, filters and sort of the public listing (no model fields exposed directly)."""

    q = django_filters.CharFilter(label=_("Search"), method="noop")
    country = django_filters.MultipleChoiceFilter(
        label=_("Country"),
        choices=_asean_country_choices,
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

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            # Apply every valid filter; an invalid one is shown as an error next to
            # its field and ignored, never silently dropping the others.
            data = {}
            if self.is_bound:
                self.form.is_valid()
                data = self.form.cleaned_data
            self._qs = browse_challenges(
                query=data.get("q") or "",
                countries=list(data.get("country") or []),
                sector=data.get("sector") or "",
                mode=data.get("mode") or "",
                status=data.get("status") or "",
                deadline_before=data.get("deadline_before"),
                sort=data.get("sort") or "",
            )
        return self._qs
