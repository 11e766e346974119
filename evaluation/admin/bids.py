"""The bids on the reviewer's panels: the list, and the page with the declaration and scores.

GET never writes. A POST first records any automatic conflict the reviewer
has gained since the last check (it is safe to write then), and only then
handles the declaration or the scores.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from challenges.enums import ChallengeState

from .. import rules, selectors, services
from ..forms import ConflictForm, LateConflictForm, ReviewForm
from ..models import BidToReview
from ._common import ReviewerOnlyMixin, bid_label
from .bid_page import BidPage
from .lists import bid_list_context


class BidToReviewAdmin(ReviewerOnlyMixin, admin.ModelAdmin):
    """The bids on the reviewer's panels; each opens the declaration, then the score sheet."""

    ordering = ("challenge__title", "submitted_at", "pk")

    def get_queryset(self, request: HttpRequest):
        return selectors.reviewer_bids(request.user, queryset=BidToReview.objects.all())

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """The list in the portal's look (not Django's change list): see `lists`."""
        request.current_app = self.admin_site.name
        bids = self.get_queryset(request).order_by(*self.ordering)
        context = {**self.admin_site.each_context(request), **bid_list_context(request, bids)}
        return TemplateResponse(request, "review/bid_list.html", context)

    # ------------------------------------------------------------------ the bid page
    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ):
        request.current_app = self.admin_site.name
        obj = self.get_object(request, unquote(object_id))
        bid = selectors.bid_for_review(obj.pk) if obj is not None else None
        assignment = rules.active_assignment(request.user, bid.challenge) if bid else None
        if assignment is None:  # not on the reviewer's panels, or removed since the list
            raise Http404(_("There is no such bid among those you review."))
        page = BidPage.load(request.user, bid, assignment)
        if request.method == "POST":
            response = self._handle_post(request, page)
            if response is not None:
                return response
            page.reload()  # re-render with errors; the state may have changed meanwhile
        context = {
            **self.admin_site.each_context(request),
            "title": bid_label(bid),
            "subtitle": bid.challenge.title,
            "opts": self.opts,
            "original": obj,
            **page.context(),
        }
        return TemplateResponse(request, "review/bid_review.html", context)

    def _here(self, page: BidPage) -> HttpResponseRedirect:
        name = f"{self.admin_site.name}:evaluation_bidtoreview_change"
        return HttpResponseRedirect(reverse(name, args=[page.bid.pk]))

    def _handle_post(self, request: HttpRequest, page: BidPage) -> HttpResponse | None:
        """Redirect after a write (or a refused action); None re-renders the page with errors."""
        if _record_automatic_conflict(page):
            messages.info(
                request,
                _("Your conflict of interest is recorded; the bid is no longer shown to you."),
            )
            return self._here(page)
        action = request.POST.get("action", "")
        if action == "declare" and page.declaration is None:
            return self._post_declaration(request, page)
        if action == "late_conflict" and page.declaration is not None:
            return self._post_late_conflict(request, page)
        if action in ("save", "submit"):
            return self._post_review(request, page, submit=action == "submit")
        messages.error(request, _("That cannot be done on this page now."))
        return self._here(page)

    def _post_declaration(self, request: HttpRequest, page: BidPage) -> HttpResponse | None:
        form = page.forms["conflict_form"] = ConflictForm(request.POST, prefix="coi")
        if form.is_valid() and _attempt(
            request,
            form,
            lambda: services.conflict_declare(
                assignment=page.assignment,
                bid=page.bid,
                has_conflict=form.cleaned_data["has_conflict"],
                explanation=form.cleaned_data["explanation"],
                by=request.user,
            ),
        ):
            messages.success(request, _("Your declaration is recorded."))
            return self._here(page)
        return None

    def _post_late_conflict(self, request: HttpRequest, page: BidPage) -> HttpResponse | None:
        form = page.forms["late_form"] = LateConflictForm(request.POST, prefix="late")
        if form.is_valid() and _attempt(
            request,
            form,
            lambda: services.conflict_declare(
                assignment=page.assignment,
                bid=page.bid,
                has_conflict=True,
                explanation=form.cleaned_data["explanation"],
                by=request.user,
            ),
        ):
            messages.success(
                request,
                _("Your conflict of interest is recorded; the bid is no longer shown to you."),
            )
            return self._here(page)
        return None

    def _post_review(
        self, request: HttpRequest, page: BidPage, *, submit: bool
    ) -> HttpResponse | None:
        form = page.forms["review_form"] = ReviewForm(request.POST, criteria=page.criteria)
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below; nothing was saved."))
            return None
        # Submitting cannot be undone: the first press saves a draft and asks again (an
        # incomplete sheet goes straight to the service, which says what is missing).
        complete = all(value is not None for value, _comment in form.scores().values())
        confirming = submit and complete and request.POST.get("confirm_submit") != "yes"
        if confirming:
            submit = False
        saved = _attempt(
            request,
            form,
            lambda: services.review_save(
                assignment=page.assignment,
                bid=page.bid,
                scores=form.scores(),
                overall_comment=form.cleaned_data["overall_comment"],
                by=request.user,
                submit=submit,
            ),
        )
        if not saved:
            return None
        if confirming:
            page.forms["confirm_submit"] = True
            return None
        if submit:
            messages.success(request, _("Your review is submitted. Thank you!"))
        else:
            messages.success(request, _("Your draft is saved. Submit it when you are done."))
        return self._here(page)


def _record_automatic_conflict(page: BidPage) -> bool:
    """On POST, record the conflicts the reviewer's memberships imply; True if this bid has one.

    GET only computes them (see `BidPage`); writing waits for this POST.
    """
    if page.bid.challenge.state != ChallengeState.EVALUATION:
        return False
    recorded = services.conflicts_detect(assignment=page.assignment)
    return any(d.bid_id == page.bid.pk for d in recorded)


def _attempt(request: HttpRequest, form: Form, write: Callable[[], object]) -> bool:
    """Run a service; a refusal becomes errors on `form` and a message. True if it wrote."""
    try:
        write()
    except ValidationError as exc:
        _errors_to(request, exc, form)
        return False
    return True


def _errors_to(request: HttpRequest, exc: ValidationError, form: Form) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in exc.messages:
            form.add_error(None, message)
    messages.error(request, _("Nothing was saved: %(reason)s") % {"reason": " ".join(exc.messages)})
