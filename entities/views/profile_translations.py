"""The organization's public profile in other languages (owners and managers)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.multilingual import normalize, safe_language_name, translation_of, versions_of

from .. import rules, services
from ..forms import ProfileTranslationForm
from ._common import get_organization, show_validation_error


@login_required
def profile_translations(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization(request, pk, rules.can_edit_organization)
    languages = services.profile_translation_languages(organization)
    editing = normalize(request.GET.get("language")) if request.GET.get("language") else ""
    row = translation_of(organization, editing) if editing else None
    form = ProfileTranslationForm(
        request.POST or None,
        initial={"language": editing, "profile": row.translated_profile if row else ""},
        languages=languages,
    )
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        try:
            saved = services.organization_profile_translation_save(
                organization=organization,
                language=language,
                profile=form.cleaned_data["profile"],
                by=request.user,
            )
        except ValidationError as exc:
            show_validation_error(request, exc, form)
        else:
            name = safe_language_name(language)
            if saved is None:
                messages.success(
                    request, _("The %(language)s version is removed.") % {"language": name}
                )
            else:
                messages.success(
                    request, _("The %(language)s version is saved.") % {"language": name}
                )
            return redirect("entities:profile_translations", organization.pk)
    return render(
        request,
        "entities/profile_translations.html",
        {"organization": organization, "form": form, "versions": versions_of(organization)},
    )
