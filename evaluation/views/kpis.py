"""Achieved KPI values in the validation: the lead reports them, the demand entity confirms.

The forms sit on the validation page; these views take their posts and show
the form again on its own page when something needs correcting.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from challenges.models import Challenge

from .. import rules, selectors, services
from ..enums import KPIState
from ..forms import KPIConfirmForm, KPIReportForm
from ..selectors.results import kpi_rows
from ._common import show_errors


def kpi_context(user: Any, challenge: Challenge, bid=None) -> dict[str, Any]:
    """What the validation page shows about the KPIs, and the forms this user may fill in."""
    kpis = kpi_rows(challenge)
    context: dict[str, Any] = {"kpis": kpis, "kpi_states": KPIState}
    if rules.can_report_kpis(user, challenge, bid):
        open_kpis = [k for k in kpis if not (k.current and k.current.is_confirmed)]
        if open_kpis:
            context["kpi_report_form"] = KPIReportForm(kpis=open_kpis)
    if rules.can_confirm_kpis(user, challenge):
        reported = [k.current for k in kpis if k.current and k.current.state == KPIState.REPORTED]
        if reported:
            context["kpi_confirm_form"] = KPIConfirmForm(achievements=reported)
    return context


def _challenge(request: HttpRequest, pk: int) -> Challenge:
    challenge = selectors.challenge_for_validation(pk)
    if challenge is None or not rules.can_view_validation(request.user, challenge):
        raise Http404
    return challenge


def _back(challenge: Challenge) -> str:
    return reverse("evaluation:validation", args=[challenge.pk]) + "#kpis"


@login_required
@require_POST
def kpi_report(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    if not rules.can_report_kpis(request.user, challenge):
        raise Http404
    kpis = [k for k in kpi_rows(challenge) if not (k.current and k.current.is_confirmed)]
    form = KPIReportForm(request.POST, kpis=kpis)
    if form.is_valid():
        try:
            reported = services.kpi_results_report(
                challenge=challenge,
                values=[services.KPIValue(kpi, value, note) for kpi, value, note in form.values()],
                by=request.user,
            )
        except ValidationError as exc:
            show_errors(request, exc, form)
        else:
            if reported:
                messages.success(
                    request,
                    ngettext(
                        "%(n)s achieved value sent to the demand entity for confirmation.",
                        "%(n)s achieved values sent to the demand entity for confirmation.",
                        len(reported),
                    )
                    % {"n": len(reported)},
                )
            else:
                messages.info(request, _("Nothing changed since your last report."))
            return redirect(_back(challenge))
    return render(
        request,
        "evaluation/kpi_form.html",
        {"challenge": challenge, "kpi_report_form": form, "kpi_states": KPIState},
        status=400,
    )


@login_required
@require_POST
def kpi_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    if not rules.can_confirm_kpis(request.user, challenge):
        raise Http404
    reported = [
        k.current for k in kpi_rows(challenge) if k.current and k.current.state == KPIState.REPORTED
    ]
    form = KPIConfirmForm(request.POST, achievements=reported)
    if form.is_valid():
        try:
            services.kpi_results_decide(
                challenge=challenge,
                verdicts=[
                    services.KPIVerdict(a, ok, comment) for a, ok, comment in form.verdicts()
                ],
                by=request.user,
            )
        except ValidationError as exc:
            show_errors(request, exc, form)
        else:
            messages.success(request, _("Your answers are recorded. The lead team has been told."))
            return redirect(_back(challenge))
    return render(
        request,
        "evaluation/kpi_form.html",
        {"challenge": challenge, "kpi_confirm_form": form, "kpi_states": KPIState},
        status=400,
    )
