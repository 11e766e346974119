"""The review panel at /review/: its own AdminSite, for reviewers (and operators) only."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from challenges.enums import ChallengeState

from .. import rules, selectors
from ..models import BidToReview, ReviewerAssignment
from ._common import BidRow
from .assignments import MyPanelAdmin
from .bids import BidToReviewAdmin

#: Bids per panel on the index; the rest are on the review site's paginated bid list.
INDEX_BIDS_PER_PANEL = 20


class ReviewSite(admin.AdminSite):
    """Admits active reviewers and operators; each sees only their own assignments."""

    site_header = gettext_lazy("Review panel · ASEAN–Guangxi AI Challenges")
    site_title = gettext_lazy("Review panel")
    index_title = gettext_lazy("Your review assignments")
    index_template = "review/index.html"
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        return rules.can_use_review_site(request.user)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """Sign-in happens on the portal's own page (rate limits, two-factor, demo guard)."""
        request.current_app = self.name
        target = request.GET.get("next", "")
        if not target.startswith(f"/{self.name}/") or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse(f"{self.name}:index")
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(target)
            return TemplateResponse(
                request, "review/no_access.html", {**self.each_context(request)}, status=403
            )
        return redirect(f"{reverse('account_login')}?next={quote(target)}")

    def password_change(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        """Passwords (and two-factor) are managed on the portal's account pages."""
        return redirect("account_change_password")

    def logout(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """Signing out happens on the portal's own page (the admin's page looks like another site)."""
        return redirect("account_logout")

    def app_index(
        self, request: HttpRequest, app_label: str, extra_context: dict | None = None
    ) -> HttpResponse:
        """The admin's per-app index would look like another site: the panel's index instead."""
        return redirect(f"{self.name}:index")

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        request.current_app = self.name
        assignments = sorted(
            selectors.reviewer_assignments(request.user).order_by("-assigned_at", "pk"),
            # Challenges still under evaluation first: that is where work is waiting.
            key=lambda a: a.panel.challenge.state != ChallengeState.EVALUATION,
        )
        rows_by_challenge: dict[int, list[BidRow]] = {}
        # A panel of 1,000 bids shows its first ones here; all of them on the paginated list.
        first = selectors.reviewer_bids_first(request.user, INDEX_BIDS_PER_PANEL)
        # A row shows the bid's number, its lead (unless blind) and the reviewer's status.
        first = first.only(
            "id",
            "challenge_id",
            "state",
            "submitted_at",
            "challenge__state",
            "challenge__blind_review",
            "challenge__original_language",
            "applicant__legal_name",
        )
        for bid in first:
            rows_by_challenge.setdefault(bid.challenge_id, []).append(BidRow.of(bid))
        for assignment in assignments:
            assignment.bid_rows = rows_by_challenge.get(assignment.panel.challenge_id, [])
        context = {
            **self.each_context(request),
            "title": self.index_title,
            "assignments": assignments,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.index_template, context)


review_site = ReviewSite(name="review")
review_site.register(ReviewerAssignment, MyPanelAdmin)
review_site.register(BidToReview, BidToReviewAdmin)
