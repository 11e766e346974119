"""Helpers shared by the pages of this app: lookups that 404, the reason page, bid page context."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from entities.views import show_validation_error

from .. import lifecycle, rules, selectors
from ..enums import BidState
from ..forms import ReasonForm
from ..models import Bid, Challenge

# Services raise ValidationError; the pages show it next to the fields or as messages.
error_messages = show_validation_error


def reason_page(request, *, title, text, confirm_label, cancel_url, apply, done) -> HttpResponse:
    """Confirm a transition that needs a reason (withdraw, cancel, rule ineligible)."""
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            apply(form.cleaned_data["reason"])
        except lifecycle.TransitionError as exc:
            error_messages(request, exc, form)
        else:
            messages.success(request, done)
            return redirect(cancel_url)
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "text": text,
            "form": form,
            "confirm_label": confirm_label,
            "cancel_url": cancel_url,
            "danger": True,
        },
    )


def challenge_or_404(request: HttpRequest, pk: int, check=rules.can_view_challenge) -> Challenge:
    """The challenge, or 404 when the user may not see it or fails `check` (never 403)."""
    challenge = selectors.challenge_detail(pk)
    if challenge is None or not rules.can_view_challenge(request.user, challenge):
        raise Http404
    if check is not rules.can_view_challenge and not check(request.user, challenge):
        raise Http404
    return challenge


def bid_or_404(request: HttpRequest, pk: int, check=None, *, content: bool = True) -> Bid:
    """The bid, or 404 when the user may not see it or fails `check` (never 403).

    `content=False` loads the bid without its plans, team, budget, milestones,
    attachments and partners (a POST that hands it to a service needs none).
    """
    bid = selectors.bid_detail(pk) if content else selectors.bid_head(pk)
    if bid is None or not rules.can_view_bid(request.user, bid):
        raise Http404
    if check is not None and not check(request.user, bid):
        raise Http404
    return bid


def bid_page_context(bid: Bid, **extra: Any) -> dict[str, Any]:
    """What every page with the bid's header (`_bid_head.html`) needs."""
    return {
        "bid": bid,
        "challenge": bid.challenge,
        "bid_is_draft": bid.state == BidState.DRAFT,
        **extra,
    }
