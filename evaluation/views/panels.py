"""The programme office's evaluation pages: the list, one challenge, its panel and rubric."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from challenges.enums import ChallengeState

from .. import reopening, rules, scoring, selectors, services
from ..desk_forms import QuorumForm
from ..enums import AssignmentStatus
from ..forms import (
    AssignReviewerForm,
    CriterionFormSet,
    InviteReviewerForm,
    RemoveReviewerForm,
    criterion_initial,
)
from ..models import ReviewerAssignment
from ..selectors.desk import challenge_appeals, reviewer_loads, superseded_decisions
from ..selectors.quorum import quorum_state
from ._common import operator_challenge_or_404, show_errors

# The operator's list, grouped: key, heading, the challenge states in the group.
OPERATOR_GROUPS = (
    ("evaluation", gettext_lazy("Under evaluation"), (ChallengeState.EVALUATION,)),
    (
        "listed",
        gettext_lazy("Open for bids, or past the deadline and about to close"),
        (ChallengeState.LISTED,),
    ),
    (
        "lead",
        gettext_lazy("Lead assigned and in validation"),
        (ChallengeState.LEAD_ASSIGNED, ChallengeState.IN_VALIDATION),
    ),
    (
        "done",
        gettext_lazy("Finished"),
        (ChallengeState.VALIDATED, ChallengeState.FAILED_VALIDATION),
    ),
)


def _to_panel(challenge) -> str:
    return reverse("evaluation:operator_challenge", args=[challenge.pk]) + "#panel"


@login_required
def operator_index(request: HttpRequest) -> HttpResponse:
    if not rules.can_manage_evaluation(request.user):
        raise Http404
    challenges = list(selectors.operator_challenges())
    groups = [
        (key, label, [c for c in challenges if c.state in states])
        for key, label, states in OPERATOR_GROUPS
    ]
    return render(
        request,
        "evaluation/operator_index.html",
        {"groups": groups, "total": len(challenges), "states": ChallengeState},
    )


#: Rows of the ranking table per page (a popular challenge has 1,000 bids).
RANKING_PAGE_SIZE = 50


def _ranking_page(request: HttpRequest, challenge) -> dict:
    """One page of the (cached) ranking; the downloads hold every row."""
    page = Paginator(selectors.ranking(challenge), RANKING_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return {"ranking": page.object_list, "page_obj": page}


#: History entries on the page: a popular challenge has 10,000 (every review, every seat).
HISTORY_ENTRIES = 30


def _recent_history(challenge) -> dict:
    """The latest entries, oldest first, and whether older ones exist (one query)."""
    latest = list(
        selectors.evaluation_history(challenge).order_by("-at", "-pk")[: HISTORY_ENTRIES + 1]
    )
    return {
        "history": latest[:HISTORY_ENTRIES][::-1],
        "history_more": len(latest) > HISTORY_ENTRIES,
    }


@login_required
def operator_challenge(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = operator_challenge_or_404(request, pk)
    panel = selectors.panel_of(challenge)
    context = {
        "challenge": challenge,
        "panel": panel,
        "criteria": selectors.cached_rubric(challenge),
        "rubric_locked": selectors.cached_rubric_is_locked(challenge),
        "can_manage_panel": rules.can_manage_panel(request.user, challenge),
        "can_select": rules.can_select_lead(request.user, challenge),
        "in_validation_stage": challenge.state in rules.VALIDATION_STATES,
        "assignment_states": AssignmentStatus,
        "decision": selectors.decision_of(challenge),
        "appeals": challenge_appeals(challenge),
        "can_reopen": reopening.can_reopen_decision(request.user, challenge),
        "superseded": superseded_decisions(challenge),
        **_recent_history(challenge),
        "trim_from": scoring.TRIM_FROM,
        "disagreement": scoring.DISAGREEMENT_SPREAD,
    }
    if panel is not None:
        work = {load.assignment.pk: load.status_label for load in reviewer_loads(challenge)}
        assignments = selectors.panel_assignments(challenge)
        for assignment in assignments:
            assignment.work_label = work.get(assignment.pk)
        context.update(
            {
                "assignments": assignments,
                **_ranking_page(request, challenge),
                "assign_form": AssignReviewerForm(pool=selectors.reviewer_pool(challenge)),
                "invite_form": InviteReviewerForm(),
                "quorum": quorum_state(challenge),
                "quorum_form": QuorumForm(initial={"min_reviews": panel.min_reviews}),
            }
        )
    return render(request, "evaluation/operator_challenge.html", context)


@login_required
@require_POST
def panel_create(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = operator_challenge_or_404(request, pk)
    try:
        services.panel_create(challenge=challenge, by=request.user)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(
            request,
            _(
                "The panel is set up with the default rubric. Adjust the rubric, then assign reviewers."
            ),
        )
    return redirect("evaluation:operator_challenge", challenge.pk)


@login_required
@require_POST
def reviewer_assign(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = operator_challenge_or_404(request, pk)
    form = AssignReviewerForm(request.POST, pool=selectors.reviewer_pool(challenge))
    if form.is_valid():
        reviewer = form.cleaned_data["reviewer"]
        try:
            services.reviewer_assign(challenge=challenge, reviewer=reviewer, by=request.user)
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(
                request,
                _("%(name)s is on the panel and has been told by e-mail.") % {"name": reviewer},
            )
    else:
        messages.error(request, _("Choose a reviewer from the list."))
    return redirect(_to_panel(challenge))


@login_required
@require_POST
def reviewer_invite(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = operator_challenge_or_404(request, pk)
    form = InviteReviewerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid e-mail address."))
        return redirect(_to_panel(challenge))
    try:
        assignment = services.reviewer_invite(
            challenge=challenge, email=form.cleaned_data["email"], by=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if assignment.status == AssignmentStatus.INVITED:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": assignment.invited_email},
            )
        else:
            messages.success(
                request,
                _("%(name)s already has an account and is now on the panel.")
                % {"name": assignment.reviewer},
            )
    return redirect(_to_panel(challenge))


@login_required
def reviewer_remove(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    challenge = operator_challenge_or_404(request, pk)
    assignment = get_object_or_404(
        ReviewerAssignment.objects.select_related("reviewer", "panel"),
        pk=assignment_pk,
        panel__challenge=challenge,
    )
    back = _to_panel(challenge)
    form = RemoveReviewerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reviewer_remove(
                assignment=assignment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(
                request,
                _("%(name)s is no longer on the panel.") % {"name": assignment.display_name},
            )
        return redirect(back)
    return render(
        request,
        "confirm.html",
        {
            "title": _("Take %(name)s off the panel?") % {"name": assignment.display_name},
            "text": _(
                "Their reviews of this challenge stop counting in the ranking, and they can no longer open its bids."
            ),
            "confirm_label": _("Remove from the panel"),
            "cancel_url": back,
            "danger": True,
            "form": form,
        },
    )


@login_required
def rubric_edit(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = operator_challenge_or_404(request, pk)
    if selectors.panel_of(challenge) is None:
        messages.info(request, _("Set up the review panel first."))
        return redirect("evaluation:operator_challenge", challenge.pk)
    criteria = selectors.rubric(challenge)
    locked = selectors.rubric_is_locked(challenge) or not rules.can_manage_panel(
        request.user, challenge
    )
    formset = CriterionFormSet(
        request.POST or None, initial=criterion_initial(criteria), prefix="criteria"
    )
    if request.method == "POST" and locked:
        messages.error(
            request,
            _(
                "The rubric is locked: a reviewer has already submitted a review with it. Nothing was changed."
            ),
        )
        return redirect("evaluation:operator_challenge", challenge.pk)
    if request.method == "POST" and formset.is_valid():
        try:
            services.rubric_save(challenge=challenge, criteria=formset.rows(), by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                formset._non_form_errors = formset.error_class(
                    [*formset.non_form_errors(), message]
                )
        else:
            messages.success(request, _("The rubric is saved."))
            return redirect("evaluation:operator_challenge", challenge.pk)
    return render(
        request,
        "evaluation/rubric_form.html",
        {"challenge": challenge, "formset": formset, "locked": locked, "criteria": criteria},
    )
