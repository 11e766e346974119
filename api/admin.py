from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AccessToken


@admin.register(AccessToken)
class AccessTokenAdmin(SimpleHistoryAdmin):
    """Operators see who holds tokens for which organization and may revoke them."""

    list_display = ("name", "hint", "user", "organization", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__email", "organization__legal_name")
    list_select_related = ("user", "organization")
    readonly_fields = ("user", "organization", "hint", "created_at", "last_used_at", "expires_at")
    fields = (*readonly_fields, "name", "revoked_at")

    def has_add_permission(self, request) -> bool:
        return False  # a token's secret is shown to its own user only
