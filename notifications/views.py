from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .events import REGISTRY
from .forms import PreferencesForm
from .models import Notification
from .rendering import ALL_OPTIONAL, read_unsubscribe_token, render_message
from .templatetags.notifications_tags import CACHE_ATTR

PAGE_SIZE = 20


def _own_notification(request: HttpRequest, pk: int) -> Notification:
    """The user's notification, or 404 (someone else's is never confirmed to exist)."""
    try:
        return selectors.notification_for(request.user, pk)
    except Notification.DoesNotExist:
        raise Http404 from None


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("notifications:inbox")
    return redirect(target)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("filter") == "unread"
    unread = selectors.unread_count(request.user)
    setattr(request, CACHE_ATTR, unread)  # the bell reuses it: no second count query
    page = Paginator(selectors.inbox(request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = [(n, render_message(n.kind, n.context, absolute=False)) for n in page]
    return render(
        request,
        "notifications/inbox.html",
        {"page_obj": page, "items": items, "unread": unread, "unread_only": unread_only},
    )


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    notification = _own_notification(request, pk)
    services.notification_mark_read(notification=notification)
    return redirect(notification.url or reverse("notifications:inbox"))


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _own_notification(request, pk)
    services.notification_mark_read(notification=notification)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return _back(request)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    rows = selectors.preference_rows(request.user)
    form = PreferencesForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        services.preferences_update(user=request.user, modes=form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# One-click unsubscribe (RFC 8058) posts from the mail client: no session, no CSRF
# token. The signed token is the credential and the action only switches e-mail off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    context: dict = {"token": token}
    try:
        user_id, event = read_unsubscribe_token(token)
    except signing.SignatureExpired:
        context["state"] = "expired"
        return render(request, "notifications/unsubscribe.html", context, status=410)
    except signing.BadSignature:
        context["state"] = "invalid"
        return render(request, "notifications/unsubscribe.html", context, status=400)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    definition = REGISTRY.get(event)
    if user is None or (event != ALL_OPTIONAL and definition is None):
        context["state"] = "invalid"
        return render(request, "notifications/unsubscribe.html", context, status=400)
    context.update(
        {"event": definition, "all_optional": event == ALL_OPTIONAL, "email": user.email}
    )
    if definition is not None and definition.mandatory:
        context["state"] = "mandatory"
        return render(request, "notifications/unsubscribe.html", context)
    if request.method == "POST":
        scope = ALL_OPTIONAL if request.POST.get("scope") == "all" else event
        services.unsubscribe(user=user, event=scope)
        context.update({"state": "done", "all_optional": scope == ALL_OPTIONAL})
        return render(request, "notifications/unsubscribe.html", context)
    context["state"] = "confirm"
    return render(request, "notifications/unsubscribe.html", context)
