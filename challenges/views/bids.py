"""Bid pages: apply to lead, the draft form, the overview, submission, withdraw, reopen, rule out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from entities import rules as entity_rules

from .. import lifecycle, rules, selectors, services
from ..documents import available_documents
from ..enums import BidState, DocumentKind, PartnerStatus
from ..forms import (
    AttachmentForm,
    BidForm,
    BudgetFormSet,
    MilestoneFormSet,
    ModesForm,
    TeamFormSet,
)
from ..models import Bid, BidPartner
from ..prechecks import Precheck, bid_completeness, bid_precheck
from ._common import (
    autosave_response,
    bid_or_404,
    bid_page_context,
    challenge_or_404,
    error_messages,
    is_autosave,
    reason_page,
)

# Where "Save" goes next, by the button pressed (`then`); the edit page otherwise.
_AFTER_SAVE = {"partners": "challenges:bid_partners", "submit": "challenges:bid_submit"}


@login_required
def bid_create(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_or_404(request, pk)
    organization = request.organization or None
    if request.method != "POST":
        return redirect("challenges:detail", challenge.pk)
    existing = selectors.active_bid(challenge, organization)
    if existing is not None:
        messages.info(request, _("Your organization already has a bid for this challenge."))
        return redirect("challenges:bid_detail", existing.pk)
    if not rules.can_create_bid(request.user, organization, challenge):
        messages.error(
            request,
            _(
                "Only editors of a Chinese organization can apply to lead, while the challenge is open for bids."
            ),
        )
        return redirect("challenges:detail", challenge.pk)
    try:
        bid = services.bid_create(challenge=challenge, applicant=organization, by=request.user)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("challenges:detail", challenge.pk)
    messages.success(
        request, _("A draft bid was created. Fill it in, invite your partners, then submit.")
    )
    return redirect("challenges:bid_edit", bid.pk)


def _invitations_to_answer(user, bid: Bid) -> list[BidPartner]:
    """Partner invitations of this bid that `user` may answer for an organization."""
    return [
        p
        for p in bid.partners.all()
        if p.organization_id
        and p.status == PartnerStatus.INVITED
        and rules.can_respond_for_partner(user, p)
    ]


@login_required
def bid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bid = bid_or_404(request, pk)
    user = request.user
    is_applicant = rules.is_applicant_member(user, bid)
    is_operator = entity_rules.is_operator(user)
    # The applicant's draft shows what submitting would refuse: the same pre-check as the guard.
    precheck = bid_precheck(bid) if is_applicant and bid.state == BidState.DRAFT else None
    return render(
        request,
        "challenges/bid_detail.html",
        bid_page_context(
            bid,
            is_applicant=is_applicant,
            is_operator=is_operator,
            is_selected=bid.state == BidState.SELECTED,
            can_edit=rules.can_edit_bid(user, bid),
            can_withdraw=rules.can_withdraw_bid(user, bid),
            can_reopen=rules.can_reopen_bid(user, bid),
            can_mark_ineligible=rules.can_mark_bid_ineligible(user, bid),
            my_partner_rows=_invitations_to_answer(user, bid),
            history=selectors.bid_history(bid) if is_applicant or is_operator else None,
            precheck=precheck,
            pdf_documents=_pdf_documents(user, bid),
        ),
    )


def _pdf_documents(user, bid: Bid) -> list[tuple[str, str]]:
    """(kind, label) of the PDF documents the user may download for the bid."""
    if not rules.can_download_bid_documents(user, bid):
        return []
    return [(kind, DocumentKind(kind).label) for kind in available_documents(bid)]


# --------------------------------------------------------------------------- the draft form
def _bid_forms(bid: Bid, data) -> dict:
    """The form and formsets of the bid page, bound to `data` or filled from the bid."""
    return {
        "form": BidForm(data, instance=bid),
        "modes_form": ModesForm(
            data,
            prefix="modes",
            initial_plans={p.mode: p.plan for p in bid.mode_plans.all()},
            sought=bid.challenge.cooperation_modes,
        ),
        "team": TeamFormSet(
            data,
            prefix="team",
            initial=[
                {"name": t.name, "role": t.role, "affiliation": t.affiliation}
                for t in bid.team.all()
            ],
        ),
        "budget": BudgetFormSet(
            data,
            prefix="budget",
            initial=[{"item": b.item, "amount": b.amount} for b in bid.budget_lines.all()],
        ),
        "milestones": MilestoneFormSet(
            data,
            prefix="ms",
            initial=[
                {
                    "deliverable": m.deliverable,
                    "due_month": m.due_month,
                    "acceptance_criterion": m.acceptance_criterion,
                    "evidence_expected": m.evidence_expected,
                }
                for m in bid.milestones.all()
            ],
        ),
    }


def _save_bid(request: HttpRequest, bid: Bid, forms: dict) -> bool:
    """Write the valid forms through the service; False (errors shown) if it refuses."""
    form = forms["form"]
    try:
        services.bid_update(
            bid=bid,
            by=request.user,
            modes=forms["modes_form"].plans(),
            team=forms["team"].rows(),
            budget_lines=forms["budget"].rows(),
            milestones=forms["milestones"].rows(),
            **{name: form.cleaned_data[name] for name in BidForm.Meta.fields},
        )
    except ValidationError as exc:
        if not is_autosave(request):  # a background save shows no messages
            error_messages(request, exc, form)
        return False
    return True


@login_required
def bid_edit(request: HttpRequest, pk: int, attachment_form=None) -> HttpResponse:
    """The bid draft form; `attachment_form` is a rejected upload to show with its errors."""
    bid = bid_or_404(request, pk)
    if not rules.can_edit_bid(request.user, bid):
        if rules.is_applicant_member(request.user, bid):
            messages.info(
                request,
                _("A submitted bid is frozen. Withdraw it before the deadline to change it."),
            )
            return redirect("challenges:bid_detail", bid.pk)
        raise Http404
    saving = request.method == "POST" and attachment_form is None
    forms = _bid_forms(bid, (request.POST or None) if saving else None)
    if saving:
        # Validate every form, not only up to the first invalid one: all errors show at once.
        valid = [f.is_valid() for f in forms.values()]
        saved = all(valid) and _save_bid(request, bid, forms)
        if is_autosave(request):
            return autosave_response(
                request,
                saved=saved,
                url=reverse("challenges:bid_edit", args=[bid.pk]),
                completeness=bid_completeness(Bid.objects.get(pk=bid.pk)) if saved else None,
            )
        if saved:
            messages.success(request, _("Bid draft saved."))
            return redirect(
                _AFTER_SAVE.get(request.POST.get("then"), "challenges:bid_edit"), bid.pk
            )
        messages.error(request, _("The bid was not saved. Please correct the errors marked below."))
    return render(
        request,
        "challenges/bid_form.html",
        bid_page_context(
            bid,
            **forms,
            attachments=bid.attachments.all(),
            attachment_form=attachment_form or AttachmentForm(),
            completeness=bid_completeness(bid),
        ),
    )


# --------------------------------------------------------------------------- submission
def _render_bid_submit(request: HttpRequest, bid: Bid, precheck: Precheck) -> HttpResponse:
    """The submit page renders the guard's own pre-check: every reason at once."""
    return render(
        request,
        "challenges/bid_submit.html",
        bid_page_context(bid, has_partners=bool(bid.partners.all()), precheck=precheck),
    )


