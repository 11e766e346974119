"""Capability declarations of an organization and their evidence files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import rules, selectors, services
from ..enums import CAPABILITY_HELP, CapabilityKey
from ..files import serve_stored_file
from ..forms import CapabilityForm
from ..models import CapabilityEvidence, Organization
from ._common import get_organization


@login_required
def capabilities(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization(request, pk)
    declarations = selectors.capability_declarations(organization)
    relevant = selectors.relevant_capability_keys(organization)
    others = [k for k in CapabilityKey.values if k not in relevant]
    cards = [
        {
            "key": key,
            "label": CapabilityKey(key).label,
            "help": CAPABILITY_HELP[key],
            "declaration": declarations.get(key),
        }
        for key in list(relevant) + [k for k in others if k in declarations]
    ]
    return render(
        request,
        "entities/capabilities.html",
        {
            "organization": organization,
            "cards": cards,
            "other_keys": [(k, CapabilityKey(k).label) for k in others if k not in declarations],
            "can_edit": rules.can_edit_content(request.user, organization),
        },
    )


@login_required
def capability_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    organization = get_organization(request, pk, rules.can_edit_content)
    if key not in CapabilityKey.values:
        raise Http404
    declaration = organization.capabilities.filter(key=key).prefetch_related("evidence").first()
    initial = {"description": declaration.description} if declaration else {}
    form = CapabilityForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.capability_save(
            organization=organization,
            key=key,
            description=form.cleaned_data["description"],
            files=form.cleaned_data["files"],
            by=request.user,
        )
        declaration = organization.capabilities.filter(key=key).first()
        if not declaration.evidence.exists():
            messages.warning(
                request,
                _(
                    "Saved. Add at least one evidence file: without it the declaration does not count."
                ),
            )
        else:
            messages.success(request, _("Saved."))
        return redirect("entities:capabilities", organization.pk)
    return render(
        request,
        "entities/capability_form.html",
        {
            "organization": organization,
            "form": form,
            "key": key,
            "label": CapabilityKey(key).label,
            "help": CAPABILITY_HELP[key],
            "declaration": declaration,
        },
    )


def _evidence(request, pk: int, evidence_pk: int) -> tuple[Organization, CapabilityEvidence]:
    organization = get_organization(request, pk)
    evidence = get_object_or_404(
        CapabilityEvidence.objects.select_related("declaration"),
        pk=evidence_pk,
        declaration__organization=organization,
    )
    return organization, evidence


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    organization, evidence = _evidence(request, pk, evidence_pk)
    return serve_stored_file(evidence, organization=organization)


@login_required
def evidence_delete(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    organization, evidence = _evidence(request, pk, evidence_pk)
    if not rules.can_edit_content(request.user, organization):
        raise Http404
    if request.method == "POST":
        services.capability_evidence_delete(evidence=evidence, by=request.user)
        messages.success(
            request, _("The file %(name)s was deleted.") % {"name": evidence.original_name}
        )
        return redirect("entities:capability_edit", organization.pk, evidence.declaration.key)
    return render(
        request,
        "confirm.html",
        {
            "title": _("Delete evidence file?"),
            "text": _("“%(name)s” will be deleted. This cannot be undone.")
            % {"name": evidence.original_name},
            "confirm_label": _("Delete file"),
            "cancel_url": reverse(
                "entities:capability_edit", args=[organization.pk, evidence.declaration.key]
            ),
            "danger": True,
        },
    )
