"""The programme office's page for the rubric in another language."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.multilingual import normalize, safe_language_name

from .. import rules, selectors, services
from ..translation_forms import RubricTranslationForm
from ._common import operator_challenge_or_404, show_errors


def _language(request: HttpRequest, languages: list[tuple[str, str]]) -> str:
    asked = normalize(request.POST.get("language") or request.GET.get("language") or "")
    codes = [code for code, _name in languages]
    if asked in codes:
        return asked
    return "en" if "en" in codes else codes[0]


@login_required
def rubric_translations(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = operator_challenge_or_404(request, pk)
    if selectors.panel_of(challenge) is None:
        messages.info(request, _("Set up the review panel first."))
        return redirect("evaluation:operator_challenge", challenge.pk)
    languages = services.rubric_translation_languages(challenge)
    language = _language(request, languages)
    criteria = selectors.rubric(challenge)
    locked = selectors.rubric_is_locked(challenge) or not rules.can_manage_panel(
        request.user, challenge
    )
    form = RubricTranslationForm(request.POST or None, criteria=criteria, language=language)
    if request.method == "POST" and not locked and form.is_valid():
        try:
            services.rubric_translation_save(
                challenge=challenge, language=language, rows=form.rows(), by=request.user
            )
        except ValidationError as exc:
            show_errors(request, exc, form)
        else:
            messages.success(
                request,
                _("The rubric in %(language)s is saved.")
                % {"language": safe_language_name(language)},
            )
            url = reverse("evaluation:rubric_translations", args=[challenge.pk])
            return redirect(f"{url}?language={language}")
    return render(
        request,
        "evaluation/rubric_translations.html",
        {
            "challenge": challenge,
            "form": form,
            "locked": locked,
            "language": language,
            "language_name": safe_language_name(language),
            "original_name": safe_language_name(normalize(challenge.original_language)),
            "languages": languages,
            "criteria": criteria,
        },
    )
