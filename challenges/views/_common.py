"""Helpers shared by the pages of this app: lookups that 404, the reason page, bid page context."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from entities.views import show_validation_error

from .. import lifecycle, rules, selectors
from ..enums import BidState
from ..forms import ReasonForm
from ..models import Bid, Challenge
from ..prechecks import Completeness

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


# --------------------------------------------------------------------------- autosave
def is_autosave(request: HttpRequest) -> bool:
    """A background save sent by static/challenges/autosave.js (answered in JSON)."""
    return request.method == "POST" and request.headers.get("X-Autosave") == "1"


def autosave_response(
    request: HttpRequest,
    *,
    saved: bool,
    url: str = "",
    completeness: Completeness | None = None,
) -> JsonResponse:
    """What the autosave script shows: "Saved at 14:32", or that the draft was not saved."""
    if not saved:
        return JsonResponse(
            {
                "saved": False,
                "message": _(
                    "Not saved automatically: some fields are not valid. Use “Save draft” to see "
                    "the errors."
                ),
            },
            status=422,
        )
    body: dict[str, Any] = {
        "saved": True,
        "url": url,
        "message": _("Saved at %(time)s") % {"time": timezone.localtime().strftime("%H:%M")},
    }
    if completeness is not None:
        body["completeness"] = render_to_string(
            "challenges/_completeness.html", {"completeness": completeness}, request=request
        )
    return JsonResponse(body)
