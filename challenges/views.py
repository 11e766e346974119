"""Challenge pages: public listing and detail, drafting, submission, vetting, attachments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from entities import rules as entity_rules
from entities.eligibility import Role, check_eligibility
from entities.files import serve_stored_file
from entities.models import Organization
from entities.views import show_validation_error

from . import lifecycle, rules, selectors, services
from .enums import ChallengeState
from .forms import (
    AttachmentForm,
    BidForm,
    BudgetFormSet,
    ChallengeFilter,
    ChallengeForm,
    KPIFormSet,
    MilestoneFormSet,
    ModesForm,
    PartnerInviteForm,
    PartnerPickForm,
    PartnerResponseForm,
    ReasonForm,
    TeamFormSet,
    VettingForm,
)
from .models import Attachment, BidPartner, Challenge

PAGE_SIZE = 12


error_messages = show_validation_error


def _reason_page(request, *, title, text, confirm_label, cancel_url, apply, done):
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            apply(form.cleaned_data["reason"])
        except lifecycle.TransitionError as exc:
            error_messages(request, exc, form)
        else:
            messages.success(request, done)
            return redirect(cancel_url)
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "text": text,
            "form": form,
            "confirm_label": confirm_label,
            "cancel_url": cancel_url,
            "danger": True,
        },
    )


def _challenge_or_404(request: HttpRequest, pk: int, check=rules.can_view_challenge) -> Challenge:
    challenge = selectors.challenge_detail(pk)
    if challenge is None or not rules.can_view_challenge(request.user, challenge):
        raise Http404
    if check is not rules.can_view_challenge and not check(request.user, challenge):
        raise Http404
    return challenge


# --------------------------------------------------------------------------- public
def challenge_list(request: HttpRequest) -> HttpResponse:
    filterset = ChallengeFilter(request.GET or None, queryset=Challenge.objects.none())
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    organization = getattr(request, "organization", None) or None
    return render(
        request,
        "challenges/list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "challenges": page.object_list,
            "total": paginator.count,
            "draft_bid_ids": selectors.challenges_with_draft_bid(organization)
            if request.user.is_authenticated
            else set(),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


def challenge_detail(request: HttpRequest, pk: int, preview: bool = False) -> HttpResponse:
    challenge = _challenge_or_404(request, pk)
    user = request.user
    organization = getattr(request, "organization", None) or None
    internals = rules.can_view_challenge_internals(user, challenge)
    context = {
        "challenge": challenge,
        "preview": preview,
        "internals": internals and not preview,
        "kpis": list(challenge.kpis.all()),
        "attachments": (
            list(challenge.attachments.all())
            if internals and not preview
            else selectors.public_attachments(challenge)
        ),
        "can_edit": rules.can_edit_challenge(user, challenge),
        "can_withdraw": rules.can_withdraw_challenge(user, challenge),
        "can_cancel": rules.can_cancel_challenge(user, challenge),
        "is_operator": entity_rules.is_operator(user),
        "my_bid": selectors.active_bid(challenge, organization) if user.is_authenticated else None,
        "can_bid": rules.can_create_bid(user, organization, challenge)
        if user.is_authenticated
        else False,
    }
    if context["internals"]:
        context["history"] = selectors.challenge_history(challenge)
    return render(request, "challenges/detail.html", context)


# --------------------------------------------------------------------------- drafting
def _save_challenge(
    request: HttpRequest, challenge: Challenge | None, organization
) -> HttpResponse | None:
    form = ChallengeForm(request.POST or None, instance=challenge)
    initial_kpis = (
        [
            {"metric": k.metric, "target": k.target, "baseline": k.baseline}
            for k in challenge.kpis.all()
        ]
        if challenge
        else []
    )
    kpi_formset = KPIFormSet(request.POST or None, initial=initial_kpis, prefix="kpi")
    if request.method == "POST" and form.is_valid() and kpi_formset.is_valid():
        fields = {name: form.cleaned_data[name] for name in ChallengeForm.Meta.fields}
        fields["cooperation_modes"] = list(fields["cooperation_modes"])
        try:
            if challenge is None:
                challenge = services.challenge_create(
                    organization=organization, by=request.user, kpis=kpi_formset.rows(), **fields
                )
            else:
                challenge = services.challenge_update(
                    challenge=challenge, by=request.user, kpis=kpi_formset.rows(), **fields
                )
        except ValidationError as exc:
            error_messages(request, exc, form)
        else:
            messages.success(request, _("Draft saved."))
            target = request.POST.get("then")
            if target == "preview":
                return redirect("challenges:preview", challenge.pk)
            if target == "submit":
                return redirect("challenges:submit", challenge.pk)
            if target == "attachments":
                return redirect("challenges:attachments", challenge.pk)
            return redirect("challenges:edit", challenge.pk)
    report = None
    missing = []
    if challenge is not None:
        report = check_eligibility(
            challenge.organization,
            role=Role.DEMAND,
            on=timezone.now(),
            modes=challenge.cooperation_modes,
        )
        missing = lifecycle.challenge_missing(challenge)
    return render(
        request,
        "challenges/form.html",
        {
            "form": form,
            "kpi_formset": kpi_formset,
            "challenge": challenge,
            "organization": organization,
            "report": report,
            "missing": missing,
        },
    )


@login_required
def challenge_create(request: HttpRequest) -> HttpResponse:
    organization = request.organization or None
    if not rules.can_create_challenge(request.user, organization):
        return render(request, "challenges/cannot_create.html", {"organization": organization})
    return _save_challenge(request, None, organization)


@login_required
def challenge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge_or_404(request, pk, rules.can_view_challenge_internals)
    if not rules.can_edit_challenge(request.user, challenge):
        if challenge.state != ChallengeState.DRAFT and rules.is_challenge_member(
            request.user, challenge
        ):
            messages.info(
                request,
                _("Only a draft can be edited. This challenge is “%(state)s”.")
                % {"state": challenge.get_state_display()},
            )
            return redirect("challenges:detail", challenge.pk)
        raise Http404
    return _save_challenge(request, challenge, challenge.organization)


@login_required
def challenge_preview(request: HttpRequest, pk: int) -> HttpResponse:
    _challenge_or_404(request, pk, rules.can_view_challenge_internals)
    return challenge_detail(request, pk, preview=True)


@login_required
def challenge_submit(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge_or_404(request, pk, rules.can_view_challenge_internals)
    if not rules.can_submit_challenge(request.user, challenge):
        if challenge.state == ChallengeState.SUBMITTED and rules.is_challenge_member(
            request.user, challenge
        ):
            messages.info(request, _("This challenge has already been submitted."))
            return redirect("challenges:detail", challenge.pk)
        raise Http404
    report = check_eligibility(
        challenge.organization,
        role=Role.DEMAND,
        on=timezone.now(),
        modes=challenge.cooperation_modes,
    )
    missing = lifecycle.challenge_missing(challenge)
    if request.method == "POST":
        try:
            lifecycle.transition_challenge(challenge, "submit", by=request.user)
        except lifecycle.AlreadyDone:
            messages.info(request, _("This challenge has already been submitted."))
            return redirect("challenges:detail", challenge.pk)
        except lifecycle.IneligibleError as exc:
            report = exc.report
            messages.error(
                request,
                _(
                    "The challenge was not submitted: your organization does not meet every rule yet. Your draft is unchanged."
                ),
            )
        except lifecycle.TransitionError as exc:
            error_messages(request, exc)
        else:
            messages.success(
                request,
                _(
                    "Submitted. The programme office will vet the challenge and publish it or come back to you."
                ),
            )
            return redirect("challenges:detail", challenge.pk)
    return render(
        request,
        "challenges/submit.html",
        {"challenge": challenge, "report": report, "missing": missing},
    )


@login_required
def challenge_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge_or_404(request, pk, rules.can_view_challenge_internals)
    if not rules.can_withdraw_challenge(request.user, challenge):
        raise Http404
    return _reason_page(
        request,
        title=_("Withdraw “%(title)s”?") % {"title": challenge.title},
        text=_(
            "A withdrawn challenge cannot be submitted again; you would start a new draft. Tell the programme office why."
        ),
        confirm_label=_("Withdraw challenge"),
        cancel_url=challenge.get_absolute_url(),
        apply=lambda reason: lifecycle.transition_challenge(
            challenge, "withdraw", by=request.user, reason=reason
        ),
        done=_("The challenge was withdrawn."),
    )


# --------------------------------------------------------------------------- attachments
@login_required
def challenge_attachments(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge_or_404(request, pk, rules.can_view_challenge_internals)
    can_edit = rules.can_edit_challenge(request.user, challenge)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            try:
                services.attachment_add(
                    upload=form.cleaned_data["file"],
                    info=form.upload_info,
                    by=request.user,
                    challenge=challenge,
                    title=form.cleaned_data["title"],
                    public=form.cleaned_data["public"],
                )
            except ValidationError as exc:
                error_messages(request, exc, form)
            else:
                messages.success(request, _("The file was attached."))
                return redirect("challenges:attachments", challenge.pk)
    return render(
        request,
        "challenges/attachments.html",
        {
            "challenge": challenge,
            "attachments": challenge.attachments.all(),
            "form": form,
            "can_edit": can_edit,
        },
    )


def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = (
        Attachment.objects.select_related("challenge", "challenge__organization", "bid")
        .filter(pk=pk)
        .first()
    )
    if attachment is None or not rules.can_download_attachment(request.user, attachment):
        raise Http404
    return serve_stored_file(attachment)


@login_required
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = Attachment.objects.select_related("challenge", "bid").filter(pk=pk).first()
    if attachment is None or not rules.can_download_attachment(request.user, attachment):
        raise Http404
    if attachment.challenge_id:
        allowed = rules.can_edit_challenge(request.user, attachment.challenge)
        back = reverse("challenges:attachments", args=[attachment.challenge_id])
    else:
        allowed = rules.can_edit_bid(request.user, attachment.bid)
        back = reverse("challenges:bid_edit", args=[attachment.bid_id]) + "#attachments"
    if not allowed:
        raise Http404
    if request.method == "POST":
        try:
            services.attachment_delete(attachment=attachment, by=request.user)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("“%(name)s” was deleted.") % {"name": attachment.label})
        return redirect(back)
    return render(
        request,
        "confirm.html",
        {
            "title": _("Delete “%(name)s”?") % {"name": attachment.label},
            "text": _("The file will be removed. This cannot be undone."),
            "confirm_label": _("Delete file"),
            "cancel_url": back,
            "danger": True,
        },
    )


# --------------------------------------------------------------------------- vetting
@login_required
def vetting_queue(request: HttpRequest) -> HttpResponse:
    if not rules.can_vet_challenges(request.user):
        raise Http404
    paginator = Paginator(selectors.vetting_queue(), 25)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "challenges/vetting_queue.html",
        {"page_obj": page, "challenges": page.object_list, "total": paginator.count},
    )


@login_required
def vetting_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not rules.can_vet_challenges(request.user):
        raise Http404
    challenge = _challenge_or_404(request, pk)
    form = VettingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        try:
            lifecycle.transition_challenge(
                challenge, action, by=request.user, reason=form.cleaned_data["reason"]
            )
        except lifecycle.TransitionError as exc:
            error_messages(request, exc, form)
        else:
            done = {
                "publish": _("Published. The challenge is now open for bids."),
                "return": _("Returned to the owner for changes."),
                "reject": _("Rejected. The owner has been told why."),
            }[action]
            messages.success(request, done)
            return redirect("challenges:vetting")
    return render(
        request,
        "challenges/vetting_decide.html",
        {
            "challenge": challenge,
            "form": form,
            "kpis": challenge.kpis.all(),
            "attachments": challenge.attachments.all(),
            "history": selectors.challenge_history(challenge),
            "record": challenge.eligibility_record,
        },
    )


# =========================================================================== bids
def _bid_or_404(request: HttpRequest, pk: int, check=None):
    bid = selectors.bid_detail(pk)
    if bid is None or not rules.can_view_bid(request.user, bid):
        raise Http404
    if check is not None and not check(request.user, bid):
        raise Http404
    return bid


@login_required
def bid_create(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge_or_404(request, pk)
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


@login_required
def bid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bid = _bid_or_404(request, pk)
    user = request.user
    is_applicant = rules.is_applicant_member(user, bid)
    my_partner_rows = [
        p
        for p in bid.partners.all()
        if p.organization_id and rules.can_respond_for_partner(user, p) and p.status == "invited"
    ]
    report = None
    if is_applicant and bid.state == "draft":
        report = check_eligibility(
            bid.applicant,
            role=Role.LEAD,
            on=timezone.now(),
            partners=[p.organization for p in bid.partners.all() if p.organization_id],
            modes=bid.modes,
        )
    return render(
        request,
        "challenges/bid_detail.html",
        {
            "bid": bid,
            "challenge": bid.challenge,
            "is_applicant": is_applicant,
            "is_operator": entity_rules.is_operator(user),
            "can_edit": rules.can_edit_bid(user, bid),
            "can_withdraw": rules.can_withdraw_bid(user, bid),
            "can_reopen": rules.can_reopen_bid(user, bid),
            "can_mark_ineligible": rules.can_mark_bid_ineligible(user, bid),
            "my_partner_rows": my_partner_rows,
            "history": selectors.bid_history(bid)
            if is_applicant or entity_rules.is_operator(user)
            else None,
            "report": report,
            "missing": lifecycle.bid_missing(bid) if bid.state == "draft" else [],
        },
    )


@login_required
def bid_edit(request: HttpRequest, pk: int, attachment_form=None) -> HttpResponse:
    """The bid draft form; `attachment_form` is a rejected upload to show with its errors."""
    bid = _bid_or_404(request, pk)
    if not rules.can_edit_bid(request.user, bid):
        if rules.is_applicant_member(request.user, bid):
            messages.info(
                request,
                _("A submitted bid is frozen. Withdraw it before the deadline to change it."),
            )
            return redirect("challenges:bid_detail", bid.pk)
        raise Http404
    data = (request.POST or None) if attachment_form is None else None
    form = BidForm(data, instance=bid)
    modes_form = ModesForm(
        data,
        prefix="modes",
        initial_plans={p.mode: p.plan for p in bid.mode_plans.all()},
        sought=bid.challenge.cooperation_modes,
    )
    team = TeamFormSet(
        data,
        prefix="team",
        initial=[
            {"name": t.name, "role": t.role, "affiliation": t.affiliation} for t in bid.team.all()
        ],
    )
    budget = BudgetFormSet(
        data,
        prefix="budget",
        initial=[{"item": b.item, "amount": b.amount} for b in bid.budget_lines.all()],
    )
    milestones = MilestoneFormSet(
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
    )
    if request.method == "POST" and attachment_form is None:
        valid = all(
            [
                form.is_valid(),
                modes_form.is_valid(),
                team.is_valid(),
                budget.is_valid(),
                milestones.is_valid(),
            ]
        )
        if valid:
            try:
                services.bid_update(
                    bid=bid,
                    by=request.user,
                    modes=modes_form.plans(),
                    team=team.rows(),
                    budget_lines=budget.rows(),
                    milestones=milestones.rows(),
                    **{name: form.cleaned_data[name] for name in BidForm.Meta.fields},
                )
            except ValidationError as exc:
                error_messages(request, exc, form)
                valid = False
            else:
                messages.success(request, _("Bid draft saved."))
                target = request.POST.get("then")
                if target == "partners":
                    return redirect("challenges:bid_partners", bid.pk)
                if target == "submit":
                    return redirect("challenges:bid_submit", bid.pk)
                return redirect("challenges:bid_edit", bid.pk)
        if not valid:
            messages.error(
                request, _("The bid was not saved. Please correct the errors marked below.")
            )
    return render(
        request,
        "challenges/bid_form.html",
        {
            "bid": bid,
            "challenge": bid.challenge,
            "form": form,
            "modes_form": modes_form,
            "team": team,
            "budget": budget,
            "milestones": milestones,
            "attachments": bid.attachments.all(),
            "attachment_form": attachment_form or AttachmentForm(),
        },
    )


@login_required
def bid_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    bid = _bid_or_404(request, pk, rules.can_edit_bid)
    if request.method != "POST":
        return redirect("challenges:bid_edit", bid.pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                upload=form.cleaned_data["file"],
                info=form.upload_info,
                by=request.user,
                bid=bid,
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The file was attached."))
    else:
        # Show the bid form again with the upload's errors next to the file field.
        return bid_edit(request, pk, attachment_form=form)
    return redirect(reverse("challenges:bid_edit", args=[bid.pk]) + "#attachments")


@login_required
def bid_partners(request: HttpRequest, pk: int) -> HttpResponse:
    bid = _bid_or_404(request, pk)
    can_edit = rules.can_edit_bid(request.user, bid)
    pick_form = PartnerPickForm(
        request.POST if request.POST.get("kind") == "pick" else None, prefix="pick"
    )
    invite_form = PartnerInviteForm(
        request.POST if request.POST.get("kind") == "invite" else None, prefix="invite"
    )
    if request.method == "POST":
        if not can_edit:
            raise Http404
        try:
            if request.POST.get("kind") == "pick" and pick_form.is_valid():
                organization = Organization.objects.filter(
                    pk=pick_form.cleaned_data["organization"]
                ).first()
                if organization is None:
                    raise ValidationError(_("Choose an organization from the search results."))
                services.partner_add(
                    bid=bid,
                    organization=organization,
                    role=pick_form.cleaned_data["role"],
                    contribution=pick_form.cleaned_data["contribution"],
                    by=request.user,
                )
                messages.success(
                    request,
                    _("%(org)s was invited. Its owners and managers must accept.")
                    % {"org": organization.legal_name},
                )
                return redirect("challenges:bid_partners", bid.pk)
            if request.POST.get("kind") == "invite" and invite_form.is_valid():
                services.partner_invite_email(
                    bid=bid,
                    email=invite_form.cleaned_data["email"],
                    name=invite_form.cleaned_data["name"],
                    role=invite_form.cleaned_data["role"],
                    contribution=invite_form.cleaned_data["contribution"],
                    by=request.user,
                )
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.")
                    % {"email": invite_form.cleaned_data["email"]},
                )
                return redirect("challenges:bid_partners", bid.pk)
        except ValidationError as exc:
            error_messages(request, exc)
    query = request.GET.get("q", "")
    return render(
        request,
        "challenges/bid_partners.html",
        {
            "bid": bid,
            "challenge": bid.challenge,
            "partners": bid.partners.all(),
            "can_edit": can_edit,
            "pick_form": pick_form,
            "invite_form": invite_form,
            "query": query,
            "results": _partner_candidates(bid, query) if can_edit else [],
            "limit_reached": bid.partners.count() >= services.MAX_PARTNERS,
        },
    )


def _partner_candidates(bid, query: str):
    from entities.selectors import search_organizations

    taken = {p.organization_id for p in bid.partners.all()} | {
        bid.applicant_id,
        bid.challenge.organization_id,
    }
    return [o for o in search_organizations(query, limit=15) if o.pk not in taken][:10]


@login_required
def partner_search(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: organizations matching a name or registration number."""
    bid = _bid_or_404(request, pk, rules.can_edit_bid)
    query = request.GET.get("q", "")
    return render(
        request,
        "challenges/_partner_results.html",
        {
            "bid": bid,
            "results": _partner_candidates(bid, query),
            "query": query,
            "pick_form": PartnerPickForm(prefix="pick"),
        },
    )


