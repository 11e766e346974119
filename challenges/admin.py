"""Operators' read-mostly view of challenges and bids in /admin/.

State changes are never made here: the vetting desk (/operator/challenges/)
and the evaluation pages call `challenges.lifecycle`. The admin shows every
record with its history for audits.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Attachment, Bid, BidPartner, BidTransition, Challenge, ChallengeTransition


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ChallengeTransitionInline(ReadOnlyInline):
    model = ChallengeTransition
    fields = ["at", "action", "from_state", "to_state", "actor", "reason", "eligibility_record"]
    readonly_fields = fields


class BidTransitionInline(ReadOnlyInline):
    model = BidTransition
    fields = ["at", "action", "from_state", "to_state", "actor", "reason", "eligibility_record"]
    readonly_fields = fields


class BidPartnerInline(ReadOnlyInline):
    model = BidPartner
    fields = ["organization", "invited_email", "role", "status", "responded_by", "responded_at"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["original_name", "content_type", "size", "public", "uploaded_at"]
    readonly_fields = fields


class _ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD") and super().has_change_permission(request, obj)


@admin.register(Challenge)
class ChallengeAdmin(_ReadOnlyAdmin):
    list_display = ["title", "organization", "state", "deadline", "submitted_at", "site_link"]
    list_filter = ["state", "sector", "organization__country"]
    search_fields = ["title", "organization__legal_name"]
    date_hierarchy = "deadline"
    list_select_related = ["organization"]
    inlines = [ChallengeTransitionInline, AttachmentInline]
    exclude = ["search_vector"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "search_vector"]

    @admin.display(description=_("on the site"))
    def site_link(self, obj: Challenge) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("open"))


@admin.register(Bid)
class BidAdmin(_ReadOnlyAdmin):
    list_display = ["applicant", "challenge", "state", "submitted_at", "site_link"]
    list_filter = ["state"]
    search_fields = ["applicant__legal_name", "challenge__title", "lead_name"]
    list_select_related = ["applicant", "challenge"]
    inlines = [BidPartnerInline, BidTransitionInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.display(description=_("on the site"))
    def site_link(self, obj: Bid) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("challenges:bid_detail", args=[obj.pk]), _("open")
        )
