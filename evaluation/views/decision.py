"""The ranking export and the lead decision (stage 3), for the programme office."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.enums import AuditAction

from .. import rules, selectors, services
from ..desk_forms import DecisionForm
from ..resources import FORMATS, RankingResource
from ..selectors.quorum import quorum_state
from ._common import operator_challenge_or_404, show_errors


@login_required
def ranking_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    challenge = operator_challenge_or_404(request, pk)
    if fmt not in FORMATS:
        raise Http404
    rows = selectors.ranking(challenge)
    content = RankingResource(selectors.rubric(challenge)).export_rows(rows, fmt)
    response = HttpResponse(content, content_type=FORMATS[fmt]().get_content_type())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"ranking-{challenge.pk}-{slugify(challenge.title)[:40]}-{stamp}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    audit_record(
        AuditAction.EXPORT_DOWNLOADED,
        obj=challenge,
        details={"name": name, "format": fmt, "rows": len(rows)},
    )
    return response


DECISION_RANKING_ROWS = 20


@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Select the lead: the form, then a confirmation step, then exactly one decision."""
    challenge = operator_challenge_or_404(request, pk)
    back = reverse("evaluation:operator_challenge", args=[challenge.pk])
    if not rules.can_select_lead(request.user, challenge):
        messages.info(
            request, _("The lead can only be selected while the challenge is under evaluation.")
        )
        return redirect(back)
    candidates = selectors.lead_candidates(challenge)
    ranking = selectors.ranking(challenge)
    quorum = quorum_state(challenge)
    form = DecisionForm(
        request.POST or None,
        bids=candidates,
        quorum_met=quorum.met,
        initial={"bid": ranking[0].bid.pk if ranking else None},
    )
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") != "yes":
            confirming = True
        elif _decision_create(request, challenge, form):
            return redirect(back)
    chosen = (
        form.cleaned_data.get("bid") if form.is_bound and hasattr(form, "cleaned_data") else None
    )
    return render(
        request,
        "evaluation/decide.html",
        {
            "challenge": challenge,
            "form": form,
            # The top of the (cached) ranking; the full table is on the challenge's page.
            "ranking": ranking[:DECISION_RANKING_ROWS],
            "ranking_total": len(ranking),
            "quorum": quorum,
            "confirming": confirming and not form.errors,
            "chosen": chosen,
            "others": [b for b in candidates if chosen is None or b.pk != chosen.pk],
        },
    )


def _decision_create(request: HttpRequest, challenge, form: DecisionForm) -> bool:
    """Record the confirmed decision; False (with the errors on `form`) when it is refused."""
    try:
        decision = services.decision_create(
            challenge=challenge,
            bid=form.cleaned_data["bid"],
            rationale=form.cleaned_data["rationale"],
            quorum_override=form.cleaned_data.get("quorum_override", ""),
            by=request.user,
        )
    except ValidationError as exc:
        show_errors(request, exc, form)
        return False
    messages.success(
        request,
        _("%(lead)s is selected as the lead. Every bidder has been e-mailed its feedback.")
        % {"lead": decision.bid.applicant.legal_name},
    )
    return True
