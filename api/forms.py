from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from entities.models import User

from .selectors import token_organizations
from .services import LIFETIMES


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Reporting script”."),
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=None,
        empty_label=None,
        help_text=_("The token reads this organization's challenges and bids only."),
    )
    lifetime = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        initial=90,
        choices=[
            (days, ngettext_lazy("%(days)d day", "%(days)d days", days) % {"days": days})
            for days in LIFETIMES
        ],
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = token_organizations(user)
