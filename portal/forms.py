from __future__ import annotations

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from entities.models import User
from entities.privacy import NOTICE_VERSION, consent_record


class SignupExtraForm(forms.Form):
    """Asked at sign-up, besides e-mail and password (allauth ACCOUNT_SIGNUP_FORM_CLASS)."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        help_text=_("As colleagues and the programme office should see it."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    accept_privacy = forms.BooleanField(
        label=_("I have read the privacy notice and accept it."),
        error_messages={"required": _("Tick the box to accept the privacy notice.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accept_privacy"].help_text = format_html(
            gettext(
                'Read the <a href="{url}" target="_blank" rel="noopener">privacy notice</a> '
                "(version {version}): what we keep, why, for how long, and your rights."
            ),
            url=reverse("privacy_notice"),
            version=NOTICE_VERSION,
        )

    def signup(self, request, user) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])
        # The consent, with the notice's version and the time, is stored with the account.
        consent_record(user=user)


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
