"""Stage 4: the selected lead reports on its milestones, the demand entity checks them,
the programme office starts the validation and signs it off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from challenges.models import Challenge
from entities.files import serve_stored_file
from entities.rules import is_operator

from .. import rules, selectors, services
from ..enums import MilestoneState
from ..forms import MilestoneDecisionForm, MilestoneReportForm, SignOffForm
from ..models import MilestoneValidation
from ..selectors.desk import challenge_appeals
from ._common import show_errors
from .kpis import kpi_context


def _validation_challenge(request: HttpRequest, pk: int) -> Challenge:
    challenge = selectors.challenge_for_validation(pk)
    if challenge is None or not rules.can_view_validation(request.user, challenge):
        raise Http404
    return challenge


def _milestone_anchor(item: MilestoneValidation) -> str:
    return reverse("evaluation:validation", args=[item.challenge_id]) + f"#milestone-{item.pk}"


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
            "appeals": challenge_appeals(challenge),
            "validations": validations,
            "milestone_states": MilestoneState,
            "milestones": list(winner.milestones.all()) if winner and not validations else [],
            "is_operator": is_operator(user),
            "is_demand": rules.is_demand_member(user, challenge),
            "is_lead": rules.is_lead_member(user, challenge, winner),
            "can_start": rules.can_start_validation(user, challenge),
            "can_sign_off": rules.can_sign_off(user, challenge),
            "all_accepted": all_accepted,
            "sign_off_form": SignOffForm(
                initial={"action": SignOffForm.VALIDATE if all_accepted else SignOffForm.FAIL}
            ),
            "history": list(selectors.validation_history(challenge)),
            **kpi_context(user, challenge, winner),
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
            show_errors(request, exc)
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
    if not rules.can_sign_off(request.user, challenge):
        raise Http404
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _sign_off(request, challenge, form):
        return redirect("evaluation:validation", challenge.pk)
    return render(
        request,
        "evaluation/sign_off.html",
        {
            "challenge": challenge,
            "form": form,
            "all_accepted": selectors.all_milestones_accepted(challenge),
        },
    )


def _sign_off(request: HttpRequest, challenge: Challenge, form: SignOffForm) -> bool:
    """Sign the validation off or record its failure; False (errors on `form`) if refused."""
    reason = form.cleaned_data["reason"]
    try:
        if form.cleaned_data["action"] == SignOffForm.VALIDATE:
            services.validation_sign_off(challenge=challenge, by=request.user, reason=reason)
            messages.success(
                request, _("The validation is signed off. Both parties have been told.")
            )
        else:
            services.validation_fail(challenge=challenge, by=request.user, reason=reason)
            messages.success(
                request, _("The failed validation is recorded. Both parties have been told.")
            )
    except ValidationError as exc:
        show_errors(request, exc, form)
        return False
    return True


def _milestone_or_404(request: HttpRequest, pk: int, check) -> MilestoneValidation:
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
            show_errors(request, exc, form)
        else:
            messages.success(request, _("Your report is sent to the demand entity for checking."))
            return redirect(_milestone_anchor(item))
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
        accept = form.cleaned_data["decision"] == MilestoneDecisionForm.ACCEPT
        try:
            services.milestone_decide(
                validation=item,
                accept=accept,
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as exc:
            show_errors(request, exc, form)
        else:
            messages.success(
                request,
                _("Milestone accepted. The lead team has been told.")
                if accept
                else _("Milestone rejected. The lead team has been told what is missing."),
            )
            return redirect(_milestone_anchor(item))
    entries = list(item.entries.select_related("by").prefetch_related("evidence"))
    return render(
        request,
        "evaluation/milestone_decide.html",
        {"item": item, "challenge": item.challenge, "form": form, "entries": entries},
    )


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.evidence_for(pk)
    if evidence is None or not rules.can_download_evidence(request.user, evidence.entry.validation):
        raise Http404
    return serve_stored_file(
        evidence, organization=evidence.entry.validation.milestone.bid.applicant
    )
