"""Saving the listing's filters under a name, and renaming a saved search."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..enums import CooperationMode, Sector
from .listing import asean_country_choices


class SavedSearchRenameForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the search"),
        max_length=80,
        help_text=_("e.g. Agriculture in Thailand"),
    )


class SavedSearchForm(SavedSearchRenameForm):
    """The name, and the listing's filters carried as hidden fields from the listing page."""

    q = forms.CharField(
        label=_("Search words"), required=False, max_length=200, widget=forms.HiddenInput
    )
    country = forms.MultipleChoiceField(
        label=_("Country"),
        required=False,
        choices=asean_country_choices,
        widget=forms.MultipleHiddenInput,
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", "")] + Sector.choices,
        widget=forms.HiddenInput,
    )
    mode = forms.ChoiceField(
        label=_("Cooperation mode"),
        required=False,
        choices=[("", "")] + CooperationMode.choices,
        widget=forms.HiddenInput,
    )

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "query": data.get("q") or "",
            "countries": list(data.get("country") or []),
            "sector": data.get("sector") or "",
            "mode": data.get("mode") or "",
        }
