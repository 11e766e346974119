"""Spreadsheets of every challenge and bid for the programme office (a 404 for anyone else)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from core.resources import FORMATS, download

from .. import rules
from ..resources import bid_resource, challenge_resource
from ..selectors.exports import bids_for_export, challenges_for_export


def _check(request: HttpRequest, fmt: str) -> None:
    if not rules.can_export_programme_data(request.user) or fmt not in FORMATS:
        raise Http404


@login_required
def challenges_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _check(request, fmt)
    content = challenge_resource().export_rows(challenges_for_export(), fmt)
    return download(content, fmt, "challenges")


@login_required
def bids_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _check(request, fmt)
    return download(bid_resource().export_rows(bids_for_export(), fmt), fmt, "bids")
