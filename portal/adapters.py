"""allauth integration: demo-account guard and the signing-up user's language."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _


class AccountAdapter(DefaultAccountAdapter):
    def pre_login(self, request, user, **kwargs):
        # Demo accounts have published passwords: never usable outside the embedded default.
        if getattr(user, "is_demo", False) and not settings.DEMO_ENABLED:
            messages.error(request, _("Demo accounts are disabled on this server."))
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language() or settings.LANGUAGE_CODE
        if language.lower().startswith("zh"):
            user.preferred_language = "zh-hans"
        if commit:
            user.save()
        return user
