"""The evaluation desk: the panel's review quorum and the balanced allocation of bids."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from challenges import deadlines
from challenges.enums import ChallengeState

from .. import rules, services
from ..desk_forms import DeadlineForm, QuorumForm
from ..selectors.desk import allocation_plan, challenge_bid_counts
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


def _posted_pairs(request: HttpRequest) -> list[tuple[int, int]] | None:
    """The "seat:bid" pairs of the confirmed suggestion; None when one is malformed."""
    pairs = []
    for value in request.POST.getlist("pair"):
        seat, _sep, bid = value.partition(":")
        if not (seat.isdigit() and bid.isdigit()):
            return None
        pairs.append((int(seat), int(bid)))
    return pairs


@login_required
def allocation(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewers' loads and conflicts, a balanced suggestion, and its confirmation."""
    challenge = operator_challenge_or_404(request, pk)
    if request.method == "POST" and rules.can_manage_panel(request.user, challenge):
        pairs = _posted_pairs(request)
        if pairs is None:
            messages.error(request, _("The allocation could not be read. Review it again."))
        else:
            try:
                new = services.allocation_confirm(challenge=challenge, pairs=pairs, by=request.user)
            except ValidationError as exc:
                show_errors(request, exc)
            else:
                messages.success(
                    request,
                    _("The allocation is confirmed: %(n)s new bid assignments, reviewers e-mailed.")
                    % {"n": len(new)},
                )
                return redirect(reverse("evaluation:operator_challenge", args=[pk]) + "#panel")
        return redirect("evaluation:allocation", pk)
    return render(
        request,
        "evaluation/allocation.html",
        {
            "challenge": challenge,
            "plan": allocation_plan(challenge),
            "can_manage_panel": rules.can_manage_panel(request.user, challenge),
        },
    )


@login_required
def deadline(request: HttpRequest, pk: int) -> HttpResponse:
    """Close bidding early or extend the deadline: the form, a confirmation, then the change."""
    challenge = operator_challenge_or_404(request, pk)
    back = reverse("evaluation:operator_challenge", args=[challenge.pk])
    if challenge.state != ChallengeState.LISTED:
        messages.info(
            request, _("The deadline can only change while the challenge is open for bids.")
        )
        return redirect(back)
    form = DeadlineForm(request.POST or None, initial={"action": DeadlineForm.EXTEND})
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") != "yes":
            confirming = True
        elif _deadline_change(request, challenge, form):
            return redirect(back)
    return render(
        request,
        "evaluation/deadline.html",
        {
            "challenge": challenge,
            "form": form,
            "confirming": confirming and not form.errors,
            "drafts": challenge_bid_counts(challenge),
        },
    )


def _deadline_change(request: HttpRequest, challenge, form: DeadlineForm) -> bool:
    data = form.cleaned_data
    try:
        if data["action"] == DeadlineForm.CLOSE:
            deadlines.challenge_close_early(
                challenge=challenge, reason=data["reason"], by=request.user
            )
            messages.success(request, _("Bidding is closed; the submitted bids are under review."))
        else:
            deadlines.challenge_deadline_extend(
                challenge=challenge,
                deadline=data["deadline"],
                reason=data["reason"],
                by=request.user,
            )
            messages.success(request, _("The deadline is extended; bidders have been e-mailed."))
    except ValidationError as exc:
        show_errors(request, exc, form)
        return False
    return True
