"""Read-only records in /admin/: invitations, capability declarations, eligibility reports."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..models import (
    CapabilityDeclaration,
    CapabilityEvidence,
    EligibilityRecord,
    Invitation,
    PrivacyConsent,
)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "status", "created_at", "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "organization__legal_name"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False


class EvidenceInline(admin.TabularInline):
    model = CapabilityEvidence
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_at", "download"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("entities:evidence", args=[obj.declaration.organization_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("open"))


@admin.register(CapabilityDeclaration)
class CapabilityDeclarationAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "key", "updated_at"]
    list_filter = ["key"]
    search_fields = ["organization__legal_name"]
    inlines = [EvidenceInline]
    readonly_fields = ["organization", "key", "description", "updated_at", "updated_by"]

    def has_add_permission(self, request):
        return False


@admin.register(EligibilityRecord)
class EligibilityRecordAdmin(admin.ModelAdmin):
    list_display = ["subject_name", "role", "context", "on_date", "eligible", "ruleset"]
    list_filter = ["role", "eligible", "ruleset"]
    search_fields = ["subject_name", "context"]
    readonly_fields = [f.name for f in EligibilityRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PrivacyConsent)
class PrivacyConsentAdmin(admin.ModelAdmin):
    """Who accepted which version of the privacy notice, and when (read-only evidence)."""

    list_display = ["user", "version", "accepted_at"]
    list_filter = ["version"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "version", "accepted_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
