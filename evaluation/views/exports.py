"""The spreadsheet of every review for the programme office (a 404 for anyone else)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from core.resources import FORMATS, download

from .. import rules
from ..resources import review_resource
from ..selectors.exports import reviews_for_export


@login_required
def reviews_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if not rules.can_export_reviews(request.user) or fmt not in FORMATS:
        raise Http404
    return download(review_resource().export_rows(reviews_for_export(), fmt), fmt, "reviews")
