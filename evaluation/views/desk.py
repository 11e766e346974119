"""The evaluation desk: the panel's review quorum and the balanced allocation of bids."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..forms import QuorumForm
from ._common import operator_challenge_or_404, show_errors


@login_required
@require_POST
def panel_quorum(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = operator_challenge_or_404(request, pk)
    form = QuorumForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("min_reviews", []):
            messages.error(request, error)
    else:
        try:
            panel = services.panel_quorum_set(
                challenge=challenge, minimum=form.cleaned_data["min_reviews"], by=request.user
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(
                request,
                _("Each bid now needs %(n)s submitted reviews before the lead is selected.")
                % {"n": panel.min_reviews},
            )
    return redirect(reverse("evaluation:operator_challenge", args=[challenge.pk]) + "#quorum-h")