def _submit_bid(request: HttpRequest, bid: Bid) -> HttpResponse | None:
    """Submit; a response when done or refused by the pre-check, None to show the page again."""
    try:
        lifecycle.transition_bid(bid, "submit", by=request.user)
    except lifecycle.AlreadyDone:
        messages.info(request, _("This bid has already been submitted."))
        return redirect("challenges:bid_detail", bid.pk)
    except lifecycle.IneligibleError as exc:
        messages.error(
            request,
            _("The bid was not submitted: the rules below are not met. Nothing was changed."),
        )
        return _render_bid_submit(request, selectors.bid_detail(bid.pk), exc.precheck)
    except lifecycle.SubmissionRefused as exc:
        # The reasons are listed on the page (the pre-check); one summary up top.
        messages.error(
            request,
            _("The bid was not submitted: see what is still needed below. Nothing was changed."),
        )
        return _render_bid_submit(request, selectors.bid_detail(bid.pk), exc.precheck)
    except lifecycle.TransitionError as exc:
        error_messages(request, exc)
        return None
    messages.success(
        request,
        _("Bid submitted. It is now frozen; you can withdraw it until the deadline."),
    )
    return redirect("challenges:bid_detail", bid.pk)


@login_required
def bid_submit(request: HttpRequest, pk: int) -> HttpResponse:
    bid = bid_or_404(request, pk, content=request.method != "POST")
    if not rules.is_applicant_member(request.user, bid):
        raise Http404
    if request.method == "POST":
        if not rules.can_submit_bid(request.user, bid) and bid.state != BidState.SUBMITTED:
            raise Http404
        response = _submit_bid(request, bid)
        if response is not None:
            return response
        # Refused for another reason (e.g. changed meanwhile): show the page as it is now.
        bid = selectors.bid_detail(bid.pk)
    if bid.state != BidState.DRAFT:
        return redirect("challenges:bid_detail", bid.pk)
    return _render_bid_submit(request, bid, bid_precheck(bid))


# --------------------------------------------------------------------------- exits
@login_required
def bid_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    bid = bid_or_404(request, pk, rules.can_withdraw_bid)
    return reason_page(
        request,
        title=_("Withdraw your bid for “%(title)s”?") % {"title": bid.challenge.title},
        text=_(
            "Your partners and the programme office are told. Before the deadline you can reopen the bid and submit again; the earlier submission stays in the history."
        ),
        confirm_label=_("Withdraw bid"),
        cancel_url=bid.get_absolute_url(),
        apply=lambda reason: lifecycle.transition_bid(
            bid, "withdraw", by=request.user, reason=reason
        ),
        done=_(
            "The bid was withdrawn. Until the deadline you can reopen it, change it and submit again."
        ),
    )


@login_required
def bid_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    bid = bid_or_404(request, pk, rules.can_reopen_bid)
    if request.method == "POST":
        try:
            lifecycle.transition_bid(bid, "reopen", by=request.user)
        except lifecycle.TransitionError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The bid is a draft again. Submit it before the deadline."))
            return redirect("challenges:bid_edit", bid.pk)
    return redirect("challenges:bid_detail", bid.pk)


@login_required
def bid_mark_ineligible(request: HttpRequest, pk: int) -> HttpResponse:
    """An operator rules a submitted bid out of the competition, with a reason."""
    bid = bid_or_404(request, pk, rules.can_mark_bid_ineligible)
    return reason_page(
        request,
        title=_("Mark the bid of %(org)s ineligible?") % {"org": bid.applicant.legal_name},
        text=_(
            "The bid leaves the competition and is not ranked. The applicant is told why by "
            "e-mail. This cannot be undone."
        ),
        confirm_label=_("Mark ineligible"),
        cancel_url=bid.get_absolute_url(),
        apply=lambda reason: lifecycle.transition_bid(
            bid, "mark_ineligible", by=request.user, reason=reason
        ),
        done=_("The bid was marked ineligible."),
    )
