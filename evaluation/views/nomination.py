"""The demand entity nominates one of its members for the review panel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from challenges.models import Challenge

from .. import rules, selectors, services
from ..forms import NominateForm
from ._common import show_errors


@login_required
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = get_object_or_404(Challenge.objects.select_related("organization"), pk=pk)
    if not rules.can_nominate_reviewer(request.user, challenge):
        raise Http404
    current = selectors.nomination_of(challenge)
    members = selectors.nominable_members(challenge)
    form = NominateForm(request.POST or None, members=members)
    if request.method == "POST" and current is None and form.is_valid():
        member = form.cleaned_data["member"].user
        try:
            services.reviewer_nominate(challenge=challenge, member=member, by=request.user)
        except ValidationError as exc:
            show_errors(request, exc, form)
        else:
            messages.success(
                request,
                _("%(name)s is on the review panel. They have been told by e-mail how to review.")
                % {"name": member},
            )
            return redirect("evaluation:nominate", challenge.pk)
    return render(
        request,
        "evaluation/nominate.html",
        {"challenge": challenge, "form": form, "current": current, "members": members},
    )
