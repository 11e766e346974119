"""Documents attached to a challenge or a bid draft: upload, download, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from entities.files import serve_stored_file

from .. import rules, selectors, services
from ..forms import AttachmentForm
from ._common import bid_or_404, challenge_or_404, error_messages
from .bids import bid_edit


@login_required
def challenge_attachments(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_or_404(request, pk, rules.can_view_challenge_internals)
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


@login_required
def bid_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    bid = bid_or_404(request, pk, rules.can_edit_bid)
    if request.method != "POST":
        return redirect("challenges:bid_edit", bid.pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        # Show the bid form again with the upload's errors next to the file field.
        return bid_edit(request, pk, attachment_form=form)
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
    return redirect(reverse("challenges:bid_edit", args=[bid.pk]) + "#attachments")


def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = selectors.attachment_detail(pk)
    if attachment is None or not rules.can_download_attachment(request.user, attachment):
        raise Http404
    owner = (
        attachment.challenge.organization if attachment.challenge_id else attachment.bid.applicant
    )
    return serve_stored_file(attachment, organization=owner)


@login_required
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = selectors.attachment_detail(pk)
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
