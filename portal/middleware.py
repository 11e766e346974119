"""Request-wide context: the active organization and the user's language."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from entities import privacy
from entities.selectors import memberships_for
from entities.session import SESSION_KEY


def _memberships(request) -> list:
    user = request.user
    if not user.is_authenticated:
        return []
    memberships = list(memberships_for(user))
    # `entities.rules.membership_of` finds these without another query.
    known = user.__dict__.setdefault("_membership_cache", {})
    for membership in memberships:
        known.setdefault(membership.organization_id, membership)
    return memberships


def _active_membership(request):
    memberships = request.memberships
    if not memberships:
        return None
    wanted = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.organization_id == wanted:
            return membership
    return memberships[0]


class ActiveOrganizationMiddleware:
    """Sets `request.membership` and `request.organization` (lazily; no query unless used).

    The session remembers which organization a user works for; a user who is
    no longer a member falls back to their first organization.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = SimpleLazyObject(lambda: _memberships(request))
        request.membership = SimpleLazyObject(lambda: _active_membership(request) or _Nothing())
        request.organization = SimpleLazyObject(
            lambda: request.membership.organization if request.membership else _Nothing()
        )
        return self.get_response(request)


class _Nothing:
    """A falsy stand-in so `{% if request.organization %}` works through the lazy object."""

    pk = None

    def __bool__(self) -> bool:
        return False


class UserLanguageMiddleware:
    """A signed-in user's preferred language wins unless the session chose another."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.COOKIES.get("django_language")
            and user.preferred_language
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class FriendlyNotFoundMiddleware:
    """Refused or missing objects get the site's own 404 page, also with DEBUG on.

    With DEBUG (the embedded default of `make run`) Django would show its
    technical 404 page, listing every URL pattern, to someone who tried another
    organization's page. The portal answers the same way in every mode.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            response = TemplateResponse(request, "404.html", status=404)
            return response.render()
        return None


class PrivacyConsentMiddleware:
    """Asks a person who accepted an older privacy notice to accept the current one, once.

    Only page views (GET, not htmx) are redirected, with `next` pointing back, so
    a form being sent is never lost; the answer is kept in the session, so the
    check costs no query on most requests.
    """

    EXEMPT = ("/accounts/", "/privacy/", "/admin/", "/review/", "/static/", "/i18n/", "/jsi18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._should_ask(request):
            url = reverse("privacy_accept") + "?" + urlencode({"next": request.get_full_path()})
            return redirect(url)
        return self.get_response(request)

    def _should_ask(self, request) -> bool:
        user = getattr(request, "user", None)
        if (
            request.method != "GET"
            or user is None
            or not user.is_authenticated
            or request.headers.get("HX-Request")
            or request.path.startswith(self.EXEMPT)
            or request.path == "/healthz"
        ):
            return False
        session = request.session
        if session.get("privacy_checked") != privacy.NOTICE_VERSION:
            session["privacy_ask"] = privacy.consent_outdated(
                user, ask_without_record=settings.PRIVACY_ASK_WITHOUT_CONSENT
            )
            session["privacy_checked"] = privacy.NOTICE_VERSION
        return bool(session.get("privacy_ask"))
