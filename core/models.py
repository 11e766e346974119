"""The one audit trail: who did what, when, from where. Append-only.

Rows are written by `core.audit.audit_record` (and the transition observer),
never changed or deleted: `save()` refuses an existing row, `delete()` and
queryset `update()`/`delete()` refuse, and on PostgreSQL a trigger rejects
UPDATE and DELETE (migration 0002). The actor is kept as an id without a
database constraint, so that removing an account (retention) leaves the
trail intact; the trail never copies a person's name or e-mail address.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import AuditAction


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete an audit entry."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries cannot be deleted.")

    update.queryset_only = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    organization_id = models.BigIntegerField(_("organization id"), null=True, blank=True)
    organization_label = models.CharField(_("organization"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=120, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="core_audit_object"),
            models.Index(fields=["organization_id", "at"], name="core_audit_org"),
            models.Index(fields=["actor", "at"], name="core_audit_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_label}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Audit entries cannot be deleted.")

    @property
    def action_label(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action
