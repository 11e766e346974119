"""Rule waivers in /admin/: granted with a reason and an expiry, revoked, never edited."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.formats import format_date

from .. import services
from ..models import RuleWaiver


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
    if waiver.pk is None:
        return "—"
    if waiver.revoked_at is not None:
        return _("revoked on %(day)s by %(who)s") % {
            "day": format_date(waiver.revoked_at),
            "who": waiver.revoked_by or "—",
        }
    if waiver.expires_on < timezone.localdate():
        return _("expired on %(day)s") % {"day": format_date(waiver.expires_on)}
    return _("in force until %(day)s") % {"day": format_date(waiver.expires_on)}


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
