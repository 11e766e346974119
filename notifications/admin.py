"""The outbox in the operators' admin: failed deliveries, their errors, "retry now"."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Delivery, DeliveryStatus, Notification, Preference

STATUS_BADGE = {
    DeliveryStatus.SENT: "#1e7b45",
    DeliveryStatus.FAILED: "#b3261e",
    DeliveryStatus.PENDING: "#8a5a00",
    DeliveryStatus.SENDING: "#0b5cad",
}


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["channel", "mode", "address", "status", "attempts", "last_error", "sent_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "recipient_display", "read_at"]
    list_filter = ["event", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "recipient__email", "event"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    readonly_fields = [
        "recipient",
        "email",
        "event",
        "content_type",
        "object_id",
        "context",
        "created_at",
        "read_at",
    ]
    inlines = [DeliveryInline]

    @admin.display(description=_("recipient"), ordering="email")
    def recipient_display(self, obj: Notification) -> str:
        return str(obj.recipient or obj.email)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "status_badge",
        "attempts",
        "error_excerpt",
        "event",
        "address",
        "created_at",
        "sent_at",
    ]
    list_display_links = ["pk"]
    list_filter = ["status", "mode", "channel", "notification__event"]
    search_fields = ["address", "notification__event", "last_error"]
    date_hierarchy = "created_at"
    list_select_related = ["notification"]
    actions = ["retry_now"]
    readonly_fields = [
        "notification",
        "recipient",
        "channel",
        "mode",
        "address",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "due_at",
        "claimed_until",
        "last_attempt_at",
        "sent_at",
        "updated_at",
    ]
    fields = readonly_fields

    @admin.display(description=_("event"), ordering="notification__event")
    def event(self, obj: Delivery) -> str:
        return obj.notification.event

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Delivery) -> str:
        color = STATUS_BADGE.get(obj.status, "#556270")
        return format_html('<strong style="color:{}">{}</strong>', color, obj.get_status_display())

    @admin.display(description=_("last error"))
    def error_excerpt(self, obj: Delivery) -> str:
        return Truncator(obj.last_error).chars(70)

    @admin.action(description=_("Retry now (failed or pending deliveries)"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = services.deliveries_retry(delivery_ids=queryset.values_list("pk", flat=True))
        messages.success(
            request,
            ngettext(
                "%(count)d delivery queued again.", "%(count)d deliveries queued again.", count
            )
            % {"count": count},
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "mode", "updated_at"]
    list_filter = ["mode", "event"]
    search_fields = ["user__email", "event"]
    raw_id_fields = ["user"]
