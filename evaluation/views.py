"""Operator pages (panels, rubric, ranking, lead decision), the demand entity's nomination,
the validation pages of stage 4 and the reviewer invitation landing page.

Views hold no business rules: they check `rules` (404 when it fails), call
`services` and `selectors`, and turn ValidationErrors into form errors.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from challenges.enums import BidState
from challenges.models import Bid, Challenge
from entities.files import serve_stored_file
from entities.rules import is_operator
from entities.views import show_validation_error

from . import rules, scoring, selectors, services
from .enums import AssignmentStatus, MilestoneState
from .forms import (
    AssignReviewerForm,
    CriterionFormSet,
    DecisionForm,
    InviteReviewerForm,
    MilestoneDecisionForm,
    MilestoneReportForm,
    NominateForm,
    RemoveReviewerForm,
    SignOffForm,
    criterion_initial,
)
from .models import MilestoneEvidence, ReviewerAssignment
from .resources import FORMATS, RankingResource

_errors = show_validation_error


def _operator_challenge(request: HttpRequest, pk: int) -> Challenge:
    if not rules.can_manage_evaluation(request.user):
        raise Http404
    challenge = selectors.challenge_for_operator(pk)
    if challenge is None:
        raise Http404
    return challenge


# --------------------------------------------------------------------------- operators
@login_required
def operator_index(request: HttpRequest) -> HttpResponse:
    if not rules.can_manage_evaluation(request.user):
        raise Http404
    challenges = list(selectors.operator_challenges())
    groups = [
        ("evaluation", _("Under evaluation"), [c for c in challenges if c.state == "evaluation"]),
        (
            "listed",
            _("Open for bids, panel being prepared"),
            [c for c in challenges if c.state == "listed"],
        ),
        (
            "lead",
            _("Lead assigned and in validation"),
            [c for c in challenges if c.state in ("lead_assigned", "in_validation")],
        ),
        (
            "done",
            _("Finished"),
            [c for c in challenges if c.state in ("validated", "failed_validation")],
        ),
    ]
    return render(
        request, "evaluation/operator_index.html", {"groups": groups, "total": len(challenges)}
    )


@login_required
def operator_challenge(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _operator_challenge(request, pk)
    panel = selectors.panel_of(challenge)
    criteria = selectors.rubric(challenge)
    context = {
        "challenge": challenge,
        "panel": panel,
        "criteria": criteria,
        "rubric_locked": selectors.rubric_is_locked(challenge),
        "can_manage_panel": rules.can_manage_panel(request.user, challenge),
        "can_select": rules.can_select_lead(request.user, challenge),
        "decision": selectors.decision_of(challenge),
        "history": list(selectors.evaluation_history(challenge)),
        "trim_from": scoring.TRIM_FROM,
        "disagreement": scoring.DISAGREEMENT_SPREAD,
    }
    if panel is not None:
        context.update(
            {
                "assignments": selectors.panel_assignments(challenge),
                "ranking": selectors.ranking(challenge),
                "assign_form": AssignReviewerForm(pool=selectors.reviewer_pool(challenge)),
                "invite_form": InviteReviewerForm(),
            }
        )
    return render(request, "evaluation/operator_challenge.html", context)


@login_required
@require_POST
def panel_create(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _operator_challenge(request, pk)
    try:
        services.panel_create(challenge=challenge, by=request.user)
    except ValidationError as exc:
        _errors(request, exc)
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
    challenge = _operator_challenge(request, pk)
    form = AssignReviewerForm(request.POST, pool=selectors.reviewer_pool(challenge))
    if form.is_valid():
        reviewer = form.cleaned_data["reviewer"]
        try:
            services.reviewer_assign(challenge=challenge, reviewer=reviewer, by=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("%(name)s is on the panel and has been told by e-mail.") % {"name": reviewer},
            )
    else:
        messages.error(request, _("Choose a reviewer from the list."))
    return redirect(reverse("evaluation:operator_challenge", args=[challenge.pk]) + "#panel")


@login_required
@require_POST
def reviewer_invite(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _operator_challenge(request, pk)
    form = InviteReviewerForm(request.POST)
    if form.is_valid():
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
    else:
        messages.error(request, _("Enter a valid e-mail address."))
    return redirect(reverse("evaluation:operator_challenge", args=[challenge.pk]) + "#panel")


@login_required
def reviewer_remove(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    challenge = _operator_challenge(request, pk)
    assignment = get_object_or_404(
        ReviewerAssignment.objects.select_related("reviewer", "panel"),
        pk=assignment_pk,
        panel__challenge=challenge,
    )
    back = reverse("evaluation:operator_challenge", args=[challenge.pk]) + "#panel"
    form = RemoveReviewerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reviewer_remove(
                assignment=assignment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _errors(request, exc)
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
    challenge = _operator_challenge(request, pk)
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
    if request.method == "POST" and not locked and formset.is_valid():
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
    elif request.method == "POST" and locked:
        messages.error(
            request,
            _(
                "The rubric is locked: a reviewer has already submitted a review with it. Nothing was changed."
            ),
        )
        return redirect("evaluation:operator_challenge", challenge.pk)
    return render(
        request,
        "evaluation/rubric_form.html",
        {"challenge": challenge, "formset": formset, "locked": locked, "criteria": criteria},
    )


@login_required
def ranking_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    challenge = _operator_challenge(request, pk)
    if fmt not in FORMATS:
        raise Http404
    rows = selectors.ranking(challenge)
    content = RankingResource(selectors.rubric(challenge)).export_rows(rows, fmt)
    response = HttpResponse(content, content_type=FORMATS[fmt]().get_content_type())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"ranking-{challenge.pk}-{slugify(challenge.title)[:40]}-{stamp}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Select the lead: the form, then a confirmation step, then exactly one decision."""
    challenge = _operator_challenge(request, pk)
    back = reverse("evaluation:operator_challenge", args=[challenge.pk])
    if not rules.can_select_lead(request.user, challenge):
        messages.info(
            request, _("The lead can only be selected while the challenge is under evaluation.")
        )
        return redirect(back)
    candidates = Bid.objects.filter(
        challenge=challenge, state=BidState.UNDER_REVIEW
    ).select_related("applicant")
    ranking = selectors.ranking(challenge)
    form = DecisionForm(
        request.POST or None,
        bids=candidates,
        initial={"bid": ranking[0].bid.pk if ranking else None},
    )
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "yes":
            try:
                decision = services.decision_create(
                    challenge=challenge,
                    bid=form.cleaned_data["bid"],
                    rationale=form.cleaned_data["rationale"],
                    by=request.user,
                )
            except ValidationError as exc:
                _errors(request, exc, form)
            else:
                messages.success(
                    request,
                    _(
                        "%(lead)s is selected as the lead. Every bidder has been e-mailed its feedback."
                    )
                    % {"lead": decision.bid.applicant.legal_name},
                )
                return redirect(back)
        else:
            confirming = True
    chosen = (
        form.cleaned_data.get("bid") if form.is_bound and hasattr(form, "cleaned_data") else None
    )
    return render(
        request,
        "evaluation/decide.html",
        {
            "challenge": challenge,
            "form": form,
            "ranking": ranking,
            "confirming": confirming and not form.errors,
            "chosen": chosen,
            "others": [b for b in candidates if chosen is None or b.pk != chosen.pk],
        },
    )


