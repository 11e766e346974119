"""The audit trail in /admin/: read-only (no add, change or delete for anyone)."""

from __future__ import annotations

from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_label", "organization_label", "ip_address"]
    list_filter = ["action"]
    search_fields = ["action", "object_label", "organization_label", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["actor"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
