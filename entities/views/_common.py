"""Helpers shared by the views of this app and of the apps above it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from .. import rules
from ..models import Organization


def get_organization(request: HttpRequest, pk: int, check=rules.can_view_organization):
    """The organization, or 404 when the user may not see it (never 403)."""
    organization = Organization.objects.filter(pk=pk).first()
    if organization is None or not rules.can_view_organization(request.user, organization):
        raise Http404
    if check is not rules.can_view_organization and not check(request.user, organization):
        raise Http404
    return organization


def show_validation_error(request, exc: ValidationError, form=None) -> None:
    """Show a service's ValidationError next to the fields it names, or as messages.

    Shared by the views of every app: services raise ValidationError, views show it.
    """
    if form is not None and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for message in exc.messages:
        messages.error(request, message)
