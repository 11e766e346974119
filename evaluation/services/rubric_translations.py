"""Translations of a rubric's criteria (names and guidance) into another language.

The criteria are written in the challenge's original language; the programme
office may add the same rubric in any other portal language so that reviewers
read it in theirs. Like the rubric itself, translations change only until the
first review is submitted. Each row keeps its history (simple_history).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from challenges.models import Challenge
from core.multilingual import normalize, safe_language_name
from entities.models import User
from entities.rules import is_operator

from .. import selectors
from ..enums import EventAction
from ..models import Criterion, CriterionTranslation
from ._common import _lock_panel, _log


def rubric_translation_languages(challenge: Challenge) -> list[tuple[str, str]]:
    """Every portal language except the original's."""
    original = normalize(challenge.original_language)
    return [(code, str(name)) for code, name in settings.LANGUAGES if code != original]


def _save_row(criterion: Criterion, language: str, name: str, guidance: str, by: User) -> bool:
    row = CriterionTranslation.objects.filter(master=criterion, language_code=language).first()
    if not name:
        if row is not None:
            row._history_user = by
            row.delete()
            return True
        return False
    row = row or CriterionTranslation(master=criterion, language_code=language)
    if row.pk is None or (row.translated_name, row.translated_guidance) != (name, guidance):
        row.translated_name, row.translated_guidance = name, guidance
        row.full_clean()
        row._history_user = by
        row.save()
        return True
    return False


@transaction.atomic
def rubric_translation_save(
    *,
    challenge: Challenge,
    language: str,
    rows: Mapping[int, Mapping[str, str]],
    by: User,
) -> int:
    """Write the `language` version of each criterion (`rows`: pk → name, guidance).

    An empty name removes that criterion's version. Returns how many rows changed.
    """
    if not is_operator(by):
        raise ValidationError(_("Only the programme office edits the rubric."))
    panel = _lock_panel(challenge)
    challenge = panel.challenge
    language = normalize(language)
    if language not in dict(rubric_translation_languages(challenge)):
        raise ValidationError(
            {"language": _("Choose a portal language other than the original's.")}
        )
    if selectors.rubric_is_locked(challenge):
        raise ValidationError(
            _("The rubric is locked: a reviewer has already submitted a review with it.")
        )
    criteria = {c.pk: c for c in Criterion.objects.filter(challenge=challenge)}
    changed = 0
    for pk, texts in rows.items():
        criterion = criteria.get(int(pk))
        if criterion is None:
            raise ValidationError(_("The rubric has changed meanwhile; open it again."))
        name = str(texts.get("name") or "").strip()
        guidance = str(texts.get("guidance") or "").strip()
        changed += _save_row(criterion, language, name, guidance, by)
    if changed:
        reason = _("Rubric translated: %(language)s") % {"language": safe_language_name(language)}
        _log(challenge, EventAction.RUBRIC_CHANGED, by=by, reason=reason)
    return changed
