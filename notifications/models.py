"""The notification outbox.

A `Notification` is one event for one recipient (a user, whose inbox shows it,
or a bare e-mail address). A `Delivery` is the e-mail for that notification:
an outbox row that a Celery task claims, sends and marks, so nothing is lost
when the broker or a worker is down and nothing is sent twice.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .events import Event, get_event


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")


class Mode(models.TextChoices):
    """How a user wants to hear about one kind of event (besides the inbox)."""

    IMMEDIATE = "immediate", _("E-mail right away")
    DIGEST = "digest", _("Daily digest")
    OFF = "off", _("No e-mail")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DIGEST = "digest", _("Waiting for the daily digest")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")

    # Groups, named so queries and the health check agree on them.
    @classmethod
    def outstanding(cls) -> list[str]:
        """Not yet sent and expected to be sent soon (what the health check counts)."""
        return [cls.PENDING, cls.SENDING]


class Notification(models.Model):
    """One event for one recipient; a user's rows are their inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    email = models.EmailField(
        _("e-mail address"),
        help_text=_("The address at the time of the event (the only one for a non-user)."),
    )
    event = models.CharField(_("event"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    context = models.JSONField(_("context"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_inbox_idx"),
            models.Index(
                fields=["recipient"],
                name="notif_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient or self.email}"

    @property
    def kind(self) -> Event:
        """The event definition (a generic one, logged, if the key is no longer known)."""
        return get_event(self.event, strict=False)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def url(self) -> str:
        """The site-relative link to the object, or "" (never an external address)."""
        url = str(self.context.get("url") or "")
        if url.startswith("/") and not url.startswith("//") and "\\" not in url:
            return url
        return ""


class Delivery(models.Model):
    """One e-mail to send for one notification: the outbox row."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Copied from the notification so a digest claim is one UPDATE without a join.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.EMAIL
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.IMMEDIATE)
    address = models.EmailField(_("address"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    due_at = models.DateTimeField(
        _("due"), default=timezone.now, help_text=_("Not sent before this time (retry backoff).")
    )
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="delivery_status_due_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel} → {self.address} ({self.status})"


class Preference(models.Model):
    """A user's choice for one kind of event; no row means "e-mail right away"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    event = models.CharField(_("event"), max_length=100)
    mode = models.CharField(_("e-mail"), max_length=20, choices=Mode.choices)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notif_pref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.event} = {self.mode}"
