"""The "API tokens" page of the account, and the API's documentation entry point."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors, services
from .forms import TokenForm

PAGE_SIZE = 20
#: The session key holding a new token's secret until the next page shows it (once).
NEW_SECRET = "api_new_token"  # nosec B105 - a session key name, not a secret


def docs(request: HttpRequest) -> HttpResponse:
    return redirect("api-v1:openapi-view")


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """List the user's tokens and create one (its secret is shown once, after the redirect)."""
    user = request.user
    form = TokenForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(
                user=user,
                organization=form.cleaned_data["organization"],
                name=form.cleaned_data["name"],
                lifetime_days=form.cleaned_data["lifetime"],
            )
        except PermissionDenied:
            form.add_error("organization", _("You are not a member of this organization."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            request.session[NEW_SECRET] = {"pk": token.pk, "secret": secret}
            return redirect("api:tokens")
    new = request.session.pop(NEW_SECRET, None)
    page = Paginator(selectors.user_tokens(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "page_obj": page,
            "tokens": page.object_list,
            "new_secret": new["secret"] if new else "",
            "new_token_pk": new["pk"] if new else None,
            "has_organizations": form.fields["organization"].queryset.exists(),
            "docs_url": reverse("api-v1:openapi-view"),
        },
    )


@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.user_token(request.user, pk)
    if token is None:
        raise Http404
    if request.method == "POST":
        services.token_revoke(token=token, user=request.user)
        messages.success(
            request, _("The token “%(name)s” is revoked. It no longer works.") % {"name": token}
        )
        return redirect("api:tokens")
    return render(
        request,
        "confirm.html",
        {
            "title": _("Revoke the token “%(name)s”?") % {"name": token},
            "text": _(
                "Scripts and tools that use this token lose access to the API at once. "
                "This cannot be undone; you can create a new token."
            ),
            "confirm_label": _("Revoke the token"),
            "danger": True,
            "cancel_url": reverse("api:tokens"),
        },
    )
