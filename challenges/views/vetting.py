"""The programme office's vetting desk: submitted challenges are published, returned or rejected."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import lifecycle, rules, selectors
from ..enums import ChallengeState
from ..forms import VettingForm
from ._common import challenge_or_404, error_messages


@login_required
def vetting_queue(request: HttpRequest) -> HttpResponse:
    if not rules.can_vet_challenges(request.user):
        raise Http404
    paginator = Paginator(selectors.vetting_queue(), 25)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "challenges/vetting_queue.html",
        {"page_obj": page, "challenges": page.object_list, "total": paginator.count},
    )


@login_required
def vetting_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not rules.can_vet_challenges(request.user):
        raise Http404
    challenge = challenge_or_404(request, pk)
    form = VettingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        try:
            lifecycle.transition_challenge(
                challenge, action, by=request.user, reason=form.cleaned_data["reason"]
            )
        except lifecycle.TransitionError as exc:
            error_messages(request, exc, form)
        else:
            done = {
                "publish": _("Published. The challenge is now open for bids."),
                "return": _("Returned to the owner for changes."),
                "reject": _("Rejected. The owner has been told why."),
            }[action]
            messages.success(request, done)
            return redirect("challenges:vetting")
    return render(
        request,
        "challenges/vetting_decide.html",
        {
            "challenge": challenge,
            "awaiting_vetting": challenge.state == ChallengeState.SUBMITTED,
            "form": form,
            "kpis": challenge.kpis.all(),
            "attachments": challenge.attachments.all(),
            "history": selectors.challenge_history(challenge),
            "record": challenge.eligibility_record,
        },
    )
