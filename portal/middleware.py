"""Request-wide context: the active organization and the user's language."""

from __future__ import annotations

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.functional import SimpleLazyObject

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
