"""Members of an organization and invitations to join it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import rules, selectors, services
from ..enums import InvitationStatus, MembershipRole
from ..forms import InvitationForm, RoleForm, SecondFactorPolicyForm
from ..models import Invitation, Membership, Organization
from ..session import forget_organization, remember_organization
from ._common import get_organization, show_validation_error


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
            "owner_role": MembershipRole.OWNER,
            "i_am_owner": bool(my_membership and my_membership.role == MembershipRole.OWNER),
            "second_factor_form": (
                SecondFactorPolicyForm(
                    initial={"require_second_factor": organization.require_second_factor}
                )
                if rules.can_set_second_factor_policy(request.user, organization)
                else None
            ),
        },
    )


@login_required
@require_POST
def second_factor_policy(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner's switch: require a second factor of the organization's members."""
    organization = get_organization(request, pk, check=rules.can_set_second_factor_policy)
    form = SecondFactorPolicyForm(request.POST)
    if not form.is_valid():  # a checkbox cannot be invalid, but never trust a post
        messages.error(request, _("The setting could not be read. Please try again."))
        return redirect("entities:members", organization.pk)
    required = form.cleaned_data["require_second_factor"]
    services.organization_set_second_factor_policy(
        organization=organization, required=required, by=request.user
    )
    if required:
        messages.success(
            request,
            _(
                "Everyone working for %(organization)s must now sign in with a second factor. "
                "Members have been told by e-mail."
            )
            % {"organization": organization.legal_name},
        )
    else:
        messages.success(
            request,
            _("A second factor is no longer required for %(organization)s.")
            % {"organization": organization.legal_name},
        )
    return redirect("entities:members", organization.pk)


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
            forget_organization(request)
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


def _answer_invitation(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    action = request.POST.get("action")
    try:
        if action == "accept":
            if not request.user.is_authenticated:
                return redirect(f"{reverse('account_login')}?next={request.path}")
            services.invitation_accept(invitation=invitation, user=request.user)
            remember_organization(request, invitation.organization_id)
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
    return redirect("entities:invitation", invitation.token)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Landing page of an invitation link; works before the invitee has an account."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by").filter(token=token).first()
    )
    if invitation is None:
        raise Http404
    if request.method == "POST":
        return _answer_invitation(request, invitation)
    email_matches = (
        request.user.is_authenticated and request.user.email.lower() == invitation.email.lower()
    )
    return render(
        request,
        "entities/invitation.html",
        {
            "invitation": invitation,
            "answered": invitation.status != InvitationStatus.PENDING,
            "email_matches": email_matches,
        },
    )
