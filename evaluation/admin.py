"""The reviewers' panel at /review/ (its own AdminSite), and read-only audit views in /admin/.

A reviewer signs in (through the portal's sign-in page) and sees only the
bids of the challenges on whose panels they sit: every queryset here is
filtered by the signed-in user, so any other id answers "does not exist"
and redirects, never showing data. Before a bid's content is shown the
reviewer declares a conflict of interest or its absence; under blind
review no applicant or partner name is printed (see `evaluation.blinding`).
The business rules live in `rules`, `services` and `selectors`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from challenges.enums import BidState, ChallengeState

from . import rules, scoring, selectors, services
from .blinding import Blinder, blinder_for
from .forms import ConflictForm, LateConflictForm, ReviewForm
from .models import (
    BidToReview,
    Decision,
    EvaluationEvent,
    Review,
    ReviewerAssignment,
)


# --------------------------------------------------------------------------- the site
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

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        request.current_app = self.name
        assignments = sorted(
            selectors.reviewer_assignments(request.user).order_by("-assigned_at", "pk"),
            # Challenges still under evaluation first: that is where work is waiting.
            key=lambda a: a.panel.challenge.state != ChallengeState.EVALUATION,
        )
        bids_by_challenge: dict[int, list] = {}
        for bid in selectors.reviewer_bids(request.user).order_by("submitted_at", "pk"):
            bids_by_challenge.setdefault(bid.challenge_id, []).append(
                {"bid": bid, "label": bid_label(bid), "status": my_status(bid)}
            )
        for assignment in assignments:
            assignment.bid_rows = bids_by_challenge.get(assignment.panel.challenge_id, [])
        context = {
            **self.each_context(request),
            "title": self.index_title,
            "assignments": assignments,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.index_template, context)


review_site = ReviewSite(name="review")


# --------------------------------------------------------------------------- helpers
STATUS_LABELS = {
    "declare": gettext_lazy("Declare conflict of interest"),
    "conflict": gettext_lazy("Conflict declared"),
    "score": gettext_lazy("To score"),
    "draft": gettext_lazy("Draft saved"),
    "submitted": gettext_lazy("Submitted"),
    "closed": gettext_lazy("Evaluation closed"),
}
STATUS_CLASSES = {
    "declare": "review-status-todo",
    "conflict": "review-status-conflict",
    "score": "review-status-todo",
    "draft": "review-status-draft",
    "submitted": "review-status-done",
    "closed": "review-status-closed",
}


def my_status(bid: Any) -> str:
    """The reviewer's own progress on a bid, from the annotations of `selectors.reviewer_bids`."""
    if getattr(bid, "my_conflict", None) is True:
        return "conflict"
    if getattr(bid, "my_review_status", None) == "submitted":
        return "submitted"
    if bid.state != BidState.UNDER_REVIEW or bid.challenge.state != ChallengeState.EVALUATION:
        return "closed"
    if getattr(bid, "my_conflict", None) is None:
        return "declare"
    if getattr(bid, "my_review_status", None) == "draft":
        return "draft"
    return "score"


def bid_label(bid: Any) -> str:
    """ "Bid 17" under blind review, "Bid 17 · Applicant" otherwise."""
    if bid.challenge.blind_review:
        return _("Bid %(number)s") % {"number": bid.pk}
    return _("Bid %(number)s · %(applicant)s") % {
        "number": bid.pk,
        "applicant": bid.applicant.legal_name,
    }


