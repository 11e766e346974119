"""Privacy pages: the notice, accepting a new version, "download my data", deleting the account.

The rules live in `entities.privacy`; these views only ask and answer.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from entities import privacy

#: Session keys: which notice version the session was checked against, and the answer.
CHECKED_KEY = "privacy_checked"
ASK_KEY = "privacy_ask"


def on_logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Check the notice once at sign-in, so page views need no query for it."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[ASK_KEY] = privacy.consent_outdated(
        user, ask_without_record=settings.PRIVACY_ASK_WITHOUT_CONSENT
    )
    request.session[CHECKED_KEY] = privacy.NOTICE_VERSION


def retention_periods() -> dict[str, int]:
    return {
        "draft_days": settings.RETENTION_DRAFT_DAYS,
        "invitation_days": settings.RETENTION_INVITATION_DAYS,
        "unverified_days": settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS,
    }


def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice (public)."""
    return render(
        request,
        "portal/privacy_notice.html",
        {
            "version": privacy.NOTICE_VERSION,
            "notice_date": privacy.NOTICE_DATE,
            **retention_periods(),
        },
    )


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/dashboard/"


class AcceptForm(forms.Form):
    accept = forms.BooleanField(
        label=gettext_lazy("I have read the privacy notice and accept it."),
        error_messages={"required": gettext_lazy("Tick the box to accept the privacy notice.")},
    )


@login_required
def privacy_accept(request: HttpRequest) -> HttpResponse:
    """Accept the current notice, then go back to the page the person was on."""
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        privacy.consent_record(user=request.user)
        request.session[CHECKED_KEY] = privacy.NOTICE_VERSION
        request.session[ASK_KEY] = False
        messages.success(request, _("Thank you. You accepted the current privacy notice."))
        return redirect(_safe_next(request))
    return render(
        request,
        "portal/privacy_accept.html",
        {
            "form": form,
            "next": _safe_next(request),
            "version": privacy.NOTICE_VERSION,
            "notice_date": privacy.NOTICE_DATE,
            "latest": privacy.consent_latest(request.user),
        },
    )


@login_required
def account_privacy(request: HttpRequest) -> HttpResponse:
    """The account's privacy tab: consents, download my data, delete the account."""
    return render(
        request,
        "portal/account_privacy.html",
        {
            "consents": request.user.privacy_consents.all(),
            "version": privacy.NOTICE_VERSION,
            "sole_owned": privacy.sole_owned_organizations(request.user),
        },
    )


@login_required
@require_POST
def data_download(request: HttpRequest) -> HttpResponse:
    """The person's data as a ZIP of JSON (POST: a prefetching browser does not trigger it)."""
    content = privacy.personal_data_archive(user=request.user)
    response = HttpResponse(content, content_type="application/zip")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("To make sure it is you."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that this cannot be undone."),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("That is not your password."))
        return password


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    """Explain what goes and what stays; on confirmation anonymise the account and sign out."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    sole = privacy.sole_owned_organizations(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.account_delete(user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            logout(request)
            messages.success(request, _("Your account was deleted. Thank you for taking part."))
            return redirect("home")
    return render(request, "portal/account_delete.html", {"form": form, "sole_owned": sole})
