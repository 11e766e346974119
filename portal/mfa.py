"""Second factor required: the programme office, reviewers, and members of organizations that ask.

Checked on every request, not only at sign-in: a session that signed in before
the rule applied (or before an owner switched it on) is sent to enrolment on
its next click. A member of an organization that requires it is held whichever
organization they are working for at the moment: permissions follow
membership, not the organization chosen in the switcher, so the switcher
cannot be a way around the rule. Who must have one is `entities.rules.second_factor_required`;
what counts as one is `entities.selectors.has_second_factor` (an authenticator
app or a passkey).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from entities.rules import second_factor_required
from entities.selectors import has_second_factor

# Reachable without a second factor: the account pages (sign-out, e-mail,
# enrolment itself) and the plumbing.
EXEMPT_PREFIXES = (
    "/accounts/",
    "/static/",
    "/i18n/",
    "/jsi18n/",
    "/healthz",
    "/csp-report/",
)


def _exempt(request: HttpRequest) -> bool:
    return request.path_info.startswith(EXEMPT_PREFIXES)


def _strict_organizations(request: HttpRequest) -> list:
    return [
        m.organization
        for m in request.memberships
        if second_factor_required(request.user, m.organization)
    ]


def needs_enrolment(request: HttpRequest) -> bool:
    """Whether this request's user must set up a second factor before going on."""
    user = request.user
    if not user.is_authenticated:
        return False
    # Demo accounts (published passwords) exist only in the embedded default.
    if getattr(user, "is_demo", False) and settings.DEMO_ENABLED:
        return False
    if not second_factor_required(user) and not _strict_organizations(request):
        return False
    return not has_second_factor(user)


def _message(request: HttpRequest) -> str:
    if second_factor_required(request.user):
        return _(
            "Programme office and reviewer accounts must use a second factor. "
            "Set up an authenticator app or a passkey to continue."
        )
    names = ", ".join(o.legal_name for o in _strict_organizations(request))
    return _(
        "%(organization)s requires a second factor of its members. Set up an "
        "authenticator app or a passkey to continue."
    ) % {"organization": names}


class SecondFactorRequiredMiddleware:
    """Sends users who must have a second factor, and have none, to enrolment."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _exempt(request) and needs_enrolment(request):
            messages.warning(request, _message(request), fail_silently=True)
            target = reverse("mfa_index")
            if request.method == "GET":
                target += "?next=" + quote(request.get_full_path())
            return HttpResponseRedirect(target)
        return self.get_response(request)
