"""Audit entries for membership and permission changes, whatever path makes them.

Signals rather than calls in the services: the admin edits memberships,
groups and staff flags directly, and every path must leave a trace. An
organization's own members group is bookkeeping for django-guardian (it moves
with the membership) and is not recorded twice.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from core.audit import audit_record
from core.enums import AuditAction

from .models import Membership, RuleWaiver, User

_ACCESS_FIELDS = ("is_staff", "is_superuser", "is_reviewer", "is_active")


def _membership_pre_save(sender: Any, instance: Membership, **kwargs: Any) -> None:
    if instance.pk:
        instance._audit_old_role = (
            Membership.objects.filter(pk=instance.pk).values_list("role", flat=True).first()
        )


def _membership_saved(sender: Any, instance: Membership, created: bool, **kwargs: Any) -> None:
    details = {"user": instance.user_id, "role": instance.role}
    if created:
        audit_record(AuditAction.MEMBERSHIP_ADDED, obj=instance, details=details)
        return
    old = getattr(instance, "_audit_old_role", None)
    if old is not None and old != instance.role:
        details["previous_role"] = old
        audit_record(AuditAction.MEMBERSHIP_ROLE_CHANGED, obj=instance, details=details)


def _membership_deleted(sender: Any, instance: Membership, **kwargs: Any) -> None:
    audit_record(
        AuditAction.MEMBERSHIP_REMOVED,
        obj=instance,
        details={"user": instance.user_id, "role": instance.role},
    )


def _user_pre_save(sender: Any, instance: User, update_fields=None, **kwargs: Any) -> None:
    if not instance.pk or (
        update_fields is not None and not set(update_fields) & set(_ACCESS_FIELDS)
    ):
        return
    instance._audit_old_access = User.objects.filter(pk=instance.pk).values(*_ACCESS_FIELDS).first()


def _user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    old = instance.__dict__.pop("_audit_old_access", None)
    now = {field: getattr(instance, field) for field in _ACCESS_FIELDS}
    if created:
        if any(now[f] for f in ("is_staff", "is_superuser", "is_reviewer")):
            audit_record(AuditAction.STAFF_CHANGED, obj=instance, details={"after": now})
        return
    if old is not None and old != now:
        changed = {f: [old[f], now[f]] for f in _ACCESS_FIELDS if old[f] != now[f]}
        audit_record(AuditAction.STAFF_CHANGED, obj=instance, details={"changed": changed})


def _groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set=None, **kwargs: Any
) -> None:
    if action == "pre_clear" and not reverse:
        # Recorded before the rows go, so that the entry can name them.
        pk_set = set(instance.groups.values_list("pk", flat=True))
    elif action not in ("post_add", "post_remove"):
        return
    kind = "added" if action == "post_add" else "removed"
    if reverse:
        if Group.objects.filter(pk=instance.pk, organization__isnull=False).exists():
            return
        names, users = [instance.name], list(User.objects.filter(pk__in=pk_set or ()))
    else:
        groups = Group.objects.filter(pk__in=pk_set or (), organization__isnull=True)
        names, users = sorted(groups.values_list("name", flat=True)), [instance]
    if not names:
        return
    for user in users:
        audit_record(AuditAction.GROUPS_CHANGED, obj=user, details={kind: names})


def _permissions_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set=None, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    codenames = sorted(
        Permission.objects.filter(pk__in=pk_set or ()).values_list("codename", flat=True)
    )
    audit_record(
        AuditAction.PERMISSIONS_CHANGED,
        obj=instance,
        details={action.removeprefix("post_"): codenames},
    )


def _waiver_pre_save(sender: Any, instance: RuleWaiver, **kwargs: Any) -> None:
    instance._audit_was_revoked = bool(
        instance.pk and RuleWaiver.objects.filter(pk=instance.pk, revoked_at__isnull=False).exists()
    )


def _waiver_saved(sender: Any, instance: RuleWaiver, created: bool, **kwargs: Any) -> None:
    details = {"rule": instance.rule_code, "reason": instance.reason}
    if created:
        details["expires_on"] = instance.expires_on.isoformat()
        audit_record(AuditAction.WAIVER_GRANTED, obj=instance, details=details)
    elif instance.revoked_at and not getattr(instance, "_audit_was_revoked", True):
        audit_record(AuditAction.WAIVER_REVOKED, obj=instance, details=details)


def connect() -> None:
    pairs = [
        (pre_save, _membership_pre_save, Membership),
        (post_save, _membership_saved, Membership),
        (post_delete, _membership_deleted, Membership),
        (pre_save, _user_pre_save, User),
        (post_save, _user_saved, User),
        (m2m_changed, _groups_changed, User.groups.through),
        (m2m_changed, _permissions_changed, User.user_permissions.through),
        (pre_save, _waiver_pre_save, RuleWaiver),
        (post_save, _waiver_saved, RuleWaiver),
    ]
    for signal, receiver, sender in pairs:
        signal.connect(receiver, sender=sender, dispatch_uid=f"audit{receiver.__name__}")
