"""Appeals: the bidder files one after the decision; the programme office answers it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from challenges.models import Bid
from entities.rules import is_operator, membership_of

from .. import appeals, reopening, rules
from ..desk_forms import AppealDecisionForm, AppealForm, ReopenDecisionForm
from ..models import Appeal
from ._common import operator_challenge_or_404, show_errors


def _bid_and_appeal_or_404(request: HttpRequest, pk: int) -> tuple[Bid, Appeal | None]:
    """The bid and its appeal, for its own members, the demand entity (once appealed), operators."""
    bid = Bid.objects.select_related("applicant", "challenge__organization").filter(pk=pk).first()
    if bid is None:
        raise Http404
    appeal = Appeal.objects.filter(bid=bid).select_related("filed_by", "decided_by").first()
    if appeal is not None:
        appeal.bid, appeal.challenge = bid, bid.challenge
        if not rules.can_view_appeal(request.user, appeal):
            raise Http404
    elif not (is_operator(request.user) or membership_of(request.user, bid.applicant)):
        raise Http404
    return bid, appeal


@login_required
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    bid, existing = _bid_and_appeal_or_404(request, pk)
    decision = bid.challenge.decision if hasattr(bid.challenge, "decision") else None
    context = {
        "bid": bid,
        "challenge": bid.challenge,
        "appeal": existing,
        "deadline": rules.appeal_deadline(decision) if decision else None,
        "refusal": rules.appeal_refusal(request.user, bid, now=timezone.now()),
        "confirming": False,
        "window": settings.APPEAL_WINDOW_DAYS,
        "can_reopen": reopening.can_reopen_decision(request.user, bid.challenge),
    }
    if existing is None:
        form = AppealForm(request.POST or None)
        if request.method == "POST" and context["refusal"] is None and form.is_valid():
            if request.POST.get("confirm") != "yes":
                context["confirming"] = True
            elif _file(request, bid, form):
                return redirect("evaluation:appeal", bid.pk)
        context["form"] = form
    elif rules.can_decide_appeal(request.user, existing):
        form = AppealDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if request.POST.get("confirm") != "yes":
                context["confirming"] = True
            elif _decide(request, existing, form):
                return redirect("evaluation:appeal", bid.pk)
        context["decide_form"] = form
    return render(request, "evaluation/appeal.html", context)


def _file(request: HttpRequest, bid: Bid, form: AppealForm) -> bool:
    try:
        appeals.appeal_file(bid=bid, grounds=form.cleaned_data["grounds"], by=request.user)
    except ValidationError as exc:
        show_errors(request, exc, form)
        return False
    messages.success(
        request, _("Your appeal is filed. The programme office will answer it with reasons.")
    )
    return True


def _decide(request: HttpRequest, appeal: Appeal, form: AppealDecisionForm) -> bool:
    uphold = form.cleaned_data["outcome"] == AppealDecisionForm.UPHOLD
    try:
        appeals.appeal_decide(
            appeal=appeal, uphold=uphold, response=form.cleaned_data["response"], by=request.user
        )
    except ValidationError as exc:
        show_errors(request, exc, form)
        return False
    messages.success(
        request,
        _("The appeal is upheld; decide on the lead again.")
        if uphold
        else _("The appeal is rejected; the decision stands."),
    )
    return True


@login_required
def reopen_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopen the lead decision after an upheld appeal: the reason, a confirmation, the change."""
    challenge = operator_challenge_or_404(request, pk)
    back = reverse("evaluation:operator_challenge", args=[challenge.pk])
    refusal = reopening.reopen_refusal(challenge)
    if refusal:
        messages.error(request, refusal)
        return redirect(back)
    form = ReopenDecisionForm(request.POST or None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") != "yes":
            confirming = True
        else:
            try:
                reopening.decision_reopen(
                    challenge=challenge, reason=form.cleaned_data["reason"], by=request.user
                )
            except ValidationError as exc:
                show_errors(request, exc, form)
            else:
                messages.success(
                    request,
                    _(
                        "The decision is reopened: every bid is back under review and every "
                        "bidder has been told. Select the lead again when ready."
                    ),
                )
                return redirect(back)
    context = {
        "challenge": challenge,
        "form": form,
        "confirming": confirming and not form.errors,
        "decision": getattr(challenge, "decision", None),
        "upheld": [a for a in appeals.blocking_appeals(challenge) if not a.is_open],
    }
    return render(request, "evaluation/reopen_decision.html", context)
