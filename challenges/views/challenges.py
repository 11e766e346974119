"""Challenge pages: public listing and detail, drafting, submission, withdrawal, cancellation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import multilingual
from entities import rules as entity_rules

from .. import clarifications, lifecycle, rules, selectors, services
from ..enums import BidState, ChallengeState
from ..forms import ChallengeFilter, ChallengeForm, KPIFormSet, SavedSearchForm
from ..models import TRANSLATED_FIELDS, Challenge
from ..prechecks import challenge_completeness, challenge_precheck
from . import _cards
from ._cache import CachedCountPaginator, anonymous_page_cache
from ._common import (
    autosave_response,
    challenge_or_404,
    error_messages,
    is_autosave,
    reason_page,
)

PAGE_SIZE = 12
# The columns a listing card shows (never the search vector or the long texts).
LISTING_FIELDS = (
    "title",
    "summary",
    "sector",
    "state",
    "deadline",
    "budget_max",
    "currency",
    "published_at",
    # The card shows the reader's language version, else the original with its language.
    "original_language",
    "organization__legal_name",
    "organization__country",
)

# Where "Save draft" goes next, by the button pressed (`then`); the edit page otherwise.
_AFTER_SAVE = {
    "preview": "challenges:preview",
    "submit": "challenges:submit",
    "attachments": "challenges:attachments",
}


# --------------------------------------------------------------------------- public
def _listing_rows(pks: list[int]):
    return Challenge.objects.filter(pk__in=pks).select_related("organization").only(*LISTING_FIELDS)


@anonymous_page_cache
def challenge_list(request: HttpRequest) -> HttpResponse:
    filterset = ChallengeFilter(request.GET or None, queryset=Challenge.objects.none())
    filters = filterset.listing_filters()
    organization = getattr(request, "organization", None) or None
    draft_ids = (
        selectors.challenges_with_draft_bid(organization)
        if request.user.is_authenticated
        else set()
    )
    # The total of these filters is cached (sort and page do not change it).
    count_key = tuple(sorted((k, str(v)) for k, v in filters.items() if k != "sort"))
    paginator = CachedCountPaginator(
        filterset.qs,
        PAGE_SIZE,
        count_key=count_key,
        fetch=_cards.cached_fetch(_listing_rows, draft_ids),
    )
    page = paginator.get_page(request.GET.get("page"))
    # Cards show the reader's language version (core.multilingual): one query for all
    # the cards not cached yet (views/_cards.py).
    page.object_list = list(page.object_list)
    rows = [row for row in page.object_list if not isinstance(row, _cards.CachedCard)]
    prefetch_related_objects(rows, "translations")
    return render(
        request,
        "challenges/list.html",
        {
            "feed_query": filterset.query_string(),
            "alert_form": SavedSearchForm(
                initial={
                    "q": filters["query"],
                    "country": filters["countries"],
                    "sector": filters["sector"],
                    "mode": filters["mode"],
                }
            ),
            "filter": filterset,
            "filter_fields": _cards.filter_fields(filterset.form, request.GET),
            "page_obj": page,
            "challenges": page.object_list,
            "cards": _cards.render_cards(page.object_list, draft_ids),
            "total": paginator.count,
            "draft_bid_ids": draft_ids,
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


@anonymous_page_cache
def challenge_detail(request: HttpRequest, pk: int, preview: bool = False) -> HttpResponse:
    challenge = challenge_or_404(request, pk)
    user = request.user
    organization = getattr(request, "organization", None) or None
    internals = rules.can_view_challenge_internals(user, challenge)
    my_bid = selectors.active_bid(challenge, organization) if user.is_authenticated else None
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
        "awaiting_vetting": challenge.state == ChallengeState.SUBMITTED,
        "is_rejected": challenge.state == ChallengeState.REJECTED,
        "is_listed": challenge.state == ChallengeState.LISTED,
        "my_bid": my_bid,
        "my_bid_is_draft": my_bid is not None and my_bid.state == BidState.DRAFT,
        "can_bid": rules.can_create_bid(user, organization, challenge)
        if user.is_authenticated
        else False,
    }
    context |= _version_context(request, challenge)
    if challenge.is_public and not preview:
        published = list(clarifications.published_questions(challenge)[:6])
        context["qa_published"] = published[:5]
        context["qa_more"] = len(published) > 5
        context["can_ask"] = rules.can_ask_question(user, organization, challenge)
    if context["internals"]:
        context["history"] = selectors.challenge_history(challenge)
    return render(request, "challenges/detail.html", context)


def _version_context(request: HttpRequest, challenge: Challenge) -> dict[str, object]:
    """The language version to show (`?version=`, else the reader's, else the original)."""
    version = multilingual.chosen_language(challenge, request.GET.get("version"))
    original = multilingual.original_language_of(challenge)
    return {
        "version": version,
        "version_is_original": version == original,
        "reader_language": multilingual.reader_language(),
        "original_name": multilingual.safe_language_name(original),
        "versions": multilingual.versions_of(challenge),
        "text": {f: multilingual.localized(challenge, f, version) for f in TRANSLATED_FIELDS},
    }


# --------------------------------------------------------------------------- drafting
def _kpi_initial(challenge: Challenge | None) -> list[dict[str, str]]:
    if challenge is None:
        return []
    return [
        {"metric": k.metric, "target": k.target, "baseline": k.baseline}
        for k in challenge.kpis.all()
    ]


def _write_challenge(request, challenge, organization, form, kpi_formset) -> Challenge | None:
    """Create or update the draft; None (errors shown on the form) when a service refuses."""
    fields = {name: form.cleaned_data[name] for name in ChallengeForm.Meta.fields}
    fields["cooperation_modes"] = list(fields["cooperation_modes"] or [])
    try:
        if challenge is None:
            return services.challenge_create(
                organization=organization, by=request.user, kpis=kpi_formset.rows(), **fields
            )
        return services.challenge_update(
            challenge=challenge, by=request.user, kpis=kpi_formset.rows(), **fields
        )
    except ValidationError as exc:
        if not is_autosave(request):  # a background save shows no messages
            error_messages(request, exc, form)
        return None


def _save_challenge(
    request: HttpRequest, challenge: Challenge | None, organization
) -> HttpResponse:
    """The draft form, with the pre-check panel of what submitting would refuse."""
    form = ChallengeForm(request.POST or None, instance=challenge)
    kpi_formset = KPIFormSet(request.POST or None, initial=_kpi_initial(challenge), prefix="kpi")
    saved = None
    if request.method == "POST" and all([form.is_valid(), kpi_formset.is_valid()]):
        saved = _write_challenge(request, challenge, organization, form, kpi_formset)
    if is_autosave(request):
        return autosave_response(
            request,
            saved=saved is not None,
            url=reverse("challenges:edit", args=[saved.pk]) if saved else "",
            completeness=challenge_completeness(saved) if saved else None,
        )
    if saved is not None:
        messages.success(request, _("Draft saved."))
        target = _AFTER_SAVE.get(request.POST.get("then"), "challenges:edit")
        return redirect(target, saved.pk)
    return render(
        request,
        "challenges/form.html",
        {
            "form": form,
            "kpi_formset": kpi_formset,
            "challenge": challenge,
            "organization": organization,
            "precheck": challenge_precheck(challenge) if challenge is not None else None,
            "completeness": challenge_completeness(challenge),
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
    challenge = challenge_or_404(request, pk, rules.can_view_challenge_internals)
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
    challenge_or_404(request, pk, rules.can_view_challenge_internals)
    return challenge_detail(request, pk, preview=True)


# --------------------------------------------------------------------------- submission
def _submit_challenge(request: HttpRequest, challenge: Challenge):
    """Submit; returns (redirect, None) when done, else (None, the refusing pre-check or None)."""
    try:
        lifecycle.transition_challenge(challenge, "submit", by=request.user)
    except lifecycle.AlreadyDone:
        messages.info(request, _("This challenge has already been submitted."))
        return redirect("challenges:detail", challenge.pk), None
    except lifecycle.IneligibleError as exc:
        messages.error(
            request,
            _(
                "The challenge was not submitted: your organization does not meet every rule yet. Your draft is unchanged."
            ),
        )
        return None, exc.precheck
    except lifecycle.SubmissionRefused as exc:
        # The reasons are listed on the page (the pre-check); one summary up top.
        messages.error(
            request,
            _(
                "The challenge was not submitted: see what is still needed below. Your draft is unchanged."
            ),
        )
        return None, exc.precheck
    except lifecycle.TransitionError as exc:
        error_messages(request, exc)
        return None, None
    messages.success(
        request,
        _(
            "Submitted. The programme office will vet the challenge and publish it or come back to you."
        ),
    )
    return redirect("challenges:detail", challenge.pk), None


@login_required
def challenge_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The pre-check (every reason submitting would be refused, at once) and the submit button."""
    challenge = challenge_or_404(request, pk, rules.can_view_challenge_internals)
    if not rules.can_submit_challenge(request.user, challenge):
        if challenge.state == ChallengeState.SUBMITTED and rules.is_challenge_member(
            request.user, challenge
        ):
            messages.info(request, _("This challenge has already been submitted."))
            return redirect("challenges:detail", challenge.pk)
        raise Http404
    precheck = None
    if request.method == "POST":
        response, precheck = _submit_challenge(request, challenge)
        if response is not None:
            return response
    return render(
        request,
        "challenges/submit.html",
        {"challenge": challenge, "precheck": precheck or challenge_precheck(challenge)},
    )


# --------------------------------------------------------------------------- exits
@login_required
def challenge_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_or_404(request, pk, rules.can_view_challenge_internals)
    if not rules.can_withdraw_challenge(request.user, challenge):
        raise Http404
    return reason_page(
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


@login_required
def challenge_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """An operator cancels a published challenge (e.g. no bids came in), with a reason."""
    challenge = challenge_or_404(request, pk, rules.can_cancel_challenge)
    return reason_page(
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
