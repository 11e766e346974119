"""The reviewer's panel seats: one per challenge, with the challenge, its bids and the rubric."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .. import selectors
from ._common import BidRow, ReviewerOnlyMixin
from .lists import panel_list_context


class MyPanelAdmin(ReviewerOnlyMixin, admin.ModelAdmin):
    """The reviewer's panel seats: one per challenge."""

    def get_queryset(self, request: HttpRequest):
        return selectors.reviewer_assignments(request.user).order_by("-assigned_at", "pk")

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """The list in the portal's look (not Django's change list): see `lists`."""
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            **panel_list_context(request, self.get_queryset(request)),
        }
        return TemplateResponse(request, "review/panel_list.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ):
        request.current_app = self.admin_site.name
        assignment = self.get_object(request, unquote(object_id))
        if assignment is None:  # another reviewer's seat, or none at all
            raise Http404(_("There is no such review panel among yours."))
        challenge = assignment.panel.challenge
        bids = (
            selectors.reviewer_bids(request.user)
            .filter(challenge=challenge)
            .order_by("submitted_at", "pk")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": challenge.title,
            "opts": self.opts,
            "assignment": assignment,
            "challenge": challenge,
            "kpis": list(challenge.kpis.all()),
            "criteria": selectors.rubric(challenge),
            "bid_rows": [BidRow.of(b) for b in bids],
        }
        return TemplateResponse(request, "review/assignment.html", context)
