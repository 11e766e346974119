"""Audit entries for sign-ins, sign-in failures, sign-outs and second-factor changes.

Connected in `CoreConfig.ready`; allauth's MFA signals carry the request, and
Django's auth signals fire for every sign-in path (allauth, admin, tests).
"""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals

from .audit import audit_record
from .enums import AuditAction


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(AuditAction.LOGIN, actor=user, obj=user, request=request)


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(AuditAction.LOGOUT, actor=user, obj=user, request=request)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    tried = credentials.get("email") or credentials.get("username") or ""
    audit_record(
        AuditAction.LOGIN_FAILED,
        request=request,
        details={"identifier": str(tried)[:254]},
    )


def _mfa(action: str):
    def receiver(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
        authenticator = kwargs.get("authenticator")
        audit_record(
            action,
            actor=user,
            obj=user,
            request=request,
            details={"type": getattr(authenticator, "type", "")},
        )

    receiver.__name__ = f"on_{action.replace('.', '_')}"
    return receiver


on_mfa_added = _mfa(AuditAction.MFA_ADDED)
on_mfa_removed = _mfa(AuditAction.MFA_REMOVED)
on_mfa_reset = _mfa(AuditAction.MFA_RESET)


def connect() -> None:
    auth_signals.user_logged_in.connect(on_logged_in, dispatch_uid="audit_login")
    auth_signals.user_logged_out.connect(on_logged_out, dispatch_uid="audit_logout")
    auth_signals.user_login_failed.connect(on_login_failed, dispatch_uid="audit_login_failed")
    mfa_signals.authenticator_added.connect(on_mfa_added, dispatch_uid="audit_mfa_added")
    mfa_signals.authenticator_removed.connect(on_mfa_removed, dispatch_uid="audit_mfa_removed")
    mfa_signals.authenticator_reset.connect(on_mfa_reset, dispatch_uid="audit_mfa_reset")
