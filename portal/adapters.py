"""allauth integration: demo-account guard, sign-in throttling, the signing-up user's language."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from . import throttle


class AccountAdapter(DefaultAccountAdapter):
    def pre_login(self, request, user, **kwargs):
        # Demo accounts have published passwords: never usable outside the embedded default.
        if getattr(user, "is_demo", False) and not settings.DEMO_ENABLED:
            messages.error(request, _("Demo accounts are disabled on this server."))
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

    def pre_authenticate(self, request, **credentials: Any) -> None:
        # Replaces allauth's "login_failed" limit, whose per-e-mail lock refused the
        # right password from anywhere: see portal/throttle.py.
        self._login_failed_rl_usage = None
        throttle.check_login(request, credentials)

    def authenticate(self, request, **credentials: Any):
        user = super().authenticate(request, **credentials)
        if user is not None:
            throttle.record_success(credentials)
        return user

    def authentication_failed(self, request, **credentials: Any) -> None:
        throttle.record_failure(request, credentials)
        super().authentication_failed(request, **credentials)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language() or settings.LANGUAGE_CODE
        if language.lower().startswith("zh"):
            user.preferred_language = "zh-hans"
        if commit:
            user.save()
        return user
