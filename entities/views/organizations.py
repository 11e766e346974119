"""Organization profiles: register, show, edit, request verification, switch the active one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import rules, selectors, services
from ..enums import CapabilityKey, VerificationStatus
from ..forms import OrganizationForm
from ..models import Membership, Organization
from ..registry import REGISTRIES, uscc_region_code
from ..session import remember_organization
from ._common import get_organization, show_validation_error


def _registry_meta() -> dict[str, str]:
    return {code: r.country for code, r in REGISTRIES.items()}


def _safe_next(request: HttpRequest) -> str:
    """The `next` address of a partner invitation link, if it stays on this site."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_validation_error(request, exc, form)
        else:
            remember_organization(request, organization.pk)
            for warning in form.warnings:
                messages.warning(request, warning)
            messages.success(
                request,
                _(
                    "%(name)s is registered. Next: declare its capabilities with evidence and "
                    "request verification."
                )
                % {"name": organization.legal_name},
            )
            # Coming from a partner invitation link: go back to answer it.
            return redirect(
                _safe_next(request) or reverse("entities:detail", args=[organization.pk])
            )
    return render(
        request,
        "entities/organization_form.html",
        {
            "form": form,
            "registry_meta": _registry_meta(),
            "creating": True,
            "next": request.GET.get("next", ""),
        },
    )


def _capability_rows(organization: Organization) -> list[dict]:
    declarations = selectors.capability_declarations(organization)
    return [
        {
            "key": key,
            "label": CapabilityKey(key).label,
            "declaration": declarations.get(key),
            "complete": bool(declarations.get(key) and declarations[key].evidence_count > 0),
        }
        for key in selectors.relevant_capability_keys(organization)
    ]


def _profile_warnings(organization: Organization) -> list[str]:
    hint = uscc_region_code(organization.registration_number)
    if organization.country.code == "CN" and hint and hint[:2] != organization.region_code[:2]:
        return [
            _(
                "Characters 3–8 of the credit code (%(hint)s) point to another province than "
                "the declared region code %(code)s."
            )
            % {"hint": hint, "code": organization.region_code}
        ]
    return []


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization(request, pk)
    status = organization.verification_status
    return render(
        request,
        "entities/organization_detail.html",
        {
            "organization": organization,
            "membership": rules.membership_of(request.user, organization),
            "can_edit": rules.can_edit_organization(request.user, organization),
            "can_manage": rules.can_manage_members(request.user, organization),
            "can_edit_content": rules.can_edit_content(request.user, organization),
            "members": selectors.organization_members(organization),
            "capabilities": _capability_rows(organization),
            "registry": REGISTRIES.get(organization.registry),
            "warnings": _profile_warnings(organization),
            "can_request_verification": status
            in (VerificationStatus.UNVERIFIED, VerificationStatus.REJECTED),
            "verification_unverified": status == VerificationStatus.UNVERIFIED,
            "verification_pending": status == VerificationStatus.PENDING,
            "verification_rejected": status == VerificationStatus.REJECTED,
        },
    )


@login_required
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization(request, pk, rules.can_edit_organization)
    form = OrganizationForm(request.POST or None, instance=Organization.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        was_verified = organization.is_verified
        try:
            organization = services.organization_update(
                organization=organization, user=request.user, **fields
            )
        except ValidationError as exc:
            show_validation_error(request, exc, form)
        else:
            for warning in form.warnings:
                messages.warning(request, warning)
            if was_verified and not organization.is_verified:
                messages.warning(
                    request,
                    _(
                        "You changed legal details, so the organization goes back to the "
                        "programme office for verification."
                    ),
                )
            messages.success(request, _("The profile is saved."))
            return redirect("entities:detail", organization.pk)
    return render(
        request,
        "entities/organization_form.html",
        {"form": form, "organization": organization, "registry_meta": _registry_meta()},
    )


@login_required
@require_POST
def organization_request_verification(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization(request, pk, rules.can_request_verification)
    try:
        services.organization_request_verification(organization=organization, user=request.user)
    except ValidationError as exc:
        show_validation_error(request, exc)
    else:
        messages.success(
            request,
            _("Verification requested. The programme office will check your documents."),
        )
    return redirect("entities:detail", organization.pk)


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """The header's organization switcher: work for another organization of the user's."""
    try:
        pk = int(request.POST.get("organization", ""))
    except ValueError:
        pk = None
    membership = Membership.objects.filter(user=request.user, organization_id=pk).first()
    if membership is None:
        messages.error(request, _("You are not a member of that organization."))
    else:
        remember_organization(request, membership.organization_id)
        messages.info(
            request,
            _("%(org)s is now your active organization.")
            % {"org": membership.organization.legal_name},
        )
    next_url = request.POST.get("next") or reverse("dashboard")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("dashboard")
    return redirect(next_url)
