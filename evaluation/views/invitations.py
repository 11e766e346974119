"""The landing page of a reviewer invitation (works before the invitee has an account)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import selectors, services
from ..enums import AssignmentStatus
from ._common import show_errors


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Landing page of a reviewer invitation; works before the invitee has an account."""
    assignment = selectors.invitation_for(token)
    if assignment is None:
        raise Http404
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.reviewer_invitation_accept(assignment=assignment, user=request.user)
        except ValidationError as exc:
            show_errors(request, exc)
            return redirect("evaluation:invitation", token)
        messages.success(
            request,
            _(
                "Welcome to the review panel. Start with the conflict-of-interest declaration for each bid."
            ),
        )
        return redirect("review:index")
    email_matches = (
        request.user.is_authenticated
        and request.user.email.lower() == assignment.invited_email.lower()
    )
    return render(
        request,
        "evaluation/invitation.html",
        {
            "assignment": assignment,
            "challenge": assignment.panel.challenge,
            "answered": assignment.status != AssignmentStatus.INVITED,
            "email_matches": email_matches,
        },
    )
