"""The reviewer's panel seats: one per challenge, with the challenge, its bids and the rubric."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import selectors
from ..models import ReviewerAssignment
from ._common import BidRow, ReviewerOnlyMixin


class MyPanelAdmin(ReviewerOnlyMixin, admin.ModelAdmin):
    """The reviewer's panel seats: one per challenge."""

    list_display = ("challenge_title", "posted_by", "progress", "blind", "challenge_state")
    list_display_links = ("challenge_title",)
    list_per_page = 50
    change_list_template = "review/panel_list.html"

    def get_queryset(self, request: HttpRequest):
        return selectors.reviewer_assignments(request.user).order_by("-assigned_at", "pk")

    @admin.display(description=gettext_lazy("Challenge"))
    def challenge_title(self, obj: ReviewerAssignment) -> str:
        return obj.panel.challenge.title

    @admin.display(description=gettext_lazy("Posted by"))
    def posted_by(self, obj: ReviewerAssignment) -> str:
        return obj.panel.challenge.organization.legal_name

    @admin.display(description=gettext_lazy("Your reviews"))
    def progress(self, obj: ReviewerAssignment) -> str:
        return _("%(done)s of %(total)s submitted") % {
            "done": obj.done_count,
            "total": max(obj.bid_count - obj.conflict_count, 0),
        }

    @admin.display(description=gettext_lazy("Blind review"), boolean=True)
    def blind(self, obj: ReviewerAssignment) -> bool:
        return obj.panel.challenge.blind_review

    @admin.display(description=gettext_lazy("State"))
    def challenge_state(self, obj: ReviewerAssignment) -> str:
        return obj.panel.challenge.get_state_display()

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ):
        request.current_app = self.admin_site.name
        assignment = self.get_object(request, unquote(object_id))
        if assignment is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
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
