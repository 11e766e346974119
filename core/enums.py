"""The audit trail's fixed action codes (state changes add "<machine>.<action>" codes)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """What an audit entry records; transitions use "<machine>.<action>" (e.g. "bid.submit")."""

    LOGIN = "auth.login", _("Signed in")
    LOGIN_FAILED = "auth.login_failed", _("Sign-in failed")
    LOGOUT = "auth.logout", _("Signed out")
    MFA_ADDED = "mfa.added", _("Second factor added")
    MFA_REMOVED = "mfa.removed", _("Second factor removed")
    MFA_RESET = "mfa.reset", _("Recovery codes regenerated")
    MEMBERSHIP_ADDED = "membership.added", _("Member added")
    MEMBERSHIP_ROLE_CHANGED = "membership.role_changed", _("Member's role changed")
    MEMBERSHIP_REMOVED = "membership.removed", _("Member removed")
    GROUPS_CHANGED = "permission.groups_changed", _("Groups changed")
    PERMISSIONS_CHANGED = "permission.permissions_changed", _("Permissions changed")
    STAFF_CHANGED = "permission.staff_changed", _("Staff, superuser or reviewer access changed")
    WAIVER_GRANTED = "waiver.granted", _("Eligibility waiver granted")
    WAIVER_REVOKED = "waiver.revoked", _("Eligibility waiver revoked")
    FILE_DOWNLOADED = "file.downloaded", _("Confidential file downloaded")
    EXPORT_DOWNLOADED = "export.downloaded", _("Export downloaded")
    AUDIT_EXPORTED = "audit.exported", _("Audit trail exported")
    CONSENT_GIVEN = "privacy.consent", _("Privacy notice accepted")
    DATA_EXPORTED = "privacy.data_exported", _("Personal data downloaded")
    ACCOUNT_DELETED = "privacy.account_deleted", _("Account deleted")
    RETENTION_PURGED = "privacy.retention_purged", _("Retention clean-up")
