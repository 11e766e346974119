from __future__ import annotations

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.formats import format_list

from .enums import MembershipRole
from .files import ACCEPT_ATTRIBUTE, inspect_upload
from .models import Organization
from .regions import is_valid_cn_region_code
from .registry import REGISTRIES, RegistrationNumberError, registries_for, uscc_region_code
from .selectors import registration_number_taken


def _formfield(db_field, **kwargs):
    # A website typed without a scheme means https:// (Django 6's default, asked for now).
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class OrganizationForm(forms.ModelForm):
    """The organization profile, with registration numbers checked per registry."""

    sections = (
        (
            _("Identity"),
            ("legal_name", "local_name", "institution_type", "independent_legal_status"),
        ),
        (
            _("Registration"),
            (
                "country",
                "registry",
                "registration_number",
                "registration_date",
                "registry_status",
                "region",
                "region_code",
            ),
        ),
        (_("Contact"), ("website", "contact_email", "address")),
        (_("Public profile"), ("profile", "profile_language")),
    )

    class Meta:
        model = Organization
        formfield_callback = _formfield
        fields = [
            "legal_name",
            "local_name",
            "institution_type",
            "independent_legal_status",
            "country",
            "registry",
            "registration_number",
            "registration_date",
            "registry_status",
            "region",
            "region_code",
            "website",
            "contact_email",
            "address",
            "profile",
            "profile_language",
        ]
        widgets = {
            "registration_date": forms.DateInput(attrs={"type": "date"}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "profile": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_profile_language(self) -> str:
        return self.cleaned_data.get("profile_language") or self.instance.profile_language or "en"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []
        self.fields["registry"].required = False
        # Optional on the form: the profile keeps its language (English for a new one).
        self.fields["profile_language"].required = False
        self.fields["registry"].help_text = _(
            "Chosen for you from the country where there is only one registry."
        )
        self.fields["registration_number"].help_text = _(
            "As printed on the registration certificate. Spaces and dots are ignored."
        )
        # Let the registry <select> be filtered by country in the browser.
        self.fields["registry"].widget.attrs["data-registry-select"] = "1"
        self.registry_countries = {code: r.country for code, r in REGISTRIES.items()}

    def _check_unique(self, country_code: str, number: str) -> None:
        # Said next to the field, not as the model constraint's generic form-level error.
        if registration_number_taken(country_code, number, exclude_pk=self.instance.pk):
            if self.instance.pk is None:
                message = _(
                    "An organization with this registration number is already on the portal. "
                    "Ask one of its owners to invite you."
                )
            else:
                message = _("Another organization already uses this registration number.")
            self.add_error("registration_number", message)

    def clean_registration_date(self):
        value = self.cleaned_data["registration_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of registration cannot be in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("country")
        country_code = getattr(country, "code", country) or ""
        if not country_code:
            return cleaned
        registry_code = self._clean_registry(cleaned.get("registry") or "", country_code)
        if registry_code is None:
            return cleaned
        cleaned["registry"] = registry_code
        number = cleaned.get("registration_number") or ""
        if number:
            checked = self._clean_registration_number(REGISTRIES[registry_code], number)
            if checked is not None:
                cleaned["registration_number"] = checked
                self._check_unique(country_code, checked)
        cleaned["region_code"] = self._clean_region_code(
            (cleaned.get("region_code") or "").strip(),
            country_code,
            cleaned.get("registration_number") or "",
        )
        return cleaned

    def _clean_registry(self, registry_code: str, country_code: str) -> str | None:
        """The registry of the country (chosen when there is only one), None if wrong."""
        accepted = registries_for(country_code)
        if registry_code in {r.code for r in accepted}:
            return registry_code
        if len(accepted) == 1 or not registry_code:
            return accepted[0].code
        self.add_error(
            "registry",
            _("For this country choose one of: %(list)s.")
            % {"list": format_list(str(r.label) for r in accepted)},
        )
        return None

    def _clean_registration_number(self, registry, number: str) -> str | None:
        """The number in the registry's canonical form, None (with an error) if invalid."""
        try:
            return registry.check(number)
        except RegistrationNumberError as exc:
            self.add_error(
                "registration_number",
                _(
                    "This %(registry)s is not valid: %(problem)s. Expected %(format)s, "
                    "for example %(example)s."
                )
                % {
                    "registry": registry.label,
                    "problem": exc.message,
                    "format": registry.format,
                    "example": registry.example,
                },
            )
            return None

    def _clean_region_code(self, region_code: str, country_code: str, number: str) -> str:
        """Chinese organizations need a valid division code; elsewhere it is optional."""
        if country_code != "CN":
            if region_code and not (region_code.isalnum() and len(region_code) <= 6):
                self.add_error("region_code", _("Use at most 6 letters or digits."))
            return region_code
        if not region_code:
            self.add_error(
                "region_code",
                _(
                    "Chinese organizations need the 6-digit administrative division code, "
                    "e.g. 450100 for Nanning."
                ),
            )
        elif not is_valid_cn_region_code(region_code):
            self.add_error(
                "region_code",
                _("Enter a 6-digit administrative division code, e.g. 450100 for Nanning."),
            )
        else:
            self._warn_about_region_mismatch(region_code, number)
        return region_code

    def _warn_about_region_mismatch(self, region_code: str, number: str) -> None:
        hint = uscc_region_code(number)
        if hint and hint[:2] != region_code[:2]:
            self.warnings.append(
                str(
                    _(
                        "Characters 3–8 of the credit code (%(hint)s) point to another "
                        "province than the declared region code %(code)s. The declared "
                        "region decides; the operators will check it."
                    )
                    % {"hint": hint, "code": region_code}
                )
            )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.EDITOR
    )

    def __init__(self, *args, allowed_roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_roles is not None:
            self.fields["role"].choices = [
                c for c in MembershipRole.choices if c[0] in allowed_roles
            ]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class SecondFactorPolicyForm(forms.Form):
    require_second_factor = forms.BooleanField(
        label=_("Require a second factor of everyone working for this organization"),
        help_text=_(
            "Members without an authenticator app or a passkey are asked to set one up "
            "before they can go on using the portal. This includes you."
        ),
        required=False,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once, each checked for type (from the content) and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        checked = []
        errors = []
        for upload in files:
            upload = super().clean(upload, initial)
            if not upload:
                continue
            try:
                checked.append((upload, inspect_upload(upload)))
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return checked


class CapabilityForm(forms.Form):
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000
    )
    files = MultipleFileField(
        label=_("Evidence files"),
        help_text=_("PDF, images or office documents, up to 20 MB each."),
    )

    def clean_description(self):
        value = self.cleaned_data["description"].strip()
        if len(value) < 20:
            raise forms.ValidationError(
                _("Describe it in a few sentences (at least 20 characters).")
            )
        return value


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ProfileTranslationForm(forms.Form):
    """The public profile in one more language; an empty text removes that version."""

    language = forms.ChoiceField(
        label=_("Language of this version"),
        help_text=_(
            "An English or Chinese version is especially welcome: most Guangxi teams and "
            "reviewers read one of them first."
        ),
    )
    profile = forms.CharField(
        label=_("Public profile in this language"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Leave empty to remove this language version."),
    )

    def __init__(self, *args, languages: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "—")] + languages
