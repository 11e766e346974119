"""The partner directory: the opt-in listing form and the directory's search and filters."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from ..enums import Sector
from ..matchmaking import search_directory
from ..models import DirectoryListing


class DirectoryListingForm(forms.ModelForm):
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DirectoryListing
        fields = ["listed", "capabilities", "sectors", "summary"]
        widgets = {
            "capabilities": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_sectors(self):
        return list(self.cleaned_data.get("sectors") or [])


SIDES = (
    ("lead", _("Guangxi organizations (can lead)")),
    ("partner", _("Organizations outside China (partners)")),
)


def _country_choices():
    return sorted(((code, str(name)) for code, name in countries), key=lambda c: c[1])


class DirectoryFilter(django_filters.FilterSet):
    """Search and filters of the partner directory."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    side = django_filters.ChoiceFilter(
        label=_("Who"), choices=SIDES, method="filter_side", empty_label=_("Everyone")
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        choices=_country_choices,
        field_name="country",
        empty_label=_("All countries"),
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector"),
        choices=Sector.choices,
        method="filter_sector",
        empty_label=_("All sectors"),
    )

    def filter_q(self, queryset, name, value):
        return search_directory(queryset, value)

    def filter_side(self, queryset, name, value):
        if value == "lead":
            return queryset.filter(country="CN")
        return queryset.exclude(country="CN")

    def filter_sector(self, queryset, name, value):
        # JSON list stored as text on SQLite, jsonb on PostgreSQL: the quoted value matches both.
        return queryset.filter(directory_listing__sectors__icontains=f'"{value}"')
