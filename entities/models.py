"""People and organizations (the tenants), their memberships and declared capabilities."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, Group, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from parler.fields import TranslationsForeignKey
from parler.models import TranslatableModelMixin, TranslatedFieldsModel
from simple_history.models import HistoricalRecords

from .enums import (
    CapabilityKey,
    EligibilityRole,
    InstitutionType,
    InvitationStatus,
    MembershipRole,
    RegistryStatus,
    RuleCode,
    VerificationStatus,
)
from .files import StoredFile
from .registry import registry_choices


# --------------------------------------------------------------------------- users
class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with an e-mail address; may belong to several organizations."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    is_staff = models.BooleanField(
        _("programme operator"),
        default=False,
        help_text=_("Operators (programme office staff) may use the administration site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_reviewer = models.BooleanField(
        _("reviewer"),
        default=False,
        help_text=_("Reviewers may use the review panel for the bids assigned to them."),
    )
    is_demo = models.BooleanField(default=False, editable=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]


# --------------------------------------------------------------------------- organizations
class Organization(TranslatableModelMixin, models.Model):
    """A legal entity taking part in the programme; the unit of tenancy.

    Its public `profile` is written in `profile_language`; other language
    versions are `OrganizationTranslation` rows (core/multilingual.py).
    """

    legal_name = models.CharField(
        _("legal name (English)"),
        max_length=255,
        help_text=_("As on the registration certificate, in English or romanised."),
    )
    local_name = models.CharField(
        _("name in the local language"),
        max_length=255,
        blank=True,
        help_text=_("e.g. 广西人工智能研究院 or Viện Nghiên cứu Lúa"),
    )
    country = CountryField(_("country of registration"))
    region = models.CharField(_("region / province"), max_length=120, blank=True)
    region_code = models.CharField(
        _("region code"),
        max_length=6,
        blank=True,
        help_text=_(
            "For China: the 6-digit administrative division code, e.g. 450100 for Nanning."
        ),
    )
    institution_type = models.CharField(
        _("type of institution"), max_length=32, choices=InstitutionType.choices
    )
    independent_legal_status = models.BooleanField(
        _("independent legal person"),
        default=True,
        help_text=_(
            "Untick for a branch office, a representative office or an individual business."
        ),
    )
    registry = models.CharField(_("registry"), max_length=32, choices=registry_choices())
    registration_number = models.CharField(_("registration number"), max_length=64)
    registration_date = models.DateField(_("date of registration"))
    registry_status = models.CharField(
        _("registry status"),
        max_length=16,
        choices=RegistryStatus.choices,
        default=RegistryStatus.ACTIVE,
    )
    website = models.URLField(_("website"), blank=True)
    address = models.TextField(_("postal address"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    profile = models.TextField(
        _("public profile"),
        blank=True,
        max_length=2000,
        help_text=_(
            "A paragraph shown beside your challenges and bids: what your organization does "
            "and for whom."
        ),
    )
    profile_language = models.CharField(
        _("language of the profile"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    verification_status = models.CharField(
        _("verification"),
        max_length=16,
        choices=VerificationStatus.choices,
        default=VerificationStatus.UNVERIFIED,
    )
    verification_reason = models.TextField(_("reason given by the operator"), blank=True)
    verification_requested_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    require_second_factor = models.BooleanField(
        _("members must use a second factor"),
        default=False,
        help_text=_(
            "When on, members working for this organization must sign in with an "
            "authenticator app or a passkey as well as their password."
        ),
    )

    members_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="organization", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "registration_number"], name="org_unique_registration"
            )
        ]
        indexes = [models.Index(fields=["verification_status"])]

    def __str__(self) -> str:
        return self.legal_name

    def get_original_language(self) -> str:
        return self.profile_language

    @property
    def display_name(self) -> str:
        if self.local_name and self.local_name != self.legal_name:
            return f"{self.legal_name} ({self.local_name})"
        return self.legal_name

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED

    @property
    def is_guangxi(self) -> bool:
        return self.country.code == "CN" and self.region_code.startswith("45")


class OrganizationTranslation(TranslatedFieldsModel):
    """The public profile of an organization in one more language (django-parler row)."""

    master = TranslationsForeignKey(
        Organization, on_delete=models.CASCADE, related_name="translations"
    )
    translated_profile = models.TextField(_("public profile"), max_length=2000, db_column="profile")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization profile translation")
        verbose_name_plural = _("organization profile translations")
        unique_together = [("language_code", "master")]


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__legal_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"

    @property
    def rank(self) -> int:
        return MembershipRole.rank(self.role)


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """An invitation to join an organization; works for people without an account yet."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole.choices)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    status = models.CharField(
        max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    responded_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organization",
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.status == InvitationStatus.PENDING and not self.is_expired


# --------------------------------------------------------------------------- capabilities
class CapabilityDeclaration(models.Model):
    """What an organization brings: scenarios, data, facilities… each backed by evidence."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="capabilities"
    )
    key = models.CharField(_("capability"), max_length=48, choices=CapabilityKey.choices)
    description = models.TextField(_("description"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("capability declaration")
        verbose_name_plural = _("capability declarations")
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="capability_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.get_key_display()}"


class CapabilityEvidence(StoredFile):
    declaration = models.ForeignKey(
        CapabilityDeclaration, on_delete=models.CASCADE, related_name="evidence"
    )

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at"]


# --------------------------------------------------------------------------- eligibility records
class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Eligibility records cannot be changed.")

    def delete(self):
        raise PermissionError("Eligibility records cannot be deleted.")


class EligibilityRecord(models.Model):
    """A snapshot of an eligibility report, taken at submission time. Never edited."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="eligibility_records"
    )
    subject_name = models.CharField(max_length=255)
    role = models.CharField(max_length=16, choices=EligibilityRole.choices)
    ruleset = models.CharField(_("rule set"), max_length=16)
    on_date = models.DateField(_("submission date (Asia/Shanghai)"))
    evaluated_at = models.DateTimeField(_("evaluated at"), default=timezone.now)
    eligible = models.BooleanField()
    report = models.JSONField()
    context = models.CharField(max_length=120, blank=True, help_text="e.g. challenge:12, bid:7")

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("eligibility record")
        verbose_name_plural = _("eligibility records")
        ordering = ["-evaluated_at"]

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.role} · {self.on_date}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Eligibility records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Eligibility records cannot be deleted.")

    @property
    def results(self) -> list[dict]:
        return self.report.get("results", [])

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.results if not r.get("passed")]


class RuleWaiver(models.Model):
    """An operator's reasoned override of one rule for one organization, until a date."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="waivers")
    rule_code = models.CharField(_("rule"), max_length=48, choices=RuleCode.choices)
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    expires_on = models.DateField(_("valid until (inclusive)"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rule waiver")
        verbose_name_plural = _("rule waivers")
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.rule_code} waived for {self.organization} until {self.expires_on}"

    def is_active_on(self, day: date) -> bool:
        return (
            self.revoked_at is None
            and timezone.localdate(self.granted_at) <= day <= self.expires_on
        )


# --------------------------------------------------------------------------- privacy
class PrivacyConsent(models.Model):
    """A person accepted a version of the privacy notice (at sign-up, or again when it changed)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="privacy_consents")
    version = models.CharField(_("privacy notice version"), max_length=32)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        verbose_name = _("privacy consent")
        verbose_name_plural = _("privacy consents")
        ordering = ["-accepted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="privacy_consent_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.version}"
