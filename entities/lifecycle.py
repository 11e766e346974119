"""The verification of an organization: its transition table (rows of `core.transitions`).

An organization asks to be verified (or is sent back to pending when its
legal facts change), the programme office verifies or rejects it with a
reason. `organization_set_verification` in `entities.services` applies these
rows; nothing else assigns `verification_status`.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from core.transitions import Actor, Change, Emit, Machine, row
from notifications.services import notify

from .enums import MembershipRole, VerificationStatus
from .models import Organization
from .rules import can_request_verification, is_operator
from .selectors import operators, organization_users


def _operator(user: Any, organization: Organization) -> bool:
    return user is not None and is_operator(user)


def _manager_or_operator(user: Any, organization: Organization) -> bool:
    return user is not None and (is_operator(user) or can_request_verification(user, organization))


def _owners(change: Change) -> list:
    return organization_users(change.obj, min_role=MembershipRole.MANAGER)


def _operators(change: Change) -> list:
    return operators()


def _context(change: Change) -> dict[str, Any]:
    organization = change.obj
    return {
        "organization": organization.legal_name,
        "status": change.to_state,
        "reason": organization.verification_reason,
        "url": reverse("entities:detail", args=[organization.pk]),
    }


def _guard_request(change: Change) -> None:
    change.obj.verification_reason = change.reason
    change.obj.verification_requested_at = change.now


def _guard_verify(change: Change) -> None:
    change.obj.verification_reason = change.reason
    change.obj.verified_at = change.now
    change.obj.verified_by = change.by


def _guard_reject(change: Change) -> None:
    change.obj.verification_reason = change.reason


V = VerificationStatus
ORGANIZATION = Machine(
    name="organization",
    model=Organization,
    states=VerificationStatus,
    state_field="verification_status",
    changed_at_field=None,
    refused=gettext_lazy("An organization that is “%(from)s” cannot become “%(to)s”."),
    notify=notify,
    context=_context,
    # The organization's own history (django-simple-history) records each change.
    history=lambda change: None,
    transitions=[
        # A verified organization whose legal facts change goes back to pending.
        row(
            "request",
            [V.UNVERIFIED, V.REJECTED, V.VERIFIED],
            V.PENDING,
            Actor.OWNER,
            gettext_lazy("Request verification"),
            may=_manager_or_operator,
            guard=_guard_request,
            emits=[Emit("organization.verification_requested", _operators)],
        ),
        row(
            "verify",
            [V.PENDING],
            V.VERIFIED,
            Actor.OPERATOR,
            gettext_lazy("Verify"),
            may=_operator,
            guard=_guard_verify,
            emits=[Emit("organization.verified", _owners)],
        ),
        row(
            "reject",
            [V.PENDING, V.VERIFIED],
            V.REJECTED,
            Actor.OPERATOR,
            gettext_lazy("Reject"),
            needs_reason=True,
            reason_prompt=gettext_lazy("Give the organization a reason for the rejection."),
            may=_operator,
            guard=_guard_reject,
            emits=[Emit("organization.rejected", _owners)],
        ),
    ],
)

#: The action that leads to each status (for `organization_set_verification(to=...)`).
ACTION_TO = {V.PENDING: "request", V.VERIFIED: "verify", V.REJECTED: "reject"}
