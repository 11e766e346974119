"""The active organization of a signed-in user, remembered in the session.

`portal.middleware.ActiveOrganizationMiddleware` reads the key; the views of
this app that create, join, leave or switch organizations write it.
"""

from __future__ import annotations

from django.http import HttpRequest

SESSION_KEY = "active_organization_id"


def remember_organization(request: HttpRequest, organization_id: int) -> None:
    """Make `organization_id` the organization the user works for from now on."""
    request.session[SESSION_KEY] = organization_id


def forget_organization(request: HttpRequest) -> None:
    """Fall back to the user's first organization (e.g. after leaving this one)."""
    request.session.pop(SESSION_KEY, None)
