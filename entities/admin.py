"""Operators' administration of people and organizations (the Django admin at /admin/)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .enums import VerificationStatus
from .models import (
    CapabilityDeclaration,
    CapabilityEvidence,
    EligibilityRecord,
    Invitation,
    Membership,
    Organization,
    RuleWaiver,
    User,
)
from .registry import uscc_region_code
from .selectors import capability_declarations, eligibility_facts


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_reviewer", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_reviewer", "is_active", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "preferred_language")}),
        (
            _("Access"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_reviewer",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined"]

    # Programme operators who are not superusers may flag reviewers and deactivate
    # accounts, but never hand out rights, edit staff accounts (their own included)
    # or set anybody's password: each of those would let them take over more.
    _SUPERUSER_ONLY = ["is_staff", "is_superuser", "groups", "user_permissions"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in self._SUPERUSER_ONLY if f not in fields]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and (obj.is_staff or obj.is_superuser):
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        # Accounts come from sign-up; only superusers create them here (e.g. operators).
        return request.user.is_superuser

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


class WaiverChecks(forms.ModelForm):
    """A waiver needs a written reason and an expiry that is not in the past (China time)."""

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError(
                _("Write down why the rule is waived; the organization and auditors see it.")
            )
        return reason

    def clean_expires_on(self):
        from django.utils import timezone

        value = self.cleaned_data.get("expires_on")
        if value and value < timezone.localdate():
            raise forms.ValidationError(
                _("The expiry date cannot be in the past. Choose today or a later date.")
            )
        return value


class WaiverInlineForm(WaiverChecks):
    class Meta:
        model = RuleWaiver
        fields = ["rule_code", "reason", "expires_on"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2, "cols": 40})}


def _waiver_status(waiver: RuleWaiver) -> str:
    from django.utils import timezone

    if waiver.pk is None:
        return "—"
    if waiver.revoked_at is not None:
        return _("revoked on %(day)s by %(who)s") % {
            "day": timezone.localdate(waiver.revoked_at).isoformat(),
            "who": waiver.revoked_by or "—",
        }
    if waiver.expires_on < timezone.localdate():
        return _("expired on %(day)s") % {"day": waiver.expires_on.isoformat()}
    return _("in force until %(day)s") % {"day": waiver.expires_on.isoformat()}


class WaiverInline(admin.TabularInline):
    """Waivers of an organization: add new ones here; revoke in Rule waivers (list action)."""

    model = RuleWaiver
    form = WaiverInlineForm
    extra = 0
    fields = ["rule_code", "reason", "expires_on", "granted_by", "granted_at", "status"]
    readonly_fields = ["granted_by", "granted_at", "status"]
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("rule waivers (to revoke one, open it)")

    def has_change_permission(self, request, obj=None):
        # A waiver is never edited: it is revoked and, if need be, granted anew.
        return False

    @admin.display(description=_("status"))
    def status(self, obj: RuleWaiver) -> str:
        return _waiver_status(obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        operator = request.user

        class WaiverFormSet(formset):
            def save_new(self, form, commit=True):
                # Through the service: it records who granted the waiver and when.
                return services.waiver_grant(
                    organization=self.instance,
                    rule_code=form.cleaned_data["rule_code"],
                    reason=form.cleaned_data["reason"],
                    expires_on=form.cleaned_data["expires_on"],
                    by=operator,
                )

        return WaiverFormSet


class VerificationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (VerificationStatus.VERIFIED, _("Verify: the registration documents are in order")),
            (VerificationStatus.REJECTED, _("Reject: the organization must correct its profile")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (sent to the organization; required when rejecting)"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == VerificationStatus.REJECTED
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Give the organization a reason for the rejection."))
        return cleaned


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = [
        "legal_name",
        "country",
        "institution_type",
        "registration_number",
        "verification_badge",
        "verification_requested_at",
    ]
    list_filter = ["verification_status", "country", "institution_type", "registry_status"]
    search_fields = ["legal_name", "local_name", "registration_number"]
    readonly_fields = [
        "verification_status",
        "verification_reason",
        "verification_requested_at",
        "verified_at",
        "verified_by",
        "created_at",
        "created_by",
        "uscc_hint",
    ]
    inlines = [MembershipInline, WaiverInline]
    actions = ["verify_selected"]
    fieldsets = (
        (
            _("Identity"),
            {
                "fields": (
                    "legal_name",
                    "local_name",
                    "institution_type",
                    "independent_legal_status",
                )
            },
        ),
        (
            _("Registration"),
            {
                "fields": (
                    "country",
                    "region",
                    "region_code",
                    "uscc_hint",
                    "registry",
                    "registration_number",
                    "registration_date",
                    "registry_status",
                )
            },
        ),
        (_("Contact"), {"fields": ("website", "contact_email", "address")}),
        (
            _("Verification"),
            {
                "fields": (
                    "verification_status",
                    "verification_reason",
                    "verification_requested_at",
                    "verified_at",
                    "verified_by",
                )
            },
        ),
        (_("Record"), {"fields": ("created_at", "created_by")}),
    )

    @admin.display(description=_("verification"), ordering="verification_status")
    def verification_badge(self, obj: Organization) -> str:
        url = reverse("admin:entities_organization_verify", args=[obj.pk])
        if obj.verification_status == VerificationStatus.PENDING:
            return format_html('<a href="{}"><b>{}</b></a>', url, _("Decide now"))
        return obj.get_verification_status_display()

    @admin.display(description=_("credit code region (characters 3–8)"))
    def uscc_hint(self, obj: Organization) -> str:
        hint = uscc_region_code(obj.registration_number) if obj.country == "CN" else ""
        if not hint:
            return "—"
        if obj.region_code and hint[:2] != obj.region_code[:2]:
            return format_html("<b style='color:#b3261e'>{} ≠ {}</b>", hint, obj.region_code)
        return hint

    def save_model(self, request, obj, form, change):
        if not change:
            raise ValidationError("Organizations are created by their members.")
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        services.organization_update(organization=obj, user=request.user, **fields)

    def has_add_permission(self, request):
        # Organizations are registered by their members, with a first owner.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/verify/",
                self.admin_site.admin_view(self.verify_view),
                name="entities_organization_verify",
            ),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["verify_url"] = reverse(
            "admin:entities_organization_verify", args=[object_id]
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def verify_view(self, request, pk: int):
        organization = get_object_or_404(Organization, pk=pk)
        if not self.has_change_permission(request, organization):
            return redirect("admin:index")
        form = VerificationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                if organization.verification_status != VerificationStatus.PENDING:
                    services.organization_set_verification(
                        organization=organization,
                        to=VerificationStatus.PENDING,
                        by=request.user,
                        reason=str(_("Reopened by an operator")),
                    )
                services.organization_set_verification(
                    organization=organization,
                    to=form.cleaned_data["decision"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("%(org)s: %(status)s. The owners have been told by e-mail.")
                    % {
                        "org": organization.legal_name,
                        "status": VerificationStatus(form.cleaned_data["decision"]).label,
                    },
                )
                return redirect("admin:entities_organization_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": organization,
            "organization": organization,
            "form": form,
            "facts": eligibility_facts([organization])[0],
            "declarations": capability_declarations(organization).values(),
            "history": organization.history.all()[:10],
            "title": _("Verify %(org)s") % {"org": organization.legal_name},
        }
        return render(request, "admin/entities/organization/verify.html", context)

    @admin.action(description=_("Verify the selected organizations (documents checked)"))
    def verify_selected(self, request, queryset):
        done = 0
        for organization in queryset.filter(verification_status=VerificationStatus.PENDING):
            services.organization_set_verification(
                organization=organization, to=VerificationStatus.VERIFIED, by=request.user
            )
            done += 1
        skipped = queryset.count() - done
        messages.info(
            request,
            _("%(done)s verified; %(skipped)s skipped (not awaiting verification).")
            % {"done": done, "skipped": skipped},
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


class WaiverAdminForm(WaiverChecks):
    class Meta:
        model = RuleWaiver
        fields = ["organization", "rule_code", "reason", "expires_on"]


class WaiverStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("in_force", _("in force or not yet expired")),
            ("expired", _("expired")),
            ("revoked", _("revoked")),
        ]

    def queryset(self, request, queryset):
        from django.utils import timezone

        today = timezone.localdate()
        if self.value() == "in_force":
            return queryset.filter(revoked_at__isnull=True, expires_on__gte=today)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_on__lt=today)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(RuleWaiver)
class RuleWaiverAdmin(SimpleHistoryAdmin):
    """Grant a waiver (add), revoke it (button on the waiver, or the list action). Never edited."""

    form = WaiverAdminForm
    list_display = ["organization", "rule_code", "status", "granted_by"]
    list_filter = [WaiverStatusFilter, "rule_code"]
    list_select_related = ["organization", "granted_by", "revoked_by"]
    search_fields = ["organization__legal_name", "reason"]
    autocomplete_fields = ["organization"]
    actions = ["revoke_selected"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "organization",
            "rule_code",
            "reason",
            "expires_on",
            "granted_by",
            "granted_at",
            "status",
        ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organization", "rule_code", "reason", "expires_on"]
        return self.get_readonly_fields(request, obj)

    @admin.display(description=_("status"))
    def status(self, obj: RuleWaiver) -> str:
        text = _waiver_status(obj)
        if obj.pk and obj.revoked_at is None:
            url = reverse("admin:entities_rulewaiver_revoke", args=[obj.pk])
            return format_html('{} · <a href="{}">{}</a>', text, url, _("revoke"))
        return text

    def save_model(self, request, obj, form, change):
        if change:
            return
        waiver = services.waiver_grant(
            organization=form.cleaned_data["organization"],
            rule_code=form.cleaned_data["rule_code"],
            reason=form.cleaned_data["reason"],
            expires_on=form.cleaned_data["expires_on"],
            by=request.user,
        )
        obj.pk = waiver.pk
        obj.granted_by = waiver.granted_by
        obj.granted_at = waiver.granted_at

    def has_change_permission(self, request, obj=None):
        # A waiver is never edited: it is revoked and, if need be, granted anew.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="entities_rulewaiver_revoke",
            ),
        ] + super().get_urls()

    def revoke_view(self, request, pk: int):
        waiver = get_object_or_404(RuleWaiver.objects.select_related("organization"), pk=pk)
        change_url = reverse("admin:entities_rulewaiver_change", args=[pk])
        if not self.has_view_permission(request, waiver) or not self.has_add_permission(request):
            return redirect("admin:index")
        if request.method == "POST":
            services.waiver_revoke(waiver=waiver, by=request.user)
            messages.success(
                request,
                _("The waiver of %(rule)s for %(org)s is revoked; reports no longer show it.")
                % {"rule": waiver.rule_code, "org": waiver.organization.legal_name},
            )
            return redirect(change_url)
        return render(
            request,
            "confirm.html",
            {
                "title": _("Revoke this waiver?"),
                "text": _(
                    "%(org)s: %(rule)s is no longer waived from now on. Reports already stored "
                    "keep the waiver they were made with."
                )
                % {"rule": waiver.rule_code, "org": waiver.organization.legal_name},
                "confirm_label": _("Revoke waiver"),
                "cancel_url": change_url,
                "danger": True,
            },
        )

    @admin.action(description=_("Revoke the selected waivers"))
    def revoke_selected(self, request, queryset):
        count = 0
        for waiver in queryset.filter(revoked_at__isnull=True):
            services.waiver_revoke(waiver=waiver, by=request.user)
            count += 1
        messages.success(request, _("%(n)s waiver(s) revoked.") % {"n": count})
