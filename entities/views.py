from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.middleware import SESSION_KEY

from . import rules, selectors, services
from .enums import CAPABILITY_HELP, CapabilityKey, MembershipRole, VerificationStatus
from .files import serve_stored_file
from .forms import CapabilityForm, InvitationForm, OrganizationForm, RoleForm
from .models import CapabilityEvidence, Invitation, Membership, Organization
from .registry import REGISTRIES, uscc_region_code


def get_organization(request: HttpRequest, pk: int, check=rules.can_view_organization):
    """The organization, or 404 when the user may not see it (never 403)."""
    organization = Organization.objects.filter(pk=pk).first()
    if organization is None or not rules.can_view_organization(request.user, organization):
        raise Http404
    if check is not rules.can_view_organization and not check(request.user, organization):
        raise Http404
    return organization


def show_validation_error(request, exc: ValidationError, form=None) -> None:
    """Show a service's ValidationError next to the fields it names, or as messages.

    Shared by the views of every app: services raise ValidationError, views show it.
    """
    if form is not None and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for message in exc.messages:
        messages.error(request, message)


def _registry_meta() -> dict[str, str]:
    return {code: r.country for code, r in REGISTRIES.items()}


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_validation_error(request, exc, form)
        else:
            request.session[SESSION_KEY] = organization.pk
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
            next_url = request.POST.get("next") or request.GET.get("next") or ""
            if next_url and url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                return redirect(next_url)
            return redirect("entities:detail", organization.pk)
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


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization(request, pk)
    declarations = selectors.capability_declarations(organization)
    keys = selectors.relevant_capability_keys(organization)
    capabilities = [
        {
            "key": key,
            "label": CapabilityKey(key).label,
            "declaration": declarations.get(key),
            "complete": bool(declarations.get(key) and declarations[key].evidence_count > 0),
        }
        for key in keys
    ]
    warnings = []
    hint = uscc_region_code(organization.registration_number)
    if organization.country.code == "CN" and hint and hint[:2] != organization.region_code[:2]:
        warnings.append(
            _(
                "Characters 3–8 of the credit code (%(hint)s) point to another province than "
                "the declared region code %(code)s."
            )
            % {"hint": hint, "code": organization.region_code}
        )
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
            "capabilities": capabilities,
            "registry": REGISTRIES.get(organization.registry),
            "warnings": warnings,
            "can_request_verification": organization.verification_status
            in (VerificationStatus.UNVERIFIED, VerificationStatus.REJECTED),
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


# --------------------------------------------------------------------------- members
@login_required
def members(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization(request, pk)
    can_manage = rules.can_manage_members(request.user, organization)
    my_membership = rules.membership_of(request.user, organization)
    allowed_roles = [
        r for r in MembershipRole.values if rules.can_grant_role(request.user, organization, r)
    ]
    invite_form = InvitationForm(
        request.POST if request.method == "POST" else None, allowed_roles=allowed_roles
    )
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if invite_form.is_valid():
            try:
                services.invitation_create(
                    organization=organization,
                    email=invite_form.cleaned_data["email"],
                    role=invite_form.cleaned_data["role"],
                    by=request.user,
                )
            except ValidationError as exc:
                show_validation_error(request, exc, invite_form)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.")
                    % {"email": invite_form.cleaned_data["email"]},
                )
                return redirect("entities:members", organization.pk)
    return render(
        request,
        "entities/members.html",
        {
            "organization": organization,
            "members": selectors.organization_members(organization),
            "invitations": selectors.pending_invitations(organization) if can_manage else [],
            "can_manage": can_manage,
            "my_membership": my_membership,
            "invite_form": invite_form,
            "role_choices": [c for c in MembershipRole.choices if c[0] in allowed_roles],
        },
    )


