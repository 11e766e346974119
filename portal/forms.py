from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from entities.models import User


class SignupExtraForm(forms.Form):
    """Asked at sign-up, besides e-mail and password (allauth ACCOUNT_SIGNUP_FORM_CLASS)."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        help_text=_("As colleagues and the programme office should see it."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])


class ProfileForm(forms.ModelForm):
    preferred_language = forms.ChoiceField(
        label=_("Language for pages and e-mails"), choices=settings.LANGUAGES
    )

    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter your name."))
        return name
