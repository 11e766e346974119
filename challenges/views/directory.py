"""Partner finder: the opt-in directory, an organization's listing, and the matchmaking
suggestions of a listed challenge (with an invitation to the user's draft bid)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entities.enums import VerificationStatus
from entities.rules import can_edit_organization

from .. import matchmaking, rules, selectors, services
from ..enums import BidState
from ..forms import DirectoryFilter, DirectoryListingForm, PartnerPickForm
from ._common import challenge_or_404, error_messages

PAGE_SIZE = 20


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    """Verified organizations that opted in: searchable, filterable, paginated."""
    filterset = DirectoryFilter(request.GET or None, queryset=matchmaking.directory_organizations())
    organizations = (
        filterset.qs
        if filterset.is_bound and filterset.is_valid()
        else (matchmaking.directory_organizations())
    )
    page = Paginator(organizations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "challenges/directory.html",
        {
            "filter": filterset,
            "page_obj": page,
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


@login_required
def directory_listing_edit(request: HttpRequest) -> HttpResponse:
    """The current organization opts in or out and says what it offers."""
    organization = getattr(request, "organization", None) or None
    if organization is None or not can_edit_organization(request.user, organization):
        raise Http404
    listing = matchmaking.directory_listing_for(organization)
    form = DirectoryListingForm(request.POST or None, instance=listing)
    if request.method == "POST" and form.is_valid():
        try:
            matchmaking.directory_listing_save(
                organization=organization, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            error_messages(request, exc, form)
        else:
            messages.success(request, _("Your directory listing was saved."))
            return redirect("challenges:directory_listing")
    return render(
        request,
        "challenges/directory_listing.html",
        {
            "form": form,
            "organization": organization,
            "verified": organization.verification_status == VerificationStatus.VERIFIED,
        },
    )


def _draft_bid(request: HttpRequest, challenge):
    """The user's organization's draft bid for the challenge, if the user may edit it."""
    organization = getattr(request, "organization", None) or None
    bid = selectors.active_bid(challenge, organization)
    if bid is not None and bid.state == BidState.DRAFT and rules.can_edit_bid(request.user, bid):
        return bid
    return None


@login_required
def challenge_matches(request: HttpRequest, pk: int) -> HttpResponse:
    """Suggested Guangxi leads and partners for a published challenge, explained."""
    challenge = challenge_or_404(request, pk)
    if not challenge.is_public:
        raise Http404
    found = matchmaking.match_partners(challenge)
    bid = _draft_bid(request, challenge)
    invited = set(bid.partners.values_list("organization_id", flat=True)) if bid else set()
    return render(
        request,
        "challenges/matches.html",
        {
            "challenge": challenge,
            "leads": found[matchmaking.SIDE_LEAD],
            "partners": found[matchmaking.SIDE_PARTNER],
            "bid": bid,
            "invited": invited,
            "pick_form": PartnerPickForm(prefix="pick"),
        },
    )


@login_required
@require_POST
def match_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite a suggested partner to the user's draft bid (the partner invitation service)."""
    challenge = challenge_or_404(request, pk)
    bid = _draft_bid(request, challenge)
    if bid is None:
        raise Http404
    form = PartnerPickForm(request.POST, prefix="pick")
    organization = None
    if form.is_valid():
        organization = (
            matchmaking.directory_organizations()
            .filter(pk=form.cleaned_data["organization"])
            .first()
        )
    if organization is None:
        messages.error(
            request,
            _("Give the partner's role and contribution, and choose a listed organization."),
        )
        return redirect("challenges:matches", challenge.pk)
    try:
        services.partner_add(
            bid=bid,
            organization=organization,
            role=form.cleaned_data["role"],
            contribution=form.cleaned_data["contribution"],
            by=request.user,
        )
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("challenges:matches", challenge.pk)
    messages.success(
        request,
        _("%(org)s was invited to your bid. Its owners and managers must accept.")
        % {"org": organization.legal_name},
    )
    return redirect("challenges:bid_partners", bid.pk)
