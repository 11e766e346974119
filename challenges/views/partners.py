"""Partner organizations of a bid: search and invite, remove, and the invitation link's answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from entities.models import Organization

from .. import rules, selectors, services
from ..enums import BidState, PartnerStatus
from ..forms import PartnerInviteForm, PartnerPickForm, PartnerResponseForm
from ..models import Bid, BidPartner
from ._common import bid_or_404, bid_page_context, error_messages


def _posted_form(request: HttpRequest, kind: str, form_class):
    """The form of one of the page's two ways to add a partner, bound if it was the one posted."""
    return form_class(request.POST if request.POST.get("kind") == kind else None, prefix=kind)


def _add_partner_on_the_portal(request: HttpRequest, bid: Bid, form) -> HttpResponse:
    organization = Organization.objects.filter(pk=form.cleaned_data["organization"]).first()
    if organization is None:
        raise ValidationError(_("Choose an organization from the search results."))
    services.partner_add(
        bid=bid,
        organization=organization,
        role=form.cleaned_data["role"],
        contribution=form.cleaned_data["contribution"],
        by=request.user,
    )
    messages.success(
        request,
        _("%(org)s was invited. Its owners and managers must accept.")
        % {"org": organization.legal_name},
    )
    return redirect("challenges:bid_partners", bid.pk)


def _invite_partner_by_email(request: HttpRequest, bid: Bid, form) -> HttpResponse:
    services.partner_invite_email(
        bid=bid,
        email=form.cleaned_data["email"],
        name=form.cleaned_data["name"],
        role=form.cleaned_data["role"],
        contribution=form.cleaned_data["contribution"],
        by=request.user,
    )
    messages.success(
        request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
    )
    return redirect("challenges:bid_partners", bid.pk)


def _add_partner(request: HttpRequest, bid: Bid, pick_form, invite_form) -> HttpResponse | None:
    """Add the partner the valid posted form names; None (errors shown) otherwise."""
    kind = request.POST.get("kind")
    try:
        if kind == "pick" and pick_form.is_valid():
            return _add_partner_on_the_portal(request, bid, pick_form)
        if kind == "invite" and invite_form.is_valid():
            return _invite_partner_by_email(request, bid, invite_form)
    except ValidationError as exc:
        error_messages(request, exc)
    return None


@login_required
def bid_partners(request: HttpRequest, pk: int) -> HttpResponse:
    bid = bid_or_404(request, pk)
    can_edit = rules.can_edit_bid(request.user, bid)
    pick_form = _posted_form(request, "pick", PartnerPickForm)
    invite_form = _posted_form(request, "invite", PartnerInviteForm)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        response = _add_partner(request, bid, pick_form, invite_form)
        if response is not None:
            return response
    query = request.GET.get("q", "")
    return render(
        request,
        "challenges/bid_partners.html",
        bid_page_context(
            bid,
            partners=bid.partners.all(),
            can_edit=can_edit,
            pick_form=pick_form,
            invite_form=invite_form,
            query=query,
            results=selectors.partner_candidates(bid, query) if can_edit else [],
            limit_reached=bid.partners.count() >= services.MAX_PARTNERS,
        ),
    )


@login_required
def partner_search(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: organizations matching a name or registration number."""
    bid = bid_or_404(request, pk, rules.can_edit_bid)
    query = request.GET.get("q", "")
    return render(
        request,
        "challenges/_partner_results.html",
        {
            "bid": bid,
            "results": selectors.partner_candidates(bid, query),
            "query": query,
            "pick_form": PartnerPickForm(prefix="pick"),
        },
    )


@login_required
def partner_remove(request: HttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    bid = bid_or_404(request, pk, rules.can_edit_bid)
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


def _answer_invitation(request: HttpRequest, partner: BidPartner, form) -> HttpResponse | None:
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.partner_respond(
            partner=partner,
            organization=form.cleaned_data["organization"],
            accept=accept,
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        error_messages(request, exc)
        return None
    if accept:
        messages.success(
            request, _("You joined the bid as a partner. You can follow it read-only.")
        )
        return redirect("challenges:bid_detail", partner.bid_id)
    messages.info(request, _("You declined. The applicant has been told."))
    return redirect("dashboard")


def partner_respond(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: a partner organization's owner or manager accepts or declines."""
    partner = selectors.partner_invitation(token)
    if partner is None:
        raise Http404
    context = {
        "partner": partner,
        "bid": partner.bid,
        "can_answer": partner.bid.state == BidState.DRAFT
        and partner.status == PartnerStatus.INVITED,
    }
    if not request.user.is_authenticated:
        return render(request, "challenges/partner_respond.html", {**context, "anonymous": True})
    managed = selectors.organizations_answering_for(partner, request.user)
    form = PartnerResponseForm(request.POST or None, organizations=managed)
    if request.method == "POST" and form.is_valid():
        response = _answer_invitation(request, partner, form)
        if response is not None:
            return response
    return render(
        request,
        "challenges/partner_respond.html",
        {**context, "form": form, "managed": managed},
    )