# --------------------------------------------------------------------------- the demand entity
@login_required
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = get_object_or_404(Challenge.objects.select_related("organization"), pk=pk)
    if not rules.can_nominate_reviewer(request.user, challenge):
        raise Http404
    current = selectors.nomination_of(challenge)
    members = selectors.nominable_members(challenge)
    form = NominateForm(request.POST or None, members=members)
    if request.method == "POST" and current is None and form.is_valid():
        member = form.cleaned_data["member"].user
        try:
            services.reviewer_nominate(challenge=challenge, member=member, by=request.user)
        except ValidationError as exc:
            _errors(request, exc, form)
        else:
            messages.success(
                request,
                _("%(name)s is on the review panel. They have been told by e-mail how to review.")
                % {"name": member},
            )
            return redirect("evaluation:nominate", challenge.pk)
    return render(
        request,
        "evaluation/nominate.html",
        {"challenge": challenge, "form": form, "current": current, "members": members},
    )


# --------------------------------------------------------------------------- validation
def _validation_challenge(request: HttpRequest, pk: int) -> Challenge:
    challenge = Challenge.objects.select_related("organization").filter(pk=pk).first()
    if challenge is None or not rules.can_view_validation(request.user, challenge):
        raise Http404
    return challenge


@login_required
def validation(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _validation_challenge(request, pk)
    winner = rules.selected_bid(challenge)
    user = request.user
    validations = selectors.milestone_validations(challenge)
    for item in validations:
        item.milestone.bid = winner  # already known; avoids a query per milestone in the rules
        item.challenge = challenge
        item.can_report = rules.can_report_milestone(user, item)
        item.can_decide = rules.can_decide_milestone(user, item)
    all_accepted = bool(validations) and all(
        v.state == MilestoneState.ACCEPTED for v in validations
    )
    return render(
        request,
        "evaluation/validation.html",
        {
            "challenge": challenge,
            "bid": winner,
            "decision": selectors.decision_of(challenge),
            "validations": validations,
            "milestones": list(winner.milestones.all()) if winner and not validations else [],
            "is_operator": is_operator(user),
            "is_demand": rules.is_demand_member(user, challenge),
            "is_lead": rules.is_lead_member(user, challenge, winner),
            "can_start": rules.can_start_validation(user, challenge),
            "can_sign_off": rules.can_sign_off(user, challenge),
            "all_accepted": all_accepted,
            "sign_off_form": SignOffForm(
                initial={"action": "validate" if all_accepted else "fail"}
            ),
            "history": [
                e
                for e in selectors.evaluation_history(challenge)
                if e.action.startswith(("milestone", "validat", "lead"))
            ],
        },
    )


@login_required
def validation_start(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _validation_challenge(request, pk)
    back = reverse("evaluation:validation", args=[challenge.pk])
    if not rules.can_start_validation(request.user, challenge):
        raise Http404
    if request.method == "POST":
        try:
            services.validation_start(challenge=challenge, by=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("Validation started. The lead team and the demand entity have been told."),
            )
        return redirect(back)
    return render(
        request,
        "confirm.html",
        {
            "title": _("Start the validation of “%(title)s”?") % {"title": challenge.title},
            "text": _(
                "The lead team then reports on each milestone and the demand entity accepts or rejects it."
            ),
            "confirm_label": _("Start validation"),
            "cancel_url": back,
        },
    )


@login_required
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _validation_challenge(request, pk)
    back = reverse("evaluation:validation", args=[challenge.pk])
    if not rules.can_sign_off(request.user, challenge):
        raise Http404
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["action"] == "validate":
                services.validation_sign_off(
                    challenge=challenge, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("The validation is signed off. Both parties have been told.")
                )
            else:
                services.validation_fail(
                    challenge=challenge, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("The failed validation is recorded. Both parties have been told.")
                )
        except ValidationError as exc:
            _errors(request, exc, form)
        else:
            return redirect(back)
    return render(
        request,
        "evaluation/sign_off.html",
        {
            "challenge": challenge,
            "form": form,
            "all_accepted": selectors.all_milestones_accepted(challenge),
        },
    )


def _milestone_or_404(request: HttpRequest, pk: int, check) -> object:
    validation = selectors.validation_for(pk)
    if validation is None or not rules.can_view_validation(request.user, validation.challenge):
        raise Http404
    if not check(request.user, validation):
        raise Http404
    return validation


@login_required
def milestone_report(request: HttpRequest, pk: int) -> HttpResponse:
    item = _milestone_or_404(request, pk, rules.can_report_milestone)
    form = MilestoneReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_report(
                validation=item,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
                by=request.user,
            )
        except ValidationError as exc:
            _errors(request, exc, form)
        else:
            messages.success(request, _("Your report is sent to the demand entity for checking."))
            return redirect(
                reverse("evaluation:validation", args=[item.challenge_id]) + f"#milestone-{item.pk}"
            )
    return render(
        request,
        "evaluation/milestone_report.html",
        {"item": item, "challenge": item.challenge, "form": form},
    )


@login_required
def milestone_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = _milestone_or_404(request, pk, rules.can_decide_milestone)
    form = MilestoneDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.milestone_decide(
                validation=item,
                accept=accept,
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as exc:
            _errors(request, exc, form)
        else:
            messages.success(
                request,
                _("Milestone accepted. The lead team has been told.")
                if accept
                else _("Milestone rejected. The lead team has been told what is missing."),
            )
            return redirect(
                reverse("evaluation:validation", args=[item.challenge_id]) + f"#milestone-{item.pk}"
            )
    entries = list(item.entries.select_related("by").prefetch_related("evidence"))
    return render(
        request,
        "evaluation/milestone_decide.html",
        {"item": item, "challenge": item.challenge, "form": form, "entries": entries},
    )


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = (
        MilestoneEvidence.objects.select_related("entry__validation__challenge")
        .filter(pk=pk)
        .first()
    )
    if evidence is None or not rules.can_download_evidence(request.user, evidence.entry.validation):
        raise Http404
    return serve_stored_file(evidence)


# --------------------------------------------------------------------------- invitations
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Landing page of a reviewer invitation; works before the invitee has an account."""
    assignment = (
        ReviewerAssignment.objects.select_related(
            "panel__challenge", "panel__challenge__organization", "assigned_by"
        )
        .filter(token=token, invited_email__gt="")
        .first()
    )
    if assignment is None:
        raise Http404
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.reviewer_invitation_accept(assignment=assignment, user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
            return redirect("evaluation:invitation", token)
        messages.success(
            request,
            _(
                "Welcome to the review panel. Start with the conflict-of-interest declaration for each bid."
            ),
        )
        return redirect("review:index")
    email_matches = (
        request.user.is_authenticated
        and request.user.email.lower() == assignment.invited_email.lower()
    )
    return render(
        request,
        "evaluation/invitation.html",
        {
            "assignment": assignment,
            "challenge": assignment.panel.challenge,
            "email_matches": email_matches,
        },
    )
