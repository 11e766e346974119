from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .models import AccessToken
from .services import token_revoke


@admin.register(AccessToken)
class AccessTokenAdmin(SimpleHistoryAdmin):
    """Operators see who holds tokens for which organization and may revoke them."""

    list_display = ("name", "hint", "user", "organization", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__email", "organization__legal_name")
    list_select_related = ("user", "organization")
    readonly_fields = (
        "name",
        "user",
        "organization",
        "hint",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # a token's secret is shown to its own user only

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token, user=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