@login_required
def partner_remove(request: HttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    bid = _bid_or_404(request, pk, rules.can_edit_bid)
    partner = get_object_or_404(BidPartner, pk=partner_pk, bid=bid)
    if request.method == "POST":
        try:
            services.partner_remove(partner=partner, by=request.user)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(
                request, _("%(org)s is no longer a partner of the bid.") % {"org": partner.name}
            )
        return redirect("challenges:bid_partners", bid.pk)
    return render(
        request,
        "confirm.html",
        {
            "title": _("Remove %(org)s from the bid?") % {"org": partner.name},
            "text": _(
                "It will no longer see the bid. You can invite it again while the bid is a draft."
            ),
            "confirm_label": _("Remove partner"),
            "cancel_url": reverse("challenges:bid_partners", args=[bid.pk]),
            "danger": True,
        },
    )


def partner_respond(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: a partner organization's owner or manager accepts or declines."""
    partner = (
        BidPartner.objects.select_related("bid", "bid__challenge", "bid__applicant", "organization")
        .filter(token=token)
        .first()
    )
    if partner is None:
        raise Http404
    if not request.user.is_authenticated:
        return render(
            request,
            "challenges/partner_respond.html",
            {"partner": partner, "bid": partner.bid, "anonymous": True},
        )
    from entities.models import Organization as Org

    managed = Org.objects.filter(
        memberships__user=request.user, memberships__role__in=["owner", "manager"]
    ).exclude(pk__in=[partner.bid.applicant_id, partner.bid.challenge.organization_id])
    if partner.organization_id:
        managed = managed.filter(pk=partner.organization_id)
    form = PartnerResponseForm(request.POST or None, organizations=managed)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_respond(
                partner=partner,
                organization=form.cleaned_data["organization"],
                accept=form.cleaned_data["decision"] == "accept",
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            if form.cleaned_data["decision"] == "accept":
                messages.success(
                    request, _("You joined the bid as a partner. You can follow it read-only.")
                )
                return redirect("challenges:bid_detail", partner.bid_id)
            messages.info(request, _("You declined. The applicant has been told."))
            return redirect("dashboard")
    return render(
        request,
        "challenges/partner_respond.html",
        {"partner": partner, "bid": partner.bid, "form": form, "managed": managed},
    )


@login_required
def bid_submit(request: HttpRequest, pk: int) -> HttpResponse:
    bid = _bid_or_404(request, pk)
    if not rules.is_applicant_member(request.user, bid):
        raise Http404
    if request.method == "POST":
        if not rules.can_submit_bid(request.user, bid) and bid.state != "submitted":
            raise Http404
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
            return _render_bid_submit(request, bid, exc.report)
        except lifecycle.TransitionError as exc:
            error_messages(request, exc)
        else:
            messages.success(
                request,
                _("Bid submitted. It is now frozen; you can withdraw it until the deadline."),
            )
            return redirect("challenges:bid_detail", bid.pk)
    if bid.state != "draft":
        return redirect("challenges:bid_detail", bid.pk)
    return _render_bid_submit(request, selectors.bid_detail(bid.pk), None)


def _render_bid_submit(request, bid, report):
    partners = list(bid.partners.all())
    report = report or check_eligibility(
        bid.applicant,
        role=Role.LEAD,
        on=timezone.now(),
        partners=[p.organization for p in partners if p.organization_id],
        modes=bid.modes,
    )
    return render(
        request,
        "challenges/bid_submit.html",
        {
            "bid": bid,
            "challenge": bid.challenge,
            "partners": partners,
            "pending": [p for p in partners if p.status != "accepted"],
            "missing": lifecycle.bid_missing(bid),
            "report": report,
            "partner_reports": [
                (p, check_eligibility(p.organization, role=Role.PARTNER, on=timezone.now()))
                for p in partners
                if p.organization_id
            ],
        },
    )


@login_required
def bid_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    bid = _bid_or_404(request, pk, rules.can_withdraw_bid)
    return _reason_page(
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
    bid = _bid_or_404(request, pk, rules.can_reopen_bid)
    if request.method == "POST":
        try:
            lifecycle.transition_bid(bid, "reopen", by=request.user)
        except lifecycle.TransitionError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The bid is a draft again. Submit it before the deadline."))
            return redirect("challenges:bid_edit", bid.pk)
    return redirect("challenges:bid_detail", bid.pk)


# --------------------------------------------------------------------------- operator exits
@login_required
def challenge_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """An operator cancels a published challenge (e.g. no bids came in), with a reason."""
    challenge = _challenge_or_404(request, pk, rules.can_cancel_challenge)
    return _reason_page(
        request,
        title=_("Cancel “%(title)s”?") % {"title": challenge.title},
        text=_(
            "The challenge ends here: it stays visible as cancelled, bids stop, and the owner "
            "and every bidder are told why by e-mail."
        ),
        confirm_label=_("Cancel the challenge"),
        cancel_url=challenge.get_absolute_url(),
        apply=lambda reason: lifecycle.transition_challenge(
            challenge, "cancel", by=request.user, reason=reason
        ),
        done=_("The challenge was cancelled."),
    )


@login_required
def bid_mark_ineligible(request: HttpRequest, pk: int) -> HttpResponse:
    """An operator rules a submitted bid out of the competition, with a reason."""
    bid = _bid_or_404(request, pk, rules.can_mark_bid_ineligible)
    return _reason_page(
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
