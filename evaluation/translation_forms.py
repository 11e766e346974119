"""The rubric in another language: a name and guidance per criterion (see services.rubric_translations)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class RubricTranslationForm(forms.Form):
    """One language version of every criterion: a name and guidance per criterion."""

    def __init__(self, *args: Any, criteria: list[Any], language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            row = next((t for t in c.translations.all() if t.language_code == language), None)
            self.fields[f"name_{c.pk}"] = forms.CharField(
                label=_("Criterion “%(name)s” in this language") % {"name": c.name},
                max_length=120,
                required=False,
                initial=row.translated_name if row else "",
                help_text=_("Leave empty to show the original to readers of this language."),
            )
            self.fields[f"guidance_{c.pk}"] = forms.CharField(
                label=_("Guidance for “%(name)s” in this language") % {"name": c.name},
                max_length=2000,
                required=False,
                initial=row.translated_guidance if row else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for c in self.criteria:
            if data.get(f"guidance_{c.pk}") and not data.get(f"name_{c.pk}"):
                self.add_error(f"name_{c.pk}", _("Give the criterion's name with its guidance."))
        return data

    def rows(self) -> dict[int, dict[str, str]]:
        return {
            c.pk: {
                "name": self.cleaned_data.get(f"name_{c.pk}", ""),
                "guidance": self.cleaned_data.get(f"guidance_{c.pk}", ""),
            }
            for c in self.criteria
        }
