"""Adding, changing and removing the translations of a challenge's public text.

The original stays in the challenge's own columns; each translation is a
`ChallengeTranslation` row (django-parler) with its own history. Only a draft's
text can change, so translations follow the same rule (`rules.can_edit_challenge`
for the user, the state check here under the row lock). The search vector is
rebuilt after every change, once the transaction commits.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.multilingual import normalize, safe_language_name

from .enums import ChallengeState
from .models import TRANSLATED_FIELDS, Challenge, ChallengeTranslation
from .search import update_search_vector


def translation_languages(challenge: Challenge) -> list[tuple[str, str]]:
    """The languages a translation may be added in: every UI language but the original's."""
    original = normalize(challenge.original_language)
    return [(code, str(name)) for code, name in settings.LANGUAGES if code != original]


def _locked_draft(challenge: Challenge) -> Challenge:
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if locked.state != ChallengeState.DRAFT:
        raise ValidationError(
            _("Translations can only change while the challenge is a draft. It is “%(state)s”.")
            % {"state": locked.get_state_display()}
        )
    return locked


def _check_language(challenge: Challenge, language: str) -> str:
    language = normalize(language)
    if language not in dict(translation_languages(challenge)):
        if language == normalize(challenge.original_language):
            raise ValidationError(
                {
                    "language": _(
                        "This is the language of the original text; edit the draft instead."
                    )
                }
            )
        raise ValidationError({"language": _("Choose one of the portal's languages.")})
    return language


@transaction.atomic
def challenge_translation_save(
    *, challenge: Challenge, language: str, by: AbstractBaseUser, **texts: str
) -> ChallengeTranslation:
    """Add the `language` version of a draft challenge's text, or replace it."""
    locked = _locked_draft(challenge)
    language = _check_language(locked, language)
    unknown = set(texts) - set(TRANSLATED_FIELDS)
    if unknown:
        raise ValueError(f"not translatable: {sorted(unknown)}")
    row = ChallengeTranslation.objects.filter(master=locked, language_code=language).first()
    row = row or ChallengeTranslation(master=locked, language_code=language)
    for field in TRANSLATED_FIELDS:
        setattr(row, f"translated_{field}", (texts.get(field) or "").strip())
    row.full_clean()
    row._change_reason = "translation saved"
    row._history_user = by
    row.save()
    transaction.on_commit(lambda: update_search_vector(locked.pk))
    return row


@transaction.atomic
def challenge_translation_delete(
    *, challenge: Challenge, language: str, by: AbstractBaseUser
) -> None:
    """Remove the `language` version of a draft challenge's text (history keeps it)."""
    locked = _locked_draft(challenge)
    row = ChallengeTranslation.objects.filter(
        master=locked, language_code=normalize(language)
    ).first()
    if row is None:
        raise ValidationError(
            _("There is no %(language)s version to remove.")
            % {"language": safe_language_name(normalize(language))}
        )
    row._change_reason = "translation removed"
    row._history_user = by
    row.delete()
    transaction.on_commit(lambda: update_search_vector(locked.pk))
