"""Adding or editing one language version of a challenge's public text."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ChallengeTranslationForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of this version"),
        help_text=_(
            "An English or Chinese version is especially welcome: most Guangxi teams and "
            "reviewers read one of them first."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=1200, widget=forms.Textarea)
    problem_statement = forms.CharField(
        label=_("Problem statement"), required=False, widget=forms.Textarea
    )
    operational_scenario = forms.CharField(
        label=_("Operational scenario"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args, languages: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "—")] + languages
