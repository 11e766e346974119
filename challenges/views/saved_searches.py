"""A signed-in user's saved searches: save the listing's filters, list, rename, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import alerts
from ..forms import SavedSearchForm, SavedSearchRenameForm
from ..models import SavedSearch
from ._common import error_messages

PAGE_SIZE = 20


def _own_or_404(request: HttpRequest, pk: int) -> SavedSearch:
    saved = alerts.saved_search_of(request.user, pk)
    if saved is None:
        raise Http404
    return saved


@login_required
def saved_search_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(alerts.saved_searches_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "challenges/saved_searches.html",
        {
            "page_obj": page,
            "searches": page.object_list,
            "limit": alerts.MAX_SAVED_SEARCHES,
            "preferences_url": reverse("notifications:preferences"),
        },
    )


@login_required
@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    """Save the listing's filters (posted from the listing page) under a name."""
    form = SavedSearchForm(request.POST)
    if form.is_valid():
        try:
            saved = alerts.saved_search_create(
                user=request.user, name=form.cleaned_data["name"], **form.filters()
            )
        except ValidationError as exc:
            error_messages(request, exc, form)
        else:
            messages.success(
                request,
                _("Search “%(name)s” saved. We will e-mail you when a new challenge matches it.")
                % {"name": saved.name},
            )
            return redirect(saved.listing_url())
    return render(
        request,
        "challenges/saved_search_form.html",
        {"form": form, "fields": [form["name"]], "creating": True},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def saved_search_rename(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _own_or_404(request, pk)
    form = SavedSearchRenameForm(request.POST or None, initial={"name": saved.name})
    if request.method == "POST" and form.is_valid():
        try:
            alerts.saved_search_rename(
                saved_search=saved, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as exc:
            error_messages(request, exc, form)
        else:
            messages.success(request, _("The saved search is renamed."))
            return redirect("challenges:saved_searches")
    return render(
        request,
        "challenges/saved_search_form.html",
        {"form": form, "fields": [form["name"]], "saved": saved},
    )


@login_required
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _own_or_404(request, pk)
    back = reverse("challenges:saved_searches")
    if request.method == "POST":
        alerts.saved_search_delete(saved_search=saved, by=request.user)
        messages.success(
            request, _("The saved search “%(name)s” is deleted.") % {"name": saved.name}
        )
        return redirect(back)
    return render(
        request,
        "confirm.html",
        {
            "title": _("Delete the saved search “%(name)s”?") % {"name": saved.name},
            "text": _("You will no longer be e-mailed about new challenges that match it."),
            "confirm_label": _("Delete the saved search"),
            "cancel_url": back,
            "danger": True,
        },
    )
