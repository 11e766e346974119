"""The owner's page of a challenge's language versions: add, edit, remove a translation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.multilingual import normalize, safe_language_name, translation_of, versions_of

from .. import multilingual, rules
from ..forms import ChallengeTranslationForm
from ..models import TRANSLATED_FIELDS, Challenge
from ._common import challenge_or_404, error_messages


def _editable_challenge(request: HttpRequest, pk: int) -> Challenge:
    challenge = challenge_or_404(request, pk, rules.can_view_challenge_internals)
    if not rules.can_edit_challenge(request.user, challenge):
        raise Http404
    return challenge


def _initial(challenge: Challenge, language: str) -> dict[str, str]:
    row = translation_of(challenge, language) if language else None
    if row is None:
        return {"language": language}
    return {"language": language} | {f: getattr(row, f"translated_{f}") for f in TRANSLATED_FIELDS}


@login_required
def challenge_translations(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _editable_challenge(request, pk)
    languages = multilingual.translation_languages(challenge)
    editing = normalize(request.GET.get("language", "")) if request.GET.get("language") else ""
    form = ChallengeTranslationForm(
        request.POST or None, initial=_initial(challenge, editing), languages=languages
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        language = data.pop("language")
        try:
            multilingual.challenge_translation_save(
                challenge=challenge, language=language, by=request.user, **data
            )
        except ValidationError as exc:
            error_messages(request, exc, form)
        else:
            messages.success(
                request,
                _("The %(language)s version is saved.")
                % {"language": safe_language_name(language)},
            )
            return redirect("challenges:translations", challenge.pk)
    return render(
        request,
        "challenges/translations.html",
        {
            "challenge": challenge,
            "form": form,
            "editing": editing,
            "versions": versions_of(challenge),
        },
    )


@login_required
def challenge_translation_delete(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    challenge = _editable_challenge(request, pk)
    if translation_of(challenge, language) is None:
        raise Http404
    name = safe_language_name(normalize(language))
    back = reverse("challenges:translations", args=[challenge.pk])
    if request.method == "POST":
        try:
            multilingual.challenge_translation_delete(
                challenge=challenge, language=language, by=request.user
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(
                request, _("The %(language)s version is removed.") % {"language": name}
            )
        return redirect(back)
    return render(
        request,
        "confirm.html",
        {
            "title": _("Remove the %(language)s version?") % {"language": name},
            "text": _(
                "Readers of %(language)s will see the original text instead. "
                "The removed version stays in the challenge's history."
            )
            % {"language": name},
            "confirm_label": _("Remove this version"),
            "cancel_url": back,
            "danger": True,
        },
    )