class MyChallengeFilter(admin.SimpleListFilter):
    title = gettext_lazy("challenge")
    parameter_name = "challenge"

    def lookups(self, request, model_admin):
        return [
            (str(a.panel.challenge_id), a.panel.challenge.title)
            for a in selectors.reviewer_assignments(request.user).order_by(
                "panel__challenge__title"
            )
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(challenge_id=int(value))
        return queryset


class ReviewerOnlyMixin:
    """Reviewers (and operators) may look; nobody adds or deletes anything here."""

    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return rules.can_use_review_site(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.can_use_review_site(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.can_use_review_site(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self):
        """Only the list and the one page per object: no add, delete or history views."""
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("", wrap(self.changelist_view), name=f"{prefix}_changelist"),
            path("<path:object_id>/change/", wrap(self.change_view), name=f"{prefix}_change"),
            path("<path:object_id>/", wrap(self.redirect_to_change)),
        ]

    def redirect_to_change(self, request: HttpRequest, object_id: str) -> HttpResponse:
        name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change"
        return redirect(name, object_id)


# --------------------------------------------------------------------------- panels
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
        bids = [
            {"bid": b, "label": bid_label(b), "status": my_status(b)}
            for b in selectors.reviewer_bids(request.user)
            .filter(challenge=challenge)
            .order_by("submitted_at", "pk")
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": challenge.title,
            "opts": self.opts,
            "assignment": assignment,
            "challenge": challenge,
            "kpis": list(challenge.kpis.all()),
            "criteria": selectors.rubric(challenge),
            "bid_rows": bids,
            "status_labels": STATUS_LABELS,
        }
        return TemplateResponse(request, "review/assignment.html", context)


# --------------------------------------------------------------------------- bids
class BidToReviewAdmin(ReviewerOnlyMixin, admin.ModelAdmin):
    """The bids on the reviewer's panels; each opens the declaration, then the score sheet."""

    list_display = ("label", "challenge_title", "your_status")
    list_display_links = ("label",)
    list_filter = (MyChallengeFilter,)
    list_per_page = 50
    ordering = ("challenge__title", "submitted_at", "pk")
    change_list_template = "review/bid_list.html"

    def get_queryset(self, request: HttpRequest):
        return selectors.reviewer_bids(request.user, queryset=BidToReview.objects.all())

    @admin.display(description=gettext_lazy("Bid"))
    def label(self, obj: BidToReview) -> str:
        return bid_label(obj)

    @admin.display(description=gettext_lazy("Challenge"))
    def challenge_title(self, obj: BidToReview) -> str:
        return obj.challenge.title

    @admin.display(description=gettext_lazy("Your status"))
    def your_status(self, obj: BidToReview) -> str:
        status = my_status(obj)
        return format_html(
            '<span class="review-status {}">{}</span>',
            STATUS_CLASSES[status],
            STATUS_LABELS[status],
        )

    # ------------------------------------------------------------------ the bid page
    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ):
        request.current_app = self.admin_site.name
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        bid = selectors.bid_for_review(obj.pk)
        challenge = bid.challenge
        assignment = rules.active_assignment(request.user, challenge)
        if assignment is None:  # removed between the list and the click
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if challenge.state == ChallengeState.EVALUATION:
            services.conflicts_detect(assignment=assignment)
        here = reverse(f"{self.admin_site.name}:evaluation_bidtoreview_change", args=[bid.pk])
        declaration = rules.declaration_for(assignment, bid)
        review = (
            Review.objects.filter(assignment=assignment, bid=bid).prefetch_related("scores").first()
        )
        criteria = selectors.rubric(challenge)
        can_score = rules.can_score_bid(request.user, bid) and not (review and review.is_submitted)

        conflict_form = ConflictForm(prefix="coi")
        late_form = LateConflictForm(prefix="late")
        review_form = ReviewForm(
            criteria=criteria, initial=_review_initial(review), disabled=not can_score
        )
        if request.method == "POST":
            action = request.POST.get("action", "")
            try:
                if action == "declare" and declaration is None:
                    conflict_form = ConflictForm(request.POST, prefix="coi")
                    if conflict_form.is_valid():
                        services.conflict_declare(
                            assignment=assignment,
                            bid=bid,
                            has_conflict=conflict_form.cleaned_data["has_conflict"],
                            explanation=conflict_form.cleaned_data["explanation"],
                            by=request.user,
                        )
                        messages.success(request, _("Your declaration is recorded."))
                        return HttpResponseRedirect(here)
                elif action == "late_conflict" and declaration is not None:
                    late_form = LateConflictForm(request.POST, prefix="late")
                    if late_form.is_valid():
                        services.conflict_declare(
                            assignment=assignment,
                            bid=bid,
                            has_conflict=True,
                            explanation=late_form.cleaned_data["explanation"],
                            by=request.user,
                        )
                        messages.success(
                            request,
                            _(
                                "Your conflict of interest is recorded; the bid is no longer shown to you."
                            ),
                        )
                        return HttpResponseRedirect(here)
                elif action in ("save", "submit"):
                    review_form = ReviewForm(request.POST, criteria=criteria)
                    if review_form.is_valid():
                        services.review_save(
                            assignment=assignment,
                            bid=bid,
                            scores=review_form.scores(),
                            overall_comment=review_form.cleaned_data["overall_comment"],
                            by=request.user,
                            submit=action == "submit",
                        )
                        if action == "submit":
                            messages.success(request, _("Your review is submitted. Thank you!"))
                        else:
                            messages.success(
                                request, _("Your draft is saved. Submit it when you are done.")
                            )
                        return HttpResponseRedirect(here)
                    messages.error(
                        request, _("Please correct the errors below; nothing was saved.")
                    )
                else:
                    messages.error(request, _("That cannot be done on this page now."))
                    return HttpResponseRedirect(here)
            except ValidationError as exc:
                _errors_to(
                    request,
                    exc,
                    review_form
                    if action in ("save", "submit")
                    else conflict_form
                    if action == "declare"
                    else late_form,
                )
            # fall through: re-render with errors; the state may have changed, so reload it
            declaration = rules.declaration_for(assignment, bid)
            review = (
                Review.objects.filter(assignment=assignment, bid=bid)
                .prefetch_related("scores")
                .first()
            )

        partners = list(bid.partners.all())
        blinder = blinder_for(bid, partners)
        readable = (
            declaration is not None
            and not declaration.has_conflict
            and rules.can_read_bid_for_review(request.user, bid)
        )
        context = {
            **self.admin_site.each_context(request),
            "title": bid_label(bid),
            "subtitle": challenge.title,
            "opts": self.opts,
            "original": obj,
            "bid": bid,
            "challenge": challenge,
            "assignment": assignment,
            "declaration": declaration,
            "blind": blinder.active,
            "identity": None if blinder.active else _identity(bid, partners),
            "conflict_form": conflict_form,
            "late_form": late_form,
            "readable": readable,
            "open_for_declaration": challenge.state == ChallengeState.EVALUATION
            and bid.state == BidState.UNDER_REVIEW,
        }
        if readable:
            my_review_done = bool(review and review.is_submitted)
            context.update(
                {
                    "content": _bid_content(bid, partners, blinder),
                    "review": review,
                    "review_form": review_form,
                    "can_score": can_score,
                    "criteria": criteria,
                    "my_total": _total(review, criteria),
                    "others": _other_reviews(bid, assignment, criteria) if my_review_done else None,
                }
            )
        return TemplateResponse(request, "review/bid_review.html", context)


def _errors_to(request: HttpRequest, exc: ValidationError, form) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in exc.messages:
            form.add_error(None, message)
    messages.error(request, _("Nothing was saved: %(reason)s") % {"reason": " ".join(exc.messages)})


def _review_initial(review: Review | None) -> dict[str, Any]:
    if review is None:
        return {}
    initial: dict[str, Any] = {"overall_comment": review.overall_comment}
    for score in review.scores.all():
        initial[f"score_{score.criterion_id}"] = score.value
        initial[f"comment_{score.criterion_id}"] = score.comment
    return initial


def _total(review: Review | None, criteria) -> float | None:
    if review is None:
        return None
    values = {s.criterion_id: s.value for s in review.scores.all() if s.value is not None}
    try:
        return scoring.as_float(scoring.weighted_total(values, selectors.criterion_specs(criteria)))
    except (ValueError, scoring.RubricError):
        return None


def _other_reviews(bid, assignment: ReviewerAssignment, criteria) -> list[dict[str, Any]]:
    """The other submitted reviews, as "Reviewer 1, 2 …" (never a name)."""
    rows = []
    for index, review in enumerate(selectors.other_reviews(bid, exclude=assignment), 1):
        by_criterion = {s.criterion_id: s for s in review.scores.all()}
        rows.append(
            {
                "label": _("Reviewer %(n)s") % {"n": index},
                "total": _total(review, criteria),
                "scores": [(c, by_criterion.get(c.pk)) for c in criteria],
                "overall_comment": review.overall_comment,
            }
        )
    return rows


def _identity(bid, partners) -> dict[str, Any]:
    """Who is behind the bid, for the conflict declaration (not used under blind review)."""
    return {
        "applicant": bid.applicant.legal_name,
        "local_name": bid.applicant.local_name,
        "lead": " ".join(p for p in (bid.lead_title, bid.lead_name) if p),
        "lead_affiliation": bid.lead_affiliation,
        "partners": [p.name for p in partners],
    }


def _bid_content(bid, partners, blinder: Blinder) -> dict[str, Any]:
    """Everything the reviewer reads, with identifying text removed under blind review."""
    text = blinder.text
    record = bid.eligibility_record
    return {
        "lead": None
        if blinder.active
        else {
            "name": " ".join(p for p in (bid.lead_title, bid.lead_name) if p),
            "email": bid.lead_email,
            "affiliation": bid.lead_affiliation,
            "orcid": bid.lead_orcid,
        },
        "lead_title": bid.lead_title,
        "lead_cv": text(bid.lead_cv),
        "team": [
            {
                "name": None if blinder.active else m.name,
                "role": text(m.role),
                "affiliation": None if blinder.active else m.affiliation,
            }
            for m in bid.team.all()
        ],
        "technical_approach": text(bid.technical_approach),
        "scenario_fit": text(bid.scenario_fit),
        "modes": [(p.get_mode_display(), text(p.plan)) for p in bid.mode_plans.all()],
        "milestones": [
            {
                "due_month": m.due_month,
                "deliverable": text(m.deliverable),
                "acceptance_criterion": text(m.acceptance_criterion),
                "evidence_expected": text(m.evidence_expected),
            }
            for m in bid.milestones.all()
        ],
        "budget_total": bid.budget_total,
        "currency": bid.currency,
        "duration_months": bid.duration_months,
        "budget_lines": [(text(line.item), line.amount) for line in bid.budget_lines.all()],
        "cofunding": text(bid.cofunding),
        "partners": [
            {
                "name": (_("Partner %(n)s") % {"n": i}) if blinder.active else p.name,
                "role": text(p.role),
                "contribution": text(p.contribution),
                "status": p.get_status_display(),
            }
            for i, p in enumerate(partners, 1)
        ],
        "attachments": [
            {"pk": a.pk, "label": text(a.label), "size": a.size, "content_type": a.content_type}
            for a in bid.attachments.all()
        ],
        "eligibility": None
        if record is None
        else {
            "on_date": record.on_date,
            "ruleset": record.ruleset,
            "eligible": record.eligible,
            "results": blinder.results(_localized_results(record)),
        },
    }


def _localized_results(record) -> list[dict]:
    """A stored report's results with texts rendered again in the reader's language."""
    from entities.eligibility import EligibilityReport

    try:
        return [r.as_dict() for r in EligibilityReport.from_dict(record.report).results]
    except (KeyError, TypeError, ValueError):
        return record.results


review_site.register(ReviewerAssignment, MyPanelAdmin)
review_site.register(BidToReview, BidToReviewAdmin)


# --------------------------------------------------------------------------- /admin/ (operators)
class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit views: everything changes through the evaluation pages and their services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("challenge", "bid", "decided_by", "decided_at")
    list_select_related = ("challenge", "bid__applicant", "bid__challenge", "decided_by")
    readonly_fields = ("challenge", "bid", "rationale", "ranking", "decided_by", "decided_at")


@admin.register(EvaluationEvent)
class EvaluationEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "challenge", "action", "actor", "subject")
    list_filter = ("action",)
    list_select_related = ("challenge", "actor")
    search_fields = ("challenge__title", "subject")
    date_hierarchy = "at"