def _member(request, pk: int, member_pk: int) -> tuple[Organization, Membership]:
    organization = get_organization(request, pk)
    membership = get_object_or_404(Membership, pk=member_pk, organization=organization)
    is_self = membership.user_id == request.user.pk
    if not (rules.can_manage_members(request.user, organization) or is_self):
        raise Http404
    return organization, membership


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    organization, membership = _member(request, pk, member_pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles offered."))
        return redirect("entities:members", organization.pk)
    role = form.cleaned_data["role"]
    if not rules.can_grant_role(request.user, organization, role) or (
        membership.role == MembershipRole.OWNER
        and not rules.role_at_least(request.user, organization, MembershipRole.OWNER)
    ):
        messages.error(request, _("Only an owner can give or take away the owner role."))
        return redirect("entities:members", organization.pk)
    try:
        services.membership_change_role(membership=membership, role=role, by=request.user)
    except ValidationError as exc:
        show_validation_error(request, exc)
    else:
        messages.success(
            request,
            _("%(user)s is now %(role)s.")
            % {"user": membership.user, "role": MembershipRole(role).label.lower()},
        )
    return redirect("entities:members", organization.pk)


@login_required
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    organization, membership = _member(request, pk, member_pk)
    is_self = membership.user_id == request.user.pk
    if (
        membership.role == MembershipRole.OWNER
        and not is_self
        and not rules.role_at_least(request.user, organization, MembershipRole.OWNER)
    ):
        raise Http404
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership, by=request.user)
        except ValidationError as exc:
            show_validation_error(request, exc)
            return redirect("entities:members", organization.pk)
        if is_self:
            request.session.pop(SESSION_KEY, None)
            # Organization names often end in a full stop ("Co., Ltd."): keep them mid-sentence.
            messages.success(
                request,
                _("%(org)s: you have left the organization.") % {"org": organization.legal_name},
            )
            return redirect("dashboard")
        messages.success(request, _("%(user)s was removed.") % {"user": membership.user})
        return redirect("entities:members", organization.pk)
    return render(
        request,
        "entities/member_remove.html",
        {"organization": organization, "membership": membership, "is_self": is_self},
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    organization = get_organization(request, pk, rules.can_manage_members)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, organization=organization)
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
    except ValidationError as exc:
        show_validation_error(request, exc)
    else:
        messages.success(
            request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("entities:members", organization.pk)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Landing page of an invitation link; works before the invitee has an account."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by").filter(token=token).first()
    )
    if invitation is None:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                if not request.user.is_authenticated:
                    return redirect(f"{reverse('account_login')}?next={request.path}")
                services.invitation_accept(invitation=invitation, user=request.user)
                request.session[SESSION_KEY] = invitation.organization_id
                messages.success(
                    request,
                    _("%(org)s: welcome! You joined as %(role)s.")
                    % {
                        "org": invitation.organization.legal_name,
                        "role": invitation.get_role_display().lower(),
                    },
                )
                return redirect("dashboard")
            if action == "decline":
                services.invitation_decline(invitation=invitation)
                messages.info(request, _("You declined the invitation."))
                return redirect("home")
        except ValidationError as exc:
            show_validation_error(request, exc)
        return redirect("entities:invitation", token)
    email_matches = (
        request.user.is_authenticated and request.user.email.lower() == invitation.email.lower()
    )
    return render(
        request,
        "entities/invitation.html",
        {"invitation": invitation, "email_matches": email_matches},
    )


# --------------------------------------------------------------------------- capabilities
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
    _org, evidence = _evidence(request, pk, evidence_pk)
    return serve_stored_file(evidence)


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


# --------------------------------------------------------------------------- switcher
@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    try:
        pk = int(request.POST.get("organization", ""))
    except ValueError:
        pk = None
    membership = Membership.objects.filter(user=request.user, organization_id=pk).first()
    if membership is None:
        messages.error(request, _("You are not a member of that organization."))
    else:
        request.session[SESSION_KEY] = membership.organization_id
        messages.info(
            request,
            _("%(org)s is now your active organization.")
            % {"org": membership.organization.legal_name},
        )
    next_url = request.POST.get("next") or reverse("dashboard")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("dashboard")
    return redirect(next_url)


# --------------------------------------------------------------------------- eligibility
def _eligibility_step(step, organization: Organization, verification: str, can: dict) -> dict:
    """A next step with the page it is done on (or none: e.g. wait until a date)."""
    text, url = step.text, ""
    if step.target == "profile":
        url = reverse("entities:edit" if can["edit"] else "entities:detail", args=[organization.pk])
    elif step.target == "capability":
        url = (
            reverse("entities:capability_edit", args=[organization.pk, step.key])
            if can["content"]
            else reverse("entities:capabilities", args=[organization.pk])
        )
    elif step.target == "verification":
        if verification == VerificationStatus.PENDING:
            text = _("The programme office is checking your documents; you will get an e-mail")
        else:
            url = reverse("entities:detail", args=[organization.pk])
            if verification == VerificationStatus.REJECTED:
                text = _("Correct the profile, then request verification again")
    return {"text": text, "url": url}


@login_required
def eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    """Today's eligibility in each role, rule by rule, with what to do next. Members and operators."""
    from django.utils import timezone

    from .eligibility.overview import organization_overview, rules_in_plain_language

    organization = get_organization(request, pk)
    overview = organization_overview(organization, on=timezone.now())
    can = {
        "edit": rules.can_edit_organization(request.user, organization),
        "content": rules.can_edit_content(request.user, organization),
    }
    roles = []
    for standing in overview.standings:
        rows = []
        for result in standing.report.results:
            state = "waived" if result.waived else ("pass" if result.passed else "fail")
            steps = [
                _eligibility_step(s, organization, organization.verification_status, can)
                for s in result.next_steps
            ]
            rows.append({"result": result, "state": state, "steps": steps})
        roles.append(
            {
                "role": standing.role.value,
                "label": standing.role.label,
                "primary": standing.primary,
                "report": standing.report,
                "rows": rows,
                "to_do": len(standing.report.failures),
            }
        )
    return render(
        request,
        "entities/eligibility.html",
        {
            "organization": organization,
            "overview": overview,
            "roles": roles,
            "can_edit": can["edit"],
            "can_edit_content": can["content"],
            "plain": rules_in_plain_language(overview.ruleset, on=overview.on),
            "is_operator": rules.is_operator(request.user),
        },
    )
