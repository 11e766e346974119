"""Organizations in /admin/: the verification desk, members and waivers of each."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .. import services
from ..enums import VerificationStatus
from ..models import Membership, Organization
from ..registry import uscc_region_code
from ..selectors import capability_declarations, eligibility_facts
from .waivers import WaiverInline


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


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
